import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudClock } from '../../src/emulator-kit/clock.js';
import type { EmulatedCloud, EmulatorReply } from '../../src/emulator-kit/emulated-cloud.js';
import { CoalescingWriter } from '../../src/emulator-kit/persistence.js';
import { EmulatorProblem } from '../../src/emulator-kit/problem.js';
import { requireObject, parseJson } from '../../src/emulator-kit/request-body.js';
import { startEmulatorServer, type RunningServer } from '../../src/emulator-kit/server.js';

/**
 * The kit's contract with a cloud that is not IBM: a token in `X-Auth-Token`, a `{error: {...}}` error shape, its
 * API under /v2 and an open identity route. Everything the kit does must come out in this cloud's words.
 */
class TokenRefused extends Error {}

function toyCloud(file?: string) {
  const things: string[] = [];
  const clock = new CloudClock();
  const settled: number[] = [];
  const renderError = (error: unknown): EmulatorReply => {
    if (error instanceof TokenRefused) return { status: 401, body: { error: { code: 401, title: 'Unauthorized' } } };
    if (error instanceof EmulatorProblem)
      return {
        status: error.status,
        body: { error: { code: error.status, title: error.kind, message: error.message, field: error.field?.name } },
      };
    return { status: 500, body: { error: { code: 500, title: 'Internal Server Error' } } };
  };
  const cloud: EmulatedCloud = {
    routes: [
      {
        method: 'POST',
        pattern: '/v3/auth/tokens',
        open: true,
        handle: () => ({ status: 201, headers: { 'X-Subject-Token': 'tok' } }),
      },
      { method: 'GET', pattern: '/v2/things', handle: () => ({ status: 200, body: { things } }) },
      {
        method: 'POST',
        pattern: '/v2/things',
        handle: async (request) => {
          const body = requireObject(parseJson(await request.body()));
          things.push(String(body.name));
          return { status: 201, body: { name: body.name }, mutated: true };
        },
      },
      {
        method: 'GET',
        pattern: '/v2/things/{name}/file',
        handle: ({ params }) => ({
          status: 200,
          body: Buffer.from(params.name!),
          headers: { 'Content-Type': 'application/octet-stream' },
        }),
      },
    ],
    isApiPath: (path) => path.startsWith('/v2/'),
    authenticate: ({ headers }) => {
      if (headers['x-auth-token'] !== 'tok') throw new TokenRefused();
    },
    apiKey: 'toy-key',
    renderError,
    clock,
    settle: (now) => void settled.push(now),
    ...(file ? { writer: new CoalescingWriter(file, () => JSON.stringify({ things })) } : {}),
  };
  return { cloud, things, settled };
}

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const call = async (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => {
  const response = await fetch(`${server!.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
};
const token = { 'X-Auth-Token': 'tok' };
const testKey = { Authorization: 'Bearer toy-key' };

describe('the emulator kit with a cloud of its own shape', () => {
  it("authenticates with the cloud's check, except open routes, and renders refusals in the cloud's shape", async () => {
    server = await startEmulatorServer(toyCloud().cloud);
    const login = await call('POST', '/v3/auth/tokens');
    expect(login.status).toBe(201);
    expect(login.headers.get('x-subject-token')).toBe('tok');
    expect((await call('GET', '/v2/things')).json()).toEqual({ error: { code: 401, title: 'Unauthorized' } });
    expect((await call('GET', '/v2/things', token)).json()).toEqual({ things: [] });
    const missing = await call('GET', '/v2/nothing', token);
    expect(missing.status).toBe(404);
    expect(missing.json().error.title).toBe('no-route');
    expect((await call('PUT', '/v2/things', token)).json().error).toMatchObject({
      code: 405,
      title: 'method-not-allowed',
    });
    const notObject = await call('POST', '/v2/things', token, [1]);
    expect(notObject.json().error).toMatchObject({ code: 400, title: 'not-an-object' });
    const file = await call('GET', '/v2/things/abc/file', token);
    expect(file.headers.get('content-type')).toBe('application/octet-stream');
    expect(file.text).toBe('abc');
  });

  it('takes Bearer KEY or the cloud credential on the test endpoints, and nothing else', async () => {
    server = await startEmulatorServer(toyCloud().cloud);
    expect((await call('GET', '/emulator/v1/stats', testKey)).status).toBe(200);
    expect((await call('GET', '/emulator/v1/stats', token)).status).toBe(200);
    expect((await call('GET', '/emulator/v1/stats', { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await call('GET', '/v2/things', testKey)).status).toBe(401);
  });

  it("draws faults for the cloud's API only, after authentication, in the cloud's shape", async () => {
    server = await startEmulatorServer(toyCloud().cloud);
    expect((await call('POST', '/emulator/v1/faults', testKey, { error_rate: 1, statuses: [503] })).status).toBe(200);
    expect((await call('GET', '/v2/things')).status).toBe(401);
    const failed = await call('GET', '/v2/things', token);
    expect(failed.status).toBe(503);
    expect(failed.json().error.title).toBe('injected');
    expect((await call('POST', '/v3/auth/tokens')).status).toBe(201);
    expect((await call('GET', '/emulator/v1/clock', testKey)).status).toBe(200);
    const bad = await call('POST', '/emulator/v1/faults', testKey, { error_rate: 2 });
    expect(bad.json().error).toMatchObject({ code: 400, title: 'invalid-value', field: 'error_rate' });
    const stats = (await call('GET', '/emulator/v1/stats', testKey)).json();
    expect(stats.faults).toEqual({ failed: 1, reset: 0, lost_responses: 0 });
    expect(stats.requests).toMatchObject({
      'GET /v2/things': 2,
      'POST /v3/auth/tokens': 1,
      'GET /emulator/v1/clock': 1,
    });
  });

  it('moves the clock (Date header, settle) and writes the cloud file before answering a change', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imageform-kit-'));
    try {
      const file = join(dir, 'toy.json');
      const toy = toyCloud(file);
      server = await startEmulatorServer(toy.cloud);
      const created = await call('POST', '/v2/things', token, { name: 'one' });
      expect(created.status).toBe(201);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ things: ['one'] });

      const target = '2031-05-01T00:00:00.000Z';
      const moved = await call('POST', '/emulator/v1/clock', testKey, { now: target, frozen: true });
      expect(moved.json()).toMatchObject({ now: target, frozen: true });
      expect(toy.settled.at(-1)).toBe(Date.parse(target));
      expect((await call('GET', '/v2/things', token)).headers.get('date')).toBe(new Date(target).toUTCString());
      const backwards = await call('POST', '/emulator/v1/clock', testKey, { now: '2030-01-01T00:00:00Z' });
      expect(backwards.json().error).toMatchObject({ code: 400, title: 'below-minimum', field: 'now' });
    } finally {
      await server?.stop();
      server = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
