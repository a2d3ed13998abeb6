import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IbmVpcClient } from '../../src/clouds/ibm-vpc/api-types.js';
import { createIbmVpcProvider, type IbmVpcProviderOptions } from '../../src/clouds/ibm-vpc/client.js';

/** What a scripted route saw. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export type Handler = (request: SeenRequest, response: ServerResponse) => void;

/** An unsigned JWT: the IBM core only decodes tokens to learn iat/exp. */
export function fakeJwt(ttlSeconds: number, subject = 'tester'): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: subject, iat: now, exp: now + ttlSeconds, n: Math.random() })}.c2lnbmF0dXJl`;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/**
 * A tiny real HTTP server for behaviours the emulator cannot be told to show (a Retry-After of a given length, a
 * token refused mid-run, an IAM outage). IAM answers at /identity/token; API routes are scripted per test.
 */
export class ScriptedServer {
  readonly seen: SeenRequest[] = [];
  tokensIssued: string[] = [];
  iamHandler: Handler | undefined;
  apiHandler: Handler = (_request, response) =>
    sendJson(response, 404, { errors: [{ code: 'not_found', message: 'no route' }] });
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://localhost');
        const seen: SeenRequest = {
          method: request.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: performance.now(),
        };
        this.seen.push(seen);
        if (seen.path === '/identity/token') {
          if (this.iamHandler) return this.iamHandler(seen, response);
          return this.issueToken(response);
        }
        response.setHeader('Date', new Date().toUTCString());
        this.apiHandler(seen, response);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** IAM's answer to a good key. */
  issueToken(response: ServerResponse, ttlSeconds = 3600): void {
    const token = fakeJwt(ttlSeconds);
    this.tokensIssued.push(token);
    sendJson(response, 200, {
      access_token: token,
      refresh_token: 'not_supported',
      token_type: 'Bearer',
      expires_in: ttlSeconds,
      expiration: Math.floor(Date.now() / 1000) + ttlSeconds,
    });
  }

  apiRequests(): SeenRequest[] {
    return this.seen.filter((request) => request.path.startsWith('/v1/'));
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

/** A scripted server and an IBM VPC client pointed at it (API and IAM both), for one test. */
export interface ScriptedProvider {
  server: ScriptedServer;
  url: string;
  provider: IbmVpcClient;
  /** Closes the client, then the server. */
  stop(): Promise<void>;
}

export async function startScriptedProvider(
  options: Omit<IbmVpcProviderOptions, 'endpoint' | 'iamEndpoint'>,
): Promise<ScriptedProvider> {
  const server = new ScriptedServer();
  const url = await server.start();
  const provider = createIbmVpcProvider({ ...options, endpoint: url, iamEndpoint: url });
  return {
    server,
    url,
    provider,
    stop: async () => {
      await provider.close();
      await server.stop();
    },
  };
}
