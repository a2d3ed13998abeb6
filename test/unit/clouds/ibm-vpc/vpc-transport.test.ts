import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIbmVpcProvider } from '../../../../src/clouds/ibm-vpc/client.js';
import { CloudError, type IbmVpcClient } from '../../../../src/clouds/ibm-vpc/api-types.js';
import {
  ScriptedServer,
  startScriptedProvider,
  type ScriptedProvider,
  fakeJwt,
  sendJson,
} from '../../../provider/scripted-server.js';
import { waitFor } from '../../../helpers/wait.js';

const API_KEY = 'unit-transport-secret-key-1a2b3c4d';
const image = (id: string) => ({ id, name: 'web', status: 'available', crn: `crn:${id}`, href: `/v1/images/${id}` });

describe('the VPC transport over node:http', () => {
  let server: ScriptedServer;
  let url: string;
  let provider: IbmVpcClient;
  let scripted: ScriptedProvider;

  beforeEach(async () => {
    scripted = await startScriptedProvider({ apiKey: API_KEY, retryBaseMs: 20 });
    ({ server, url, provider } = scripted);
  });

  afterEach(() => scripted.stop());

  it('encodes query values, sends JSON bodies with their length, and reads an empty 204', async () => {
    server.apiHandler = (request, response) => {
      if (request.method === 'DELETE') {
        response.writeHead(204);
        return response.end();
      }
      if (request.method === 'POST') return sendJson(response, 201, image('r006-new'));
      sendJson(response, 200, { images: [] });
    };
    await provider.listImages({ name: 'a b&c=d', status: ['pending', 'failed'] });
    await provider.createImage({ name: 'ünï', file: { href: 'cos://x/y.qcow2' }, operating_system: { name: 'os' } });
    await provider.deleteImage('r006-new');
    const [list, create, remove] = server.apiRequests();
    expect(list!.query.get('name')).toBe('a b&c=d');
    expect(list!.query.get('status')).toBe('pending,failed');
    expect(list!.query.get('limit')).toBe('100');
    expect(list!.query.has('start')).toBe(false);
    expect(create!.headers['content-type']).toBe('application/json');
    expect(Number(create!.headers['content-length'])).toBe(Buffer.byteLength(create!.body));
    expect(JSON.parse(create!.body).name).toBe('ünï');
    expect(remove!.method).toBe('DELETE');
    expect(remove!.path).toBe('/v1/images/r006-new');
  });

  it('asks for gzip and reads a compressed answer', async () => {
    server.apiHandler = (request, response) => {
      expect(request.headers['accept-encoding']).toBe('gzip');
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      response.end(gzipSync(JSON.stringify({ images: [image('r006-1'), image('r006-2')] })));
    };
    expect((await provider.listImages()).map((found) => found.id)).toEqual(['r006-1', 'r006-2']);
  });

  it('retries a GET whose answer broke off, or was not JSON', async () => {
    let calls = 0;
    server.apiHandler = (_request, response) => {
      calls++;
      if (calls === 1) {
        // Promises more than it sends, then drops the connection.
        response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
        response.write('{"id":"r006-1","na');
        setImmediate(() => response.socket?.destroy());
        return;
      }
      if (calls === 2) {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        return response.end('<html>gateway</html>');
      }
      sendJson(response, 200, image('r006-1'));
    };
    expect((await provider.getImage('r006-1'))?.id).toBe('r006-1');
    expect(calls).toBe(3);
    expect(provider.requestCount).toBe(3);
  });

  it('gives up on a body that is never JSON, saying so without the body', async () => {
    server.apiHandler = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end(`echo of ${API_KEY}`);
    };
    const quick = createIbmVpcProvider({ endpoint: url, iamEndpoint: url, apiKey: API_KEY, maxAttempts: 2 });
    try {
      const error = (await quick.getImage('r006-1').catch((e: unknown) => e)) as CloudError;
      expect(error).toBeInstanceOf(CloudError);
      expect(error.message).toBe(
        `get image r006-1: cannot reach ${url}: the answer to GET /images/r006-1 is not JSON (ERR_BAD_RESPONSE); gave up after 2 attempts`,
      );
    } finally {
      await quick.close();
    }
  });

  it('uses the cloud error shape, or the HTTP status line when the body has none', async () => {
    server.apiHandler = (_request, response) => {
      response.writeHead(502, 'Bad Gateway', { 'Content-Type': 'text/html' });
      response.end('<html>bad gateway</html>');
    };
    const quick = createIbmVpcProvider({ endpoint: url, iamEndpoint: url, apiKey: API_KEY, maxAttempts: 1 });
    try {
      const error = (await quick.listImages().catch((e: unknown) => e)) as CloudError;
      expect(error.message).toBe('list images: Bad Gateway (http_502, HTTP 502); gave up after 1 attempts');
      expect(error.status).toBe(502);
    } finally {
      await quick.close();
    }
  });

  it('keeps trying when a server that answered before refuses connections (it is restarting)', async () => {
    const first = await serveImages(0);
    const restarting = createIbmVpcProvider({
      endpoint: first.url,
      iamEndpoint: first.url,
      apiKey: API_KEY,
      retryBaseMs: 50,
    });
    try {
      await restarting.getImage('r006-1');
      await first.close();
      const pending = restarting.getImage('r006-1');
      // A refused attempt, then the retry loop's backoff: the server comes back meanwhile, on the same port.
      await waitFor(() => restarting.requestCount >= 3, { what: 'a refused attempt and its retry' });
      const second = await serveImages(first.port);
      try {
        expect((await pending)?.id).toBe('r006-1');
        expect(second.hits()).toBeGreaterThan(0);
      } finally {
        await second.close();
      }
    } finally {
      await restarting.close();
    }
  });
});

/** A server that issues tokens and answers every API request with one image, on `port` (0: a free one). */
async function serveImages(
  port: number,
): Promise<{ url: string; port: number; hits(): number; close(): Promise<void> }> {
  let hits = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url?.startsWith('/identity/token'))
        return sendJson(response, 200, { access_token: fakeJwt(3600), expires_in: 3600 });
      hits++;
      sendJson(response, 200, image('r006-1'));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    hits: () => hits,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
