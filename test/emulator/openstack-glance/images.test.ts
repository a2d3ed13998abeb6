import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGlance, type TestGlance } from './glance-client.js';

let glance: TestGlance;
beforeAll(async () => {
  glance = await startGlance();
});
afterAll(() => glance.stop());

const octets = { contentType: 'application/octet-stream' };

describe('POST /v2/images', () => {
  it('creates a queued image from a flat body, custom properties at the top level', async () => {
    const reply = await glance.api('POST', '/v2/images', {
      name: 'base',
      disk_format: 'qcow2',
      container_format: 'bare',
      min_disk: 1,
      protected: false,
      os_distro: 'ubuntu',
      'imageform:deprecation_at': '2035-01-15T00:00:00Z',
    });
    expect(reply.status).toBe(201);
    const image = reply.body;
    expect(image).toMatchObject({
      name: 'base',
      status: 'queued',
      visibility: 'shared',
      protected: false,
      os_hidden: false,
      min_disk: 1,
      min_ram: 0,
      checksum: null,
      os_hash_algo: null,
      os_hash_value: null,
      size: null,
      virtual_size: null,
      tags: [],
      os_distro: 'ubuntu',
      'imageform:deprecation_at': '2035-01-15T00:00:00Z',
      self: `/v2/images/${image.id}`,
      file: `/v2/images/${image.id}/file`,
      schema: '/v2/schemas/image',
    });
    expect(image.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(reply.headers.get('location')).toBe(`${glance.url}/v2/images/${image.id}`);
    expect(reply.headers.get('openstack-image-import-methods')).toContain('web-download');
  });

  it('takes a client-chosen id, and answers 409 when it is taken, even by a deleted image', async () => {
    const id = randomUUID();
    expect((await glance.api('POST', '/v2/images', { id, name: 'chosen' })).body.id).toBe(id);
    const again = await glance.api('POST', '/v2/images', { id, name: 'other' });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain(id);
    expect((await glance.api('DELETE', `/v2/images/${id}`)).status).toBe(204);
    expect((await glance.api('POST', '/v2/images', { id })).status).toBe(409);
    expect((await glance.api('POST', '/v2/images', { id: 'not-a-uuid' })).status).toBe(400);
  });

  it('allows two images with the same name', async () => {
    const a = await glance.createImage({ name: 'twin' });
    const b = await glance.createImage({ name: 'twin' });
    expect(a.id).not.toBe(b.id);
    const list = await glance.api('GET', '/v2/images?name=twin');
    expect(list.body.images.map((image: any) => image.id).sort()).toEqual([a.id, b.id].sort());
  });

  it('refuses read-only and reserved attributes with 403, and non-string custom values with 400', async () => {
    for (const key of ['status', 'checksum', 'size', 'self', 'file', 'schema', 'os_hash_value']) {
      const reply = await glance.api('POST', '/v2/images', { [key]: 'x' });
      expect(reply.status, key).toBe(403);
      expect(reply.body.message).toBe(`Attribute '${key}' is read-only.`);
    }
    const reserved = await glance.api('POST', '/v2/images', { os_glance_failed_import: 'x' });
    expect(reserved.status).toBe(403);
    expect(reserved.body.message).toContain('reserved');
    expect((await glance.api('POST', '/v2/images', { os_distro: 7 })).status).toBe(400);
    expect((await glance.api('POST', '/v2/images', { disk_format: 'floppy' })).status).toBe(400);
    expect((await glance.api('POST', '/v2/images', { min_ram: -1 })).status).toBe(400);
    expect((await glance.api('POST', '/v2/images', { visibility: 'everyone' })).status).toBe(400);
  });

  it('enforces the tag and property quotas with 413', async () => {
    const tags = Array.from({ length: 129 }, (_, index) => `t${index}`);
    expect((await glance.api('POST', '/v2/images', { tags })).status).toBe(413);
    const properties = Object.fromEntries(Array.from({ length: 129 }, (_, index) => [`p${index}`, 'v']));
    expect((await glance.api('POST', '/v2/images', properties)).status).toBe(413);
  });
});

describe('PATCH /v2/images/{id}', () => {
  it('answers 415 with Accept-Patch for any media type but the JSON-patch ones', async () => {
    const image = await glance.createImage();
    const reply = await glance.api('PATCH', `/v2/images/${image.id}`, [{ op: 'replace', path: '/name', value: 'x' }], {
      contentType: 'application/json',
    });
    expect(reply.status).toBe(415);
    expect(reply.headers.get('accept-patch')).toContain('application/openstack-images-v2.1-json-patch');
  });

  it('applies add (which also sets existing keys), replace and remove, and answers the whole image', async () => {
    const image = await glance.createImage({ name: 'p', os_distro: 'ubuntu' });
    const reply = await glance.patch(image.id, [
      { op: 'add', path: '/os_distro', value: 'debian' },
      { op: 'add', path: '/os_version', value: '12' },
      { op: 'add', path: '/protected', value: true },
      { op: 'replace', path: '/name', value: 'q' },
      { op: 'add', path: '/tags', value: ['a', 'b', 'a'] },
      { op: 'replace', path: '/min_ram', value: 512 },
    ]);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      name: 'q',
      os_distro: 'debian',
      os_version: '12',
      protected: true,
      tags: ['a', 'b'],
      min_ram: 512,
    });
    const removed = await glance.patch(image.id, [{ op: 'remove', path: '/os_version' }]);
    expect(removed.status).toBe(200);
    expect(removed.body).not.toHaveProperty('os_version');
  });

  it('refuses bad operations with Glance’s statuses, and a failing patch changes nothing', async () => {
    const image = await glance.createImage({ name: 'strict' });
    const cases: Array<[unknown, number]> = [
      [{ op: 'replace', path: '/name', value: 'x' }, 400], // not an array
      [[{ op: 'move', path: '/name', value: 'x' }], 400],
      [[{ op: 'replace', path: '/missing', value: 'x' }], 409],
      [[{ op: 'remove', path: '/missing' }], 409],
      [[{ op: 'remove', path: '/name' }], 403],
      [[{ op: 'replace', path: '/status', value: 'active' }], 403],
      [[{ op: 'add', path: '/os_glance_importing_to_stores', value: 'x' }], 403],
      [[{ op: 'add', path: '/a/b', value: 'x' }], 400],
      [[{ op: 'replace', path: '/min_disk', value: -1 }], 400],
    ];
    for (const [body, status] of cases) {
      const reply = await glance.patch(image.id, body);
      expect(reply.status, JSON.stringify(body)).toBe(status);
    }
    const partial = await glance.patch(image.id, [
      { op: 'replace', path: '/name', value: 'changed' },
      { op: 'replace', path: '/nope', value: 'x' },
    ]);
    expect(partial.status).toBe(409);
    expect((await glance.api('GET', `/v2/images/${image.id}`)).body.name).toBe('strict');
  });

  it('lets the formats change only while the image has no data', async () => {
    const queued = await glance.createImage();
    expect((await glance.patch(queued.id, [{ op: 'replace', path: '/disk_format', value: 'qcow2' }])).status).toBe(200);
    const active = await glance.activeImage();
    const reply = await glance.patch(active.id, [{ op: 'replace', path: '/disk_format', value: 'qcow2' }]);
    expect(reply.status).toBe(403);
  });
});

