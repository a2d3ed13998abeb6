import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpExchange, parseOrigin } from '../../../src/cloud-kit/http-exchange.js';

/** Bodies the server sends by path: ASCII and not, each plain and gzip-compressed. */
const BODIES: Record<string, string> = {
  '/ascii': JSON.stringify({ images: [{ name: 'web-1', status: 'pending' }] }),
  '/unicode': JSON.stringify({ message: 'Ungültiger Name «web» — 名前 🚀', code: 'validation' }),
  // Large enough to arrive in several chunks, joined in the buffer decode reuses.
  '/large': JSON.stringify({
    images: Array.from({ length: 2000 }, (_, i) => ({ name: `web-${i}`, status: 'available' })),
  }),
};

describe('HttpExchange answers', () => {
  let server: Server;
  let origin: ReturnType<typeof parseOrigin>;
  const exchange = new HttpExchange({});

  beforeAll(async () => {
    server = createServer((req, res) => {
      const [path, query] = (req.url ?? '').split('?');
      const text = BODIES[path!] ?? '';
      const gzip = query === 'gzip' && /gzip/.test(String(req.headers['accept-encoding']));
      res.writeHead(200, { 'Content-Type': 'application/json', ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
      res.end(gzip ? gzipSync(text) : text);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = parseOrigin(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  afterAll(async () => {
    exchange.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each(['/ascii', '/unicode', '/large', '/ascii?gzip', '/unicode?gzip', '/large?gzip'])(
    'decodes %s to the text that was sent',
    async (path) => {
      const answer = await exchange.send(origin, 'GET', path, {}, undefined, 5_000);
      expect(answer.status).toBe(200);
      expect(answer.text).toBe(BODIES[path.split('?')[0]!]);
      expect(JSON.parse(answer.text)).toEqual(JSON.parse(BODIES[path.split('?')[0]!]!));
    },
  );

  it('keeps each answer its own when a smaller one follows a large one', async () => {
    const large = await exchange.send(origin, 'GET', '/large', {}, undefined, 5_000);
    const small = await exchange.send(origin, 'GET', '/ascii', {}, undefined, 5_000);
    expect(large.text).toBe(BODIES['/large']);
    expect(small.text).toBe(BODIES['/ascii']);
  });
});
