import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatedCloud } from './emulated-cloud.js';
import { createListener } from './listener.js';

export interface ServerOptions {
  /** 0 or undefined: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** Closes every connection, then waits for the cloud's file to be written. */
  stop(): Promise<void>;
}

/** Serves one emulated cloud over HTTP until stopped. */
export async function startEmulatorServer(cloud: EmulatedCloud, options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer({ keepAliveTimeout: 5000, noDelay: true }, createListener(cloud));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await cloud.writer?.flush();
      })();
      return stopping;
    },
  };
}
