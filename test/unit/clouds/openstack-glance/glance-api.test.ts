import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudErrorOf } from '../../../helpers/cloud-error.js';
import { startEmulator, type RunningEmulator } from '../../../../src/clouds/openstack-glance/emulator/index.js';
import { GlanceApi, type GlanceApiOptions } from '../../../../src/clouds/openstack-glance/glance-api.js';
import { waitFor } from '../../../helpers/wait.js';

const PASSWORD = 'glance-api-test-password';
let cloud: RunningEmulator;
const apis: GlanceApi[] = [];

beforeAll(async () => {
  cloud = await startEmulator({ apiKey: PASSWORD, timeScale: 0 });
});
afterAll(async () => {
  for (const api of apis) await api.close();
  await cloud.stop();
});

function glance(overrides: Partial<GlanceApiOptions> = {}): GlanceApi {
  const api = new GlanceApi({
    authUrl: `${cloud.url}/v3`,
    username: 'admin',
    password: PASSWORD,
    userDomainName: 'Default',
    project: { name: 'admin', domainName: 'Default' },
    region: 'RegionOne',
    interface: 'public',
    retryBaseMs: 1,
    ...overrides,
  });
  apis.push(api);
  return api;
}

describe('GlanceApi against the Glance emulator', () => {
  it('creates an image under the id it chose, with custom properties, and reads it back', async () => {
    const api = glance();
    const id = randomUUID();
    const created = await api.createImage({
      id,
      name: 'cirros',
      disk_format: 'raw',
      container_format: 'bare',
      os_distro: 'cirros',
    });
    expect(created).toMatchObject({ id, name: 'cirros', status: 'queued', os_distro: 'cirros', protected: false });
    expect(await api.getImage(id)).toMatchObject({ id, os_distro: 'cirros' });
    expect(await api.getImage(randomUUID())).toBeUndefined();
    const again = await cloudErrorOf(
      api.createImage({ id, name: 'twin', disk_format: 'raw', container_format: 'bare' }),
    );
    expect(again.status).toBe(409);
    expect(again.message).toMatch(new RegExp(`^create image ${id}: .+ \\(http_409, HTTP 409\\)$`));
  });

  it('patches with the JSON-patch media type, and says what Glance refused', async () => {
    const api = glance();
    const id = randomUUID();
    await api.createImage({ id, name: 'web', disk_format: 'qcow2', container_format: 'bare' });
    const patched = await api.updateImage(id, [
      { op: 'replace', path: '/name', value: 'web-2' },
      { op: 'add', path: '/os_version', value: '24.04' },
      { op: 'add', path: '/tags', value: ['base'] },
      { op: 'replace', path: '/protected', value: true },
    ]);
    expect(patched).toMatchObject({ name: 'web-2', os_version: '24.04', tags: ['base'], protected: true });
    const refused = await cloudErrorOf(api.deleteImage(id));
    expect(refused.status).toBe(403);
    expect(refused.message).toContain(`delete image ${id}: `);
    expect(refused.message).toContain('protected');
    const missing = await cloudErrorOf(api.updateImage(id, [{ op: 'remove', path: '/no_such_property' }]));
    expect(missing.status).toBe(409);
    await api.updateImage(id, [{ op: 'replace', path: '/protected', value: false }]);
    await api.deleteImage(id);
    expect(await api.getImage(id)).toBeUndefined();
    await api.deleteImage(id); // already gone: nothing to do
  });

  it('lists every image page by page, hidden ones included', async () => {
    const api = glance({ pageSize: 2 });
    const before = (await api.listImages()).length;
    const ids: string[] = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) await api.createImage({ id, name: 'paged', disk_format: 'raw', container_format: 'bare' });
    await api.updateImage(ids[1]!, [{ op: 'replace', path: '/os_hidden', value: true }]);
    const listed = await api.listImages();
    expect(listed).toHaveLength(before + 3);
    expect(listed.filter((image) => ids.includes(image.id)).map((image) => [image.id, image.os_hidden])).toEqual(
      expect.arrayContaining([
        [ids[0], false],
        [ids[1], true],
        [ids[2], false],
      ]),
    );
  });

  it('reads the import methods, and says why Glance refuses to deactivate an image without data', async () => {
    const api = glance();
    expect(await api.importMethods()).toContain('web-download');
    const id = randomUUID();
    await api.createImage({ id, name: 'deact', disk_format: 'raw', container_format: 'bare' });
    const early = await cloudErrorOf(api.deactivateImage(id));
    expect(early.status).toBe(403);
    expect(early.message).toContain("Not allowed to deactivate image in status 'queued'");
  });

  it('streams a file as the image data, with the md5 and sha512 Glance computes, and the image becomes active', async () => {
    const api = glance();
    const id = randomUUID();
    await api.createImage({ id, name: 'uploaded', disk_format: 'raw', container_format: 'bare' });
    const dir = await mkdtemp(join(tmpdir(), 'imageform-glance-upload-'));
    try {
      const path = join(dir, 'disk.raw');
      // Several chunks of a read stream, so progress is reported more than once.
      await writeFile(path, randomBytes(200_000));
      const progress: number[] = [];
      const sent = await api.uploadFile(id, path, (bytes) => progress.push(bytes));
      expect(sent.size).toBe(200_000);
      expect(progress.at(-1)).toBe(200_000);
      expect(progress.length).toBeGreaterThan(1);
      const data = await readFile(path);
      expect(sent.md5).toBe(createHash('md5').update(data).digest('hex'));
      expect(sent.sha512).toBe(createHash('sha512').update(data).digest('hex'));
      const image = await waitFor(
        async () => {
          const read = await api.getImage(id);
          return read?.status === 'active' ? read : undefined;
        },
        { what: 'the uploaded image to be active' },
      );
      expect(image).toMatchObject({
        size: 200_000,
        checksum: sent.md5,
        os_hash_algo: 'sha512',
        os_hash_value: sent.sha512,
      });
      // Glance takes data only while the image is queued.
      const twice = await cloudErrorOf(api.uploadFile(id, path));
      expect(twice.status).toBe(409);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reads the cloud's clock from the Date header, not the local one", async () => {
    const moved = await fetch(`${cloud.url}/emulator/v1/clock`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${PASSWORD}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ advance_seconds: 10 * 86_400 }),
    });
    expect(moved.status).toBe(200);
    const now = await glance().now();
    expect(now.getTime() - Date.now()).toBeGreaterThan(9 * 86_400_000);
  });

  it('refuses a wrong password in one line, with the hint, never the password', async () => {
    const refused = await cloudErrorOf(glance({ password: 'wrong-password-value' }).listImages());
    expect(refused.status).toBe(401);
    expect(refused.message).toMatch(
      /^list images: Keystone token request to .+ failed: .+ \(HTTP 401\); check the Keystone user admin and its password$/,
    );
    expect(refused.message).not.toContain('wrong-password-value');
  });
});
