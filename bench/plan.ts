/**
 * Refresh benchmark: imageform's refresh (images listed in pages of 100) against the naive refresh most tools do
 * (one GET per managed image, 10 at a time), for 1,000 and 10,000 managed images, with 20 ms of latency injected
 * into every API request by the emulator. Prints API requests, wall time and peak RSS of each, and the ratios.
 *
 * Each refresh runs in its own child process so its peak RSS is its own (the emulator stays in this one).
 * Run: node --import tsx bench/plan.ts [COUNT...]      (default: 1000 10000)
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type RunningEmulator } from '../src/clouds/ibm-vpc/emulator/index.js';
import { refresh } from '../src/clouds/ibm-vpc/refresh.js';
import { createIbmVpcProvider } from '../src/clouds/ibm-vpc/client.js';
import type { IbmVpcClient } from '../src/clouds/ibm-vpc/api-types.js';
import type { ResourceState, StateDocument } from '../src/state/state.js';

const LATENCY_MS = 20;
const NAIVE_PARALLELISM = 10;
const API_QUERY = 'version=2026-03-24&generation=2';

type Mode = 'imageform' | 'naive';

interface Measurement {
  mode: Mode;
  /** Images API requests the refresh made (the emulator's count is checked against it). */
  requests: number;
  wallMs: number;
  peakRssMb: number;
  /** Managed images the refresh saw: a check that both did the same work. */
  seen: number;
}

// ---------------------------------------------------------------- child: one refresh, measured

async function measure(mode: Mode, url: string, apiKey: string, stateFile: string): Promise<void> {
  const state = JSON.parse(await readFile(stateFile, 'utf8')) as StateDocument;
  const provider = createIbmVpcProvider({ endpoint: url, iamEndpoint: url, apiKey });
  // The token exchange is the same for both and not part of a refresh.
  await provider.now();
  const requestsBefore = provider.requestCount;
  const started = performance.now();
  const seen = mode === 'imageform' ? await imageformRefresh(provider, state) : await naiveRefresh(provider, state);
  const wallMs = performance.now() - started;
  const requests = provider.requestCount - requestsBefore;
  await provider.close();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ mode, requests, wallMs, peakRssMb, seen })}\n`);
}

async function imageformRefresh(provider: IbmVpcClient, state: StateDocument): Promise<number> {
  const snapshot = await refresh(provider, { entries: state.resources, documents: [], concurrency: 10 });
  return Object.values(state.resources).filter((entry) => entry.id && snapshot.images.has(entry.id)).length;
}

/** What a one-GET-per-resource tool does: read every managed image by id, NAIVE_PARALLELISM at a time. */
async function naiveRefresh(provider: IbmVpcClient, state: StateDocument): Promise<number> {
  const ids = Object.values(state.resources).flatMap((entry) => (entry.id ? [entry.id] : []));
  const found: unknown[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const image = await provider.getImage(ids[next++]!);
      if (image) found.push(image);
    }
  };
  await Promise.all(Array.from({ length: NAIVE_PARALLELISM }, worker));
  await provider.now();
  return found.length;
}

// ---------------------------------------------------------------- parent: the cloud, the state, the table

async function tokenFor(emulator: RunningEmulator): Promise<string> {
  const response = await fetch(`${emulator.url}/identity/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: emulator.apiKey }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** N images created over the API; returns the state document that manages them all. */
async function buildCloud(emulator: RunningEmulator, token: string, count: number): Promise<StateDocument> {
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' };
  const resources: Record<string, ResourceState> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < count) {
        const index = next++;
        const name = `bench-${String(index).padStart(5, '0')}`;
        const response = await fetch(`${emulator.url}/v1/images?${API_QUERY}`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            name,
            file: { href: `cos://us-south/bench/${name}.qcow2` },
            operating_system: { name: 'ubuntu-24-04-amd64' },
          }),
        });
        const image = (await response.json()) as Record<string, unknown>;
        if (response.status !== 201) throw new Error(`create ${name}: ${response.status} ${JSON.stringify(image)}`);
        resources[`image.${name}`] = {
          kind: 'image',
          id: image.id as string,
          attributes: { ...image, inputs: { file: `cos://us-south/bench/${name}.qcow2` } },
          dependencies: [],
          lifecycle: { prevent_destroy: false, deletion_policy: 'delete' },
        };
      }
    }),
  );
  const sorted = Object.fromEntries(Object.entries(resources).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { version: 1, lineage: randomUUID(), serial: 1, resources: sorted };
}

