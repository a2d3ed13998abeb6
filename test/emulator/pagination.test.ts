import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, startCloud, type TestCloud } from './cloud-client.js';

let cloud: TestCloud;
const created: string[] = [];

beforeAll(async () => {
  cloud = await startCloud();
  for (let batch = 0; batch < 5; batch++) {
    const images = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        cloud.createImage({ name: `page-${String(batch * 50 + i).padStart(3, '0')}` }),
      ),
    );
    created.push(...images.map((image) => image.id));
  }
  await cloud.advance(2);
});
afterAll(() => cloud.stop());

async function follow(href: string): Promise<any> {
  const response = await fetch(href, { headers: { Authorization: `Bearer ${cloud.token}` } });
  return response.json();
}

describe('listing images', () => {
  it('pages 250 images by 100 through next.href, each exactly once, in creation order', async () => {
    const first = await cloud.api('GET', '/images', undefined, { query: { limit: '100' } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ limit: 100, total_count: 250 });
    expect(first.body.first.href).toContain('limit=100');
    const pages = [first.body];
    while (pages.at(-1).next) pages.push(await follow(pages.at(-1).next.href));
    expect(pages.map((page) => page.images.length)).toEqual([100, 100, 50]);
    expect(pages.at(-1)).not.toHaveProperty('next');
    const ids = pages.flatMap((page) => page.images.map((image: { id: string }) => image.id));
    expect(new Set(ids).size).toBe(250);
    expect(new Set(ids)).toEqual(new Set(created));
    const createdAt = pages.flatMap((page) =>
      page.images.map((image: { created_at: string }) => Date.parse(image.created_at)),
    );
    expect(createdAt).toEqual([...createdAt].sort((x, y) => x - y));
    // next.href keeps version, generation and limit
    const next = new URL(first.body.next.href);
    expect(next.searchParams.get('version')).toBeTruthy();
    expect(next.searchParams.get('generation')).toBe('2');
    expect(next.searchParams.get('limit')).toBe('100');
  });

  it('defaults to 50 a page and enforces 1 <= limit <= 100', async () => {
    const page = await cloud.api('GET', '/images');
    expect(page.body.images).toHaveLength(50);
    expect(page.body.limit).toBe(50);
    for (const [limit, code] of [
      ['101', 'validation_max_value'],
      ['0', 'validation_min_value'],
      ['ten', 'validation_invalid_field_type'],
    ] as const) {
      const reply = await cloud.api('GET', '/images', undefined, { query: { limit } });
      expect(reply.status).toBe(400);
      expect(errorCode(reply)).toBe(code);
    }
    const bogus = await cloud.api('GET', '/images', undefined, { query: { start: 'garbage' } });
    expect(bogus.status).toBe(400);
  });

  it('does not skip or repeat images when one on an earlier page is deleted mid-listing', async () => {
    const first = await cloud.api('GET', '/images', undefined, { query: { limit: '100' } });
    await cloud.api('DELETE', `/images/${first.body.images[10].id}`);
    await cloud.advance(1);
    const pages = [await follow(first.body.next.href)];
    while (pages.at(-1).next) pages.push(await follow(pages.at(-1).next.href));
    const later = pages.flatMap((page) => page.images.map((image: { id: string }) => image.id));
    const all = [...first.body.images.map((image: { id: string }) => image.id), ...later];
    expect(later).toHaveLength(150);
    expect(new Set(all).size).toBe(250);
    expect(pages[0].total_count).toBe(249);
  });

  it('filters by name, status and visibility, keeping filters in next.href', async () => {
    const byName = await cloud.api('GET', '/images', undefined, { query: { name: 'page-042' } });
    expect(byName.body.images.map((image: { name: string }) => image.name)).toEqual(['page-042']);
    expect(byName.body.total_count).toBe(1);
    expect((await cloud.api('GET', '/images', undefined, { query: { name: 'nope' } })).body.images).toEqual([]);

    await cloud.api('POST', `/images/${created[200]}/deprecate`);
    await cloud.api('POST', `/images/${created[201]}/obsolete`);
    const lifecycle = await cloud.api('GET', '/images', undefined, { query: { status: 'deprecated,obsolete' } });
    expect(lifecycle.body.images.map((image: { id: string }) => image.id).sort()).toEqual(
      [created[200], created[201]].sort(),
    );
    const available = await cloud.api('GET', '/images', undefined, { query: { status: 'available', limit: '100' } });
    expect(available.body.total_count).toBe(247);
    expect(new URL(available.body.next.href).searchParams.get('status')).toBe('available');
    const rest = await follow(available.body.next.href);
    expect(rest.images.every((image: { status: string }) => image.status === 'available')).toBe(true);

    expect((await cloud.api('GET', '/images', undefined, { query: { visibility: 'public' } })).body.total_count).toBe(
      0,
    );
    expect((await cloud.api('GET', '/images', undefined, { query: { visibility: 'private' } })).body.total_count).toBe(
      249,
    );
    expect((await cloud.api('GET', '/images', undefined, { query: { visibility: 'shared' } })).status).toBe(400);
    expect(
      (await cloud.api('GET', '/images', undefined, { query: { 'remote.account.id': 'not:null' } })).body.total_count,
    ).toBe(0);
    expect(
      (await cloud.api('GET', '/images', undefined, { query: { 'remote.account.id': 'null' } })).body.total_count,
    ).toBe(249);
  });
});
