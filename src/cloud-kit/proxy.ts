import { request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { Origin } from './http-exchange.js';

/**
 * The proxy the environment names for an origin, read as curl, Terraform and axios read it: `HTTPS_PROXY` for
 * https, `HTTP_PROXY` for http (either case), unless `NO_PROXY` lists the host (`*`, a host, a domain suffix with
 * or without its leading dot, each optionally with `:port`).
 */
export function proxyFor(origin: Origin, env: NodeJS.ProcessEnv): URL | undefined {
  const value = origin.secure ? (env.https_proxy ?? env.HTTPS_PROXY) : (env.http_proxy ?? env.HTTP_PROXY);
  if (!value) return undefined;
  const host = origin.hostname.toLowerCase();
  const port = origin.port ?? (origin.secure ? 443 : 80);
  for (const entry of (env.no_proxy ?? env.NO_PROXY ?? '').split(/[\s,]+/)) {
    if (entry === '*') return undefined;
    const match = /^(.*?)(?::(\d+))?$/.exec(
      entry
        .trim()
        .toLowerCase()
        .replace(/^\[(.*)\]/, '$1'),
    )!;
    const name = match[1]!.replace(/^\*?\./, '');
    if (!name || (match[2] !== undefined && Number(match[2]) !== port)) continue;
    if (host === name || host.endsWith(`.${name}`)) return undefined;
  }
  try {
    return new URL(value.includes('://') ? value : `http://${value}`);
  } catch {
    throw new Error(`the proxy named by ${origin.secure ? 'HTTPS_PROXY' : 'HTTP_PROXY'} is not a URL`);
  }
}

/** `Proxy-Authorization` for a proxy URL with credentials (never shown: messages name the proxy's host only). */
export function proxyHeaders(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'Proxy-Authorization': `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/** A TCP connection to `host:port` through the proxy's CONNECT method. */
export function openTunnel(proxy: URL, host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    const connect = httpRequest({
      hostname: proxy.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: proxy.port === '' ? 80 : Number(proxy.port),
      method: 'CONNECT',
      path: target,
      headers: { Host: target, ...proxyHeaders(proxy) },
      timeout: timeoutMs,
    });
    connect.once('connect', (response, socket) => {
      if (response.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(new Error(`the proxy ${proxy.host} refused to open a tunnel to ${target}: ${response.statusCode}`));
    });
    connect.once('timeout', () => connect.destroy(new Error(`the proxy ${proxy.host} did not answer`)));
    connect.once('error', reject);
    connect.end();
  });
}

/** Keep-alive https connections, each through its own CONNECT tunnel, TLS end to end with the origin. */
export class TunnelingAgent extends HttpsAgent {
  constructor(
    private readonly proxy: URL,
    private readonly timeoutMs: number,
    options: AgentOptions = {},
  ) {
    super({ keepAlive: true, ...options });
  }

  // node's Agent accepts a connection handed to the callback later: here, once the tunnel is open.
  override createConnection(
    options: RequestOptions & { servername?: string },
    done?: (error: Error | null, stream: Duplex) => void,
  ): undefined {
    const host = options.host ?? 'localhost';
    const port = typeof options.port === 'string' ? Number(options.port) : (options.port ?? 443);
    openTunnel(this.proxy, host, port, this.timeoutMs).then(
      (socket) => done?.(null, tlsConnect({ ...(options as object), socket, servername: options.servername ?? host })),
      (error: Error) => done?.(error, undefined as unknown as Duplex),
    );
    return undefined;
  }
}
