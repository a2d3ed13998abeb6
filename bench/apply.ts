/**
 * Apply benchmark (issue 12's acceptance): N image creates whose images take T seconds to become available, with
 * 20 ms of latency on every API request, at parallelism 10. For each N it runs, each against a fresh emulator
 * process (same time scale, same latency):
 *  - `imageform apply` (the built CLI, a child process): wall time, CPU time (user + sys), requests by route,
 *    bytes written to files (the state);
 *  - the slot-holding model (bench/apply/slot-model.ts): each create holds a slot until its own image is available;
 * and prints them beside the limit T + ⌈N/P⌉ × request time (request time: median of sequential POSTs at that
 * latency), the ratios, CPU per create and the requests against the budget creates + Σ ⌈pending/100⌉ over list
 * queries (IBM creates cost 2 requests each: a POST under a create key, then a PATCH to the real name).
 *
 * Run: npm run build && node --import tsx bench/apply.ts [--counts 200,1000] [--seconds 10] [--parallelism 10]
 *      [--latency-ms 20]      (or IMAGEFORM_BENCH_COUNTS=50 IMAGEFORM_BENCH_SECONDS=2 for a quick run)
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulatorProcess, type EmulatorProcess } from './apply/emulator-process.js';
import { measureProcessStart, runImageformApply, type ImageformResult } from './apply/imageform-run.js';
import { startListProxy, type ListProxy, type ListQuery } from './apply/list-proxy.js';
import { REPO } from './lib/paths.js';
import { medianPostMs, runSlotModel, type SlotModelResult } from './apply/slot-model.js';

/** The emulator's image is usable this long after its POST at time scale 1 (model.ts `imageReady`). */
const IMAGE_READY_AT_SCALE_1_S = 1;
const PAGE = 100;

interface Settings {
  counts: number[];
  seconds: number;
  parallelism: number;
  latencyMs: number;
}

interface Requests {
  /** `/v1` and IAM requests by route, from the emulator's /stats (after minus before). */
  byRoute: Record<string, number>;
  total: number;
  lists: { queries: number; pages: number; budget: number; byFilter: Record<string, number> };
  perImageGets: number;
  /** Requests the creates themselves cost: POST (+ PATCH for imageform's rename) per image. */
  createRequests: number;
  budget: number;
}

interface Row {
  count: number;
  requestMs: number;
  limitMs: number;
  imageform: ImageformResult & { requests: Requests };
  slot: SlotModelResult & { requests: Requests };
}

function settingsFrom(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      counts: { type: 'string' },
      seconds: { type: 'string' },
      parallelism: { type: 'string' },
      'latency-ms': { type: 'string' },
    },
  });
  const counts = (values.counts ?? process.env.IMAGEFORM_BENCH_COUNTS ?? '200,1000').split(',').map(Number);
  const settings = {
    counts,
    seconds: Number(values.seconds ?? process.env.IMAGEFORM_BENCH_SECONDS ?? 10),
    parallelism: Number(values.parallelism ?? 10),
    latencyMs: Number(values['latency-ms'] ?? 20),
  };
  if (!counts.every((n) => Number.isInteger(n) && n > 0) || !(settings.seconds > 0))
    throw new Error('usage: bench/apply.ts [--counts 200,1000] [--seconds 10] [--parallelism 10] [--latency-ms 20]');
  return settings;
}

/** The bench runs bin/imageform.js, which runs dist/: refuse a build older than the sources it would measure. */
function checkBuild(): void {
  const built = join(REPO, 'dist', 'engine', 'apply.js');
  let builtAt: number;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    throw new Error('bench/apply.ts runs the built CLI: run `npm run build` first');
  }
  if (statSync(join(REPO, 'src', 'engine', 'apply.ts')).mtimeMs > builtAt)
    throw new Error('dist/ is older than src/engine/apply.ts: run `npm run build` first');
}

function requestsOf(
  before: { requests: Record<string, number> },
  after: { requests: Record<string, number> },
  queries: ListQuery[],
  createRequests: number,
): Requests {
  const byRoute: Record<string, number> = {};
  for (const [route, n] of Object.entries(after.requests)) {
    if (route.includes(' /emulator/')) continue;
    const delta = n - (before.requests[route] ?? 0);
    if (delta) byRoute[route] = delta;
  }
  const apiTotal = Object.entries(byRoute)
    .filter(([route]) => route.includes(' /v1/'))
    .reduce((sum, [, n]) => sum + n, 0);
  const byFilter: Record<string, number> = {};
  let budget = 0;
  for (const query of queries) {
    byFilter[query.filter || '(none)'] = (byFilter[query.filter || '(none)'] ?? 0) + query.pages;
    // A query read to its end may cost ⌈what it reads / 100⌉ pages; one the client stopped early costs what it did.
    budget += query.complete ? Math.max(1, Math.ceil(query.total / PAGE)) : query.pages;
  }
  return {
    byRoute,
    total: apiTotal,
    lists: { queries: queries.length, pages: queries.reduce((sum, q) => sum + q.pages, 0), budget, byFilter },
    perImageGets: byRoute['GET /v1/images/{id}'] ?? 0,
    createRequests,
    budget: createRequests + budget,
  };
}

