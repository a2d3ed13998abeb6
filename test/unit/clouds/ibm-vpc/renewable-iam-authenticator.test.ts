import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpExchange } from '../../../../src/cloud-kit/http-exchange.js';
import { RenewableIamAuthenticator } from '../../../../src/clouds/ibm-vpc/renewable-iam-authenticator.js';
import { RequestFailure } from '../../../../src/cloud-kit/request-failure.js';
import { SecretRedactor } from '../../../../src/core/secret-redactor.js';
import { ScriptedServer, sendJson } from '../../../provider/scripted-server.js';
import { waitFor } from '../../../helpers/wait.js';

const API_KEY = 'unit-secret-api-key-9f8e7d6c5b';

/** An unsigned JWT issued `ageSeconds` ago that lives `ttlSeconds` in all. */
function jwt(ttlSeconds: number, ageSeconds = 0): string {
  const iat = Math.floor(Date.now() / 1000) - ageSeconds;
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ iat, exp: iat + ttlSeconds, n: Math.random() })}.c2ln`;
}

describe('the IAM API-key flow', () => {
  let server: ScriptedServer;
  let url: string;
  let exchange: HttpExchange;
  let redactor: SecretRedactor;
  let authenticator: RenewableIamAuthenticator;
  /** The tokens IAM hands out next, in order; afterwards fresh hour-long ones. */
  let nextTokens: string[];
  let issued: string[];

  beforeEach(async () => {
    server = new ScriptedServer();
    url = await server.start();
    nextTokens = [];
    issued = [];
    server.iamHandler = (_request, response) => {
      const token = nextTokens.shift() ?? jwt(3600);
      issued.push(token);
      sendJson(response, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
    };
    exchange = new HttpExchange();
    redactor = new SecretRedactor(API_KEY);
    authenticator = new RenewableIamAuthenticator(API_KEY, url, redactor, 5_000, exchange);
  });

  afterEach(async () => {
    exchange.close();
    await server.stop();
  });

  it('posts the API key form to /identity/token and caches the token', async () => {
    const first = await authenticator.accessToken();
    expect(await authenticator.accessToken()).toBe(first);
    expect(authenticator.tokenRequests).toBe(1);
    const [request] = server.seen;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/identity/token');
    expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request!.headers.accept).toBe('application/json');
    const form = new URLSearchParams(request!.body);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'urn:ibm:params:oauth:grant-type:apikey',
      apikey: API_KEY,
      response_type: 'cloud_iam',
    });
    expect(redactor.redact(`saw ${first}`)).toBe('saw (redacted)');
  });

  it('hands out the cached token after 80 % of its lifetime while it fetches the next one', async () => {
    // 900 s old of 1,000: past the refresh point (800 s), far from expiry.
    const aging = jwt(1000, 900);
    nextTokens.push(aging);
    expect(await authenticator.accessToken()).toBe(aging);
    expect(await authenticator.accessToken()).toBe(aging);
    await waitFor(() => issued.length === 2, { what: 'the background token exchange' });
    await waitFor(async () => (await authenticator.accessToken()) === issued[1], { what: 'the new token in use' });
    expect(authenticator.tokenRequests).toBe(2);
  });

  it('waits for a new token from 10 s before expiry, one exchange for concurrent requests', async () => {
    const expiring = jwt(1000, 995);
    nextTokens.push(expiring);
    expect(await authenticator.accessToken()).toBe(expiring);
    const concurrent = await Promise.all([1, 2, 3, 4].map(() => authenticator.accessToken()));
    expect(new Set(concurrent)).toEqual(new Set([issued[1]]));
    expect(issued).toHaveLength(2);
  });

  it('renews only the token that was refused', async () => {
    const first = await authenticator.accessToken();
    authenticator.renew('some-older-token-that-is-gone');
    expect(await authenticator.accessToken()).toBe(first);
    authenticator.renew(first);
    const second = await authenticator.accessToken();
    expect(second).not.toBe(first);
    expect(authenticator.tokenRequests).toBe(2);
  });

  it('refuses an answer whose token is not a JWT, without showing it', async () => {
    const opaque = 'opaque-access-token-0123456789abcdef';
    nextTokens.push(opaque);
    const failure = (await authenticator.accessToken().catch((e: unknown) => e)) as RequestFailure;
    expect(failure).toBeInstanceOf(RequestFailure);
    expect(failure.source).toBe('identity');
    expect(failure.retryable).toBe(false);
    expect(failure.message).toBe(
      `IAM token request to ${url}/identity/token failed: the access token is not a JWT (iam_bad_answer)`,
    );
    expect(redactor.redact(opaque)).toBe('(redacted)');
  });

  it('marks an unavailable IAM retryable, with its Retry-After, and a refusal final', async () => {
    server.iamHandler = (_request, response) =>
      sendJson(response, 503, { errorCode: 'BXNIM0001E', errorMessage: 'busy' }, { 'Retry-After': '2' });
    const busy = (await authenticator.accessToken().catch((e: unknown) => e)) as RequestFailure;
    expect([busy.status, busy.code, busy.retryable, busy.retryAfterMs, busy.ambiguous]).toEqual([
      503,
      'BXNIM0001E',
      true,
      2_000,
      false,
    ]);
    server.iamHandler = (request, response) =>
      sendJson(response, 400, {
        errorCode: 'BXNIM0415E',
        errorMessage: `Provided API key could not be found: ${new URLSearchParams(request.body).get('apikey')}`,
      });
    const refused = (await authenticator.accessToken().catch((e: unknown) => e)) as RequestFailure;
    expect(refused.retryable).toBe(false);
    expect(refused.message).toBe(
      `IAM token request to ${url}/identity/token failed: Provided API key could not be found: (redacted) (BXNIM0415E, HTTP 400)`,
    );
  });
});
