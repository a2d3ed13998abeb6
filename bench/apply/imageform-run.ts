/**
 * One `imageform apply` of N new images: the built CLI as a child process, in a fresh workspace, with the probe
 * (cli-probe.js) preloaded for its CPU time and the bytes it wrote to files.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProbed, type ProbedRun } from '../lib/probed-cli.js';

const API_KEY_ENV = 'IMAGEFORM_BENCH_API_KEY';
const IMAGES_PER_FILE = 100;

export interface ImageformResult extends ProbedRun {
  finalStateBytes: number;
  available: number;
}

function imageDocument(name: string): string {
  return `kind: image\nname: ${name}\nspec:\n  file: cos://us-south/bench/${name}.qcow2\n  operating_system: ubuntu-24-04-amd64\n`;
}

export async function runImageformApply(options: {
  url: string;
  apiKey: string;
  count: number;
  parallelism: number;
}): Promise<ImageformResult> {
  const dir = await mkdtemp(join(tmpdir(), 'imageform-bench-apply-'));
  try {
    await writeFile(
      join(dir, 'imageform.yaml'),
      `provider:\n  type: ibm-vpc\n  endpoint: ${options.url}\n  iam_endpoint: ${options.url}\n  api_key_env: ${API_KEY_ENV}\n`,
    );
    await mkdir(join(dir, 'images'));
    for (let first = 0; first < options.count; first += IMAGES_PER_FILE) {
      const names = Array.from(
        { length: Math.min(IMAGES_PER_FILE, options.count - first) },
        (_, i) => `img-${String(first + i).padStart(5, '0')}`,
      );
      await writeFile(
        join(dir, 'images', `part-${String(first / IMAGES_PER_FILE).padStart(3, '0')}.yaml`),
        names.map(imageDocument).join('---\n'),
      );
    }
    const run = await runProbed(['apply', '--auto-approve', '--parallelism', String(options.parallelism)], dir, {
      [API_KEY_ENV]: options.apiKey,
    });
    const statePath = join(dir, '.imageform', 'state.json');
    const state = JSON.parse(await readFile(statePath, 'utf8')) as {
      resources: Record<string, { id: string | null; attributes: { status?: string } }>;
    };
    const available = Object.values(state.resources).filter((r) => r.attributes.status === 'available').length;
    return { ...run, finalStateBytes: (await stat(statePath)).size, available };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `imageform --version`: the CPU and wall time of starting the CLI at all (Node.js and its modules), for scale. */
export async function measureProcessStart(): Promise<ProbedRun> {
  const dir = await mkdtemp(join(tmpdir(), 'imageform-bench-start-'));
  try {
    return await runProbed(['--version'], dir, {});
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
