import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait.js';
import { startGlance, type TestGlance } from './glance-client.js';

let glance: TestGlance;
let server: Server;
let served = 0;
let dataUrl: string;
const data = Buffer.alloc(200_000, 'v');

beforeAll(async () => {
  glance = await startGlance();
  server = createServer((req, res) => {
    served++;
    if (req.url === '/image.raw') res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(data);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  dataUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/image.raw`;
});
afterAll(async () => {
  await glance.stop();
  await new Promise((resolve) => server.close(resolve));
});

const webDownload = (id: string, uri: string) =>
  glance.api('POST', `/v2/images/${id}/import`, { method: { name: 'web-download', uri } });

/** Moves the clock past the import delay, then waits (in real time) for the fetch to have ended. */
async function settledImport(id: string) {
  await glance.advance(5);
  return waitFor(
    async () => {
      const image = (await glance.api('GET', `/v2/images/${id}`)).body;
      return image.status !== 'importing' && image;
    },
    { what: `image ${id} to leave importing` },
  );
}

describe('web-download import', () => {
  it('fetches a loopback URL: 202, importing, then active with the digests of the data', async () => {
    const image = await glance.createImage();
    const before = served;
    const reply = await webDownload(image.id, dataUrl);
    expect(reply.status).toBe(202);
    expect(reply.text).toBe('');
    expect((await glance.api('GET', `/v2/images/${image.id}`)).body.status).toBe('importing');
    const done = await settledImport(image.id);
    expect(served).toBe(before + 1);
    expect(done).toMatchObject({
      status: 'active',
      size: data.length,
      checksum: createHash('md5').update(data).digest('hex'),
      os_hash_value: createHash('sha512').update(data).digest('hex'),
      os_glance_failed_import: '',
    });
    const tasks = (await glance.api('GET', `/v2/images/${image.id}/tasks`)).body.tasks;
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ type: 'api_image_import', status: 'success', image_id: image.id });
  });

  it('fails an import from any other host: back to queued with os_glance_failed_import set, nothing fetched', async () => {
    const image = await glance.createImage();
    const before = served;
    expect((await webDownload(image.id, 'http://example.invalid/x.img')).status).toBe(202);
    const done = await settledImport(image.id);
    expect(done.status).toBe('queued');
    expect(done.os_glance_failed_import).toBe('file');
    expect(done.checksum).toBeNull();
    expect(served).toBe(before);
    const tasks = (await glance.api('GET', `/v2/images/${image.id}/tasks`)).body.tasks;
    expect(tasks[0].status).toBe('failure');
  });

  it('fails an import whose loopback URL answers an error', async () => {
    const image = await glance.createImage();
    await webDownload(image.id, dataUrl.replace('image.raw', 'missing.raw'));
    const done = await settledImport(image.id);
    expect(done.status).toBe('queued');
    expect(done.os_glance_failed_import).toBe('file');
  });

  it('needs a queued image with formats and a known method', async () => {
    const active = await glance.activeImage();
    expect((await webDownload(active.id, dataUrl)).status).toBe(409);
    const bare = (await glance.api('POST', '/v2/images', { name: 'no formats' })).body;
    expect((await webDownload(bare.id, dataUrl)).status).toBe(409);
    const image = await glance.createImage();
    const unknown = await glance.api('POST', `/v2/images/${image.id}/import`, { method: { name: 'copy-image' } });
    expect(unknown.status).toBe(400);
  });
});

describe('glance-direct import', () => {
  it('stages the data (uploading), then imports it to active', async () => {
    const image = await glance.createImage();
    const direct = () => glance.api('POST', `/v2/images/${image.id}/import`, { method: { name: 'glance-direct' } });
    expect((await direct()).status).toBe(409); // nothing staged yet
    const staged = await glance.api('PUT', `/v2/images/${image.id}/stage`, undefined, {
      raw: data,
      contentType: 'application/octet-stream',
    });
    expect(staged.status).toBe(204);
    expect((await glance.api('GET', `/v2/images/${image.id}`)).body.status).toBe('uploading');
    expect((await direct()).status).toBe(202);
    const done = await settledImport(image.id);
    expect(done).toMatchObject({ status: 'active', size: data.length });
  });
});
