/**
 * A pass-through HTTP proxy in front of the emulator that reads the answers of image lists (`GET /v1/images`), so
 * the bench can tell sweeps from pages: a list without `start` begins a query, a `start` the proxy saw in a
 * `next.href` continues one. Each query's `total_count` is how many objects it had to read, which gives the
 * request budget its `⌈pending / 100⌉` term. Everything else passes untouched (the emulator's /stats counts it).
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ListQuery {
  /** The query's filters, without paging (e.g. `status=pending`), to tell a poller's sweeps from a refresh. */
  filter: string;
  limit: number;
  /** `total_count` of its first page: what the query had to read. */
  total: number;
  pages: number;
  /** Its last page had no `next`: the client read the whole query. */
  complete: boolean;
}

export interface ListProxy {
  url: string;
  queries: ListQuery[];
  stop(): Promise<void>;
}

const PAGING = new Set(['start', 'limit', 'version', 'generation']);

export async function startListProxy(upstream: string): Promise<ListProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const queries: ListQuery[] = [];
  const byNextStart = new Map<string, ListQuery>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const isList = req.method === 'GET' && url.pathname === '/v1/images';
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
        agent,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          if (isList && answer.statusCode === 200) record(url, JSON.parse(body.toString('utf8')));
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(body);
        });
      },
    );
    outgoing.on('error', () => req.socket.destroy());
    req.pipe(outgoing);
  });

  function record(url: URL, page: { total_count?: number; limit?: number; next?: { href: string } }): void {
    const start = url.searchParams.get('start');
    let query = start === null ? undefined : byNextStart.get(start);
    if (!query) {
      const filter = [...url.searchParams]
        .filter(([key]) => !PAGING.has(key))
        .map(([key, value]) => `${key}=${value}`)
        .join('&');
      query = { filter, limit: page.limit ?? 50, total: page.total_count ?? 0, pages: 0, complete: false };
      queries.push(query);
    }
    query.pages++;
    const next = page.next ? new URL(page.next.href).searchParams.get('start') : null;
    query.complete = next === null;
    if (next !== null) byNextStart.set(next, query);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
  };
}