async function hook(
  emulator: RunningEmulator,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<any> {
  const response = await fetch(`${emulator.url}/emulator/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

function runChild(mode: Mode, emulator: RunningEmulator, stateFile: string): Promise<Measurement> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', self, '--measure', mode, emulator.url, emulator.apiKey, stateFile],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${mode} refresh exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as Measurement);
    });
  });
}

/** One refresh in a child process; the emulator's own count must agree with the client's (plus its warm-up call). */
async function measureOne(
  mode: Mode,
  emulator: RunningEmulator,
  token: string,
  stateFile: string,
): Promise<Measurement> {
  await hook(emulator, token, 'DELETE', '/stats');
  const result = await runChild(mode, emulator, stateFile);
  const stats = (await hook(emulator, token, 'GET', '/stats')) as { requests: Record<string, number> };
  const answered = Object.entries(stats.requests)
    .filter(([route]) => route.split(' ')[1]!.startsWith('/v1/'))
    .reduce((sum, [, n]) => sum + n, 0);
  if (answered !== result.requests + 1) {
    throw new Error(
      `${mode}: the client counted ${result.requests} requests, the emulator answered ${answered} (with one warm-up)`,
    );
  }
  return result;
}

function pad(text: string, width: number, right = true): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function printTable(rows: { count: number; imageform: Measurement; naive: Measurement }[]): void {
  const header = ['images', 'refresh', 'requests', 'wall ms', 'peak RSS MB'];
  const widths = [8, 26, 10, 10, 12];
  const line = (cells: string[]) => cells.map((cell, i) => pad(cell, widths[i]!, i !== 1)).join('  ');
  console.log(
    `\nRefresh with ${LATENCY_MS} ms latency injected into every API request (emulator over loopback HTTP)\n`,
  );
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const { count, imageform, naive } of rows) {
    const cells = (label: string, m: Measurement) => [
      count.toLocaleString('en-US'),
      label,
      String(m.requests),
      m.wallMs.toFixed(0),
      m.peakRssMb.toFixed(1),
    ];
    console.log(line(cells('imageform (list, pages)', imageform)));
    console.log(line(cells(`one GET each, ${NAIVE_PARALLELISM} parallel`, naive)));
    const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;
    console.log(
      line([
        '',
        'ratio (naive / imageform)',
        ratio(naive.requests, imageform.requests),
        ratio(naive.wallMs, imageform.wallMs),
        ratio(naive.peakRssMb, imageform.peakRssMb),
      ]),
    );
    console.log('');
  }
  console.log(
    'requests: Images API requests of the refresh alone; peak RSS: the refreshing process (a fresh Node.js with tsx).',
  );
}

async function main(): Promise<void> {
  const counts = process.argv.slice(2).map(Number);
  const sizes = counts.length ? counts : [1_000, 10_000];
  if (!sizes.every((n) => Number.isInteger(n) && n > 0))
    throw new Error('usage: node --import tsx bench/plan.ts [COUNT...]');
  const rows: { count: number; imageform: Measurement; naive: Measurement }[] = [];
  for (const count of sizes) {
    const emulator = await startEmulator({ timeScale: 0 });
    const dir = await mkdtemp(join(tmpdir(), 'imageform-bench-plan-'));
    try {
      const token = await tokenFor(emulator);
      const built = performance.now();
      const state = await buildCloud(emulator, token, count);
      process.stderr.write(
        `built a cloud of ${count} images in ${((performance.now() - built) / 1000).toFixed(1)} s\n`,
      );
      const stateFile = join(dir, 'state.json');
      await writeFile(stateFile, JSON.stringify(state));
      await hook(emulator, token, 'POST', '/faults', { latency_ms: LATENCY_MS });
      const imageform = await measureOne('imageform', emulator, token, stateFile);
      const naive = await measureOne('naive', emulator, token, stateFile);
      for (const m of [imageform, naive]) {
        if (m.seen !== count) throw new Error(`${m.mode} refresh saw ${m.seen} of ${count} managed images`);
      }
      rows.push({ count, imageform, naive });
    } finally {
      await emulator.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }
  printTable(rows);
}

if (process.argv[2] === '--measure') {
  const [, , , mode, url, apiKey, stateFile] = process.argv;
  await measure(mode as Mode, url!, apiKey!, stateFile!);
} else {
  await main();
}
