import { BaseService, IamAuthenticator } from 'ibm-cloud-sdk-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/clouds/ibm-vpc/emulator/index.js';
import { waitFor } from '../helpers/wait.js';
import { apiVersion, connect, errorCode, fetchToken, startCloud } from './cloud-client.js';

const decodeClaims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));

describe('IAM token exchange', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ apiKey: 'test-key', tokenTtlSeconds: 1200 });
  });
  afterAll(() => emulator.stop());

  it('returns a signed JWT whose iat/exp carry the configured lifetime', async () => {
    const askedAt = Math.floor(Date.now() / 1000);
    const reply = await fetchToken(emulator.url, 'test-key');
    const answeredAt = Math.floor(Date.now() / 1000);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ token_type: 'Bearer', expires_in: 1200, refresh_token: 'not_supported' });
    const claims = decodeClaims(reply.body.access_token);
    expect(claims.exp - claims.iat).toBe(1200);
    expect(reply.body.expiration).toBe(claims.exp);
    expect(claims.iat).toBeGreaterThanOrEqual(askedAt);
    expect(claims.iat).toBeLessThanOrEqual(answeredAt);
    expect(JSON.parse(Buffer.from(reply.body.access_token.split('.')[0], 'base64url').toString())).toEqual({
      alg: 'HS256',
      typ: 'JWT',
    });
  });

  it('refuses a wrong API key with IAM error BXNIM0415E and a 400', async () => {
    const reply = await fetchToken(emulator.url, 'wrong');
    expect(reply.status).toBe(400);
    expect(reply.body.errorCode).toBe('BXNIM0415E');
    expect(reply.body.errorMessage).toMatch(/API key/);
    expect(reply.body.context).toBeTypeOf('object');
    expect(JSON.stringify(reply.body)).not.toContain('test-key');
  });

  it('refuses an unsupported grant type', async () => {
    const response = await fetch(`${emulator.url}/identity/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password&apikey=test-key',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errorCode: string }).errorCode).toMatch(/^BXNIM/);
  });

  it('answers 401 in IBM error shape without a token, with a bad one, and with a forged one', async () => {
    const cloud = await connect(emulator);
    const missing = await cloud.api('GET', '/images', undefined, { token: null });
    expect(missing.status).toBe(401);
    expect(errorCode(missing)).toBe('token_missing');
    expect(missing.body.trace).toBeTypeOf('string');
    const garbage = await cloud.api('GET', '/images', undefined, { token: 'not-a-jwt' });
    expect(garbage.status).toBe(401);
    expect(errorCode(garbage)).toBe('token_invalid');
    const [header, payload] = cloud.token.split('.');
    const forged = await cloud.api('GET', '/images', undefined, { token: `${header}.${payload}.AAAA` });
    expect(forged.status).toBe(401);
    const hookWithoutToken = await fetch(`${emulator.url}/emulator/v1/stats`);
    expect(hookWithoutToken.status).toBe(401);
    const good = await cloud.api('GET', '/images');
    expect(good.status).toBe(200);
  });

  it('takes "Bearer KEY" (the API key itself) on the test endpoints, never on the Images API', async () => {
    const withKey = { Authorization: 'Bearer test-key' };
    const stats = await fetch(`${emulator.url}/emulator/v1/stats`, { headers: withKey });
    expect(stats.status).toBe(200);
    expect(await stats.json()).toMatchObject({ total: expect.any(Number) });
    const volumes = await fetch(`${emulator.url}/emulator/v1/volumes`, { headers: withKey });
    expect(volumes.status).toBe(200);
    const wrongKey = await fetch(`${emulator.url}/emulator/v1/clock`, { headers: { Authorization: 'Bearer other' } });
    expect(wrongKey.status).toBe(401);
    const api = await fetch(`${emulator.url}/v1/images?version=${apiVersion}&generation=2`, { headers: withKey });
    expect(api.status).toBe(401);
    expect(((await api.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('token_invalid');
  });

  it('works with IBM SDK core IamAuthenticator (it decodes the token as a JWT)', async () => {
    const authenticator = new IamAuthenticator({ apikey: 'test-key', url: emulator.url });
    const service = new BaseService({ authenticator, serviceUrl: `${emulator.url}/v1` });
    const response = await (service as any).createRequest({
      options: {
        url: '/operating_systems/{name}',
        method: 'GET',
        qs: { version: apiVersion, generation: 2 },
        path: { name: 'debian-12-amd64' },
      },
      defaultOptions: { serviceUrl: `${emulator.url}/v1`, headers: { Accept: 'application/json' } },
    });
    expect(response.status).toBe(200);
    expect(response.result).toMatchObject({
      name: 'debian-12-amd64',
      user_data_format: 'cloud_init',
      architecture: 'amd64',
    });
  });
});

describe('token lifetime', () => {
  it('expires tokens after their lifetime (401), and a fresh token works again', async () => {
    const cloud = await startCloud({ tokenTtlSeconds: 1 });
    try {
      expect((await cloud.api('GET', '/images')).status).toBe(200);
      // Tokens are judged by real time: wait until this one has run out.
      const expired = await waitFor(
        async () => {
          const reply = await cloud.api('GET', '/images');
          return reply.status === 401 && reply;
        },
        { what: 'the one-second token to expire' },
      );
      expect(expired.body.errors[0].message).toMatch(/expired/);
      const fresh = await fetchToken(cloud.emulator.url, cloud.emulator.apiKey);
      expect((await cloud.api('GET', '/images', undefined, { token: fresh.body.access_token })).status).toBe(200);
    } finally {
      await cloud.stop();
    }
  });

  it('judges tokens by wall time, so moving the cloud clock does not log clients out', async () => {
    const cloud = await startCloud({ tokenTtlSeconds: 60 });
    try {
      await cloud.advance(86_400 * 30);
      expect((await cloud.api('GET', '/images')).status).toBe(200);
    } finally {
      await cloud.stop();
    }
  });
});
