import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait.js';
import { startGlance, type TestGlance } from './glance-client.js';

/**
 * DESIGN §6: the emulator driven by the cloud's official clients, Debian's `openstack` (python3-openstackclient)
 * and `glance` (python3-glanceclient), run as child processes against the started emulator. Without them the tests
 * are skipped with the reason, except under CI, where their absence fails.
 */

const has = (command: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const missing = ['openstack', 'glance'].filter((command) => !has(command));
const underCi = ['true', '1', 'yes'].includes((process.env.IMAGEFORM_CI ?? '').toLowerCase());

describe.runIf(missing.length > 0 && underCi)('under CI', () => {
  it('has the official OpenStack clients installed (apt-get install python3-openstackclient python3-glanceclient)', () => {
    expect(missing).toEqual([]);
  });
});

if (missing.length > 0 && !underCi)
  console.warn(
    `skipping the official-client tests of the Glance emulator: ${missing.join(' and ')} not installed (Debian python3-openstackclient, python3-glanceclient)`,
  );

describe.skipIf(missing.length > 0)('the official OpenStack clients against the Glance emulator', () => {
  let glance: TestGlance;
  let home: string;
  let file: string;
  const data = Buffer.alloc(150_000, 'q');

  beforeAll(async () => {
    glance = await startGlance({ apiKey: 'client-password' });
    // glanceclient caches the schemas under ~/.glanceclient: a fresh HOME each run (REF §3)
    home = await mkdtemp(join(tmpdir(), 'imageform-glance-home-'));
    file = join(home, 'disk.raw');
    await writeFile(file, data);
  });
  afterAll(async () => {
    await glance?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  /** The environment of the clients: only what they need, proxies cleared, credentials per DESIGN §6. */
  function environment(auth: 'password' | 'none' = 'password'): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      LANG: 'C.UTF-8',
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
      OS_IMAGE_API_VERSION: '2',
    };
    if (auth === 'password') {
      Object.assign(env, {
        OS_AUTH_URL: `${glance.url}/v3`,
        OS_USERNAME: 'admin',
        OS_PASSWORD: glance.emulator.apiKey,
        OS_PROJECT_NAME: 'admin',
        OS_USER_DOMAIN_NAME: 'Default',
        OS_PROJECT_DOMAIN_NAME: 'Default',
        OS_IDENTITY_API_VERSION: '3',
      });
    }
    return env;
  }

  /**
   * Runs a client with its stdin closed: from a pipe or /dev/null both CLIs would read image data (glanceclient's
   * get_data_file treats only a closed stdin as "no data").
   */
  function run(command: string, args: string[], env = environment()) {
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('sh', ['-c', 'exec "$@" <&-', 'sh', command, ...args], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
  }

  async function ok(command: string, args: string[], env?: NodeJS.ProcessEnv) {
    const result = await run(command, args, env);
    if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  }

  const image = async (id: string) => (await glance.api('GET', `/v2/images/${id}`)).body;
  /** The id in a glanceclient property table (`| id | ... |`). */
  const tableValue = (table: string, field: string) =>
    new RegExp(`^\\|\\s*${field}\\s*\\|\\s*(\\S+)`, 'm').exec(table)?.[1];

  it('openstack: image create --file uploads the data, list and show see it, with the md5 the file has', async () => {
    const created = JSON.parse(
      await ok('openstack', ['image', 'create', '--disk-format', 'raw', '--file', file, 'osc-one', '-f', 'json']),
    );
    expect(created.name).toBe('osc-one');
    await glance.advance(5); // saving -> active
    expect(await image(created.id)).toMatchObject({
      status: 'active',
      disk_format: 'raw',
      container_format: 'bare',
      size: data.length,
      checksum: createHash('md5').update(data).digest('hex'),
    });
    const list = JSON.parse(await ok('openstack', ['image', 'list', '-f', 'json']));
    expect(list).toContainEqual(expect.objectContaining({ ID: created.id, Name: 'osc-one', Status: 'active' }));
    const shown = JSON.parse(await ok('openstack', ['image', 'show', created.id, '-f', 'json']));
    expect(shown).toMatchObject({ id: created.id, status: 'active', size: data.length });
    // Downloading is the way to get an image out of Glance (it has no export API).
    const saved = join(home, 'saved.raw');
    await ok('openstack', ['image', 'save', '--file', saved, created.id]);
    expect((await readFile(saved)).equals(data)).toBe(true);
  });

  it('openstack: image set --property/--tag/--name/--protected, delete refused while protected', async () => {
    const id = JSON.parse(
      await ok('openstack', ['image', 'create', '--disk-format', 'raw', '--file', file, 'osc-two', '-f', 'json']),
    ).id;
    await ok('openstack', [
      'image',
      'set',
      '--property',
      'os_distro=ubuntu',
      '--tag',
      't1',
      '--name',
      'osc-renamed',
      '--protected',
      id,
    ]);
    expect(await image(id)).toMatchObject({ name: 'osc-renamed', os_distro: 'ubuntu', tags: ['t1'], protected: true });
    const refused = await run('openstack', ['image', 'delete', id]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('is protected and cannot be deleted');
    expect((await glance.api('GET', `/v2/images/${id}`)).status).toBe(200);
    await ok('openstack', ['image', 'set', '--unprotected', id]);
    await ok('openstack', ['image', 'delete', id]);
    expect((await glance.api('GET', `/v2/images/${id}`)).status).toBe(404);
  });

  it('openstack: image set --deactivate and --activate', async () => {
    const id = JSON.parse(
      await ok('openstack', ['image', 'create', '--disk-format', 'raw', '--file', file, 'osc-three', '-f', 'json']),
    ).id;
    await glance.advance(5);
    await ok('openstack', ['image', 'set', '--deactivate', id]);
    expect((await image(id)).status).toBe('deactivated');
    await ok('openstack', ['image', 'set', '--activate', id]);
    expect((await image(id)).status).toBe('active');
  });

  it('openstack: a wrong password is refused', async () => {
    const result = await run('openstack', ['image', 'list'], { ...environment(), OS_PASSWORD: 'wrong' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/401|authenticat/i);
  });

  it('glance: image-create --file, image-list, image-update, image-tag-update', async () => {
    const table = await ok('glance', [
      'image-create',
      '--name',
      'gc-one',
      '--disk-format',
      'raw',
      '--container-format',
      'bare',
      '--file',
      file,
      '--property',
      'os_distro=debian',
    ]);
    const id = tableValue(table, 'id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(tableValue(table, 'checksum')).toBe(createHash('md5').update(data).digest('hex'));
    await glance.advance(5);
    expect(await ok('glance', ['image-list'])).toContain(id);
    await ok('glance', ['image-update', '--name', 'gc-two', '--property', 'a=b', '--min-ram', '256', id]);
    expect(await image(id)).toMatchObject({ name: 'gc-two', a: 'b', min_ram: 256, os_distro: 'debian' });
    await ok('glance', ['image-tag-update', id, 'hello']);
    expect((await image(id)).tags).toEqual(['hello']);
    const shown = await ok('glance', ['image-show', id]);
    expect(tableValue(shown, 'status')).toBe('active');
  });

  it('glance: --os-image-url with --os-auth-token (create, update, tag, list) never asks Keystone', async () => {
    const byToken = ['--os-image-url', glance.url, '--os-auth-token', glance.token];
    const env = environment('none');
    await glance.hook('DELETE', '/stats');
    const table = await ok(
      'glance',
      [...byToken, 'image-create', '--name', 'by-token', '--disk-format', 'qcow2', '--container-format', 'bare'],
      env,
    );
    const id = tableValue(table, 'id')!;
    expect(tableValue(table, 'status')).toBe('queued');
    await ok('glance', [...byToken, 'image-update', '--property', 'os_version=12', id], env);
    await ok('glance', [...byToken, 'image-tag-update', id, 'token-tag'], env);
    expect(await image(id)).toMatchObject({ name: 'by-token', os_version: '12', tags: ['token-tag'] });
    expect(await ok('glance', [...byToken, 'image-list'], env)).toContain(id);
    const stats = (await glance.hook('GET', '/stats')).body.requests;
    expect(stats['POST /v2/images']).toBe(1);
    expect(Object.keys(stats).some((route) => route.includes('/v3'))).toBe(false);
  });

  it('glance: image-create-via-import --import-method glance-direct stages the file, then imports it', async () => {
    const table = await ok('glance', [
      'image-create-via-import',
      '--name',
      'direct',
      '--disk-format',
      'raw',
      '--container-format',
      'bare',
      '--import-method',
      'glance-direct',
      '--file',
      file,
    ]);
    const id = tableValue(table, 'id')!;
    await glance.advance(5);
    expect(await image(id)).toMatchObject({
      status: 'active',
      size: data.length,
      os_hash_value: createHash('sha512').update(data).digest('hex'),
    });
  });

  it('glance: image-create-via-import --import-method web-download from a loopback URL', async () => {
    const server = createServer((_req, res) => res.writeHead(200).end(data));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/disk.raw`;
      const table = await ok('glance', [
        'image-create-via-import',
        '--name',
        'imported',
        '--disk-format',
        'raw',
        '--container-format',
        'bare',
        '--import-method',
        'web-download',
        '--uri',
        uri,
      ]);
      const id = tableValue(table, 'id')!;
      await glance.advance(5);
      const done = await waitFor(
        async () => {
          const current = await image(id);
          return current.status !== 'importing' && current;
        },
        { what: 'the import to end' },
      );
      expect(done).toMatchObject({ status: 'active', size: data.length });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
