import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  API_KEY_ENV,
  CLI,
  type Cloud,
  collect,
  expectCleanPlan,
  gatedCreates,
  imageCountsByName,
  imageDoc,
  imagesFile,
  readState,
  removeDir,
  runCli,
  spawnCli,
  startLossyProxy,
  until,
  useCloud,
  workspace,
} from '../helpers/e2e.js';

/**
 * Issue 9, defect 9 (DESIGN.md §4): Ctrl-C or SIGTERM during apply says so at once, starts no new operation, lets
 * the operations in flight finish and be recorded, releases the lock and exits 130; a second one stops at once.
 * Either way state stays valid, no lock and no temp file is left, and the next apply settles what was in flight.
 */
const { cloud } = useCloud();
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
const MESSAGE = /Interrupt received: finishing (\d+) operations? in flight; Ctrl-C again stops now/;

/** What an interrupted run must not leave in `.imageform/`: the lock, or a temp file of a state write. */
async function leftovers(dir: string): Promise<string[]> {
  const names = await readdir(join(dir, '.imageform')).catch(() => [] as string[]);
  return names.filter((name) => name.startsWith('state.lock') || name.includes('.tmp-'));
}

function postsSeen(seen: string[]): number {
  return seen.filter((request) => request === 'POST /v1/images').length;
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The CLI in a pseudo-terminal (util-linux `script`); `type` writes keys to it, as a person at the keyboard does. */
function inTerminal(args: string[], options: { cwd: string; cloud: Cloud }) {
  const command = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
  const child = spawn('script', ['-qfec', `exec ${command}`, '/dev/null'], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TERM: 'xterm-256color',
      [API_KEY_ENV]: options.cloud.apiKey,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? -1));
  });
  return {
    exited,
    output: () => output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, ''),
    type: (keys: string) => child.stdin.write(keys),
    kill: () => child.kill('SIGKILL'),
  };
}

