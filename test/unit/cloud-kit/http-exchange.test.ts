import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
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

describe('HttpExchange streamed bodies', () => {
  let server: Server;
  let origin: ReturnType<typeof parseOrigin>;
  const exchange = new HttpExchange({});

  beforeAll(async () => {
    // Answers with the size and the sha256 of what it received.
    server = createServer((req, res) => {
      const hash = createHash('sha256');
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        hash.update(chunk);
      });
      req.on('end', () => res.end(JSON.stringify({ size, sha256: hash.digest('hex') })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = parseOrigin(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  afterAll(async () => {
    exchange.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends every byte of a stream, with its Content-Length', async () => {
    const data = randomBytes(300_000);
    const stream = Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]);
    const answer = await exchange.send(origin, 'PUT', '/file', {}, { stream, length: data.length }, 5_000);
    expect(JSON.parse(answer.text)).toEqual({
      size: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
    });
  });

  it('gives up when the stream goes silent for the timeout, and when it cannot be read', async () => {
    const silent = new PassThrough();
    silent.write(Buffer.alloc(10));
    const stalled = exchange.send(origin, 'PUT', '/file', {}, { stream: silent, length: 1_000 }, 200);
    await expect(stalled).rejects.toMatchObject({ name: 'NoAnswer', code: 'ETIMEDOUT' });
    const broken = new PassThrough();
    const failed = exchange.send(origin, 'PUT', '/file', {}, { stream: broken, length: 1_000 }, 5_000);
    broken.destroy(new Error('disk gone'));
    await expect(failed).rejects.toMatchObject({ name: 'NoAnswer', code: 'ERR_SOURCE' });
  });
});
