import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { startCloud, type TestCloud } from './cloud-client.js';

let cloud: TestCloud;
beforeEach(async () => {
  cloud = await startCloud();
});
afterEach(() => cloud.stop());

/** One request on a fresh connection: its status, or 'reset' when the socket closed without an answer. */
function rawCall(method: string, path: string, body?: unknown): Promise<number | 'reset'> {
  const url = new URL(
    `${cloud.emulator.url}/v1${path}${path.includes('?') ? '&' : '?'}version=2026-03-24&generation=2`,
  );
  return new Promise((resolve) => {
    const req = httpRequest(
      url,
      { method, agent: false, headers: { Authorization: `Bearer ${cloud.token}`, 'Content-Type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('error', () => resolve('reset'));
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function outcomes(count: number): Promise<Array<number | 'reset'>> {
  const results: Array<number | 'reset'> = [];
  for (let i = 0; i < count; i++) results.push(await rawCall('GET', '/images?limit=1'));
  return results;
}

describe('fault injection', () => {
  it('fails a share of /v1 requests with the given statuses, repeatably for a seed', async () => {
    const settings = { error_rate: 0.5, statuses: [429, 503, 0], seed: 7 };
    expect((await cloud.hook('POST', '/faults', settings)).status).toBe(200);
    const first = await outcomes(40);
    await cloud.hook('POST', '/faults', settings);
    const second = await outcomes(40);
    expect(second).toEqual(first);
    expect(first.filter((outcome) => outcome === 200).length).toBeGreaterThan(8);
    expect(first.filter((outcome) => outcome === 200).length).toBeLessThan(32);
    expect(new Set(first)).toEqual(new Set([200, 429, 503, 'reset']));
    await cloud.hook('POST', '/faults', { ...settings, seed: 8 });
    expect(await outcomes(40)).not.toEqual(first);
  });

  it('authenticates before faults: an unauthenticated call gets 401 and draws nothing from the seeded sequence', async () => {
    const unauthenticated = async (authorization?: string) => {
      const headers: Record<string, string> = authorization ? { Authorization: authorization } : {};
      const response = await fetch(`${cloud.emulator.url}/v1/images?version=2026-03-24&generation=2`, { headers });
      return {
        status: response.status,
        code: ((await response.json()) as { errors: { code: string }[] }).errors[0]!.code,
      };
    };
    await cloud.hook('POST', '/faults', { error_rate: 1, statuses: [500] });
    expect(await unauthenticated()).toEqual({ status: 401, code: 'token_missing' });
    expect(await unauthenticated('Bearer forged')).toEqual({ status: 401, code: 'token_invalid' });

    const settings = { error_rate: 0.5, statuses: [429, 503], seed: 11 };
    await cloud.hook('POST', '/faults', settings);
    const alone = await outcomes(30);
    await cloud.hook('POST', '/faults', settings);
    const interleaved: Array<number | 'reset'> = [];
    for (let i = 0; i < 30; i++) {
      expect((await unauthenticated()).status).toBe(401);
      interleaved.push(await rawCall('GET', '/images?limit=1'));
    }
    expect(interleaved).toEqual(alone);
    expect(new Set(alone)).toEqual(new Set([200, 429, 503]));
  });

  it('answers injected errors in IBM error shape', async () => {
    await cloud.hook('POST', '/faults', { error_rate: 1, statuses: [429] });
    const reply = await cloud.api('GET', '/images');
    expect(reply.status).toBe(429);
    expect(reply.body.errors[0].code).toBe('rate_limit_exceeded');
    expect(reply.headers.get('date')).toBeTruthy();
  });

  it('lost responses: the cloud acts, then the connection resets', async () => {
    await cloud.hook('POST', '/faults', { lost_response_rate: 1, seed: 1 });
    const outcome = await rawCall('POST', '/images', {
      name: 'lost-create',
      file: { href: 'cos://us-south/images/a.qcow2' },
      operating_system: { name: 'ubuntu-24-04-amd64' },
    });
    expect(outcome).toBe('reset');
    await cloud.hook('POST', '/faults', {});
    const listed = await cloud.api('GET', '/images', undefined, { query: { name: 'lost-create' } });
    expect(listed.body.images).toHaveLength(1);
  });

  it('adds latency, touches only /v1, and {} clears everything', async () => {
    await cloud.hook('POST', '/faults', { latency_ms: 150 });
    const started = Date.now();
    await cloud.api('GET', '/images');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await cloud.hook('POST', '/faults', { error_rate: 1, statuses: [500] });
    expect((await cloud.hook('GET', '/clock')).status).toBe(200);
    const token = await fetch(`${cloud.emulator.url}/identity/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ibm:params:oauth:grant-type:apikey',
        apikey: cloud.emulator.apiKey,
      }),
    });
    expect(token.status).toBe(200);
    expect((await cloud.api('GET', '/images')).status).toBe(500);
    await cloud.hook('POST', '/faults', {});
    expect((await cloud.api('GET', '/images')).status).toBe(200);
  });

  it.each([
    [{ error_rate: 2 }],
    [{ statuses: [200] }],
    [{ statuses: [] }],
    [{ latency_ms: -1 }],
    [{ seed: 1.5 }],
    [{ eror_rate: 0.1 }],
  ])('refuses bad settings %j with 400', async (settings) => {
    expect((await cloud.hook('POST', '/faults', settings)).status).toBe(400);
  });
});

describe('stats', () => {
  it('counts requests by method and route pattern', async () => {
    await cloud.hook('DELETE', '/stats');
    const image = await cloud.createImage();
    await cloud.api('GET', `/images/${image.id}`);
    await cloud.api('GET', `/images/${image.id}`);
    await cloud.api('GET', '/images');
    const stats = await cloud.hook('GET', '/stats');
    expect(stats.body.requests).toMatchObject({ 'POST /v1/images': 1, 'GET /v1/images/{id}': 2, 'GET /v1/images': 1 });
    expect(stats.body.total).toBeGreaterThanOrEqual(4);
    expect(stats.body.faults).toEqual({ failed: 0, reset: 0, lost_responses: 0 });
  });

  it('counts the requests it is still handling (in_flight), leaving out the stats request itself', async () => {
    const inFlight = async () => (await cloud.hook('GET', '/stats')).body.in_flight as number;
    expect(await inFlight()).toBe(0);
    // A create whose body has not all arrived stays in the emulator's hands until it has.
    const url = new URL(`${cloud.emulator.url}/v1/images?version=2026-03-24&generation=2`);
    const body = JSON.stringify({
      name: 'half-sent',
      file: { href: 'cos://us-south/b/x.qcow2' },
      operating_system: { name: 'debian-12-amd64' },
    });
    const req = httpRequest(url, {
      method: 'POST',
      agent: false,
      headers: {
        Authorization: `Bearer ${cloud.token}`,
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
      },
    });
    const answered = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 10));
    await waitFor(async () => (await inFlight()) === 1, { what: 'the half-sent create to be in flight' });
    req.end(body.slice(10));
    expect(await answered).toBe(201);
    expect(await inFlight()).toBe(0);
  });
});
