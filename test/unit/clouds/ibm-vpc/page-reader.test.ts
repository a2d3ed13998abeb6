import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudError, type IbmVpcClient } from '../../../../src/clouds/ibm-vpc/api-types.js';
import { nextStartInText } from '../../../../src/clouds/ibm-vpc/page-reader.js';
import {
  ScriptedServer,
  startScriptedProvider,
  type ScriptedProvider,
  sendJson,
  type SeenRequest,
} from '../../../provider/scripted-server.js';

const API_KEY = 'unit-pager-secret-key-5e6f7a8b';
const image = (id: string) => ({ id, name: id, status: 'available', crn: `crn:${id}`, href: `/v1/images/${id}` });

/** A page as the emulator writes it: the links first, then the images. */
function page(url: string, next: string | undefined, ids: string[]) {
  const href = (token?: string) =>
    `${url}/v1/images?limit=100${token ? `&start=${token}` : ''}&version=2026-03-24&generation=2`;
  return {
    first: { href: href() },
    limit: 100,
    ...(next ? { next: { href: href(next) } } : {}),
    total_count: 9,
    images: ids.map(image),
  };
}

/** Three pages: (first) -> t1 -> t2. */
const PAGES: Record<string, { next?: string; ids: string[] }> = {
  '': { next: 't1', ids: ['r006-1', 'r006-2', 'r006-3'] },
  t1: { next: 't2', ids: ['r006-4', 'r006-5', 'r006-6'] },
  t2: { ids: ['r006-7', 'r006-8', 'r006-9'] },
};

const startOf = (request: SeenRequest) => request.query.get('start') ?? '';

describe('reading every page of the image list', () => {
  let server: ScriptedServer;
  let url: string;
  let provider: IbmVpcClient;
  let scripted: ScriptedProvider;

  beforeEach(async () => {
    scripted = await startScriptedProvider({ apiKey: API_KEY, retryBaseMs: 20 });
    ({ server, url, provider } = scripted);
  });

  afterEach(() => scripted.stop());

  const serve = (request: SeenRequest, response: ServerResponse) => {
    const start = startOf(request);
    const { next, ids } = PAGES[start]!;
    sendJson(response, 200, page(url, next, ids));
  };

  it('asks for the next page as soon as the head of an answer names it, before the rest of the answer', async () => {
    // Each answer's tail is held back until the next page has been asked for: a pager that waited for the whole
    // answer before asking would never get it.
    const asked = new Map<string, () => void>();
    const waitFor = (start: string) => new Promise<void>((resolve) => asked.set(start, resolve));
    server.apiHandler = (request, response) => {
      const start = startOf(request);
      asked.get(start)?.();
      const { next, ids } = PAGES[start]!;
      const text = JSON.stringify(page(url, next, ids));
      const cut = text.indexOf('"images"');
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.write(text.slice(0, cut));
      if (!next) return void response.end(text.slice(cut));
      void waitFor(next).then(() => response.end(text.slice(cut)));
    };
    const images = await provider.listImages();
    expect(images.map((found) => found.id)).toEqual(Object.values(PAGES).flatMap((p) => p.ids));
    expect(server.apiRequests().map(startOf)).toEqual(['', 't1', 't2']);
    expect(provider.requestCount).toBe(3);
  });

  it('reads compressed pages, each asked for once', async () => {
    server.apiHandler = (request, response) => {
      const start = startOf(request);
      const { next, ids } = PAGES[start]!;
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      response.end(gzipSync(JSON.stringify(page(url, next, ids))));
    };
    const images = await provider.listImages();
    expect(images).toHaveLength(9);
    expect(server.apiRequests().map(startOf)).toEqual(['', 't1', 't2']);
  });

  it('follows the parsed next.href when an image carries a look-alike link before it', async () => {
    server.apiHandler = (request, response) => {
      const start = startOf(request);
      // The decoy's page, if it is asked for, is never read.
      const { next, ids } = PAGES[start] ?? { ids: ['r006-decoy'] };
      const images = ids.map((id) => ({ ...image(id), next: { href: `${url}/v1/images?start=decoy` } }));
      // The images first, as some servers order them: the decoy comes before the real link.
      sendJson(response, 200, { images, ...(next ? { next: { href: `${url}/v1/images?start=${next}` } } : {}) });
    };
    const images = await provider.listImages();
    expect(images.map((found) => found.id)).toEqual(Object.values(PAGES).flatMap((p) => p.ids));
    expect(
      server
        .apiRequests()
        .map(startOf)
        .filter((start) => start !== 'decoy'),
    ).toEqual(['', 't1', 't2']);
  });

  it('refuses a page token the cloud returns twice, without asking for the page again', async () => {
    const loop: Record<string, string> = { '': 'a', a: 'b', b: 'a' };
    server.apiHandler = (request, response) => {
      const start = startOf(request);
      sendJson(response, 200, page(url, loop[start], [`r006-${start || 'first'}`]));
    };
    const error = (await provider.listImages().catch((e: unknown) => e)) as CloudError;
    expect(error).toBeInstanceOf(CloudError);
    expect(error.code).toBe('pagination_loop');
    expect(error.message).toBe('list images: the cloud returned page token "a" twice');
    expect(server.apiRequests().map(startOf)).toEqual(['', 'a', 'b']);
  });

  it('fails as the page that failed, once the pages before it are read', async () => {
    server.apiHandler = (request, response) => {
      if (startOf(request) === 't2')
        return sendJson(response, 400, { errors: [{ code: 'bad_start', message: 'start is not valid' }] });
      serve(request, response);
    };
    const error = (await provider.listImages().catch((e: unknown) => e)) as CloudError;
    expect(error.message).toBe('list images: start is not valid (bad_start, HTTP 400)');
    expect(server.apiRequests().map(startOf)).toEqual(['', 't1', 't2']);
  });
});

describe('the next page link in an answer text', () => {
  it('is the start token of a top-level next.href, escapes and spacing allowed', () => {
    expect(nextStartInText('{"limit":1,"next":{"href":"https://x/v1/images?limit=1&start=abc"}')).toBe('abc');
    expect(nextStartInText('{ "next" : { "href" : "https://x/v1/images?limit=1\\u0026start=a%2Fb" } }')).toBe('a/b');
    expect(nextStartInText('{"first":{"href":"https://x/v1/images?start=zzz"},"limit":1}')).toBeUndefined();
    // Cut off in the middle of the link (the head of an answer): nothing yet.
    expect(nextStartInText('{"next":{"href":"https://x/v1/images?start=ab')).toBeUndefined();
  });
});
