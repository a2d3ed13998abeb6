import { spawn, type ChildProcess } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/clouds/ibm-vpc/emulator/index.js';
import { LocalStateBackend } from '../../src/state/local.js';
import { waitFor } from './wait.js';

/**
 * End-to-end harness: a real emulator HTTP server, the real CLI as a child process (bin/imageform.js, built by
 * `npm test`), real state files in a temp directory. The CLI talks to the emulator as to IBM Cloud (provider
 * ibm-vpc with the emulator's URL), through the real IAM token flow.
 */
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(REPO, 'bin', 'imageform.js');
export const API_KEY_ENV = 'IMAGEFORM_E2E_API_KEY';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Cloud {
  emulator: RunningEmulator;
  url: string;
  apiKey: string;
  /** `/v1` call with version and generation, bearer token included. */
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** `/emulator/v1` test hook. */
  hook<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Every image in the cloud (all pages). */
  images(): Promise<any[]>;
  advanceClock(seconds: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startCloud(
  options: { timeScale?: number; dataFile?: string; tokenTtlSeconds?: number } = {},
): Promise<Cloud> {
  const emulator = await startEmulator({
    port: 0,
    timeScale: options.timeScale ?? 0.1,
    ...(options.dataFile ? { dataFile: options.dataFile } : {}),
    ...(options.tokenTtlSeconds ? { tokenTtlSeconds: options.tokenTtlSeconds } : {}),
  });
  let token: string | undefined;
  const authorization = async (): Promise<string> => {
    if (!token) {
      const response = await fetch(`${emulator.url}/identity/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: emulator.apiKey }),
      });
      token = ((await response.json()) as { access_token: string }).access_token;
    }
    return `Bearer ${token}`;
  };
  const call = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(url, {
      method,
      headers: {
        Authorization: await authorization(),
        Accept: 'application/json',
        ...(body === undefined
          ? {}
          : { 'Content-Type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const cloud: Cloud = {
    emulator,
    url: emulator.url,
    apiKey: emulator.apiKey,
    api: (method, path, body) =>
      call(method, `${emulator.url}/v1${path}${path.includes('?') ? '&' : '?'}version=2026-03-24&generation=2`, body),
    hook: (method, path, body) => call(method, `${emulator.url}/emulator/v1${path}`, body),
    async images() {
      const all: any[] = [];
      let path = '/images?limit=100';
      for (;;) {
        const page = await cloud.api('GET', path);
        all.push(...page.body.images);
        const next: string | undefined = page.body.next?.href;
        if (!next) return all;
        path = `/images?limit=100&start=${encodeURIComponent(new URL(next).searchParams.get('start')!)}`;
      }
    },
    async advanceClock(seconds) {
      const reply = await cloud.hook('POST', '/clock', { advance_seconds: seconds });
      if (reply.status >= 300) throw new Error(`clock: ${JSON.stringify(reply.body)}`);
    },
    stop: () => emulator.stop(),
  };
  return cloud;
}

export interface CloudSuite {
  /**
   * The suite's cloud, usable from module scope: every property reads through to the emulator that beforeAll
   * started, so it works inside tests and hooks (spreading it, as `{ ...cloud, url }`, included).
   */
  cloud: Cloud;
  /** A workspace (see workspace()) on the suite's cloud, or on `via`; removed after the suite's tests. */
  space(files: Record<string, string>, options?: { via?: Cloud; settings?: string }): Promise<string>;
}

/**
 * Starts a cloud before the tests of the calling file (or describe block) and, after them, removes their
 * workspaces and stops it. Call it at module scope or in a describe block, where vitest takes hooks.
 */
export function useCloud(options: Parameters<typeof startCloud>[0] = {}): CloudSuite {
  let running: Cloud | undefined;
  const dirs: string[] = [];
  beforeAll(async () => {
    running = await startCloud(options);
  });
  afterAll(async () => {
    await Promise.all(dirs.map(removeDir));
    await running?.stop();
  });
  const started = (): Cloud => {
    if (!running)
      throw new Error('useCloud: the cloud exists only inside tests and hooks, once beforeAll has started it');
    return running;
  };
  const cloud: Cloud = {
    get emulator() {
      return started().emulator;
    },
    get url() {
      return started().url;
    },
    get apiKey() {
      return started().apiKey;
    },
    api: (method, path, body) => started().api(method, path, body),
    hook: (method, path, body) => started().hook(method, path, body),
    images: () => started().images(),
    advanceClock: (seconds) => started().advanceClock(seconds),
    stop: () => started().stop(),
  };
  return {
    cloud,
    async space(files, { via = cloud, settings = '' } = {}) {
      const dir = await workspace(via, files, settings);
      dirs.push(dir);
      return dir;
    },
  };
}

/** The command succeeded quietly: nothing on stderr, exit 0. */
export function succeeded(result: CliResult): void {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

/** `apply` with `args` (auto-approved by default), which must succeed quietly. */
export async function applyOk(dir: string, cloud: Cloud, args: string[] = ['--auto-approve']): Promise<CliResult> {
  const result = await runCli(['apply', ...args], { cwd: dir, cloud });
  succeeded(result);
  return result;
}

/** `plan --detailed-exitcode` finds nothing to do, and says so quietly. */
export async function expectCleanPlan(dir: string, cloud: Cloud): Promise<void> {
  const result = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, cloud });
  expect(result.stderr).toBe('');
  expect(result.stdout).toContain('No changes.');
  expect(result.code).toBe(0);
}

/** A temp configuration directory whose imageform.yaml points at the cloud. */
export async function workspace(cloud: Cloud, files: Record<string, string>, settings = ''): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imageform-e2e-'));
  await writeFiles(dir, {
    'imageform.yaml': `provider:\n  type: ibm-vpc\n  endpoint: ${cloud.url}\n  iam_endpoint: ${cloud.url}\n  api_key_env: ${API_KEY_ENV}\n${settings}`,
    ...files,
  });
  return dir;
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export function spawnCli(
  args: string[],
  options: { cwd: string; cloud?: Cloud; env?: NodeJS.ProcessEnv; input?: string },
): ChildProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...(options.cloud ? { [API_KEY_ENV]: options.cloud.apiKey } : {}),
      ...options.env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin!.end(options.input ?? '');
  return child;
}

/** Run the CLI to completion (stdin is not a terminal). */
export async function runCli(
  args: string[],
  options: { cwd: string; cloud?: Cloud; env?: NodeJS.ProcessEnv; input?: string },
): Promise<CliResult> {
  const { code, stdout, stderr } = await collect(spawnCli(args, options));
  return { code, stdout, stderr };
}

/** State as every reader sees it: state.json with the journal of a running or killed apply folded in. */
export async function readState(dir: string): Promise<any> {
  await access(join(dir, '.imageform', 'state.json')); // still throws when there is no state yet
  return new LocalStateBackend(dir).read();
}

/** A YAML image document. */
export function imageDoc(name: string, spec: Record<string, unknown> = {}, lifecycle = ''): string {
  const lines = [
    `kind: image`,
    `name: ${name}`,
    `spec:`,
    `  file: cos://us-south/e2e/${name}.qcow2`,
    `  operating_system: ubuntu-24-04-amd64`,
  ];
  for (const [key, value] of Object.entries(spec))
    lines.push(`  ${key}: ${value === null ? 'null' : JSON.stringify(value)}`);
  return `${lines.join('\n')}\n${lifecycle}`;
}

/**
 * A proxy policy that holds every image create's answer until `release()`: an apply that reaches its first create
 * then stays in flight (holding its lock) for as long as a test needs.
 */
export function gatedCreates(): { policy: LossyProxy['policy']; release(): void } {
  let release = (): void => undefined;
  const gate = new Promise<'pass'>((resolve) => (release = () => resolve('pass')));
  return {
    policy: (method, path) => (method === 'POST' && path === '/v1/images' ? gate : 'pass'),
    release: () => release(),
  };
}

/** `count` image documents named `PREFIX-0` … in one multi-document file. */
export function imagesFile(prefix: string, count: number): string {
  return Array.from({ length: count }, (_, i) => imageDoc(`${prefix}-${i}`)).join('---\n');
}

/** How a refused run names the lock holder: user, pid, since, operation and lock ID. */
export const LOCKED = /state is locked by (\S+) \(pid (\d+)\) since (\S+) for "(\w+)"; lock ID ([0-9a-f-]{36})/;

/** The local lock's holder: the one file in the `state.lock` directory, or a lock file written as older versions did. */
export async function lockHolder(dir: string): Promise<any | undefined> {
  const path = join(dir, '.imageform', 'state.lock');
  const holders = await readdir(path).catch(() => undefined);
  const file = holders ? holders.find((name) => name.endsWith('.json')) : '';
  if (file === undefined) return undefined;
  const text = await readFile(file ? join(path, file) : path, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : JSON.parse(text);
}

/** The cloud's current time (its clock may have been moved by earlier tests). */
export async function cloudNow(cloud: Cloud): Promise<Date> {
  const reply = await cloud.hook<{ now: string }>('GET', '/clock');
  return new Date(reply.body.now);
}

/** An ISO date `days` after the cloud's now, whole seconds, UTC. */
export async function cloudDate(cloud: Cloud, days: number): Promise<string> {
  const now = await cloudNow(cloud);
  return new Date(Math.floor(now.getTime() / 1000) * 1000 + days * 86_400_000).toISOString().replace(/\.000Z$/, 'Z');
}

/** `plan --json` (plus extra args), parsed; the raw result too, for exit codes and stderr. */
export async function planJson(
  cwd: string,
  cloud: Cloud,
  extra: string[] = [],
): Promise<{ result: CliResult; plan: any }> {
  const result = await runCli(['plan', '--json', ...extra], { cwd, cloud });
  let plan: any;
  try {
    plan = JSON.parse(result.stdout);
  } catch {
    plan = undefined;
  }
  return { result, plan };
}

/** One image of the cloud by name (undefined if there is none). */
export async function imageByName(cloud: Cloud, name: string): Promise<any | undefined> {
  const reply = await cloud.api('GET', `/images?name=${encodeURIComponent(name)}`);
  return reply.body.images[0];
}

/** Inject faults into the cloud's /v1 requests (DESIGN.md §6); `{}` clears them. */
export async function setFaults(
  cloud: Cloud,
  settings: {
    error_rate?: number;
    statuses?: number[];
    seed?: number;
    lost_response_rate?: number;
    latency_ms?: number;
  },
): Promise<void> {
  const reply = await cloud.hook('POST', '/faults', settings);
  if (reply.status !== 200) throw new Error(`faults: ${JSON.stringify(reply.body)}`);
}

/** Output and exit code of a CLI child started with spawnCli; a child killed by a signal gets code -1. */
export function collect(child: ChildProcess): Promise<CliResult & { signal: NodeJS.Signals | null }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
}

/** `waitFor` (test/helpers/wait.ts) in the older positional form the e2e files use. */
export function until<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs?: number,
  intervalMs?: number,
): Promise<T> {
  return waitFor(check, { what, timeoutMs, intervalMs });
}

/** Whether the cloud has no request in flight (a killed apply's requests finish inside it on their own). */
export async function nothingInFlight(cloud: Cloud): Promise<boolean> {
  return (await cloud.hook('GET', '/stats')).body.in_flight === 0;
}

/** Waits until requests a killed apply left inside the cloud have finished there. */
export function killedRequestsFinished(cloud: Cloud): Promise<boolean> {
  return until(() => nothingInFlight(cloud), "the killed apply's requests to finish in the cloud");
}

/** How many images of each name the cloud holds, for names starting with `prefix`. */
export async function imageCountsByName(cloud: Cloud, prefix: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const image of await cloud.images()) {
    if (typeof image.name === 'string' && image.name.startsWith(prefix))
      counts.set(image.name, (counts.get(image.name) ?? 0) + 1);
  }
  return counts;
}

/**
 * What the lossy proxy does with one request: pass the answer on, drop it after the cloud acted, never answer after
 * the cloud acted (`hold`), or never forward nor answer it (`swallow`, only as a direct verdict: the request never
 * reaches the cloud).
 */
export type ProxyVerdict = 'pass' | 'lose' | 'hold' | 'swallow';

export interface LossyProxy {
  url: string;
  /**
   * Decides per request (method and path without the query); the default passes everything. A promise holds the
   * answer (after the cloud acted) until it settles, e.g. to keep an apply running while a test looks at it.
   */
  policy: (method: string, path: string) => ProxyVerdict | Promise<ProxyVerdict>;
  /** Awaited before a request is forwarded, when it returns a promise: holds requests back until a condition holds. */
  before?: (method: string, path: string) => Promise<void> | undefined;
  /** Requests seen, as `METHOD /path`. */
  seen: string[];
  /** Requests the cloud has answered (it acted on them), as `METHOD /path`, whatever the policy then does. */
  answered: string[];
  /** Every bearer token a caller sent (the IAM access tokens it was issued and used). */
  bearerTokens: Set<string>;
  stop(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of the cloud that can lose a chosen response after the cloud has acted (the
 * connection resets) or hold it forever (the caller waits until it dies): the exact windows a crash or a flaky
 * network leaves, made deterministic.
 */
export async function startLossyProxy(upstream: string): Promise<LossyProxy> {
  const target = new URL(upstream);
  const held: ServerResponse[] = [];
  const proxy: LossyProxy = {
    url: '',
    policy: () => 'pass',
    seen: [],
    answered: [],
    bearerTokens: new Set(),
    stop: async () => undefined,
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    proxy.seen.push(`${req.method} ${path}`);
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
    if (bearer) proxy.bearerTokens.add(bearer[1]!);
    const verdict = proxy.policy(req.method ?? 'GET', path);
    if (verdict === 'swallow') {
      req.resume();
      held.push(res);
      return;
    }
    const forward = (): void => {
      const outgoing = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => {
            proxy.answered.push(`${req.method} ${path}`);
            void Promise.resolve(verdict).then((decided) => {
              if (decided === 'lose') return void req.socket.destroy();
              if (decided === 'hold') return void held.push(res);
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(Buffer.concat(chunks));
            });
          });
        },
      );
      outgoing.on('error', () => req.socket.destroy());
      req.pipe(outgoing);
    };
    const gate = proxy.before?.(req.method ?? 'GET', path);
    if (gate) void gate.then(forward);
    else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  proxy.url = `http://127.0.0.1:${address.port}`;
  proxy.stop = async () => {
    for (const res of held.splice(0)) res.socket?.destroy();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };
  return proxy;
}
