/**
 * Refresh and plan benchmark, for 1,000 and 10,000 managed images with 20 ms of latency injected into every API
 * request by the emulator:
 *  - imageform's refresh (images listed in pages of 100) against the naive refresh most tools do (one GET per
 *    managed image, 10 at a time): API requests, wall time and peak RSS of each, and the ratios;
 *  - the whole `imageform plan` (the built CLI, a fresh process: start, loading the documents and the state,
 *    refresh, plan) on a workspace that manages them all: its wall time and CPU time (user + sys, median of 3 runs),
 *    beside the API's own limit: pages × latency plus the emulator's own time for those pages (a walk of every page
 *    without injected latency). Targets (issue 12): CPU at 10,000 images ≤ 1 s, wall ≤ 1.3 × that limit.
 *
 * Each refresh and plan runs in its own child process so its peak RSS and CPU are its own (the emulator stays in
 * this one). Run: npm run build && node --import tsx bench/plan.ts [COUNT...]      (default: 1000 10000)
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type RunningEmulator } from '../src/clouds/ibm-vpc/emulator/index.js';
import { refresh } from '../src/clouds/ibm-vpc/refresh.js';
import { createIbmVpcProvider } from '../src/clouds/ibm-vpc/client.js';
import type { CloudImage, IbmVpcClient } from '../src/clouds/ibm-vpc/api-types.js';
import { stateAttributes } from '../src/clouds/ibm-vpc/kinds/image.js';
import type { ResourceState, StateDocument } from '../src/state/state.js';
import { runProbed, type ProbedRun } from './lib/probed-cli.js';

const LATENCY_MS = 20;
const NAIVE_PARALLELISM = 10;
const API_QUERY = 'version=2026-03-24&generation=2';
const PAGE = 100;
const PLAN_RUNS = 3;
const API_KEY_ENV = 'IMAGEFORM_BENCH_API_KEY';

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
          // As apply records it, so the plan reads the state imageform itself writes.
          attributes: stateAttributes(image as unknown as CloudImage, { file: `cos://us-south/bench/${name}.qcow2` }),
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

// ---------------------------------------------------------------- the whole `imageform plan`, as a user runs it

interface PlanMeasurement {
  /** Median of PLAN_RUNS runs, by wall time. */
  run: ProbedRun;
  requests: number;
  pages: number;
  /** The emulator's own time to answer every page, one after the other, without injected latency. */
  emulatorPagesMs: number;
  /** pages × latency + emulatorPagesMs. */
  limitMs: number;
}

function imageDocument(name: string): string {
  return `kind: image\nname: ${name}\nspec:\n  file: cos://us-south/bench/${name}.qcow2\n  operating_system: ubuntu-24-04-amd64\n`;
}

/** A configuration whose documents are exactly the state's images, with that state: its plan has no changes. */
async function planWorkspace(dir: string, emulator: RunningEmulator, state: StateDocument): Promise<void> {
  await mkdir(join(dir, 'images'), { recursive: true });
  await writeFile(
    join(dir, 'imageform.yaml'),
    `provider:\n  type: ibm-vpc\n  endpoint: ${emulator.url}\n  iam_endpoint: ${emulator.url}\n  api_key_env: ${API_KEY_ENV}\n`,
  );
  const names = Object.keys(state.resources).map((address) => address.slice('image.'.length));
  for (let first = 0; first < names.length; first += 100) {
    const file = `part-${String(first / 100).padStart(3, '0')}.yaml`;
    await writeFile(
      join(dir, 'images', file),
      names
        .slice(first, first + 100)
        .map(imageDocument)
        .join('---\n'),
    );
  }
  await mkdir(join(dir, '.imageform'));
  await writeFile(join(dir, '.imageform', 'state.json'), JSON.stringify(state, null, 2));
}

/** Every page of the image list, sequentially, as the refresh reads it: the emulator's own time for them. */
async function walkPages(emulator: RunningEmulator, token: string): Promise<{ ms: number; pages: number }> {
  const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
  const started = performance.now();
  let pages = 0;
  let url: string | undefined = `${emulator.url}/v1/images?${API_QUERY}&limit=${PAGE}`;
  while (url) {
    const page = (await (await fetch(url, { headers })).json()) as { next?: { href: string } };
    pages++;
    url = page.next?.href;
  }
  return { ms: performance.now() - started, pages };
}

