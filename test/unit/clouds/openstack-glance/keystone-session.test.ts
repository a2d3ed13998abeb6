import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpExchange } from '../../../../src/cloud-kit/http-exchange.js';
import { RequestFailure } from '../../../../src/cloud-kit/request-failure.js';
import { startEmulator, type RunningEmulator } from '../../../../src/clouds/openstack-glance/emulator/index.js';
import { KeystoneSession, type KeystoneCredentials } from '../../../../src/clouds/openstack-glance/keystone-session.js';
import { SecretRedactor } from '../../../../src/core/secret-redactor.js';

const PASSWORD = 'keystone-password-for-tests';
let cloud: RunningEmulator;
const exchange = new HttpExchange({});

beforeAll(async () => {
  cloud = await startEmulator({ apiKey: PASSWORD });
});
afterAll(async () => {
  exchange.close();
  await cloud.stop();
});

function session(overrides: Partial<KeystoneCredentials> = {}): KeystoneSession {
  const credentials: KeystoneCredentials = {
    authUrl: `${cloud.url}/v3/`,
    username: 'admin',
    password: PASSWORD,
    userDomainName: 'Default',
    project: { name: 'admin', domainName: 'Default' },
    region: 'RegionOne',
    interface: 'public',
    ...overrides,
  };
  return new KeystoneSession(credentials, new SecretRedactor(credentials.password), 5_000, exchange);
}

async function failureOf(promise: Promise<unknown>): Promise<RequestFailure> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RequestFailure);
  return error as RequestFailure;
}

describe('Keystone v3 password authentication against the Glance emulator', () => {
  it("gets a token and the catalog's image endpoint, and shares one exchange between concurrent callers", async () => {
    const keystone = session();
    const [first, second] = await Promise.all([keystone.token(), keystone.token()]);
    expect(first).toBe(second);
    expect(keystone.tokenRequests).toBe(1);
    expect(first.imageEndpoint).toBe(cloud.url);
    expect(first.expiresAt).toBeGreaterThan(Date.now());
    // The token works on Glance.
    const answer = await fetch(`${first.imageEndpoint}/v2/images`, { headers: { 'X-Auth-Token': first.value } });
    expect(answer.status).toBe(200);
    expect(await keystone.token()).toBe(first);
    expect(keystone.tokenRequests).toBe(1);
  });

  it('fetches a new token after renew() drops the one the API refused', async () => {
    const keystone = session();
    const first = await keystone.token();
    keystone.renew('some-other-token');
    expect(await keystone.token()).toBe(first);
    keystone.renew(first.value);
    const second = await keystone.token();
    expect(keystone.tokenRequests).toBe(2);
    expect(second.value).not.toBe(first.value);
  });

  it('refuses a wrong password with a 401 that names the user and never the password', async () => {
    const failure = await failureOf(session({ password: 'not-the-password-at-all' }).token());
    expect(failure.status).toBe(401);
    expect(failure.source).toBe('identity');
    expect(failure.retryable).toBe(false);
    expect(failure.message).toContain(`Keystone token request to ${cloud.url}/v3/auth/tokens failed`);
    expect(failure.message).not.toContain('not-the-password-at-all');
  });

  it('says which endpoints the catalog has when none is of the configured region', async () => {
    const failure = await failureOf(session({ region: 'RegionTwo' }).token());
    expect(failure.code).toBe('keystone_no_image_endpoint');
    expect(failure.message).toMatch(/no public image endpoint in region RegionTwo \(it has: .*public in RegionOne/);
  });

  it('scopes the token to a project given by id', async () => {
    const byName = await session().token();
    const body = await (
      await fetch(`${cloud.url}/v3/auth/tokens`, {
        headers: { 'X-Auth-Token': byName.value, 'X-Subject-Token': byName.value },
      })
    ).json();
    const projectId = (body as { token: { project: { id: string } } }).token.project.id;
    const byId = await session({ project: { id: projectId } }).token();
    expect(byId.imageEndpoint).toBe(cloud.url);
  });
});
