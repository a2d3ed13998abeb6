import { isAscii } from 'node:buffer';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { proxyFor, proxyHeaders, TunnelingAgent } from './proxy.js';

/** A parsed base URL: requests go to `${pathPrefix}${path}` on its host. */
export interface Origin {
  secure: boolean;
  hostname: string;
  port: number | undefined;
  /** The base URL's own path, without a trailing slash (often empty). */
  pathPrefix: string;
}

export function parseOrigin(baseUrl: string): Origin {
  const url = new URL(baseUrl);
  return {
    secure: url.protocol === 'https:',
    // node:http wants IPv6 literals without their brackets.
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? undefined : Number(url.port),
    pathPrefix: url.pathname.replace(/\/+$/, ''),
  };
}

/**
 * A body streamed rather than held: large data (an image's disk, gigabytes) goes out as it is read. Its time bound
 * is an idle one, between two chunks, not the whole exchange's.
 */
export interface StreamedBody {
  stream: Readable;
  /** Its size; unknown (a download passed on as it arrives) is sent chunked. */
  length?: number;
}

export interface HttpAnswer {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** The whole body, decoded as UTF-8 (the APIs answer JSON). */
  text: string;
}

/** No answer arrived: the socket's error code (`ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`...) and node's words. */
export class NoAnswer extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'NoAnswer';
  }
}

/**
 * One HTTP exchange at a time over keep-alive connections, with node:http directly: the API and IAM clients need
 * no more than method, headers, a string body and the whole answer, and a general-purpose client (axios, through
 * ibm-cloud-sdk-core) cost about as much CPU per request as the rest of an apply. It never follows redirects and
 * never logs.
 */
