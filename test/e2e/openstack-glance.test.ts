import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/clouds/openstack-glance/emulator/index.js';
import { issueToken } from '../emulator/openstack-glance/glance-client.js';
import { collect, readState, removeDir, runCli, spawnCli, writeFiles, type CliResult } from '../helpers/e2e.js';
import { waitFor } from '../helpers/wait.js';

/**
 * OpenStack Glance end to end (DESIGN.md §8.2, §8.4): the real CLI against the Glance emulator's HTTP server,
 * signed in through its Keystone; every outcome checked in the cloud through Glance's API.
 */
const PASSWORD = 'glance-e2e-password';
let cloud: RunningEmulator;
let token: string;
const dirs: string[] = [];

beforeAll(async () => {
  cloud = await startEmulator({ apiKey: PASSWORD, timeScale: 0.05 });
  token = await issueToken(cloud.url, PASSWORD);
});
afterAll(async () => {
  for (const dir of dirs) await removeDir(dir);
  await cloud.stop();
});

const SETTINGS = () =>
  [
    'providers:',
    '  vk:',
    '    type: openstack-glance',
    `    auth_url: ${cloud.url}/v3`,
    '    project_name: admin',
    '    username_env: E2E_OS_USERNAME',
    '    password_env: E2E_OS_PASSWORD',
    '',
  ].join('\n');

async function space(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imageform-e2e-glance-'));
  dirs.push(dir);
  await writeFiles(dir, { 'imageform.yaml': SETTINGS(), ...files });
  return dir;
}

const env = (password = PASSWORD) => ({ E2E_OS_USERNAME: 'admin', E2E_OS_PASSWORD: password });
const cli = (dir: string, ...args: string[]): Promise<CliResult> => runCli(args, { cwd: dir, env: env() });

async function applyOk(dir: string): Promise<CliResult> {
  const result = await cli(dir, 'apply', '--auto-approve');
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return result;
}

async function expectClean(dir: string): Promise<void> {
  const result = await cli(dir, 'plan', '--detailed-exitcode');
  expect({ code: result.code, stderr: result.stderr, clean: result.stdout.includes('No changes.') }).toEqual({
    code: 0,
    stderr: '',
    clean: true,
  });
}

async function glance(method: string, path: string, body?: unknown): Promise<any> {
  const answer = await fetch(`${cloud.url}${path}`, {
    method,
    headers: {
      'X-Auth-Token': token,
      Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return answer.status === 204 ? undefined : answer.json();
}

async function imageNamed(name: string): Promise<any> {
  const shown = await glance('GET', `/v2/images?name=${encodeURIComponent(name)}`);
  const hidden = await glance('GET', `/v2/images?name=${encodeURIComponent(name)}&os_hidden=true`);
  const found = [...shown.images, ...hidden.images];
  expect(found).toHaveLength(1);
  return found[0];
}

async function faults(settings: Record<string, unknown>): Promise<void> {
  const set = await fetch(`${cloud.url}/emulator/v1/faults`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${PASSWORD}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(settings),
  });
  expect(set.status).toBe(200);
}

async function advanceClock(seconds: number): Promise<void> {
  const moved = await fetch(`${cloud.url}/emulator/v1/clock`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${PASSWORD}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ advance_seconds: seconds }),
  });
  expect(moved.status).toBe(200);
}

async function cloudDate(secondsAhead: number): Promise<string> {
  const clock = await (
    await fetch(`${cloud.url}/emulator/v1/clock`, { headers: { Authorization: `Bearer ${PASSWORD}` } })
  ).json();
  return new Date(Date.parse((clock as { now: string }).now) + secondsAhead * 1000)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
}

const image = (name: string, spec: string) =>
  `kind: image\nname: ${name}\nprovider: vk\nspec:\n  source: {file: data/${name}.raw}\n  disk_format: raw\n${spec}`;

