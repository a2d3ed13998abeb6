import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpExchange, parseOrigin } from '../../../src/cloud-kit/http-exchange.js';
import { openTunnel, proxyFor } from '../../../src/cloud-kit/proxy.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The origin: answers with what it was asked. */
function origin(): Promise<string> {
  return listen(
    createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ path: req.url, host: req.headers.host }));
    }),
  );
}

/** A forward proxy (absolute-URI requests and CONNECT), recording what reached it. */
async function proxy(options: { refuseTunnels?: boolean } = {}) {
  const seen: { method: string; url: string; authorization?: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    seen.push({ method: req.method!, url: req.url!, authorization: req.headers['proxy-authorization'] });
    const target = new URL(req.url!);
    const forwarded = request(
      { hostname: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forwarded);
  });
  server.on('connect', (req: IncomingMessage, client) => {
    seen.push({ method: 'CONNECT', url: req.url!, authorization: req.headers['proxy-authorization'] });
    if (options.refuseTunnels) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const [host, port] = req.url!.split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
  });
  return { address: await listen(server), seen };
}

describe('proxies from the environment', () => {
  it('reads HTTPS_PROXY / HTTP_PROXY by scheme, and NO_PROXY by host, domain and port', () => {
    const https = parseOrigin('https://us-south.iaas.cloud.ibm.com');
    const http = parseOrigin('http://127.0.0.1:8080');
    const env = { HTTPS_PROXY: 'proxy.corp:3128', http_proxy: 'http://other:8080' };
    expect(proxyFor(https, env)?.href).toBe('http://proxy.corp:3128/');
    expect(proxyFor(http, env)?.href).toBe('http://other:8080/');
    expect(proxyFor(https, { ...env, NO_PROXY: '*' })).toBeUndefined();
    expect(proxyFor(https, { ...env, NO_PROXY: 'localhost, .cloud.ibm.com' })).toBeUndefined();
    expect(proxyFor(https, { ...env, no_proxy: 'iaas.cloud.ibm.com:443' })).toBeUndefined();
    expect(proxyFor(https, { ...env, NO_PROXY: 'iaas.cloud.ibm.com:8443' })?.host).toBe('proxy.corp:3128');
    expect(proxyFor(https, { ...env, NO_PROXY: 'ibm.co' })?.host).toBe('proxy.corp:3128');
    expect(proxyFor(http, { ...env, NO_PROXY: '127.0.0.1' })).toBeUndefined();
    expect(proxyFor(https, {})).toBeUndefined();
  });

  it('sends an http request through the proxy with its credentials, or straight when NO_PROXY says so', async () => {
    const target = await origin();
    const forward = await proxy();
    const exchange = new HttpExchange({ HTTP_PROXY: `http://ci:p%40ss@${forward.address}` });
    const answer = await exchange.send(
      parseOrigin(`http://${target}/base`),
      'GET',
      '/v1/images?limit=1',
      {},
      undefined,
      5_000,
    );
    expect(JSON.parse(answer.text)).toEqual({ path: '/base/v1/images?limit=1', host: target });
    expect(forward.seen).toEqual([
      {
        method: 'GET',
        url: `http://${target}/base/v1/images?limit=1`,
        authorization: `Basic ${Buffer.from('ci:p@ss').toString('base64')}`,
      },
    ]);
    exchange.close();

    const direct = new HttpExchange({ HTTP_PROXY: `http://${forward.address}`, NO_PROXY: '127.0.0.1' });
    await direct.send(parseOrigin(`http://${target}`), 'GET', '/v1/images', {}, undefined, 5_000);
    expect(forward.seen).toHaveLength(1);
    direct.close();
  });

  it('opens a CONNECT tunnel to the origin, and says which proxy refused one without its credentials', async () => {
    const target = await origin();
    const forward = await proxy();
    const [host, port] = target.split(':');
    const socket = await openTunnel(new URL(`http://${forward.address}`), host!, Number(port), 5_000);
    const reply = await new Promise<string>((done) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => done(text));
      socket.end(`GET /through HTTP/1.1\r\nHost: ${target}\r\nConnection: close\r\n\r\n`);
    });
    expect(reply).toContain('"path":"/through"');
    expect(forward.seen).toEqual([{ method: 'CONNECT', url: target, authorization: undefined }]);

    const refusing = await proxy({ refuseTunnels: true });
    const attempt = openTunnel(new URL(`http://ci:secret@${refusing.address}`), host!, Number(port), 5_000);
    await expect(attempt).rejects.toThrow(`the proxy ${refusing.address} refused to open a tunnel to ${target}: 403`);
    await attempt.catch((error: Error) => expect(error.message).not.toContain('secret'));
  });
});
