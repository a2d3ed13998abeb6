/**
 * `imageform validate` over 1,000 generated documents (250 images, 500 export jobs, 250 deprecations, in 100
 * files). Prints the time of the first run (schema compilation included) and the median of the next ones.
 * Run: node --import tsx bench/validate.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { validate } from '../src/cli/validate.js';

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
  const code = await validate({ argv: ['infra'], cwd: root, env: {}, stdin: new PassThrough(), stdout: out, stderr: new PassThrough() });
  const ms = performance.now() - started;
  await new Promise((resolve) => setImmediate(resolve));
  return { ms, code, stdout };
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
  console.log(`validate: first run ${first.ms.toFixed(0)} ms (schemas compiled), median of 9 warm runs ${runs[4]!.toFixed(0)} ms`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
