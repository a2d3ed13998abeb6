import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StateSettings } from '../../src/config/model.js';
import { isUserError } from '../../src/core/errors.js';
import type { LockInfo, StateDocument } from '../../src/state/state.js';
import { LocalStateBackend } from '../../src/state/local.js';
import { afterEach, beforeEach } from 'vitest';

export const localSettings: StateSettings = { backend: 'local', url_env: 'IMAGEFORM_PG_URL', workspace: 'default' };

export async function makeTempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'imageform-state-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A fresh directory for each test and the local backends made in it: each closed, and the directory removed, after
 * the test. `notices` collects what a backend tells the user.
 */
export function useLocalBackends(): { dir(): string; backend(notices?: string[]): LocalStateBackend } {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let backends: LocalStateBackend[] = [];
  beforeEach(async () => {
    temp = await makeTempDir();
    backends = [];
  });
  afterEach(async () => {
    for (const created of backends) await created.close();
    await temp.remove();
  });
  return {
    dir: () => temp.dir,
    backend: (notices) => {
      const created = new LocalStateBackend(temp.dir, notices ? { onNotice: (message) => notices.push(message) } : {});
      backends.push(created);
      return created;
    },
  };
}

/** A state document with one image, at the given serial. */
export function sampleState(lineage: string, serial: number, extra: Record<string, unknown> = {}): StateDocument {
  return {
    version: 1,
    lineage,
    serial,
    resources: {
      'image.web': {
        kind: 'image',
        id: 'r006-0001',
        attributes: { name: 'web', status: 'available', ...extra },
        dependencies: [],
        lifecycle: { prevent_destroy: false, deletion_policy: 'delete' },
      },
    },
  };
}

/** The thrown UserError's first diagnostic code and text, or a failure if it threw something else. */
export async function userErrorOf(promise: Promise<unknown>): Promise<{ code: string; message: string; hint: string }> {
  try {
    await promise;
  } catch (err) {
    if (!isUserError(err)) throw err;
    const first = err.diagnostics[0]!;
    return { code: first.code, message: first.message, hint: first.hint ?? '' };
  }
  throw new Error('expected a UserError, nothing was thrown');
}

export interface LockHolderProcess {
  child: ChildProcess;
  info: LockInfo;
  /** Kill it hard and wait until it is gone. */
  kill(): Promise<void>;
  /** Resolves when it exits. */
  exited: Promise<number | null>;
}

const holderScript = fileURLToPath(new URL('./fixtures/hold-lock.ts', import.meta.url));

/** Start a separate process that takes the lock; resolves once it holds it. */
export function spawnLockHolder(
  dir: string,
  settings: StateSettings,
  env: NodeJS.ProcessEnv = process.env,
  mode: 'hold' | 'exit' = 'hold',
): Promise<LockHolderProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', holderScript, dir, JSON.stringify(settings), mode], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        const info = JSON.parse(line) as LockInfo;
        resolve({
          child,
          info,
          exited,
          kill: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    void exited.then((code) => reject(new Error(`lock holder exited (${code}) before holding the lock: ${err}`)));
  });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process through run() with collected streams; `stdin` text is what a user would type. */
export async function runCli(
  argv: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; stdin?: string; stdinIsTTY?: boolean },
): Promise<CliResult> {
  const { run } = await import('../../src/cli/main.js');
  const { PassThrough, Writable } = await import('node:stream');
  let stdout = '';
  let stderr = '';
  const collect = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        append(chunk.toString());
        callback();
      },
    });
  const stdin = Object.assign(new PassThrough(), { isTTY: options.stdinIsTTY ?? false });
  stdin.end(options.stdin ?? '');
  const code = await run({
    argv,
    cwd: options.cwd,
    env: options.env ?? {},
    stdin,
    stdout: collect((text) => (stdout += text)),
    stderr: collect((text) => (stderr += text)),
  });
  return { code, stdout, stderr };
}