describe('imageform on OpenStack Glance', () => {
  it('creates an image from a file, with its properties, tags and protection, and the md5 and sha512 of the file', async () => {
    const data = Buffer.from('a small raw disk for the e2e test of glance');
    const dir = await space({
      'images/base.yaml': image(
        'g-create',
        '  min_disk_gb: 1\n  properties: {os_distro: cirros, os_version: "0.6"}\n  tags: [base, test]\n  protected: true\n',
      ),
      'images/data/g-create.raw': data.toString(),
    });
    const applied = await applyOk(dir);
    expect(applied.stdout).toContain('image.g-create: created');
    const created = await imageNamed('g-create');
    expect(created).toMatchObject({
      status: 'active',
      os_distro: 'cirros',
      os_version: '0.6',
      protected: true,
      min_disk: 1,
      size: data.length,
      checksum: createHash('md5').update(data).digest('hex'),
      os_hash_value: createHash('sha512').update(data).digest('hex'),
    });
    expect([...created.tags].sort()).toEqual(['base', 'test']);
    await expectClean(dir);

    // Properties key by key, and tags: [] removes every tag (seed 003's resource cannot).
    await writeFile(
      join(dir, 'images/base.yaml'),
      image(
        'g-create',
        '  min_disk_gb: 1\n  properties: {os_distro: cirros, os_type: linux}\n  tags: []\n  protected: true\n',
      ),
    );
    const plan = await cli(dir, 'plan');
    expect(plan.stdout).toMatch(/properties\.os_type: +null -> "linux"/);
    expect(plan.stdout).toMatch(/properties\.os_version: +"0\.6" -> null/);
    await applyOk(dir);
    const updated = await imageNamed('g-create');
    expect(updated.tags).toEqual([]);
    expect(updated).toMatchObject({ os_type: 'linux' });
    expect(updated.os_version).toBeUndefined();
    await expectClean(dir);

    // Glance refuses to delete a protected image: the plan says so before any call.
    await writeFile(join(dir, 'images/base.yaml'), '');
    const refused = await cli(dir, 'plan');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`is protected, and Glance refuses to delete it`);
    await writeFile(
      join(dir, 'images/base.yaml'),
      image(
        'g-create',
        '  min_disk_gb: 1\n  properties: {os_distro: cirros, os_type: linux}\n  tags: []\n  protected: false\n',
      ),
    );
    await applyOk(dir);
    await writeFile(join(dir, 'images/base.yaml'), '');
    await applyOk(dir);
    const listed = await glance('GET', '/v2/images?name=g-create');
    expect(listed.images).toEqual([]);
  });

  it('enacts a date at the first apply after it (os_hidden), and null reverts it', async () => {
    const date = await cloudDate(3600);
    const dir = await space({
      'images/base.yaml': image('g-dates', `  deprecation_at: "${date}"\n`),
      'images/data/g-dates.raw': 'dates',
    });
    const planned = await cli(dir, 'plan');
    expect(planned.stdout).toContain(`scheduled (enacted by the first apply after ${date})`);
    await applyOk(dir);
    let found = await imageNamed('g-dates');
    expect(found).toMatchObject({ os_hidden: false, imageform_deprecation_at: date });
    await expectClean(dir);

    await advanceClock(7200);
    // Not drift, but due: the scheduled job learns (exit 2) that an apply has work to do.
    const drift = await cli(dir, 'drift');
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain(`image.g-dates: deprecation_at ${date} has passed; the next apply enacts it`);
    expect(drift.stdout).not.toContain('was changed outside imageform');
    const driftJson = JSON.parse((await cli(dir, 'drift', '--format', 'json')).stdout);
    expect(driftJson.drift).toEqual([
      { address: 'image.g-dates', fields: [], due: [{ path: 'deprecation_at', at: date }] },
    ]);
    const due = await cli(dir, 'plan');
    expect(due.stdout).toMatch(/status: +"available" -> "deprecated \(os_hidden\)"/);
    await applyOk(dir);
    found = await imageNamed('g-dates');
    expect(found.os_hidden).toBe(true);
    await expectClean(dir);
    expect((await cli(dir, 'drift')).code).toBe(0);

    await writeFile(join(dir, 'images/base.yaml'), image('g-dates', '  deprecation_at: null\n'));
    await applyOk(dir);
    found = await imageNamed('g-dates');
    expect(found.os_hidden).toBe(false);
    expect(found.imageform_deprecation_at).toBeUndefined();
    await expectClean(dir);
  });

  it('refuses an immediate obsolescence while a deprecation is scheduled on the image, naming the way out', async () => {
    const date = await cloudDate(3600);
    const dir = await space({
      'images/base.yaml': `${image('g-sched', `  deprecation_at: "${date}"\n`)}---\nkind: image_obsolete\nname: g-sched\nprovider: vk\nspec:\n  image: \${image.g-sched.id}\n`,
      'images/data/g-sched.raw': 'scheduled',
    });
    const result = await cli(dir, 'plan');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `image_obsolete.g-sched: an immediate obsolescence is refused while image.g-sched has deprecation_at scheduled for ${date}`,
    );
    expect(result.stderr).toContain('deprecation_at: null on image.g-sched');
  });

  it('image_obsolete deactivates the image; removing it reactivates', async () => {
    const dir = await space({
      'images/base.yaml': `${image('g-obsolete', '')}---\nkind: image_obsolete\nname: g-obsolete\nprovider: vk\nspec:\n  image: \${image.g-obsolete.id}\n`,
      'images/data/g-obsolete.raw': 'obsolete',
    });
    await applyOk(dir);
    expect((await imageNamed('g-obsolete')).status).toBe('deactivated');
    await expectClean(dir);
    await writeFile(join(dir, 'images/base.yaml'), image('g-obsolete', ''));
    const plan = await cli(dir, 'plan');
    expect(plan.stdout).toContain('(status obsolete -> available)');
    await applyOk(dir);
    const found = await imageNamed('g-obsolete');
    expect(found).toMatchObject({ status: 'active', os_hidden: false });
    await expectClean(dir);
    const state = JSON.parse(await readFile(join(dir, '.imageform', 'state.json'), 'utf8'));
    expect(JSON.stringify(state)).not.toContain(PASSWORD);
  });

  it('converges with 30 % of answers lost after Glance acted: each image created once, under the id it chose', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `g-lossy-${i}`);
    const files: Record<string, string> = {};
    for (const name of names) files[`images/data/${name}.raw`] = `data of ${name}`;
    const dir = await space({
      'images/base.yaml': names.map((name) => image(name, '  properties: {os_distro: cirros}\n')).join('---\n'),
      ...files,
    });
    await faults({ lost_response_rate: 0.3, seed: 11 });
    try {
      // A user re-runs until it is done; every run records what it did.
      for (let run = 0; run < 5; run++) if ((await cli(dir, 'apply', '--auto-approve')).code === 0) break;
      const stats = await (
        await fetch(`${cloud.url}/emulator/v1/stats`, { headers: { Authorization: `Bearer ${PASSWORD}` } })
      ).json();
      expect((stats as { faults: { lost_responses: number } }).faults.lost_responses).toBeGreaterThan(0);
    } finally {
      await faults({});
    }
    await expectClean(dir);
    for (const name of names) expect((await imageNamed(name)).status).toBe('active');
  });

  it('after kill -9 in the middle of an apply, the next apply makes no twin and the plan is clean', async () => {
    const names = Array.from({ length: 6 }, (_, i) => `g-kill-${i}`);
    const files: Record<string, string> = {};
    for (const name of names) files[`images/data/${name}.raw`] = `data of ${name}`;
    const dir = await space({
      'images/base.yaml': names.map((name) => image(name, '')).join('---\n'),
      ...files,
    });
    // Slow answers, so the apply is caught with creates recorded and sent but not finished.
    await faults({ latency_ms: 150 });
    try {
      const child = spawnCli(['apply', '--auto-approve', '--parallelism', '3'], { cwd: dir, env: env() });
      const done = collect(child);
      await waitFor(
        async () => {
          const state = await readState(dir).catch(() => undefined);
          const entries = Object.values((state?.resources ?? {}) as Record<string, { id: string | null }>);
          return entries.some((entry) => entry.id) && entries.length < names.length + 1;
        },
        { what: 'an apply with some creates recorded' },
      );
      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
    } finally {
      await faults({});
    }
    await applyOk(dir);
    await expectClean(dir);
    for (const name of names) expect((await imageNamed(name)).status).toBe('active');
  });

  it('streams a download that needs credentials into the upload itself, and never keeps or prints the password', async () => {
    const data = Buffer.from('disk bytes behind basic authentication');
    const server = createServer((request, response) => {
      const expected = `Basic ${Buffer.from('ci:download-secret-value').toString('base64')}`;
      if (request.headers.authorization !== expected) response.writeHead(401).end();
      else response.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(data);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/disk.raw`;
      const dir = await space({
        'images/base.yaml': `kind: image\nname: g-url\nprovider: vk\nspec:\n  source: {url: "${url}", username: ci, password_env: IMG_PASSWORD}\n  disk_format: raw\n`,
      });
      const missing = await cli(dir, 'apply', '--auto-approve');
      expect(missing.code).toBe(1);
      expect(missing.stdout).toContain('image.g-url: IMG_PASSWORD is not set (export IMG_PASSWORD=');
      const applied = await runCli(['apply', '--auto-approve'], {
        cwd: dir,
        env: { ...env(), IMG_PASSWORD: 'download-secret-value' },
      });
      expect({ code: applied.code, stderr: applied.stderr }).toEqual({ code: 0, stderr: '' });
      expect(await imageNamed('g-url')).toMatchObject({
        status: 'active',
        size: data.length,
        os_hash_value: createHash('sha512').update(data).digest('hex'),
      });
      const everything = applied.stdout + (await readFile(join(dir, '.imageform', 'state.json'), 'utf8'));
      expect(everything).not.toContain('download-secret-value');
      // The cloud was never told the credentials: the image came by upload, not by a web-download URI.
      expect(JSON.stringify(await imageNamed('g-url'))).not.toContain('download-secret-value');
      await expectClean(dir);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("imports an image made outside imageform, adopting the files' source without a replace; the plan is clean", async () => {
    const made = await glance('POST', '/v2/images', {
      name: 'g-import',
      disk_format: 'raw',
      container_format: 'bare',
      os_distro: 'cirros',
    });
    const upload = await fetch(`${cloud.url}/v2/images/${made.id}/file`, {
      method: 'PUT',
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/octet-stream' },
      body: 'imported data',
    });
    expect(upload.status).toBe(204);
    await advanceClock(5);
    const dir = await space({
      'images/base.yaml': image('g-import', '  properties: {os_distro: cirros}\n'),
      'images/data/g-import.raw': 'imported data',
    });
    const imported = await cli(dir, 'import', 'image.g-import', made.id);
    expect({ code: imported.code, stderr: imported.stderr }).toEqual({ code: 0, stderr: '' });
    expect(imported.stdout).toContain(`Imported image.g-import (${made.id}).`);
    const plan = await cli(dir, 'plan', '--detailed-exitcode');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      "no record of the source from an earlier apply (imported); the files' source is adopted",
    );
    await applyOk(dir);
    await expectClean(dir);
    // The apply recorded the source: the note does not come back.
    expect((await cli(dir, 'plan')).stdout).not.toContain('no record of the source');
    expect((await imageNamed('g-import')).id).toBe(made.id);
  });

  it('a wrong password is one line naming the variables, exit 1, and never the password', async () => {
    const dir = await space({ 'images/base.yaml': image('g-auth', ''), 'images/data/g-auth.raw': 'x' });
    const result = await runCli(['plan'], { cwd: dir, env: env('wrong-password-for-e2e') });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('check the user in E2E_OS_USERNAME and the password in E2E_OS_PASSWORD');
    expect(result.stderr + result.stdout).not.toContain('wrong-password-for-e2e');
  });
});
