import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGlance, type TestGlance } from './glance-client.js';

let glance: TestGlance;
beforeAll(async () => {
  glance = await startGlance();
});
afterAll(() => glance.stop());

const ids = (reply: { body: any }) => reply.body.images.map((image: any) => image.id as string);

/** Follows `next` from `path` to the end, returning every page. */
async function allPages(path: string) {
  const pages: any[] = [];
  for (let next: string | undefined = path; next;) {
    const reply: { status: number; body: any } = await glance.api('GET', next);
    expect(reply.status).toBe(200);
    pages.push(reply.body);
    next = reply.body.next;
  }
  return pages;
}

describe('GET /v2/images', () => {
  it('pages by limit and marker, newest first, with next whenever a page is full (and first, schema)', async () => {
    const made: string[] = [];
    for (let index = 0; index < 6; index++) {
      made.push((await glance.createImage({ name: `page-${index}`, group: 'paging' })).id);
      await glance.advance(1); // distinct created_at
    }
    const pages = await allPages('/v2/images?group=paging&limit=2');
    // 6 images, limit 2: three full pages each with next, then an empty one without
    expect(pages.map((page) => page.images.length)).toEqual([2, 2, 2, 0]);
    expect(pages.flatMap((page) => page.images.map((image: any) => image.id))).toEqual([...made].reverse());
    expect(pages[0].next).toBe(`/v2/images?group=paging&limit=2&marker=${pages[0].images[1].id}`);
    expect(pages[0].first).toBe('/v2/images?group=paging&limit=2');
    expect(pages[0].schema).toBe('/v2/schemas/images');
    expect(pages[3]).not.toHaveProperty('next');
    const ascending = await allPages('/v2/images?group=paging&limit=4&sort=name:asc');
    expect(ascending.flatMap((page) => page.images.map((image: any) => image.name))).toEqual(
      made.map((_, index) => `page-${index}`),
    );
    const byKey = await glance.api('GET', '/v2/images?group=paging&sort_key=name&sort_dir=desc&limit=1');
    expect(byKey.body.images[0].name).toBe('page-5');
  });

  it('defaults to 25 a page and caps limit at 1000', async () => {
    for (let index = 0; index < 26; index++) await glance.createImage({ group: 'many' });
    const first = await glance.api('GET', '/v2/images?group=many');
    expect(ids(first)).toHaveLength(25);
    expect(first.body.next).toContain('marker=');
    const big = await glance.api('GET', '/v2/images?group=many&limit=5000');
    expect(ids(big)).toHaveLength(26);
  });

  it('refuses a bad limit, an unknown marker, bad sorts and changes-since with 400', async () => {
    for (const query of [
      'limit=-1',
      'limit=ten',
      'marker=00000000-0000-0000-0000-000000000000',
      'sort_key=colour',
      'sort_dir=up',
      'sort=name:asc&sort_key=name',
      'changes-since=2020-01-01T00:00:00Z',
      'os_hidden=maybe',
    ]) {
      expect((await glance.api('GET', `/v2/images?${query}`)).status, query).toBe(400);
    }
  });

  it('leaves hidden images out unless os_hidden=true, which lists only them', async () => {
    const shown = await glance.createImage({ group: 'hide' });
    const hidden = await glance.createImage({ group: 'hide', os_hidden: true });
    expect(ids(await glance.api('GET', '/v2/images?group=hide'))).toEqual([shown.id]);
    expect(ids(await glance.api('GET', '/v2/images?group=hide&os_hidden=false'))).toEqual([shown.id]);
    expect(ids(await glance.api('GET', '/v2/images?group=hide&os_hidden=true'))).toEqual([hidden.id]);
    // still readable by id
    expect((await glance.api('GET', `/v2/images/${hidden.id}`)).status).toBe(200);
  });

  it('filters by status (with in:), name, tag (all of them), visibility and custom properties', async () => {
    const active = await glance.activeImage({ group: 'filter', name: 'alpha', tags: ['x', 'y'] });
    const queued = await glance.createImage({ group: 'filter', name: 'beta', tags: ['x'] });
    const community = await glance.createImage({ group: 'filter', name: 'gamma', visibility: 'community' });
    const list = (query: string) => glance.api('GET', `/v2/images?group=filter&${query}`).then(ids);
    expect(await list('status=active')).toEqual([active.id]);
    expect((await list('status=in:queued,active')).sort()).toEqual([active.id, queued.id].sort());
    expect(await list('name=beta')).toEqual([queued.id]);
    expect((await list('name=in:alpha,beta')).sort()).toEqual([active.id, queued.id].sort());
    expect((await list('tag=x')).sort()).toEqual([active.id, queued.id].sort());
    expect(await list('tag=x&tag=y')).toEqual([active.id]);
    // community images only when asked for
    expect(await list('visibility=community')).toEqual([community.id]);
    expect(await list('name=gamma')).toEqual([]);
    expect((await list('visibility=all')).sort()).toEqual([active.id, queued.id, community.id].sort());
    expect(await list('size_min=1')).toEqual([active.id]);
  });
});
