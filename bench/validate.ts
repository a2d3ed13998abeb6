/**
 * `imageform validate` over generated documents (per image: the image, two export jobs and a deprecation; ten
 * documents a file). First the whole command as a user runs it, the built CLI in a fresh process (process start
 * included), over 1,000 and 10,000 documents: wall and CPU time, median of 5 (targets, issue 12: 1,000 documents
 * ≤ 300 ms, 10,000 ≤ 2 s). Then, in this process over the 1,000 documents, the time of the first run (schema
 * compilation included) and the median of the next ones; then
 * the figures the unit tests used to assert as time limits: loading 1,000 documents from two files (once
 * "well under a second"), and refusing an alias bomb, 100,000-deep nesting and an 11 MiB file.
 * Run: npm run build && node --import tsx bench/validate.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { validate } from '../src/cli/validate.js';
import { CATALOG } from '../src/app/catalog.js';
import { loadConfiguration } from '../src/config/load.js';
import { parseYamlText } from '../src/config/source-document.js';
import { runProbed, type ProbedRun } from './lib/probed-cli.js';

const IMAGES = 250;
const DOCUMENTS_PER_IMAGE = 4;
const DOCUMENTS_PER_FILE = 10;
const CLI_RUNS = 5;

function imageDocument(i: number): string {
  return `kind: image
name: image-${i}
spec:
  file: cos://us-south/imageform-examples/image-${i}.qcow2
  operating_system: ubuntu-24-04-amd64
  deprecation_at: "2035-01-15T00:00:00Z"
  obsolescence_at: "2036-01-15T00:00:00+01:00"
lifecycle:
  ignore_changes: [name]
`;
}

function exportDocument(i: number, copy: number): string {
  return `kind: image_export_job
name: export-${i}-${copy}
spec:
  image: \${image.image-${i}.id}
  storage_bucket: {name: imageform-exports}
  format: qcow2
`;
}

function deprecateDocument(i: number): string {
  return `kind: image_deprecate
name: deprecate-${i}
spec:
  image: r006-1a2b3c4d-0000-4000-8000-${String(i).padStart(12, '0')}
`;
}

/** `images` × 4 documents in files of 10, under `root/folder`; returns how many documents. */
function generate(root: string, images = IMAGES, folder = 'infra'): number {
  const documents: string[] = [];
  for (let i = 0; i < images; i++) {
    documents.push(imageDocument(i), exportDocument(i, 1), exportDocument(i, 2), deprecateDocument(i));
  }
  mkdirSync(join(root, folder), { recursive: true });
  for (let file = 0; file * DOCUMENTS_PER_FILE < documents.length; file++) {
    const slice = documents.slice(file * DOCUMENTS_PER_FILE, (file + 1) * DOCUMENTS_PER_FILE);
    writeFileSync(join(root, folder, `part-${String(file).padStart(4, '0')}.yaml`), slice.join('---\n'));
  }
  return documents.length;
}

/** `imageform validate FOLDER` as a user runs it, CLI_RUNS times: the run of median wall time. */
async function validateCommand(root: string, folder: string): Promise<ProbedRun> {
  const runs: ProbedRun[] = [];
  for (let i = 0; i < CLI_RUNS; i++) {
    const run = await runProbed(['validate', folder], root, {});
    if (run.exitCode !== 0) throw new Error(`imageform validate ${folder}: exit ${run.exitCode}\n${run.stderrTail}`);
    runs.push(run);
  }
  return runs.sort((a, b) => a.wallMs - b.wallMs)[Math.floor(CLI_RUNS / 2)]!;
}

async function commandFigures(root: string): Promise<void> {
  const rows: { documents: number; run: ProbedRun }[] = [];
  for (const documents of [1_000, 10_000]) {
    const folder = `cli-${documents}`;
    generate(root, documents / DOCUMENTS_PER_IMAGE, folder);
    rows.push({ documents, run: await validateCommand(root, folder) });
  }
  const start = await runProbed(['--version'], root, {});
  console.log(`imageform validate, the whole command (a fresh process, median of ${CLI_RUNS} by wall time):`);
  for (const { documents, run } of rows) {
    console.log(
      `  ${documents.toLocaleString('en-US').padStart(6)} documents in ${documents / DOCUMENTS_PER_FILE} files: ` +
        `${run.wallMs.toFixed(0)} ms wall, ${(run.userMs + run.systemMs).toFixed(0)} ms CPU, ` +
        `peak RSS ${run.maxRssMb.toFixed(0)} MB`,
    );
  }
  const [small, large] = [rows[0]!.run, rows[1]!.run];
  console.log(
    `  10x the documents: wall ${(large.wallMs / small.wallMs).toFixed(1)}x, CPU ` +
      `${((large.userMs + large.systemMs) / (small.userMs + small.systemMs)).toFixed(1)}x; ` +
      `process start alone (imageform --version): ${start.wallMs.toFixed(0)} ms wall, ` +
      `${(start.userMs + start.systemMs).toFixed(0)} ms CPU; targets (issue 12): 1,000 ≤ 300 ms, 10,000 ≤ 2,000 ms`,
  );
  console.log(
    JSON.stringify({
      bench: 'validate',
      command: rows.map(({ documents, run }) => ({
        documents,
        wall_ms: run.wallMs,
        cpu_ms: run.userMs + run.systemMs,
        peak_rss_mb: run.maxRssMb,
      })),
      process_start: { wall_ms: start.wallMs, cpu_ms: start.userMs + start.systemMs },
    }),
  );
}

