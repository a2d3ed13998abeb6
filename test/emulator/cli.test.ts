import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { waitFor } from '../helpers/wait.js';
import { fetchToken } from './cloud-client.js';

const mainModule = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** `imageform emulator ...` in a child process: the real CLI, with real signals. */
function spawnEmulator(args: string[]) {
  const script = `import(${JSON.stringify(mainModule)}).then(async (m) => { process.exitCode = await m.main(${JSON.stringify(['emulator', ...args])}); })`;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `imageform emulator ...` in a child process, resolving once it printed its URL. */
async function launch(args: string[], lines = 1) {
  const child = spawnEmulator(args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`the emulator exited ${child.exitCode} before printing: ${stderr}`);
      return stdout.split('\n').length > lines;
    },
    { what: `the emulator to print ${lines} line(s)`, detail: () => JSON.stringify({ stdout, stderr }) },
  );
  return { child, output: () => stdout, errors: () => stderr };
}

/** Runs `imageform emulator ...` in a child process that is expected to exit by itself. */
async function runToExit(args: string[]) {
  const child = spawnEmulator(args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

function inProcess(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  return run({
    argv: ['emulator', ...argv],
    cwd: process.cwd(),
    env: {},
    stdin: new PassThrough(),
    stdout,
    stderr,
  }).then((code) => ({ code, out, err }));
}

describe('imageform emulator', () => {
  it('prints its URL (and the generated key), serves IAM and /v1, and stops cleanly on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imageform-cli-'));
    try {
      const { child, output } = await launch(
        ['--port', '0', '--data', join(dir, 'cloud.json'), '--time-scale', '0.1', '--token-ttl', '120'],
        2,
      );
      const [first, second] = output().trim().split('\n');
      expect(first).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      const url = first!.replace('listening on ', '');
      const apiKey = second!.replace(/^api key: /, '');
      const token = await fetchToken(url, apiKey);
      expect(token.body.expires_in).toBe(120);
      const images = await fetch(`${url}/v1/images?version=2026-03-24&generation=2`, {
        headers: { Authorization: `Bearer ${token.body.access_token}` },
      });
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
    [['--bogus'], /emulator: unknown flag "--bogus"/],
    [['extra'], /unexpected argument "extra"/],
  ])('refuses %j with one line and exit 1', async (argv, message) => {
    const { code, err } = await inProcess(argv);
    expect(code).toBe(1);
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
  });
});

describe('imageform emulator --cloud', () => {
  it.each([
    ['the default cloud', [] as string[]],
    ['--cloud ibm-vpc', ['--cloud', 'ibm-vpc']],
  ])('runs IBM Cloud (IAM and the VPC Images API) for %s', async (_label, cloudFlag) => {
    const { child, output } = await launch([...cloudFlag, '--api-key', 'cloud-flag-key']);
    try {
      expect(output().trim().split('\n')).toEqual([expect.stringMatching(/^listening on http:\/\/127\.0\.0\.1:\d+$/)]);
      const url = output().trim().replace('listening on ', '');
      const token = await fetchToken(url, 'cloud-flag-key');
      expect(token.body.token_type).toBe('Bearer');
      const images = await fetch(`${url}/v1/images?version=2026-03-24&generation=2`, {
        headers: { Authorization: `Bearer ${token.body.access_token}` },
      });
      expect(images.status).toBe(200);
      expect(await images.json()).toMatchObject({ images: [], total_count: 0 });
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
    expect(child.exitCode).toBe(0);
  });

  it('runs OpenStack (Keystone v3 and Glance v2) for --cloud openstack-glance, printing the key it made up', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imageform-cli-glance-'));
    try {
      const { child, output } = await launch(
        ['--cloud', 'openstack-glance', '--port', '0', '--data', join(dir, 'cloud.json'), '--token-ttl', '120'],
        2,
      );
      const [first, second] = output().trim().split('\n');
      expect(first).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      const url = first!.replace('listening on ', '');
      const password = second!.replace(/^api key: /, '');
      const auth = {
        identity: {
          methods: ['password'],
          password: { user: { name: 'admin', domain: { name: 'Default' }, password } },
        },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      };
      const tokens = await fetch(`${url}/v3/auth/tokens`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ auth }),
      });
      expect(tokens.status).toBe(201);
      const { token } = (await tokens.json()) as { token: { expires_at: string; issued_at: string } };
      expect(Date.parse(token.expires_at) - Date.parse(token.issued_at)).toBe(120_000);
      const images = await fetch(`${url}/v2/images`, {
        headers: { 'X-Auth-Token': tokens.headers.get('x-subject-token')!, Accept: 'application/json' },
      });
      expect(images.status).toBe(200);
      expect(await images.json()).toMatchObject({ images: [], schema: '/v2/schemas/images' });
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect((await stat(join(dir, 'cloud.json'))).isFile()).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers a misspelt cloud with a guess and the list of clouds, and exits 1', async () => {
    const { code, stdout, stderr } = await runToExit(['--cloud', 'ibm-vcp']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/unknown cloud "ibm-vcp"/);
    expect(stderr).toMatch(/did you mean "ibm-vpc"\?/);
    expect(stderr).toMatch(/clouds: ibm-vpc, openstack-glance, alibaba-ecs/);
  });

  it('lists the clouds without a guess for a name near none of them', async () => {
    const { code, stderr } = await runToExit(['--cloud', 'azure']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/unknown cloud "azure"/);
    expect(stderr).not.toMatch(/did you mean/);
    expect(stderr).toMatch(/clouds: ibm-vpc, openstack-glance, alibaba-ecs/);
  });
});

describe('a killed emulator', () => {
  it('never answered for a change it lost: every acknowledged create survives SIGKILL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imageform-kill-'));
    try {
      const dataFile = join(dir, 'cloud.json');
      const { child, output } = await launch(['--data', dataFile, '--api-key', 'kill-key']);
      const url = output().trim().replace('listening on ', '');
      const token = (await fetchToken(url, 'kill-key')).body.access_token;
      const acknowledged: string[] = [];
      const create = async (name: string) => {
        const response = await fetch(`${url}/v1/images?version=2026-03-24&generation=2`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({
            name,
            file: { href: 'cos://us-south/b/x.qcow2' },
            operating_system: { name: 'debian-12-amd64' },
          }),
        }).catch(() => undefined);
        if (response?.status === 201) {
          acknowledged.push(((await response.json()) as { id: string }).id);
          // Killed the moment the first of the 30 is acknowledged: the others are in flight.
          if (name.startsWith('killed-')) child.kill('SIGKILL');
        }
      };
      for (let i = 0; i < 5; i++) await create(`before-${i}`);
      expect(acknowledged).toHaveLength(5);
      await Promise.all(Array.from({ length: 30 }, (_, i) => create(`killed-${i}`)));
      child.kill('SIGKILL');
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
      const { startEmulator } = await import('../../src/clouds/ibm-vpc/emulator/index.js');
      const restarted = await startEmulator({ dataFile, apiKey: 'kill-key' });
      try {
        const fresh = (await fetchToken(restarted.url, 'kill-key')).body.access_token;
        const listed = await fetch(`${restarted.url}/v1/images?version=2026-03-24&generation=2&limit=100`, {
          headers: { Authorization: `Bearer ${fresh}` },
        });
        const ids = new Set(
          ((await listed.json()) as { images: Array<{ id: string }> }).images.map((image) => image.id),
        );
        for (const id of acknowledged) expect(ids.has(id)).toBe(true);
      } finally {
        await restarted.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
