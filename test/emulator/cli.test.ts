import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { fetchToken } from './cloud-client.js';

const mainModule = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** Runs `imageform emulator ...` in a child process (real signals), resolving once it printed its URL. */
async function launch(args: string[]) {
  const script = `import(${JSON.stringify(mainModule)}).then(async (m) => { process.exitCode = await m.main(${JSON.stringify(['emulator', ...args])}); })`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const started = Date.now();
  while (!/listening on/.test(stdout) && child.exitCode === null && Date.now() - started < 20_000) await new Promise((resolve) => setTimeout(resolve, 25));
  return { child, output: () => stdout, errors: () => stderr };
}

function inProcess(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  return run({ argv: ['emulator', ...argv], cwd: process.cwd(), env: {}, stdin: new PassThrough(), stdout, stderr }).then((code) => ({ code, out, err }));
}

describe('imageform emulator', () => {
  it('prints its URL (and the generated key), serves IAM and /v1, and stops cleanly on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imageform-cli-'));
    try {
      const { child, output } = await launch(['--port', '0', '--data', join(dir, 'cloud.json'), '--time-scale', '0.1', '--token-ttl', '120']);
      const [first, second] = output().trim().split('\n');
      expect(first).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      const url = first!.replace('listening on ', '');
      const apiKey = second!.replace(/^api key: /, '');
      const token = await fetchToken(url, apiKey);
      expect(token.body.expires_in).toBe(120);
      const images = await fetch(`${url}/v1/images?version=2026-03-24&generation=2`, { headers: { Authorization: `Bearer ${token.body.access_token}` } });
      expect(images.status).toBe(200);
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect((await stat(join(dir, 'cloud.json'))).isFile()).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not print a key the user gave', async () => {
    const { child, output } = await launch(['--api-key', 'my-own-key']);
    expect(output().trim().split('\n')).toHaveLength(1);
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it.each([
    [['--port', 'abc'], /--port abc must be an integer/],
    [['--time-scale=-1'], /--time-scale -1 must be a number >= 0/],
    [['--token-ttl', '0'], /--token-ttl 0/],
    [['--bogus'], /emulator: Unknown option/],
    [['extra'], /unexpected argument "extra"/],
  ])('refuses %j with one line and exit 1', async (argv, message) => {
    const { code, err } = await inProcess(argv);
    expect(code).toBe(1);
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
  });
});