/** A fresh emulator (scaled so images take `seconds`), latency injected, a list-reading proxy in front. */
async function withCloud<T>(
  settings: Settings,
  run: (cloud: EmulatorProcess, proxy: ListProxy) => Promise<T>,
): Promise<T> {
  const cloud = await startEmulatorProcess(settings.seconds / IMAGE_READY_AT_SCALE_1_S);
  const proxy = await startListProxy(cloud.url);
  try {
    await cloud.hook('POST', '/faults', { latency_ms: settings.latencyMs });
    return await run(cloud, proxy);
  } finally {
    await proxy.stop();
    await cloud.stop();
  }
}

async function measureCount(settings: Settings, count: number): Promise<Row> {
  const { parallelism } = settings;
  const imageform = await withCloud(settings, async (cloud, proxy) => {
    const before = await cloud.hook('GET', '/stats');
    const result = await runImageformApply({ url: proxy.url, apiKey: cloud.apiKey, count, parallelism });
    const after = await cloud.hook('GET', '/stats');
    if (result.exitCode !== 0 || result.available !== count)
      throw new Error(
        `imageform apply of ${count}: exit ${result.exitCode}, ${result.available} available\n${result.stderrTail}`,
      );
    const requests = requestsOf(before, after, proxy.queries, 2 * count);
    // Measured after the apply, on the same cloud, so the probes' pending images never join its sweeps.
    const requestMs = await medianPostMs(proxy.url, cloud.apiKey);
    return { ...result, requests, requestMs };
  });
  process.stderr.write(`  imageform, ${count} creates: ${(imageform.wallMs / 1000).toFixed(1)} s\n`);
  const slot = await withCloud(settings, async (cloud, proxy) => {
    const before = await cloud.hook('GET', '/stats');
    const result = await runSlotModel({
      url: proxy.url,
      apiKey: cloud.apiKey,
      count,
      parallelism,
      firstPollMs: 200,
      maxPollMs: 2_000,
    });
    const after = await cloud.hook('GET', '/stats');
    if (result.available !== count) throw new Error(`slot model: ${result.available} of ${count} available`);
    return { ...result, requests: requestsOf(before, after, proxy.queries, count) };
  });
  process.stderr.write(`  slot model, ${count} creates: ${(slot.wallMs / 1000).toFixed(1)} s\n`);
  const { requestMs, ...imageformFigures } = imageform;
  const limitMs = settings.seconds * 1000 + Math.ceil(count / parallelism) * requestMs;
  return { count, requestMs, limitMs, imageform: imageformFigures, slot };
}

const s = (ms: number) => (ms / 1000).toFixed(1);
const x = (ratio: number) => `${ratio.toFixed(2)}x`;

