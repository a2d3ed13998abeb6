import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatedCloud, EmulatorReply, EmulatorRequest, EmulatorRoute } from './emulated-cloud.js';
import { FaultInjector, injectedFault } from './faults.js';
import { EmulatorProblem } from './problem.js';
import { readBody } from './request-body.js';
import { RequestStats } from './request-stats.js';
import { Router } from './router.js';
import { testEndpointPrefix, testEndpoints } from './test-endpoints.js';
import { carriesTestKey } from './test-key.js';

/**
 * The request listener every emulator shares (DESIGN.md §6): count the request, authenticate it (unless its route
 * is open), draw faults for the cloud's API only, route it, settle the cloud, handle, persist, answer.
 */
export function createListener(cloud: EmulatedCloud) {
  const faults = new FaultInjector();
  const stats = new RequestStats();
  const router = new Router<EmulatorRoute>();
  for (const route of cloud.routes) router.add(route.method, route.pattern, route);
  const settle = (now: number) => cloud.settle(now);
  for (const route of testEndpoints({ clock: cloud.clock, settle, faults, stats }))
    router.add(route.method, route.pattern, route);
  /** Requests chosen to lose their answer: processed (even when refused), then the connection is dropped. */
  const losing = new WeakSet<IncomingMessage>();

  const send = (res: ServerResponse, reply: EmulatorReply) => {
    if (res.destroyed || res.headersSent) return;
    res.setHeader('Date', new Date(cloud.clock.now()).toUTCString());
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    if (reply.body === undefined) {
      res.writeHead(reply.status).end();
      return;
    }
    const raw = Buffer.isBuffer(reply.body) || typeof reply.body === 'string';
    const payload = raw ? (reply.body as Buffer | string) : JSON.stringify(reply.body);
    if (!raw && !res.hasHeader('Content-Type')) res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.writeHead(reply.status, { 'Content-Length': Buffer.byteLength(payload) });
    res.end(payload);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const match = router.match(method, path);
    stats.count(`${method} ${match.pattern ?? '(no route)'}`);

    let body: Promise<Buffer> | undefined;
    const request: EmulatorRequest = {
      method,
      path,
      params: 'value' in match ? match.params : {},
      query: url.searchParams,
      headers: req.headers,
      baseUrl: baseUrlOf(req),
      now: cloud.clock.now(),
      body: () => (body ??= readBody(req)),
      stream: req,
    };

    if (!('value' in match && match.value.open)) {
      // Authentication first: an unauthenticated call is refused, never a fault, and draws nothing from the
      // seeded fault sequence.
      const testEndpoint = `${path}/`.startsWith(testEndpointPrefix);
      if (!(testEndpoint && carriesTestKey(req.headers.authorization, cloud.apiKey))) await cloud.authenticate(request);
    }
    if (cloud.isApiPath(path)) {
      const decision = faults.decide();
      if (decision.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.latencyMs));
      if (decision.kind === 'fail') {
        if (decision.status === 0) return void req.socket.destroy();
        return send(res, cloud.renderError(injectedFault(decision.status), request));
      }
      if (decision.kind === 'lose-response') losing.add(req);
    }

    if (!('value' in match)) {
      if (match.methodNotAllowed)
        throw new EmulatorProblem(405, 'method-not-allowed', `${method} is not supported on ${path}`);
      throw new EmulatorProblem(404, 'no-route', `No API endpoint at ${path}`);
    }
    request.now = cloud.clock.now();
    cloud.settle(request.now);
    const reply = await match.value.handle(request);
    // Written before answering: a client is never told of a change the file could lose.
    if (reply.mutated && cloud.writer) await cloud.writer.write();
    if (losing.has(req)) return void req.socket.destroy();
    send(res, reply);
  }

  return (req: IncomingMessage, res: ServerResponse) => {
    stats.inFlight++;
    handle(req, res)
      .catch((err: unknown) => {
        if (losing.has(req)) return void req.socket.destroy();
        const path = new URL(req.url ?? '/', 'http://emulator.invalid').pathname.replace(/\/+$/, '') || '/';
        send(res, cloud.renderError(err, { path, headers: req.headers }));
      })
      .finally(() => stats.inFlight--);
  };
}

function baseUrlOf(req: IncomingMessage): string {
  return `http://${req.headers.host ?? `${req.socket.localAddress}:${req.socket.localPort}`}`;
}
