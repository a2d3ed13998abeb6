import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../src/clouds/openstack-glance/emulator/index.js';
import { waitFor } from '../../helpers/wait.js';
import { call, connect, passwordAuth, startGlance, type TestGlance } from './glance-client.js';

let glance: TestGlance;
beforeAll(async () => {
  glance = await startGlance({ apiKey: 'the-password', tokenTtlSeconds: 600 });
});
afterAll(() => glance.stop());

const tokens = (body: unknown) => call(`${glance.url}/v3/auth/tokens`, 'POST', body);

describe('Keystone v3', () => {
  it('describes itself at GET /v3 without a token', async () => {
    const reply = await call(`${glance.url}/v3`, 'GET');
    expect(reply.status).toBe(200);
    expect(reply.body.version).toMatchObject({
      status: 'stable',
      links: [{ rel: 'self', href: `${glance.url}/v3/` }],
    });
    expect(reply.body.version.id).toMatch(/^v3\.\d+$/);
  });

  it('issues a project-scoped token for admin / Default / admin and the password, in X-Subject-Token', async () => {
    const reply = await tokens(passwordAuth('the-password'));
    expect(reply.status).toBe(201);
    const id = reply.headers.get('x-subject-token');
    expect(id).toBeTruthy();
    expect(reply.text).not.toContain(id!);
    const token = reply.body.token;
    expect(token.user).toMatchObject({ name: 'admin', domain: { id: 'default', name: 'Default' } });
    expect(token.project).toMatchObject({ name: 'admin', domain: { name: 'Default' } });
    expect(token.roles.map((role: any) => role.name)).toContain('admin');
    const image = token.catalog.find((entry: any) => entry.type === 'image');
    expect(image.name).toBe('glance');
    expect(image.endpoints.map((endpoint: any) => endpoint.interface).sort()).toEqual(['admin', 'internal', 'public']);
    expect(image.endpoints[0].url).toBe(glance.url);
    expect(image.endpoints[0].region).toBe('RegionOne');
    // expires_at follows the token lifetime (600 s here)
    const lifetime = Date.parse(token.expires_at) - Date.parse(token.issued_at);
    expect(lifetime).toBe(600_000);
  });

  it('scopes by project id, and by domain id instead of name', async () => {
    const first = await tokens(passwordAuth('the-password'));
    const projectId = first.body.token.project.id;
    const byId = await tokens(passwordAuth('the-password', { id: projectId }));
    expect(byId.status).toBe(201);
    expect(byId.body.token.project.id).toBe(projectId);
    const body = passwordAuth('the-password', { name: 'admin', domain: { id: 'default' } });
    (body.auth.identity.password.user as any).domain = { id: 'default' };
    expect((await tokens(body)).status).toBe(201);
  });

  it('refuses a wrong password, user, domain or project with 401 in Keystone’s shape', async () => {
    const wrong = await tokens(passwordAuth('not-it'));
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      error: { code: 401, title: 'Unauthorized', message: expect.any(String) },
    });
    const otherProject = await tokens(passwordAuth('the-password', { name: 'demo', domain: { name: 'Default' } }));
    expect(otherProject.status).toBe(401);
    const body = passwordAuth('the-password');
    (body.auth.identity.password.user as any).domain = { name: 'users' };
    expect((await tokens(body)).status).toBe(401);
    expect((await tokens({ auth: {} })).status).toBe(400);
  });

  it('exchanges a token for a new one (token method), keeping its audit id', async () => {
    const first = await tokens(passwordAuth('the-password'));
    const id = first.headers.get('x-subject-token')!;
    const reply = await tokens({
      auth: {
        identity: { methods: ['token'], token: { id } },
        scope: { project: { id: first.body.token.project.id } },
      },
    });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('x-subject-token')).not.toBe(id);
    expect(reply.body.token.audit_ids).toEqual(first.body.token.audit_ids);
    const forged = await tokens({ auth: { identity: { methods: ['token'], token: { id: `${id}x` } } } });
    expect(forged.status).toBe(401);
  });

  it('validates a token with GET /v3/auth/tokens, and forgets a revoked one', async () => {
    const subject = (await tokens(passwordAuth('the-password'))).headers.get('x-subject-token')!;
    const headers = { 'X-Subject-Token': subject };
    const valid = await call(`${glance.url}/v3/auth/tokens`, 'GET', undefined, { token: glance.token, headers });
    expect(valid.status).toBe(200);
    expect(valid.body.token.catalog).toBeDefined();
    const noCaller = await call(`${glance.url}/v3/auth/tokens`, 'GET', undefined, { headers });
    expect(noCaller.status).toBe(401);
    const revoked = await call(`${glance.url}/v3/auth/tokens`, 'DELETE', undefined, { token: glance.token, headers });
    expect(revoked.status).toBe(204);
    expect((await glance.api('GET', '/v2/images', undefined, { token: subject })).status).toBe(401);
    const gone = await call(`${glance.url}/v3/auth/tokens`, 'GET', undefined, { token: glance.token, headers });
    expect(gone.status).toBe(404);
  });

  it('answers Glance calls without a token, or with an unknown or expired one, with 401', async () => {
    expect((await glance.api('GET', '/v2/images')).status).toBe(200);
    expect((await glance.api('GET', '/v2/images', undefined, { token: null })).status).toBe(401);
    expect((await glance.api('GET', '/v2/images', undefined, { token: 'gAAAAAnope.nope' })).status).toBe(401);
    // a bearer token is not how Glance is called
    const bearer = await glance.api('GET', '/v2/images', undefined, {
      token: null,
      headers: { Authorization: `Bearer ${glance.token}` },
    });
    expect(bearer.status).toBe(401);
  });

  it('judges tokens by wall time: moving the cloud clock logs nobody out, the token lifetime does', async () => {
    await glance.advance(86_400 * 30);
    expect((await glance.api('GET', '/v2/images')).status).toBe(200);
    const short = await connect(await startEmulator({ frozenClock: true, tokenTtlSeconds: 1 }));
    try {
      expect((await short.api('GET', '/v2/images')).status).toBe(200);
      const expired = await waitFor(
        async () => {
          const reply = await short.api('GET', '/v2/images');
          return reply.status !== 200 && reply;
        },
        { what: 'the one-second token to expire' },
      );
      expect(expired.status).toBe(401);
      expect(expired.headers.get('www-authenticate')).toMatch(/^Keystone uri=/);
    } finally {
      await short.stop();
    }
  });
});