async function timeValidate(root: string): Promise<{ ms: number; code: number; stdout: string }> {
  let stdout = '';
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const started = performance.now();
  const code = await validate({
    argv: ['infra'],
    cwd: root,
    env: {},
    stdin: new PassThrough(),
    stdout: out,
    stderr: new PassThrough(),
  });
  const ms = performance.now() - started;
  await new Promise((resolve) => setImmediate(resolve));
  return { ms, code, stdout };
}

/** Median of `runs` timed calls after one untimed warm-up (schemas compiled); fails if a call does not `succeed`. */
async function median<T>(
  what: string,
  call: () => T | Promise<T>,
  succeed: (value: T) => boolean,
  runs = 9,
): Promise<number> {
  if (!succeed(await call())) throw new Error(`${what}: unexpected result`);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const value = await call();
    times.push(performance.now() - started);
    if (!succeed(value)) throw new Error(`${what}: unexpected result`);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

/** The documents of test/unit/config/load.test.ts's 1,000-document case: one image and 999 export jobs. */
function generateLoadCase(root: string): void {
  const image =
    'kind: image\nname: web\nspec:\n  file: cos://us-south/imageform-examples/ubuntu-24.04.qcow2\n' +
    '  operating_system: ubuntu-24-04-amd64\n';
  const jobs = Array.from(
    { length: 999 },
    (_, i) =>
      `kind: image_export_job\nname: job-${i}\nspec:\n  image: r006-1a2b3c4d-0000-4000-8000-${String(i).padStart(12, '0')}\n  storage_bucket: {name: b}\n`,
  );
  mkdirSync(join(root, 'load'), { recursive: true });
  writeFileSync(join(root, 'load', 'images.yaml'), image);
  writeFileSync(join(root, 'load', 'jobs.yaml'), jobs.join('---\n'));
}

async function refusals(root: string): Promise<void> {
  const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++) {
    const [previous, name] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
    levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
  }
  const bomb = `${levels.join('\n')}\n`;
  const refusedAs = (code: string) => (parsed: ReturnType<typeof parseYamlText>) =>
    parsed.diagnostics.some((d) => d.code === code);
  const bombMs = await median('alias bomb', () => parseYamlText(bomb, 'bomb.yaml'), refusedAs('yaml.alias-bomb'));
  const deep = `x: ${'['.repeat(100_000)}\n`;
  const deepMs = await median('deep nesting', () => parseYamlText(deep, 'deep.yaml'), refusedAs('yaml.too-deep'));
  mkdirSync(join(root, 'huge'), { recursive: true });
  writeFileSync(join(root, 'huge', 'huge.yaml'), Buffer.alloc(11 * 1024 * 1024, 0x61));
  const hugeMs = await median(
    '11 MiB file',
    () => loadConfiguration('huge', { cwd: root, catalog: CATALOG }),
    (loaded) => loaded.diagnostics.length === 1,
  );
  console.log(
    `refusals (medians of 9): alias bomb ${bombMs.toFixed(1)} ms, 100,000-deep nesting ${deepMs.toFixed(1)} ms, ` +
      `11 MiB file ${hugeMs.toFixed(1)} ms`,
  );
}

const root = mkdtempSync(join(tmpdir(), 'imageform-bench-validate-'));
try {
  await commandFigures(root);
  const count = generate(root);
  const first = await timeValidate(root);
  if (first.code !== 0) throw new Error(`validate failed on generated documents: exit ${first.code}`);
  const runs: number[] = [];
  for (let i = 0; i < 9; i++) runs.push((await timeValidate(root)).ms);
  runs.sort((a, b) => a - b);
  console.log(`validate: ${count} documents in 100 files: ${first.stdout.trim()}`);
  console.log(
    `validate: first run ${first.ms.toFixed(0)} ms (schemas compiled), median of 9 warm runs ${runs[4]!.toFixed(0)} ms`,
  );

  generateLoadCase(root);
  const loadMs = await median(
    'load 1,000 documents',
    () => loadConfiguration('load', { cwd: root, catalog: CATALOG }),
    (loaded) => loaded.diagnostics.length === 0 && loaded.configuration.documents.length === 1000,
  );
  console.log(`loadConfiguration: 1,000 documents in 2 files, median of 9 warm runs ${loadMs.toFixed(0)} ms`);
  await refusals(root);
} finally {
  rmSync(root, { recursive: true, force: true });
}