async function measurePlan(
  emulator: RunningEmulator,
  token: string,
  state: StateDocument,
  dir: string,
): Promise<PlanMeasurement> {
  await planWorkspace(dir, emulator, state);
  await hook(emulator, token, 'POST', '/faults', {});
  await walkPages(emulator, token); // warm the emulator's code paths
  const walk = await walkPages(emulator, token);
  await hook(emulator, token, 'POST', '/faults', { latency_ms: LATENCY_MS });
  const runs: { run: ProbedRun; requests: number }[] = [];
  for (let i = 0; i < PLAN_RUNS; i++) {
    await hook(emulator, token, 'DELETE', '/stats');
    const run = await runProbed(['plan', '--detailed-exitcode'], dir, { [API_KEY_ENV]: emulator.apiKey });
    if (run.exitCode !== 0 || !run.stdoutTail.includes('No changes.'))
      throw new Error(`imageform plan: exit ${run.exitCode}, expected no changes\n${run.stdoutTail}${run.stderrTail}`);
    const stats = (await hook(emulator, token, 'GET', '/stats')) as { requests: Record<string, number> };
    const requests = Object.entries(stats.requests)
      .filter(([route]) => route.split(' ')[1]!.startsWith('/v1/'))
      .reduce((sum, [, n]) => sum + n, 0);
    runs.push({ run, requests });
  }
  const median = runs.sort((a, b) => a.run.wallMs - b.run.wallMs)[Math.floor(PLAN_RUNS / 2)]!;
  return {
    ...median,
    pages: walk.pages,
    emulatorPagesMs: walk.ms,
    limitMs: walk.pages * LATENCY_MS + walk.ms,
  };
}

function printPlanTable(rows: { count: number; plan: PlanMeasurement }[]): void {
  console.log(`\nimageform plan, the whole command (a fresh process; median of ${PLAN_RUNS} runs by wall time)\n`);
  const header = ['images', 'wall ms', 'CPU ms', 'requests', 'pages', 'limit ms', 'wall/limit', 'peak RSS MB'];
  const widths = [8, 9, 8, 10, 7, 10, 12, 13];
  const line = (cells: string[]) => cells.map((cell, i) => pad(cell, widths[i]!)).join('');
  console.log(line(header));
  for (const { count, plan } of rows) {
    console.log(
      line([
        count.toLocaleString('en-US'),
        plan.run.wallMs.toFixed(0),
        (plan.run.userMs + plan.run.systemMs).toFixed(0),
        String(plan.requests),
        String(plan.pages),
        plan.limitMs.toFixed(0),
        `${(plan.run.wallMs / plan.limitMs).toFixed(2)}x`,
        plan.run.maxRssMb.toFixed(1),
      ]),
    );
  }
  for (const { count, plan } of rows) {
    console.log(
      `${count.toLocaleString('en-US')}: limit = ${plan.pages} pages × ${LATENCY_MS} ms + ${plan.emulatorPagesMs.toFixed(0)} ms ` +
        `(the emulator's own time for the pages, no latency) = ${plan.limitMs.toFixed(0)} ms`,
    );
  }
  if (rows.length > 1) {
    const [small, large] = [rows[0]!, rows[rows.length - 1]!];
    const grow = (f: (p: PlanMeasurement) => number) => `${(f(large.plan) / f(small.plan)).toFixed(1)}x`;
    console.log(
      `from ${small.count.toLocaleString('en-US')} to ${large.count.toLocaleString('en-US')} images ` +
        `(${(large.count / small.count).toFixed(0)}x): wall ${grow((p) => p.run.wallMs)}, ` +
        `CPU ${grow((p) => p.run.userMs + p.run.systemMs)}, requests ${grow((p) => p.requests)}`,
    );
  }
  console.log('targets (issue 12): CPU at 10,000 images ≤ 1,000 ms; wall ≤ 1.3x the limit.');
}

async function main(): Promise<void> {
  const counts = process.argv.slice(2).map(Number);
  const sizes = counts.length ? counts : [1_000, 10_000];
  if (!sizes.every((n) => Number.isInteger(n) && n > 0))
    throw new Error('usage: node --import tsx bench/plan.ts [COUNT...]');
  const rows: { count: number; imageform: Measurement; naive: Measurement }[] = [];
  const plans: { count: number; plan: PlanMeasurement }[] = [];
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
      plans.push({ count, plan: await measurePlan(emulator, token, state, join(dir, 'workspace')) });
    } finally {
      await emulator.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }
  printTable(rows);
  printPlanTable(plans);
  console.log(
    JSON.stringify({
      bench: 'plan',
      latency_ms: LATENCY_MS,
      results: rows.map((row, i) => {
        const plan = plans[i]!.plan;
        return {
          images: row.count,
          refresh: row.imageform,
          naive_refresh: row.naive,
          plan: {
            wall_ms: plan.run.wallMs,
            cpu_ms: plan.run.userMs + plan.run.systemMs,
            peak_rss_mb: plan.run.maxRssMb,
            requests: plan.requests,
            pages: plan.pages,
            emulator_pages_ms: plan.emulatorPagesMs,
            limit_ms: plan.limitMs,
            wall_over_limit: plan.run.wallMs / plan.limitMs,
          },
        };
      }),
    }),
  );
}

if (process.argv[2] === '--measure') {
  const [, , , mode, url, apiKey, stateFile] = process.argv;
  await measure(mode as Mode, url!, apiKey!, stateFile!);
} else {
  await main();
}
