import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiReply, ApiRequest } from '../clouds/ibm-vpc/emulator/api.js';
import type { Cloud } from '../clouds/ibm-vpc/emulator/cloud.js';
import { ApiError, errorBody } from '../clouds/ibm-vpc/emulator/errors.js';
import { FaultInjector, injectedError, parseFaultSettings } from './faults.js';
import type { IamService } from '../clouds/ibm-vpc/emulator/iam.js';
import type { CoalescingWriter } from './persistence.js';
import { cloudRoutes, Router, type Route } from '../clouds/ibm-vpc/emulator/routes.js';

const maxBodyBytes = 1024 * 1024;

/** Counts requests by method and route pattern (GET /emulator/v1/stats). */
class RequestStats {
  readonly byRoute = new Map<string, number>();
  total = 0;
  /** Requests being handled now: a test can wait until what a killed client sent has finished. */
  inFlight = 0;

  count(key: string): void {
    this.total++;
    this.byRoute.set(key, (this.byRoute.get(key) ?? 0) + 1);
  }

  reset(): void {
    this.total = 0;
    this.byRoute.clear();
  }
}

export interface ServerParts {
  cloud: Cloud;
  iam: IamService;
  /** Absent for an in-memory cloud. */
  writer?: CoalescingWriter;
}

type Special = 'faults' | 'stats' | 'stats-reset';

/** The request listener: IAM, the /v1 Images API and the /emulator/v1 test hooks. */
export function createListener({ cloud, iam, writer }: ServerParts) {
  const router = new Router<Route['handler'] | Special>();
  for (const route of cloudRoutes) router.add(route.method, route.pattern, route.handler);
  router.add('POST', '/emulator/v1/faults', 'faults');
  router.add('GET', '/emulator/v1/stats', 'stats');
  router.add('DELETE', '/emulator/v1/stats', 'stats-reset');
  const faults = new FaultInjector();
  const stats = new RequestStats();

  const send = (res: ServerResponse, status: number, body?: unknown) => {
    if (res.destroyed || res.headersSent) return;
    res.setHeader('Date', new Date(cloud.clock.now()).toUTCString());
    if (body === undefined) {
      res.writeHead(status).end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  const sendError = (res: ServerResponse, error: ApiError) => send(res, error.status, errorBody(error));
  /** Requests chosen to lose their answer: processed (even when refused), then the connection is dropped. */
  const losing = new WeakSet<IncomingMessage>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';

    if (path === '/identity/token') {
      stats.count(`${method} /identity/token`);
      if (method !== 'POST') return sendError(res, new ApiError(405, 'method_not_allowed', 'Use POST /identity/token'));
      const form = new URLSearchParams((await readBody(req)).toString('utf8'));
      const [status, body] = iam.exchange(form, `${baseUrlOf(req)}/identity/token`);
      return send(res, status, body);
    }

    const match = router.match(method, path);
    stats.count(`${method} ${match.pattern ?? '(no route)'}`);
    const isCloudApi = path.startsWith('/v1/');
    // Authentication first (DESIGN §6): an unauthenticated call is refused, never a fault, and draws nothing from
    // the seeded fault sequence.
    iam.authorize(req.headers.authorization);
    if (isCloudApi) {
      const decision = faults.decide();
      if (decision.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.latencyMs));
      if (decision.kind === 'fail') {
        if (decision.status === 0) return void req.socket.destroy();
        return sendError(res, injectedError(decision.status));
      }
      if (decision.kind === 'lose-response') losing.add(req);
    }

    if (!('value' in match)) {
      if (match.methodNotAllowed)
        throw new ApiError(405, 'method_not_allowed', `${method} is not supported on ${path}`);
      throw new ApiError(404, 'not_found', `No API endpoint at ${path}`);
    }
    const version = isCloudApi ? checkVersion(url.searchParams, cloud.clock.now()) : '';
    const raw = method === 'GET' || method === 'DELETE' ? Buffer.alloc(0) : await readBody(req);
    const body = parseJson(raw);

    const now = cloud.clock.now();
    cloud.settle(now);
    const request: ApiRequest = {
      method,
      params: match.params,
      query: url.searchParams,
      body,
      now,
      baseUrl: baseUrlOf(req),
      version,
      cloud,
    };
    let reply: ApiReply;
    if (match.value === 'faults') {
      faults.configure(parseFaultSettings(body));
      reply = { status: 200, body: faults.settings };
    } else if (match.value === 'stats') {
      const requests = Object.fromEntries([...stats.byRoute].sort());
      // in_flight leaves out this request itself
      reply = {
        status: 200,
        body: { total: stats.total, requests, faults: faults.counts, in_flight: stats.inFlight - 1 },
      };
    } else if (match.value === 'stats-reset') {
      stats.reset();
      reply = { status: 204 };
    } else {
      reply = match.value(request);
    }
    // Written before answering: a client is never told of a change the file could lose.
    if (reply.mutated && writer) await writer.write();
    if (losing.has(req)) return void req.socket.destroy();
    send(res, reply.status, reply.body);
  }

  return (req: IncomingMessage, res: ServerResponse) => {
    stats.inFlight++;
    handle(req, res)
      .catch((err: unknown) => {
        if (losing.has(req)) return void req.socket.destroy();
        if (err instanceof ApiError) return sendError(res, err);
        sendError(
          res,
          new ApiError(
            500,
            'internal_error',
            `The emulator failed: ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
      })
      .finally(() => stats.inFlight--);
  };
}

function baseUrlOf(req: IncomingMessage): string {
  return `http://${req.headers.host ?? `${req.socket.localAddress}:${req.socket.localPort}`}`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes)
      throw new ApiError(413, 'bad_request', `The request body is larger than ${maxBodyBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError(400, 'bad_request', 'The request body is not valid JSON');
  }
}

/** `version=YYYY-MM-DD` (from 2019-05-31 up to today) and `generation=2` on every /v1 call, as the real API requires. */
function checkVersion(query: URLSearchParams, now: number): string {
  const version = query.get('version');
  const target = (value: string | null) => ({
    name: 'version',
    type: 'parameter' as const,
    ...(value === null ? {} : { value }),
  });
  if (version === null || version === '')
    throw new ApiError(
      400,
      'missing_version',
      'The version query parameter is required (e.g. version=2026-03-24)',
      target(version),
    );
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(version);
  const instant = date ? Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])) : Number.NaN;
  if (!date || Number.isNaN(instant) || new Date(instant).toISOString().slice(0, 10) !== version) {
    throw new ApiError(
      400,
      'invalid_version',
      `version ${version} must be a date in the form YYYY-MM-DD`,
      target(version),
    );
  }
  if (version < '2019-01-01' || instant > now) {
    throw new ApiError(
      400,
      'invalid_version_range',
      `version ${version} cannot be a future date nor before 2019-01-01`,
      target(version),
    );
  }
  if (version < '2019-05-31')
    throw new ApiError(
      400,
      'version_not_supported',
      `version ${version} is not supported: it must be 2019-05-31 or later`,
      target(version),
    );
  const generation = query.get('generation');
  if (generation === null || generation === '') {
    throw new ApiError(
      400,
      'missing_generation_parameter',
      'The generation query parameter is required (generation=2)',
      { name: 'generation', type: 'parameter' },
    );
  }
  if (generation !== '2') {
    throw new ApiError(
      400,
      'invalid_generation_parameter',
      `generation ${generation} is not supported: use generation=2`,
      { name: 'generation', type: 'parameter', value: generation },
    );
  }
  return version;
}
