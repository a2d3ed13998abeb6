import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startGlance, type TestGlance } from './glance-client.js';

let glance: TestGlance;
beforeAll(async () => {
  glance = await startGlance();
});
afterAll(() => glance.stop());

const missing = '/v2/images/00000000-0000-0000-0000-000000000000';

describe('Glance errors follow Accept (webob)', () => {
  it('is JSON {message, code, title} for application/json', async () => {
    const reply = await glance.api('GET', missing);
    expect(reply.status).toBe(404);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reply.body).toEqual({
      message: 'No image found with ID 00000000-0000-0000-0000-000000000000',
      code: '404 Not Found',
      title: 'Not Found',
    });
  });

  it('is an HTML page for */* and text/html (what glanceclient sends)', async () => {
    for (const accept of ['*/*', 'text/html']) {
      const reply = await glance.api('GET', missing, undefined, { accept });
      expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
      expect(reply.text).toContain('<title>404 Not Found</title>');
      expect(reply.text).toContain('<h1>404 Not Found</h1>');
      expect(reply.text).toContain('No image found with ID');
    }
  });

  it('is plain text for anything else', async () => {
    const reply = await glance.api('GET', missing, undefined, { accept: 'application/xml' });
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(reply.text.startsWith('404 Not Found\n\nNo image found with ID')).toBe(true);
  });

  it('escapes what it echoes into HTML', async () => {
    const reply = await glance.api('GET', '/v2/images/%3Cb%3Ex', undefined, { accept: '*/*' });
    expect(reply.status).toBe(404);
    expect(reply.text).not.toContain('<b>');
    expect(reply.text).toContain('&lt;b&gt;');
  });

  it('answers an unknown path with 404 and a wrong method with 405 in the same shapes', async () => {
    const unknown = await glance.api('GET', '/v2/nothing');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('404 Not Found');
    const wrong = await glance.api('PUT', '/v2/images');
    expect(wrong.status).toBe(405);
    expect(wrong.body.title).toBe('Method Not Allowed');
  });
});

describe('version discovery', () => {
  it('answers GET / with 300 and GET /versions with 200, v2 linking back to this server, without a token', async () => {
    const root = await call(`${glance.url}/`, 'GET');
    expect(root.status).toBe(300);
    const versions = await call(`${glance.url}/versions`, 'GET');
    expect(versions.status).toBe(200);
    expect(versions.body).toEqual(root.body);
    const current = versions.body.versions.filter((version: any) => version.status === 'CURRENT');
    expect(current).toHaveLength(1);
    expect(current[0].links[0].href).toBe(`${glance.url}/v2/`);
    expect(versions.body.versions.map((version: any) => version.id)).toContain('v2.0');
  });

  it('serves the schemas glanceclient validates against, and the import methods', async () => {
    const image = await glance.api('GET', '/v2/schemas/image');
    expect(image.body.name).toBe('image');
    expect(image.body.additionalProperties).toEqual({ type: 'string' });
    expect(image.body.properties.os_hash_value.maxLength).toBeGreaterThanOrEqual(128);
    expect(image.body.properties.status.enum).toContain('deactivated');
    const images = await glance.api('GET', '/v2/schemas/images');
    expect(images.body.properties.images.items).toEqual(image.body);
    for (const name of ['metadefs/namespace', 'metadefs/resource_type'])
      expect((await glance.api('GET', `/v2/schemas/${name}`)).status).toBe(200);
    const info = await glance.api('GET', '/v2/info/import');
    expect(info.body['import-methods'].value).toEqual(['glance-direct', 'web-download']);
  });
});

describe('the clock', () => {
  it('puts a Date header from the cloud clock on every answer', async () => {
    const before = await glance.api('GET', '/v2/images');
    await glance.advance(86_400);
    const after = await glance.api('GET', missing);
    const moved = Date.parse(after.headers.get('date')!) - Date.parse(before.headers.get('date')!);
    expect(moved).toBeGreaterThanOrEqual(86_400_000);
    expect(moved).toBeLessThan(86_400_000 + 60_000);
  });
});
