import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imageDoc, readState, removeDir, runCli, writeFiles } from '../helpers/e2e.js';

/**
 * Two providers of one cloud (DESIGN.md §3): each document names its provider, each provider is its own embedded
 * IBM emulator (its cloud in .imageform/cloud-NAME.json), `plan --json` names the provider of each change, and a
 * document moved to another provider is replaced there.
 */
const SETTINGS =
  'providers:\n  a:\n    type: ibm-vpc\n    embedded: true\n  b:\n    type: ibm-vpc\n    embedded: true\n';

function onProvider(document: string, provider: string): string {
  return document.replace(/^(name: .*)$/m, `$1\nprovider: ${provider}`);
}

const EXPORT_ON_B =
  'kind: image_export_job\nname: mp-right-export\nprovider: b\nspec:\n  image: ${image.mp-right.id}\n  storage_bucket:\n    name: mp-exports\n';

async function imageNames(dir: string, provider: string): Promise<string[]> {
  const cloud = JSON.parse(await readFile(join(dir, '.imageform', `cloud-${provider}.json`), 'utf8'));
  // A deleted image stays in the file with its removal time until the emulator next writes: it is gone.
  const images: { name: string; deleting_at?: number }[] = Object.values(cloud.images ?? {});
  return images
    .filter((image) => image.deleting_at === undefined)
    .map((image) => image.name)
    .sort();
}

describe('several providers', () => {
  it('applies documents to each provider, names the provider in plan --json, and replaces a moved document', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imageform-providers-'));
    try {
      await writeFiles(dir, {
        'imageform.yaml': SETTINGS,
        'left.yaml': onProvider(imageDoc('mp-left'), 'a'),
        'right.yaml': `${onProvider(imageDoc('mp-right'), 'b')}---\n${EXPORT_ON_B}`,
      });

      const planned = await runCli(['plan', '--json'], { cwd: dir });
      expect(planned.stderr).toBe('');
      const plan = JSON.parse(planned.stdout);
      expect(
        plan.changes.map((change: { address: string; provider: string }) => [change.address, change.provider]),
      ).toEqual([
        ['image.mp-left', 'a'],
        ['image.mp-right', 'b'],
        ['image_export_job.mp-right-export', 'b'],
      ]);

      const applied = await runCli(['apply', '--auto-approve'], { cwd: dir });
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect(applied.stdout).toContain('Apply complete! Resources: 3 added, 0 changed, 0 replaced, 0 destroyed.');
      expect(await imageNames(dir, 'a')).toEqual(['mp-left']);
      expect(await imageNames(dir, 'b')).toEqual(['mp-right']);
      const state = await readState(dir);
      expect(state.resources['image.mp-left'].provider).toBe('a');
      expect(state.resources['image.mp-right'].provider).toBe('b');
      expect(state.resources['image_export_job.mp-right-export'].provider).toBe('b');

      const clean = await runCli(['plan', '--detailed-exitcode'], { cwd: dir });
      expect(clean.stdout).toContain('No changes.');
      expect(clean.code).toBe(0);

      // Moved to provider b: a new image there, and the old one in a deleted.
      await writeFiles(dir, { 'left.yaml': onProvider(imageDoc('mp-left'), 'b') });
      const moved = JSON.parse((await runCli(['plan', '--json'], { cwd: dir })).stdout);
      expect(moved.changes).toEqual([
        expect.objectContaining({
          address: 'image.mp-left',
          provider: 'b',
          action: 'replace',
          reason: 'moves from provider "a" to "b"',
        }),
      ]);
      const reapplied = await runCli(['apply', '--auto-approve'], { cwd: dir });
      expect(reapplied.code).toBe(0);
      expect(reapplied.stdout).toContain('Apply complete! Resources: 0 added, 0 changed, 1 replaced, 0 destroyed.');
      expect(await imageNames(dir, 'a')).toEqual([]);
      expect(await imageNames(dir, 'b')).toEqual(['mp-left', 'mp-right']);
      expect((await readState(dir)).resources['image.mp-left'].provider).toBe('b');
      expect((await runCli(['plan', '--detailed-exitcode'], { cwd: dir })).code).toBe(0);

      const destroyed = await runCli(['destroy', '--auto-approve'], { cwd: dir });
      expect(destroyed.code).toBe(0);
      expect(await imageNames(dir, 'b')).toEqual([]);
    } finally {
      await removeDir(dir);
    }
  });
});
