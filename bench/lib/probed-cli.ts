/**
 * The built CLI as a child process with bench/lib/cli-probe.js preloaded: its wall time from spawn to exit, its own
 * CPU time (getrusage at exit) and the bytes it wrote to files.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI, CLI_PROBE } from './paths.js';

export interface ProbedRun {
  exitCode: number;
  /** From spawn to exit: process start, loading, refresh, plan, apply. */
  wallMs: number;
  userMs: number;
  systemMs: number;
  maxRssMb: number;
  /** Bytes written to files (state, its temp files, the lock): wchar less sockets and stdout/stderr. */
  fileBytesWritten: number;
  stderrTail: string;
  /** The last 4,000 characters of stdout. */
  stdoutTail: string;
}

/** The CLI (with the probe preloaded) run to its end in `cwd`, with its wall time, CPU and bytes written to files. */
export async function runProbed(args: string[], cwd: string, env: Record<string, string>): Promise<ProbedRun> {
  const probeFile = join(cwd, `probe-${process.hrtime.bigint()}.json`);
  const started = performance.now();
  // IMAGEFORM_BENCH_CPU_PROF=DIR: each measured run also writes a V8 CPU profile there (for looking, not for figures).
  const profile = process.env.IMAGEFORM_BENCH_CPU_PROF;
  const profiling = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const child = spawn(process.execPath, [...profiling, '--import', CLI_PROBE, CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, IMAGEFORM_BENCH_PROBE: probeFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let pipeBytes = 0;
  let stderr = '';
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pipeBytes += chunk.length;
    stdout = (stdout + chunk.toString()).slice(-4000);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    pipeBytes += chunk.length;
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? -1));
  });
  const wallMs = performance.now() - started;
  const probe = JSON.parse(await readFile(probeFile, 'utf8')) as {
    userMs: number;
    systemMs: number;
    maxRssMb: number;
    wchar: number;
    socketBytes: number;
  };
  await rm(probeFile, { force: true });
  return {
    exitCode,
    wallMs,
    userMs: probe.userMs,
    systemMs: probe.systemMs,
    maxRssMb: probe.maxRssMb,
    fileBytesWritten: probe.wchar - probe.socketBytes - pipeBytes,
    stderrTail: stderr,
    stdoutTail: stdout,
  };
}
