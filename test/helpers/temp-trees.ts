import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

/** A throwaway directory tree from an inline {path: text} map; remove() cleans it up. */
export function tempTree(files: Record<string, string>): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'imageform-config-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Registers an afterEach that removes the trees made during each test; returns the maker, which gives a tree's
 * root. Call it at the top of a test file (or a describe block).
 */
export function useTempTrees(): (files: Record<string, string>) => string {
  const removals: (() => void)[] = [];
  afterEach(() => {
    while (removals.length > 0) removals.pop()!();
  });
  return (files) => {
    const tree = tempTree(files);
    removals.push(tree.remove);
    return tree.root;
  };
}
