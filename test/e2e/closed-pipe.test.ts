import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  API_KEY_ENV,
  CLI,
  cloudDate,
  collect,
  expectCleanPlan,
  imageByName,
  imageDoc,
  readState,
  spawnCli,
  useCloud,
  type Cloud,
} from '../helpers/e2e.js';

/**
 * Output into a closed pipe ends quietly (DESIGN §4, issue 9 defect 8): `apply | head -1` used to die of an
 * unhandled `write EPIPE` mid-apply, leaving images created and unrecorded. The apply must go on, record all of its
 * work and exit with its own code, saying nothing about the pipe.
 */
const { cloud, space } = useCloud();

const COUNT = 20;
// Twenty images applied, then planned, by child processes: slow on a loaded machine, so a generous deadline.

function images(prefix: string, count: number): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`${prefix}-${i}.yaml`, imageDoc(`${prefix}-${i}`)]),
  );
}

/**
 * `sh -c '{ imageform ARGS; echo $? > rc; } | READER'` in dir: the reader's output, sh's stderr (imageform's own
 * stderr goes there), and imageform's exit code, which the pipeline's status would hide.
 */
async function throughPipe(
  dir: string,
  target: Cloud,
  args: string,
  reader: string,
): Promise<{ stdout: string; stderr: string; code: number }> {
  const script = `{ "${process.execPath}" "${CLI}" ${args}; echo $? > cli.rc; } | ${reader}`;
  const child = spawn('sh', ['-c', script], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, [API_KEY_ENV]: target.apiKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { stdout, stderr } = await collect(child);
  return { stdout, stderr, code: Number((await readFile(join(dir, 'cli.rc'), 'utf8')).trim()) };
}

/** Runs the CLI with both of its output pipes closed at once by the reader: every write fails, whatever the timing. */
async function withReaderGone(dir: string, args: string[]): Promise<number | null> {
  const child = spawnCli(args, { cwd: dir, cloud });
  child.stdout!.destroy();
  child.stderr!.destroy();
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal })),
  );
  expect(signal).toBeNull();
  return code;
}

function expectQuiet(stderr: string): void {
  expect(stderr).not.toMatch(/EPIPE|Unhandled|node:events|\n\s+at /);
  expect(stderr).toBe('');
}

describe.concurrent('output into a closed pipe', () => {
  it(`apply | head -1 ends quietly, and all ${COUNT} images are recorded`, { timeout: 180_000 }, async () => {
    const dir = await space(images('pipe-apply', COUNT));
    const result = await throughPipe(dir, cloud, 'apply --auto-approve', 'head -1');
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expectQuiet(result.stderr);
    expect(result.code).toBe(0);
    const state = await readState(dir);
    expect(Object.keys(state.resources)).toHaveLength(COUNT);
    for (let i = 0; i < COUNT; i++)
      expect(state.resources[`image.pipe-apply-${i}`]?.id).toBe((await imageByName(cloud, `pipe-apply-${i}`))?.id);
    await expectCleanPlan(dir, cloud);
  });

  it("drift --format json | head -c 10 ends quietly with drift's own exit code", { timeout: 180_000 }, async () => {
    const dir = await space(images('pipe-drift', COUNT));
    expect((await throughPipe(dir, cloud, 'apply --auto-approve', 'cat >/dev/null')).code).toBe(0);
    const changed = await imageByName(cloud, 'pipe-drift-0');
    expect(
      (await cloud.api('PATCH', `/images/${changed.id}`, { deprecation_at: await cloudDate(cloud, 30) })).status,
    ).toBe(200);
    const result = await throughPipe(dir, cloud, 'drift --format json', 'head -c 10');
    expect(result.stdout).toBe('{\n  "forma');
    expectQuiet(result.stderr);
    expect(result.code).toBe(2);
  });

  it(
    'a reader gone before the first byte (stdout and stderr closed): apply records everything, drift keeps its code',
    { timeout: 180_000 },
    async () => {
      const dir = await space(images('pipe-gone', 5));
      expect(await withReaderGone(dir, ['apply', '--auto-approve'])).toBe(0);
      expect(Object.keys((await readState(dir)).resources).sort()).toEqual(
        [0, 1, 2, 3, 4].map((i) => `image.pipe-gone-${i}`),
      );
      await expectCleanPlan(dir, cloud);
      const changed = await imageByName(cloud, 'pipe-gone-0');
      expect(
        (await cloud.api('PATCH', `/images/${changed.id}`, { deprecation_at: await cloudDate(cloud, 30) })).status,
      ).toBe(200);
      expect(await withReaderGone(dir, ['drift', '--format', 'json'])).toBe(2);
    },
  );
});