describe('an interrupt during apply', () => {
  it.skipIf(!hasScript)(
    'Ctrl-C in a terminal: says so, finishes and records what is in flight, frees the lock, exits 130',
    async () => {
      const proxy = await startLossyProxy(cloud.url);
      const viaProxy = { ...cloud, url: proxy.url };
      const dir = await workspace(viaProxy, { 'images.yaml': imagesFile('ctrlc', 6) });
      const { policy: holdCreates, release } = gatedCreates();
      const terminal = inTerminal(['apply', '--auto-approve', '--parallelism', '2'], { cwd: dir, cloud: viaProxy });
      try {
        // Two creates are in flight: the cloud has acted, their answers are held.
        proxy.policy = holdCreates;
        await until(async () => postsSeen(proxy.seen) === 2, 'two creates in flight');
        terminal.type('\x03');
        await until(async () => MESSAGE.test(terminal.output()), 'the interrupt to be announced');
        expect(MESSAGE.exec(terminal.output())![1]).toBe('2');

        release();
        expect(await terminal.exited, terminal.output()).toBe(130);
        // Nothing new was started after the interrupt; the two in flight finished and are recorded.
        expect(postsSeen(proxy.seen)).toBe(2);
        expect((await imageCountsByName(cloud, 'ctrlc-')).size).toBe(2);
        const state = await readState(dir);
        const recorded = Object.values<any>(state.resources);
        expect(recorded).toHaveLength(2);
        for (const entry of recorded) {
          expect(entry.id).toMatch(/^r\d{3}-/);
          expect(entry.intent).toBeUndefined();
        }
        expect(await leftovers(dir)).toEqual([]);

        const again = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
        expect(again.code, again.stderr).toBe(0);
        expect(again.stdout).toContain('4 added');
        expect([...(await imageCountsByName(cloud, 'ctrlc-')).values()]).toEqual([1, 1, 1, 1, 1, 1]);
        await expectCleanPlan(dir, cloud);
      } finally {
        release();
        terminal.kill();
        await proxy.stop();
        await removeDir(dir);
      }
    },
    90_000,
  );

  it('a second interrupt stops at once: exit 130, no lock, no temp file, and the next apply settles', async () => {
    const proxy = await startLossyProxy(cloud.url);
    const viaProxy = { ...cloud, url: proxy.url };
    const dir = await workspace(viaProxy, { 'images.yaml': imagesFile('twice', 4) });
    try {
      // The creates' answers are never given: only a second interrupt can end this apply.
      proxy.policy = (method, path) => (method === 'POST' && path === '/v1/images' ? 'hold' : 'pass');
      const child = spawnCli(['apply', '--auto-approve', '--parallelism', '2'], { cwd: dir, cloud: viaProxy });
      let stdout = '';
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const done = collect(child);
      await until(async () => postsSeen(proxy.seen) === 2, 'two creates in flight');
      child.kill('SIGTERM');
      await until(async () => MESSAGE.test(stdout), 'the interrupt to be announced');
      child.kill('SIGINT');
      const stopped = await done;
      expect(stopped.code, stopped.stdout + stopped.stderr).toBe(130);
      expect(stopped.stderr).toContain('Stopped at once; the next apply settles the operations that were in flight');
      expect(await leftovers(dir)).toEqual([]);
      // State is valid and records both creates as intents.
      expect(Object.values<any>((await readState(dir)).resources).map((entry) => entry.intent?.action)).toEqual([
        'create',
        'create',
      ]);

      const again = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
      expect(again.code, again.stderr).toBe(0);
      expect([...(await imageCountsByName(cloud, 'twice-')).values()]).toEqual([1, 1, 1, 1]);
      await expectCleanPlan(dir, cloud);
    } finally {
      await proxy.stop();
      await removeDir(dir);
    }
  }, 90_000);

  it('an interrupt in the middle of a state write removes its temp file', async () => {
    const dir = await workspace(cloud, { 'images.yaml': imagesFile('midwrite', 2) });
    const pauseDir = await mkdtemp(join(tmpdir(), 'imageform-pause-'));
    try {
      const child = spawnCli(['apply', '--auto-approve'], {
        cwd: dir,
        cloud,
        env: { IMAGEFORM_TEST_PAUSE: `state-write:${pauseDir}` },
      });
      let stdout = '';
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const done = collect(child);
      // Stopped between writing the temp file and renaming it over state.json.
      await until(
        async () => (await readdir(pauseDir)).includes(`paused-state-write-${child.pid}`),
        'the first state write',
      );
      expect((await leftovers(dir)).filter((name) => name.startsWith('state.json.tmp-'))).toHaveLength(1);
      child.kill('SIGINT');
      await until(async () => MESSAGE.test(stdout), 'the interrupt to be announced');
      child.kill('SIGINT');
      expect((await done).code).toBe(130);
      expect(await leftovers(dir)).toEqual([]);

      const again = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
      expect(again.code, again.stderr).toBe(0);
      expect([...(await imageCountsByName(cloud, 'midwrite-')).values()]).toEqual([1, 1]);
      await expectCleanPlan(dir, cloud);
    } finally {
      await removeDir(dir);
      await removeDir(pauseDir);
    }
  }, 90_000);

  it('temp files left by a kill -9 are removed by the next run', async () => {
    const dir = await workspace(cloud, { 'images.yaml': imageDoc('leftover-0') });
    try {
      // A writer that died mid-write left these (pids no process has: the writer is gone).
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
      await mkdir(join(dir, '.imageform'), { recursive: true });
      await writeFile(join(dir, '.imageform', `state.json.tmp-${gone}-0a1b2c3d`), '{"half": ');
      await mkdir(join(dir, '.imageform', `state.lock.tmp-${gone}-4e5f6a7b`));
      const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
      expect(applied.code, applied.stderr).toBe(0);
      expect(await leftovers(dir)).toEqual([]);
      expect((await readdir(join(dir, '.imageform'))).sort()).toEqual(['.gitignore', 'state.json']);
    } finally {
      await removeDir(dir);
    }
  }, 60_000);
});
