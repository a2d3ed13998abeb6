/**
 * `imageform validate` over 1,000 generated documents (250 images, 500 export jobs, 250 deprecations, in 100
 * files). Prints the time of the first run (schema compilation included) and the median of the next ones; then
 * the figures the unit tests used to assert as time limits: loading 1,000 documents from two files (once
 * "well under a second"), and refusing an alias bomb, 100,000-deep nesting and an 11 MiB file.
 * Run: node --import tsx bench/validate.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { validate } from '../src/cli/validate.js';
import { CATALOG } from '../src/app/catalog.js';
import { loadConfiguration } from '../src/config/load.js';
import { parseYamlText } from '../src/config/source-document.js';

const IMAGES = 250;

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

function generate(root: string): number {
  const documents: string[] = [];
  for (let i = 0; i < IMAGES; i++) {
    documents.push(imageDocument(i), exportDocument(i, 1), exportDocument(i, 2), deprecateDocument(i));
  }
  mkdirSync(join(root, 'infra'), { recursive: true });
  for (let file = 0; file < 100; file++) {
    const slice = documents.slice(file * 10, file * 10 + 10);
    writeFileSync(join(root, 'infra', `part-${String(file).padStart(3, '0')}.yaml`), slice.join('---\n'));
  }
  return documents.length;
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