describe('image data', () => {
  it('goes queued -> saving -> active, with md5 checksum, sha512 os_hash_value and size of what was sent', async () => {
    const data = Buffer.alloc(300_000, 7);
    const image = await glance.createImage();
    const upload = await glance.api('PUT', `/v2/images/${image.id}/file`, undefined, { ...octets, raw: data });
    expect(upload.status).toBe(204);
    const saving = (await glance.api('GET', `/v2/images/${image.id}`)).body;
    expect(saving.status).toBe('saving');
    await glance.advance(1);
    const active = (await glance.api('GET', `/v2/images/${image.id}`)).body;
    expect(active).toMatchObject({
      status: 'active',
      size: data.length,
      checksum: createHash('md5').update(data).digest('hex'),
      os_hash_algo: 'sha512',
      os_hash_value: createHash('sha512').update(data).digest('hex'),
    });
  });

  it('accepts data only for a queued image with both formats, as application/octet-stream', async () => {
    const bare = await glance.api('POST', '/v2/images', { name: 'no formats' });
    expect(
      (await glance.api('PUT', `/v2/images/${bare.body.id}/file`, undefined, { ...octets, raw: 'x' })).status,
    ).toBe(400);
    const image = await glance.createImage();
    const wrongType = await glance.api('PUT', `/v2/images/${image.id}/file`, undefined, {
      raw: 'x',
      contentType: 'text/plain',
    });
    expect(wrongType.status).toBe(415);
    const active = await glance.activeImage();
    const again = await glance.api('PUT', `/v2/images/${active.id}/file`, undefined, { ...octets, raw: 'x' });
    expect(again.status).toBe(409);
  });
});