function printRow(settings: Settings, row: Row, startCpuMs: number): void {
  const { imageform, slot, count } = row;
  const cpuMs = imageform.userMs + imageform.systemMs;
  const cpuPerCreate = `${(cpuMs / count).toFixed(2)} ms (${((cpuMs - startCpuMs) / count).toFixed(2)} ms less process start)`;
  const rounds = Math.ceil(count / settings.parallelism);
  console.log(
    `\nN = ${count.toLocaleString('en-US')} creates, images available after T = ${settings.seconds} s, ` +
      `${settings.latencyMs} ms latency, parallelism P = ${settings.parallelism}`,
  );
  console.log(
    `limit T + ⌈N/P⌉ × request time = ${settings.seconds} s + ${rounds} × ${row.requestMs.toFixed(1)} ms ` +
      `(median POST) = ${s(row.limitMs)} s`,
  );
  const header = ['', 'wall s', 'CPU s', 'CPU/create', '/v1 requests', 'budget', 'lists', 'GET {id}', 'file MB'];
  const widths = [12, 8, 7, 11, 13, 8, 7, 9, 9];
  const line = (cells: string[]) => cells.map((c, i) => (i ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('');
  console.log(line(header));
  console.log(
    line([
      'imageform',
      s(imageform.wallMs),
      s(cpuMs),
      `${(cpuMs / count).toFixed(2)} ms`,
      String(imageform.requests.total),
      String(imageform.requests.budget),
      String(imageform.requests.lists.pages),
      String(imageform.requests.perImageGets),
      (imageform.fileBytesWritten / 1e6).toFixed(2),
    ]),
  );
  console.log(
    line([
      'slot model',
      s(slot.wallMs),
      `${s(slot.cpuMs)}*`,
      '',
      String(slot.requests.total),
      String(slot.requests.budget),
      String(slot.requests.lists.pages),
      String(slot.requests.perImageGets),
      '',
    ]),
  );
  console.log(
    `imageform / limit ${x(imageform.wallMs / row.limitMs)} (target ≤ 1.5x), ` +
      `slot model / imageform ${x(slot.wallMs / imageform.wallMs)} (target ≥ 30x), ` +
      `CPU per create ${cpuPerCreate} (target ≤ 3 ms), ` +
      `requests ${imageform.requests.total} ${imageform.requests.total <= imageform.requests.budget ? '≤' : '>'} ` +
      `budget ${imageform.requests.budget}`,
  );
  const routes = Object.entries(imageform.requests.byRoute)
    .map(([route, n]) => `${route} ${n}`)
    .join(', ');
  console.log(`imageform requests by route: ${routes}`);
  const lists = imageform.requests.lists;
  console.log(
    `imageform lists (sweeps' cost): ${lists.pages} pages in ${lists.queries} queries, budget Σ⌈read/100⌉ = ` +
      `${lists.budget}; pages by filter: ${JSON.stringify(lists.byFilter)}`,
  );
  console.log(
    `imageform state: ${(imageform.fileBytesWritten / 1e6).toFixed(2)} MB written for a final state of ` +
      `${(imageform.finalStateBytes / 1e6).toFixed(2)} MB (${(imageform.fileBytesWritten / imageform.finalStateBytes).toFixed(0)} ` +
      `times its size); peak RSS ${imageform.maxRssMb.toFixed(0)} MB`,
  );
}

async function main(): Promise<void> {
  const settings = settingsFrom(process.argv.slice(2));
  checkBuild();
  // Median of three: the CPU any CLI run pays before its first request, to read small N's CPU per create.
  const starts = [await measureProcessStart(), await measureProcessStart(), await measureProcessStart()];
  const start = starts.sort((a, b) => a.userMs + a.systemMs - (b.userMs + b.systemMs))[1]!;
  const startCpuMs = start.userMs + start.systemMs;
  const rows: Row[] = [];
  for (const count of settings.counts) {
    process.stderr.write(`measuring ${count} creates (T = ${settings.seconds} s)...\n`);
    const row = await measureCount(settings, count);
    // Printed as soon as measured: a long run that fails later keeps its first figures.
    printRow(settings, row, startCpuMs);
    rows.push(row);
  }
  console.log(
    `\nprocess start (imageform --version, median of 3): ${start.wallMs.toFixed(0)} ms wall, ${startCpuMs.toFixed(0)} ms CPU`,
  );
  console.log(
    '\nbudget: creates (imageform: POST under a create key + PATCH to the name = 2 per image; slot model: 1 POST) ' +
      '+ Σ over list queries of ⌈what the query reads (its total_count) / 100⌉.\n' +
      'CPU: imageform, user + sys of the CLI process (getrusage at exit); * slot model: the bench process, its ' +
      'proxy included.\nfile MB: bytes the CLI wrote to files (/proc/self/io wchar less sockets and stdout/stderr). ' +
      'Wall: imageform from spawn to exit (start, plan, apply); the slot model from its first POST.',
  );
  console.log(
    JSON.stringify({
      bench: 'apply',
      settings,
      process_start: { wall_ms: start.wallMs, cpu_ms: startCpuMs },
      results: rows.map((row) => ({
        n: row.count,
        request_ms: row.requestMs,
        limit_ms: row.limitMs,
        imageform: {
          wall_ms: row.imageform.wallMs,
          cpu_ms: row.imageform.userMs + row.imageform.systemMs,
          user_ms: row.imageform.userMs,
          system_ms: row.imageform.systemMs,
          cpu_per_create_ms: (row.imageform.userMs + row.imageform.systemMs) / row.count,
          max_rss_mb: row.imageform.maxRssMb,
          file_bytes_written: row.imageform.fileBytesWritten,
          final_state_bytes: row.imageform.finalStateBytes,
          requests: row.imageform.requests,
        },
        slot_model: {
          wall_ms: row.slot.wallMs,
          bench_cpu_ms: row.slot.cpuMs,
          requests: row.slot.requests,
        },
        ratios: {
          imageform_over_limit: row.imageform.wallMs / row.limitMs,
          slot_over_imageform: row.slot.wallMs / row.imageform.wallMs,
        },
      })),
    }),
  );
}

await main();
