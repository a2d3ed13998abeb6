import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startGlance, type TestGlance } from './glance-client.js';

let glance: TestGlance;
beforeAll(async () => {
  glance = await startGlance();
});
afterAll(() => glance.stop());

describe('the /emulator/v1 test endpoints on the Glance emulator', () => {
  it('accept Bearer KEY, the Keystone token as X-Auth-Token or as a bearer token, and nothing else', async () => {
    const clock = `${glance.url}/emulator/v1/clock`;
    expect((await glance.hook('GET', '/clock')).status).toBe(200);
    expect((await call(clock, 'GET', undefined, { token: glance.token })).status).toBe(200);
    expect((await call(clock, 'GET', undefined, { headers: { Authorization: `Bearer ${glance.token}` } })).status).toBe(
      200,
    );
    const refused = await call(clock, 'GET', undefined, { headers: { Authorization: 'Bearer wrong' } });
    expect(refused.status).toBe(401);
    expect((await call(clock, 'GET')).status).toBe(401);
  });

  it('inject faults into Glance calls only, rendered as Glance errors; Keystone and discovery are spared', async () => {
    expect((await glance.hook('POST', '/faults', { error_rate: 1, statuses: [503], seed: 1 })).status).toBe(200);
    try {
      const failed = await glance.api('GET', '/v2/images');
      expect(failed.status).toBe(503);
      expect(failed.body).toMatchObject({ code: '503 Service Unavailable', title: 'Service Unavailable' });
      expect((await call(`${glance.url}/versions`, 'GET')).status).toBe(200);
      const token = await call(`${glance.url}/v3/auth/tokens`, 'POST', {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: 'admin', domain: { name: 'Default' }, password: glance.emulator.apiKey } },
          },
        },
      });
      expect(token.status).toBe(201);
      // an unauthenticated call is refused, never a fault
      expect((await glance.api('GET', '/v2/images', undefined, { token: null })).status).toBe(401);
    } finally {
      await glance.hook('POST', '/faults', {});
    }
    expect((await glance.api('GET', '/v2/images')).status).toBe(200);
  });

  it('count requests by route in /stats', async () => {
    expect((await glance.hook('DELETE', '/stats')).status).toBe(204);
    const image = await glance.createImage();
    await glance.api('GET', `/v2/images/${image.id}`);
    await glance.api('GET', `/v2/images/${image.id}`);
    const stats = (await glance.hook('GET', '/stats')).body;
    expect(stats.requests['POST /v2/images']).toBe(1);
    expect(stats.requests['GET /v2/images/{id}']).toBe(2);
  });

  it('move the clock forward only', async () => {
    const before = Date.parse((await glance.hook('GET', '/clock')).body.now);
    const moved = await glance.hook('POST', '/clock', { advance_seconds: 60 });
    expect(Date.parse(moved.body.now) - before).toBeGreaterThanOrEqual(60_000);
    expect((await glance.hook('POST', '/clock', { advance_seconds: -1 })).status).toBe(400);
  });
});