describe('download', () => {
  it('answers 204 without data, the data with its md5 in Content-MD5, and 403 once deactivated', async () => {
    const queued = await glance.createImage();
    expect((await glance.api('GET', `/v2/images/${queued.id}/file`)).status).toBe(204);
    const image = await glance.activeImage({}, Buffer.from('the bytes of a disk'));
    const download = await glance.api('GET', `/v2/images/${image.id}/file`);
    expect(download.status).toBe(200);
    expect(download.text).toBe('the bytes of a disk');
    expect(download.headers.get('content-type')).toBe('application/octet-stream');
    expect(download.headers.get('content-md5')).toBe(createHash('md5').update('the bytes of a disk').digest('hex'));
    await glance.api('POST', `/v2/images/${image.id}/actions/deactivate`);
    const refused = await glance.api('GET', `/v2/images/${image.id}/file`);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('deactivated');
  });
});

describe('deactivate, reactivate, delete, tags', () => {
  it('deactivates only an active image, and reactivates only a deactivated one (no-ops allowed)', async () => {
    const queued = await glance.createImage();
    const refused = await glance.api('POST', `/v2/images/${queued.id}/actions/deactivate`);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe("Not allowed to deactivate image in status 'queued'");
    expect((await glance.api('POST', `/v2/images/${queued.id}/actions/reactivate`)).status).toBe(403);
    const image = await glance.activeImage();
    expect((await glance.api('POST', `/v2/images/${image.id}/actions/deactivate`)).status).toBe(204);
    expect((await glance.api('GET', `/v2/images/${image.id}`)).body.status).toBe('deactivated');
    expect((await glance.api('POST', `/v2/images/${image.id}/actions/deactivate`)).status).toBe(204);
    expect((await glance.api('POST', `/v2/images/${image.id}/actions/reactivate`)).status).toBe(204);
    expect((await glance.api('GET', `/v2/images/${image.id}`)).body.status).toBe('active');
  });

  it('refuses to delete a protected image with 403 until protected is set false', async () => {
    const image = await glance.createImage({ protected: true });
    const refused = await glance.api('DELETE', `/v2/images/${image.id}`);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe(`Image ${image.id} is protected and cannot be deleted.`);
    await glance.patch(image.id, [{ op: 'replace', path: '/protected', value: false }]);
    expect((await glance.api('DELETE', `/v2/images/${image.id}`)).status).toBe(204);
    expect((await glance.api('GET', `/v2/images/${image.id}`)).status).toBe(404);
    expect((await glance.api('DELETE', `/v2/images/${image.id}`)).status).toBe(404);
  });

  it('adds tags idempotently and removes them, 404 for a tag the image lacks', async () => {
    const image = await glance.createImage();
    expect((await glance.api('PUT', `/v2/images/${image.id}/tags/blue`)).status).toBe(204);
    expect((await glance.api('PUT', `/v2/images/${image.id}/tags/blue`)).status).toBe(204);
    expect((await glance.api('GET', `/v2/images/${image.id}`)).body.tags).toEqual(['blue']);
    expect((await glance.api('DELETE', `/v2/images/${image.id}/tags/blue`)).status).toBe(204);
    expect((await glance.api('DELETE', `/v2/images/${image.id}/tags/blue`)).status).toBe(404);
  });
});