export class HttpExchange {
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true });
  /** Per origin: the proxy the environment names for it (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), if any. */
  private readonly proxies = new Map<string, URL | undefined>();
  private readonly tunnels = new Map<string, TunnelingAgent>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  send(
    origin: Origin,
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | StreamedBody | undefined,
    timeoutMs: number,
    onHead?: (head: string) => void,
  ): Promise<HttpAnswer> {
    return new Promise<HttpAnswer>((resolve, reject) => {
      const options = {
        ...this.route(origin, origin.pathPrefix + path, timeoutMs),
        method,
        // Pages of 100 images are ~160 KB of repetitive JSON: one that compresses sends about a fifteenth (gzip).
        headers: {
          ...headers,
          'Accept-Encoding': 'gzip',
          ...(body === undefined
            ? {}
            : typeof body === 'string'
              ? { 'Content-Length': String(Buffer.byteLength(body)) }
              : body.length === undefined
                ? {}
                : { 'Content-Length': String(body.length) }),
          ...this.routeHeaders(origin),
        },
      };
      let settled = false;
      const fail = (error: NoAnswer): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      const request = (origin.secure ? httpsRequest : httpRequest)(options, (response) => {
        const chunks: Buffer[] = [];
        const status = response.statusCode ?? 0;
        const plain = response.headers['content-encoding'] === undefined;
        response.on('data', (chunk: Buffer) => {
          if (onHead && !chunks.length && plain && status >= 200 && status <= 299) onHead(asciiHead(chunk));
          chunks.push(chunk);
        });
        response.on('end', () => {
          if (settled) return;
          let text: string;
          try {
            text = decode(chunks, response.headers['content-encoding']);
          } catch {
            return fail(new NoAnswer('the answer could not be decompressed', 'ERR_BAD_RESPONSE'));
          }
          settled = true;
          clearTimeout(timer);
          resolve({
            status: response.statusCode ?? 0,
            statusText: response.statusMessage ?? '',
            headers: response.headers,
            text,
          });
        });
        response.on('error', (error: NodeJS.ErrnoException) => fail(noAnswer(error)));
        // The connection broke before the body was whole.
        response.on('close', () => {
          if (!response.complete)
            fail(new NoAnswer('the connection closed before the answer was complete', 'ECONNRESET'));
        });
      });
      const streamed = typeof body === 'object';
      // Bounds the whole exchange, connection and body included, not just a silent socket; a streamed body only
      // bounds the silences, since sending it may take as long as its size needs.
      const timer = streamed
        ? undefined
        : setTimeout(() => {
            fail(new NoAnswer(`no answer within ${timeoutMs} ms`, 'ETIMEDOUT'));
            request.destroy();
          }, timeoutMs);
      request.on('error', (error: NodeJS.ErrnoException) => fail(noAnswer(error)));
      if (!streamed) {
        request.end(body);
        return;
      }
      request.setTimeout(timeoutMs, () => {
        fail(new NoAnswer(`nothing moved for ${timeoutMs} ms`, 'ETIMEDOUT'));
        request.destroy();
      });
      body.stream.on('error', (error: NodeJS.ErrnoException) => {
        fail(new NoAnswer(`the data could not be read: ${error.message}`, 'ERR_SOURCE'));
        request.destroy();
      });
      body.stream.pipe(request);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    for (const tunnel of this.tunnels.values()) tunnel.destroy();
  }

  private proxyOf(origin: Origin): URL | undefined {
    const key = `${origin.secure ? 'https' : 'http'}://${origin.hostname}:${origin.port ?? ''}`;
    if (!this.proxies.has(key)) this.proxies.set(key, proxyFor(origin, this.env));
    return this.proxies.get(key);
  }

  /**
   * Where a request goes: straight to the origin; for http through a proxy, to the proxy with the whole URL as
   * path; for https through a proxy, to the origin over a CONNECT tunnel (TLS end to end).
   */
  private route(origin: Origin, path: string, timeoutMs: number) {
    const proxy = this.proxyOf(origin);
    if (proxy && !origin.secure) {
      return {
        hostname: proxy.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: proxy.port === '' ? 80 : Number(proxy.port),
        path: `http://${hostHeader(origin)}${path}`,
        agent: this.httpAgent,
      };
    }
    if (!proxy)
      return {
        hostname: origin.hostname,
        port: origin.port,
        path,
        agent: origin.secure ? this.httpsAgent : this.httpAgent,
      };
    const tunnel = this.tunnels.get(proxy.href) ?? new TunnelingAgent(proxy, timeoutMs);
    this.tunnels.set(proxy.href, tunnel);
    return { hostname: origin.hostname, port: origin.port, path, agent: tunnel };
  }

  private routeHeaders(origin: Origin): Record<string, string> {
    const proxy = this.proxyOf(origin);
    return proxy && !origin.secure ? { Host: hostHeader(origin), ...proxyHeaders(proxy) } : {};
  }
}

function hostHeader(origin: Origin): string {
  const host = origin.hostname.includes(':') ? `[${origin.hostname}]` : origin.hostname;
  return origin.port === undefined ? host : `${host}:${origin.port}`;
}

function decode(chunks: Buffer[], encoding: string | undefined): string {
  const whole = chunks.length === 1 ? chunks[0]! : joined(chunks);
  // Decompressed at once: cheaper than a stream for bodies of a few hundred KB.
  const body = encoding === 'gzip' || encoding === 'x-gzip' ? gunzipSync(whole) : whole;
  // The same text either way for ASCII (an API's JSON nearly always is), but JSON.parse reads a page decoded as
  // latin1 two to three times faster than the same page decoded as UTF-8 (Node 20, pages of 50-200 KB).
  return isAscii(body) ? body.toString('latin1') : body.toString('utf8');
}

/**
 * The chunks of a body in one buffer, reused from answer to answer (decode keeps nothing of it): a new one for a
 * page's 160 KB is memory fresh from the system each time, which on the benches' VM cost ~0.8 ms a page to fill.
 */
let scratch = Buffer.allocUnsafeSlow(0);
const SCRATCH_KEPT_BYTES = 4 * 1024 * 1024;

function joined(chunks: Buffer[]): Buffer {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  if (length > SCRATCH_KEPT_BYTES) return Buffer.concat(chunks, length);
  if (scratch.length < length)
    scratch = Buffer.allocUnsafeSlow(Math.min(SCRATCH_KEPT_BYTES, Math.max(length, 2 * scratch.length)));
  let at = 0;
  for (const chunk of chunks) at += chunk.copy(scratch, at);
  return scratch.subarray(0, length);
}

/** The first bytes of a body as text, up to the first that is not ASCII (where a UTF-8 character may be cut). */
function asciiHead(chunk: Buffer): string {
  const length = Math.min(chunk.length, HEAD_BYTES);
  let end = 0;
  while (end < length && chunk[end]! < 0x80) end++;
  return chunk.toString('latin1', 0, end);
}

const HEAD_BYTES = 4096;

function noAnswer(error: NodeJS.ErrnoException): NoAnswer {
  return new NoAnswer(error.message || 'no response', typeof error.code === 'string' ? error.code : 'ERR_REQUEST');
}
