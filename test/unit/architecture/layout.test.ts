import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderOf, sourceImports, SRC } from './import-graph.js';

/**
 * DESIGN.md §6-§7: the engine knows clouds only through interfaces, and each emulator is an independent model of
 * its cloud. These read the import statements of src/, so a change that breaks the layout fails here.
 */
const imports = sourceImports();
const NEUTRAL = ['engine', 'core', 'config'];

describe('the provider-neutral core', () => {
  it('src/engine, src/core and src/config import nothing from src/clouds or src/app', () => {
    const crossing = imports.filter(
      (found) =>
        found.relative &&
        NEUTRAL.includes(folderOf(found.from)) &&
        (found.to.startsWith('clouds/') || found.to.startsWith('app/')),
    );
    expect(crossing.map((found) => `${found.from} -> ${found.to}`)).toEqual([]);
  });

  it('src/core imports no other folder of src/', () => {
    const outside = imports.filter(
      (found) => found.relative && folderOf(found.from) === 'core' && folderOf(found.to) !== 'core',
    );
    expect(outside.map((found) => `${found.from} -> ${found.to}`)).toEqual([]);
  });

  it('names no cloud in the engine, core or config except in comments', () => {
    const words = /ibm|IBM|r006|cos:\/\/|catalog_offering|export_job/;
    const offending: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.tsx?$/.test(name)) {
          const code = stripComments(readFileSync(path, 'utf8'));
          code.split('\n').forEach((line, index) => {
            if (words.test(line)) offending.push(`${path.slice(SRC.length)}:${index + 1}: ${line.trim()}`);
          });
        }
      }
    };
    for (const folder of NEUTRAL) walk(join(SRC, folder));
    expect(offending).toEqual([]);
  });
});

describe('the emulators are independent models of their clouds', () => {
  const emulatorFolders = [...new Set(imports.map((found) => folderOf(found.from)))].filter((folder) =>
    folder.endsWith('/emulator'),
  );

  it('there is an emulator for ibm-vpc', () => {
    expect(emulatorFolders).toContain('clouds/ibm-vpc/emulator');
  });

  it('there is an emulator for openstack-glance and one for alibaba-ecs', () => {
    expect(emulatorFolders).toContain('clouds/openstack-glance/emulator');
    expect(emulatorFolders).toContain('clouds/alibaba-ecs/emulator');
  });

  it("each cloud's emulator imports only its own folder and src/emulator-kit", () => {
    const outside = imports.filter(
      (found) =>
        found.relative &&
        folderOf(found.from).endsWith('/emulator') &&
        folderOf(found.to) !== folderOf(found.from) &&
        folderOf(found.to) !== 'emulator-kit',
    );
    expect(outside.map((found) => `${found.from} -> ${found.to}`)).toEqual([]);
  });

  it('src/emulator-kit imports nothing else of src/', () => {
    const outside = imports.filter(
      (found) => found.relative && folderOf(found.from) === 'emulator-kit' && folderOf(found.to) !== 'emulator-kit',
    );
    expect(outside.map((found) => `${found.from} -> ${found.to}`)).toEqual([]);
  });
});

describe('folders of src/', () => {
  it('have no import cycle between them', () => {
    const edges = new Map<string, Set<string>>();
    for (const found of imports) {
      if (!found.relative) continue;
      const from = folderOf(found.from);
      const to = folderOf(found.to);
      if (from === to) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
    expect(findCycle(edges)).toBeUndefined();
  });
});

/** A cycle as "a -> b -> a", or undefined. */
export function findCycle(edges: ReadonlyMap<string, ReadonlySet<string>>): string | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...path.slice(path.indexOf(node)), node].join(' -> ');
    state.set(node, 'visiting');
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of [...edges.keys()].sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

function stripComments(code: string): string {
  return code
    .replace(/\/\*[\s\S]*?\*\//g, (block) => block.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}
