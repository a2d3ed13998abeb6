import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalStateBackend } from '../../src/state/local.js';
import {
  collect,
  expectCleanPlan,
  imageCountsByName,
  imagesFile,
  removeDir,
  runCli,
  setFaults,
  spawnCli,
  until,
  useCloud,
  workspace,
  killedRequestsFinished,
} from '../helpers/e2e.js';

/**
 * The built CLI against the emulator, with a state large enough that an apply writes through the journal
 * (DESIGN.md §5, §9): a kill -9 mid-apply loses nothing the journal holds, and the next apply settles it.
 */
const { cloud } = useCloud();
// An image's entry is ~0.7 KB: the journal starts once ~90 are recorded, and the kill comes ten records later.
const COUNT = 200;

function recordedNames(resources: Record<string, any>): string[] {
  return Object.values(resources).map((entry) => entry.intent?.name ?? entry.attributes?.name);
}

async function journalLines(path: string): Promise<number> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').length - 1;
}

describe('kill -9 during an apply that writes through the journal', () => {
  it('loses nothing, makes no twin, and leaves state.json alone once the next apply ends', async () => {
    const dir = await workspace(cloud, { 'images.yaml': imagesFile('jc', COUNT) });
    const journal = join(dir, '.imageform', 'state.journal');
    try {
      // Slow every request a little so the apply is still running when it is killed.
      await setFaults(cloud, { latency_ms: 20 });
      const child = spawnCli(['apply', '--auto-approve', '--parallelism', '4'], { cwd: dir, cloud });
      const done = collect(child);
      await until(async () => (await journalLines(journal)) >= 10, 'the journal to hold ten records', undefined, 5);
      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
      await setFaults(cloud, {});
      await killedRequestsFinished(cloud);

      // The document on disk lags behind; the journal beside it holds the rest, and every reader folds it in.
      const onDisk = JSON.parse(await readFile(join(dir, '.imageform', 'state.json'), 'utf8'));
      const folded = await new LocalStateBackend(dir).read();
      expect(folded.serial).toBeGreaterThan(onDisk.serial);
      const partial = await imageCountsByName(cloud, 'jc-');
      expect(partial.size).toBeLessThan(COUNT);
      expect(recordedNames(folded.resources)).toEqual(expect.arrayContaining([...partial.keys()]));

      const again = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
      expect(again.code, again.stderr).toBe(0);
      const counts = await imageCountsByName(cloud, 'jc-');
      expect(counts.size).toBe(COUNT);
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
      // At rest: the journal folded away, state.json alone is the state.
      expect((await readdir(join(dir, '.imageform'))).sort()).toEqual(['.gitignore', 'state.json']);
      const atRest = JSON.parse(await readFile(join(dir, '.imageform', 'state.json'), 'utf8'));
      expect(Object.keys(atRest.resources)).toHaveLength(COUNT);
      expect((await stat(join(dir, '.imageform', 'state.json'))).mode & 0o777).toBe(0o600);
      await expectCleanPlan(dir, cloud);
    } finally {
      await setFaults(cloud, {});
      await removeDir(dir);
    }
  }, 240_000);
});
