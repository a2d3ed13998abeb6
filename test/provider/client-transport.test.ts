import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIbmVpcProvider } from '../../src/clouds/ibm-vpc/client.js';
import { CloudError, type IbmVpcClient } from '../../src/clouds/ibm-vpc/api-types.js';
import { ScriptedServer, sendJson } from './scripted-server.js';

const API_KEY = 'scripted-secret-api-key-0123456789';

const image = (id: string, name: string) => ({
  id,
  name,
  status: 'available',
  crn: `crn:${id}`,
  href: `/v1/images/${id}`,
});

describe('IBM VPC client transport (scripted server)', () => {
  let server: ScriptedServer;
  let url: string;
  let provider: IbmVpcClient;

  beforeEach(async () => {
    server = new ScriptedServer();
    url = await server.start();
    provider = createIbmVpcProvider({
      endpoint: url,
      iamEndpoint: url,
      apiKey: API_KEY,
      apiKeyEnv: 'MY_CLOUD_KEY',
      retryBaseMs: 5,
    });
  });

  afterEach(async () => {
    await provider.close();
    await server.stop();
  });

  it('sends version, generation, the bearer token and a merge patch', async () => {
    server.apiHandler = (_request, response) => sendJson(response, 200, image('r006-1', 'web'));
    await provider.getImage('r006-1');
    await provider.updateImage('r006-1', { deprecation_at: null, name: 'web2' });
    const [get, patch] = server.apiRequests();
    for (const request of [get!, patch!]) {
      expect(request.query.get('version')).toBe('2026-03-24');
      expect(request.query.get('generation')).toBe('2');
      expect(request.headers.authorization).toBe(`Bearer ${server.tokensIssued[0]}`);
      expect(request.headers.accept).toContain('application/json');
    }
    expect(patch!.method).toBe('PATCH');
    expect(patch!.headers['content-type']).toBe('application/merge-patch+json');
    expect(JSON.parse(patch!.body)).toEqual({ deprecation_at: null, name: 'web2' });
    const iam = server.seen.find((request) => request.path === '/identity/token')!;
    expect(new URLSearchParams(iam.body).get('grant_type')).toBe('urn:ibm:params:oauth:grant-type:apikey');
    expect(provider.requestCount).toBe(2);
  });

  it('honours Retry-After on 429', async () => {
    let calls = 0;
    server.apiHandler = (_request, response) => {
      calls++;
      if (calls === 1)
        return sendJson(
          response,
          429,
          { errors: [{ code: 'rate_limit_exceeded', message: 'slow down' }] },
          { 'Retry-After': '1' },
        );
      sendJson(response, 200, { images: [] });
    };
    await provider.listImages();
    const [first, second] = server.apiRequests();
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('retries a PATCH whose connection was reset, and never retries a 501', async () => {
    let calls = 0;
    server.apiHandler = (request, response) => {
      calls++;
      if (request.method === 'PATCH' && calls === 1) {
        response.socket?.destroy();
        return;
      }
      if (request.method === 'PATCH') return sendJson(response, 200, image('r006-1', 'renamed'));
      sendJson(response, 501, { errors: [{ code: 'not_implemented', message: 'Not implemented' }] });
    };
    expect((await provider.updateImage('r006-1', { name: 'renamed' })).name).toBe('renamed');
    expect(server.apiRequests().filter((r) => r.method === 'PATCH')).toHaveLength(2);
    const error = await provider.listImages().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudError);
    expect((error as CloudError).message).toBe('list images: Not implemented (not_implemented, HTTP 501)');
    expect(server.apiRequests().filter((r) => r.method === 'GET')).toHaveLength(1);
  });

  it('finds a create whose answer timed out instead of sending it again', async () => {
    // The timeout bounds every request, the token exchange and the lookup too: long enough for them on a loaded machine.
    const slow = createIbmVpcProvider({
      endpoint: url,
      iamEndpoint: url,
      apiKey: API_KEY,
      retryBaseMs: 5,
      requestTimeoutMs: 3_000,
    });
    const created: Record<string, unknown>[] = [];
    server.apiHandler = (request, response) => {
      if (request.method === 'POST') {
        created.push(image('r006-slow', 'slow-one'));
        return; // acted, never answers
      }
      expect(request.query.get('name')).toBe('slow-one');
      sendJson(response, 200, { images: created });
    };
    try {
      const result = await slow.createImage({
        name: 'slow-one',
        file: { href: 'cos://us-south/b/slow.qcow2' },
        operating_system: { name: 'x' },
      });
      expect(result.id).toBe('r006-slow');
      expect(server.apiRequests().map((r) => r.method)).toEqual(['POST', 'GET']);
    } finally {
      await slow.close();
    }
  });

  it('renews a token the API refuses, once', async () => {
    let refused = false;
    server.apiHandler = (request, response) => {
      if (!refused) {
        refused = true;
        return sendJson(response, 401, { errors: [{ code: 'token_expired', message: 'The token has expired' }] });
      }
      expect(request.headers.authorization).toBe(`Bearer ${server.tokensIssued[1]}`);
      sendJson(response, 200, { images: [image('r006-1', 'a')] });
    };
    expect(await provider.listImages()).toHaveLength(1);
    expect(server.tokensIssued).toHaveLength(2);
  });

  it('says which variable to check when credentials are refused, and never shows key or token', async () => {
    server.apiHandler = (request, response) =>
      sendJson(response, 401, {
        errors: [{ code: 'token_invalid', message: `Token ${request.headers.authorization} is not valid` }],
      });
    const error = (await provider.getImage('r006-1').catch((e: unknown) => e)) as CloudError;
    expect(error).toBeInstanceOf(CloudError);
    expect(error.status).toBe(401);
    expect(error.message).toMatch(
      /^get image r006-1: Token Bearer \(redacted\) is not valid \(token_invalid, HTTP 401\); check the API key in MY_CLOUD_KEY$/,
    );
    for (const token of server.tokensIssued) expect(error.message).not.toContain(token);

    server.iamHandler = (request, response) =>
      sendJson(response, 400, {
        errorCode: 'BXNIM0415E',
        errorMessage: `Provided API key could not be found: ${new URLSearchParams(request.body).get('apikey')}`,
      });
    const fresh = createIbmVpcProvider({
      endpoint: url,
      iamEndpoint: `${url}/identity/token`,
      apiKey: API_KEY,
      apiKeyEnv: 'MY_CLOUD_KEY',
    });
    try {
      const iamError = (await fresh.listImages().catch((e: unknown) => e)) as CloudError;
      expect(iamError.message).toBe(
        `list images: IAM token request to ${url}/identity/token failed: Provided API key could not be found: (redacted) (BXNIM0415E, HTTP 400); check the API key in MY_CLOUD_KEY`,
      );
      expect(iamError.message).not.toContain(API_KEY);
    } finally {
      await fresh.close();
    }
  });

  it('retries while IAM is unavailable', async () => {
    let calls = 0;
    server.iamHandler = (_request, response) => {
      calls++;
      if (calls < 3) return sendJson(response, 503, { errorCode: 'BXNIM0001E', errorMessage: 'busy' });
      server.issueToken(response);
    };
    server.apiHandler = (_request, response) => sendJson(response, 200, { images: [] });
    await expect(provider.listImages()).resolves.toEqual([]);
    expect(calls).toBe(3);
  });

  it('fails fast when nothing listens at the endpoint', async () => {
    await server.stop();
    const error = (await provider.listImages().catch((e: unknown) => e)) as CloudError;
    expect(error).toBeInstanceOf(CloudError);
    expect(error.message).toMatch(/^list images: IAM token request to .* failed: .*ECONNREFUSED/);
    // Fast means without retrying: one attempt, one token exchange.
    expect(provider.requestCount).toBe(1);
    expect((provider as unknown as { tokenRequestCount: number }).tokenRequestCount).toBe(1);
  });

  it('takes the time from the Date header', async () => {
    server.apiHandler = (_request, response) => {
      response.setHeader('Date', 'Fri, 01 Jan 2038 00:00:00 GMT');
      sendJson(response, 200, { images: [] });
    };
    const started = performance.now();
    const now = await provider.now();
    const elapsed = performance.now() - started;
    // The header's time plus at most the time the call took, however long that was.
    expect(now.getTime()).toBeGreaterThanOrEqual(Date.parse('2038-01-01T00:00:00Z'));
    expect(now.getTime() - Date.parse('2038-01-01T00:00:00Z')).toBeLessThanOrEqual(Math.ceil(elapsed));
    expect(server.apiRequests()[0]!.query.get('limit')).toBe('1');
  });
});
