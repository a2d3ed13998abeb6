import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { KeystoneError, unauthenticated } from './errors.js';

/**
 * Keystone v3 as the clients use it (REF §1, DESIGN §6): one user `admin` in domain `Default`, one project `admin`,
 * password KEY. Tokens are signed with a key derived from KEY (like Fernet tokens they need no server-side table),
 * so a restarted emulator with the same KEY still accepts them; revoked ones are remembered in memory only.
 * Every instant here is wall time, never the cloud clock: clients judge expiry by their own clock, and moving the
 * cloud's clock a month forward must not log them out (the same choice as the IBM emulator's IAM).
 */

export const domain = { id: 'default', name: 'Default' } as const;
export const userName = 'admin';
export const projectName = 'admin';

interface TokenClaims {
  /** issued at, expires at (epoch ms) */
  iat: number;
  exp: number;
  methods: string[];
  /** scoped to the project, or unscoped */
  scoped: boolean;
  audit: string;
}

export interface IssuedToken {
  id: string;
  claims: TokenClaims;
}

type Json = Record<string, unknown>;
const object = (value: unknown): Json | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;

export class Keystone {
  private readonly signingKey: Buffer;
  private readonly revoked = new Set<string>();

  constructor(
    private readonly password: string,
    private readonly ttlMs: number,
    readonly userId: string,
    readonly projectId: string,
    readonly region: string,
  ) {
    this.signingKey = createHmac('sha256', 'imageform-glance-emulator-tokens').update(password).digest();
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.signingKey).update(payload).digest('base64url');
  }

  private issue(methods: string[], scoped: boolean, now: number, audit = randomBytes(16).toString('base64url')) {
    const claims: TokenClaims = { iat: now, exp: now + this.ttlMs, methods, scoped, audit };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { id: `gAAAAA${payload}.${this.sign(payload)}`, claims };
  }

  /** The claims of a valid token at `now`, or undefined (unknown, tampered, expired or revoked). */
  verify(token: string | undefined, now: number): TokenClaims | undefined {
    if (!token?.startsWith('gAAAAA') || this.revoked.has(token)) return undefined;
    const [payload, signature] = token.slice(6).split('.');
    if (!payload || !signature) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
      return claims.exp > now ? claims : undefined;
    } catch {
      return undefined;
    }
  }

  private passwordMatches(given: unknown): boolean {
    if (typeof given !== 'string') return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.password);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private domainMatches(value: unknown): boolean {
    const named = object(value);
    if (!named) return false;
    return named.id === domain.id || (named.id === undefined && named.name === domain.name);
  }

  /** `POST /v3/auth/tokens`: a password or token method, scoped to the project by name or id. */
  authenticate(body: unknown, now: number): IssuedToken {
    const auth = object(object(body)?.auth);
    const identity = object(auth?.identity);
    if (!auth || !identity) throw new KeystoneError(400, 'Expecting to find identity in auth.');
    const methods = identity.methods;
    if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string'))
      throw new KeystoneError(400, 'Expecting to find methods in identity.');
    let audit: string | undefined;
    if (methods.includes('password')) {
      const user = object(object(identity.password)?.user);
      if (!user) throw new KeystoneError(400, 'Expecting to find user in password.');
      const known =
        user.id === this.userId || (user.id === undefined && user.name === userName && this.domainMatches(user.domain));
      if (!known || !this.passwordMatches(user.password))
        throw new KeystoneError(401, 'The request you have made requires authentication.');
    } else if (methods.includes('token')) {
      const claims = this.verify(object(identity.token)?.id as string | undefined, now);
      if (!claims) throw new KeystoneError(401, 'The request you have made requires authentication.');
      audit = claims.audit;
    } else {
      throw new KeystoneError(401, `Unsupported authentication method: ${String(methods[0])}`);
    }
    const scope = auth.scope;
    let scoped = false;
    if (scope !== undefined) {
      const project = object(object(scope)?.project);
      if (!project) throw new KeystoneError(401, 'Only project scope is supported by this emulator.');
      const known =
        project.id === this.projectId ||
        (project.id === undefined && project.name === projectName && this.domainMatches(project.domain));
      if (!known) throw new KeystoneError(401, 'The request you have made requires authentication.');
      scoped = true;
    }
    return this.issue(methods as string[], scoped, now, audit);
  }

  /** The token body (KS sample): user, project, roles and, when scoped, the catalog with Glance at `baseUrl`. */
  tokenBody(token: IssuedToken, baseUrl: string): Json {
    const { claims } = token;
    const iso = (instant: number) => new Date(instant).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
    const body: Json = {
      methods: claims.methods,
      user: { id: this.userId, name: userName, domain, password_expires_at: null },
      audit_ids: [claims.audit],
      expires_at: iso(claims.exp),
      issued_at: iso(claims.iat),
    };
    if (claims.scoped) {
      body.project = { id: this.projectId, name: projectName, domain };
      body.is_domain = false;
      body.roles = [
        { id: 'a0000000000000000000000000000001', name: 'admin' },
        { id: 'a0000000000000000000000000000002', name: 'member' },
        { id: 'a0000000000000000000000000000003', name: 'reader' },
      ];
      body.catalog = [
        this.catalogEntry('image', 'glance', baseUrl),
        this.catalogEntry('identity', 'keystone', `${baseUrl}/v3`),
      ];
    }
    return { token: body };
  }

  private catalogEntry(type: string, name: string, url: string): Json {
    return {
      type,
      name,
      id: randomUUID().replace(/-/g, ''),
      endpoints: ['public', 'internal', 'admin'].map((face) => ({
        id: randomUUID().replace(/-/g, ''),
        interface: face,
        region: this.region,
        region_id: this.region,
        url,
      })),
    };
  }

  revoke(token: string): void {
    this.revoked.add(token);
  }

  /** The caller's token (`X-Auth-Token`, or a bearer token where the emulator allows one), valid at `now`. */
  callerToken(headers: IncomingHttpHeaders, now: number, bearerToo: boolean): TokenClaims {
    let token = headers['x-auth-token'];
    if (Array.isArray(token)) token = token[0];
    if (!token && bearerToo) {
      const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
      token = match?.[1];
    }
    const claims = this.verify(token, now);
    if (!claims) throw unauthenticated();
    return claims;
  }
}
