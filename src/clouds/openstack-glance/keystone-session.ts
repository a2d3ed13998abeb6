import { TokenHolder } from '../../cloud-kit/token-holder.js';
import { isObject, oneLine, parseObject } from '../../cloud-kit/answer-text.js';
import { NoAnswer, parseOrigin, type HttpExchange, type Origin } from '../../cloud-kit/http-exchange.js';
import { RequestFailure, parseRetryAfter } from '../../cloud-kit/request-failure.js';
import type { SecretRedactor } from '../../core/secret-redactor.js';

/** A token counts as expired this long before its `expires_at`, so a request never carries one about to lapse. */
const EXPIRY_WINDOW_MS = 60_000;

export interface KeystoneCredentials {
  /** The Keystone v3 URL, e.g. https://msk.cloud.vk.com/infra/identity/v3/ (tokens are at AUTH_URL/auth/tokens). */
  authUrl: string;
  username: string;
  password: string;
  userDomainName: string;
  /** The project the token is scoped to: by id (VK Cloud), or by name in its domain. */
  project: { id: string } | { name: string; domainName: string };
  /** The catalog region whose image endpoint is used. */
  region: string;
  interface: 'public' | 'internal' | 'admin';
}

export interface KeystoneToken {
  /** For `X-Auth-Token`. */
  value: string;
  /** The Glance endpoint the token's catalog names (type `image`), without a trailing slash. */
  imageEndpoint: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

interface CatalogEndpoint {
  interface?: unknown;
  region?: unknown;
  region_id?: unknown;
  url?: unknown;
}

/**
 * Keystone v3 password authentication (reference §1): `POST AUTH_URL/auth/tokens`, the token in the
 * `X-Subject-Token` header, the image endpoint from the body's catalog by type, interface and region. The token
 * is kept until shortly before its `expires_at`, and concurrent callers share one exchange; `renew` drops a token
 * the API refused. The password and every token are known to the redactor, so neither reaches a message.
 */
export class KeystoneSession {
  tokenRequests = 0;
  private readonly origin: Origin;
  private readonly body: string;
  private readonly tokens = new TokenHolder<KeystoneToken>(() => this.fetch());

  constructor(
    private readonly credentials: KeystoneCredentials,
    private readonly redactor: SecretRedactor,
    private readonly timeoutMs: number,
    private readonly exchange: HttpExchange,
  ) {
    this.origin = parseOrigin(credentials.authUrl);
    const project =
      'id' in credentials.project
        ? { id: credentials.project.id }
        : { name: credentials.project.name, domain: { name: credentials.project.domainName } };
    this.body = JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: {
              name: credentials.username,
              domain: { name: credentials.userDomainName },
              password: credentials.password,
            },
          },
        },
        scope: { project },
      },
    });
  }

  /** A live token and the image endpoint of its catalog. */
  async token(): Promise<KeystoneToken> {
    const held = this.tokens.held;
    if (held && Date.now() < held.expiresAt - EXPIRY_WINDOW_MS) return held;
    return this.tokens.fetch();
  }

  /** Forget `refused` (a token the API answered 401 to): the next call fetches a fresh one. */
  renew(refused: string): void {
    this.tokens.drop(refused);
  }

  private async fetch(): Promise<KeystoneToken> {
    this.tokenRequests++;
    let answer;
    try {
      answer = await this.exchange.send(
        this.origin,
        'POST',
        '/auth/tokens',
        { 'Content-Type': 'application/json', Accept: 'application/json' },
        this.body,
        this.timeoutMs,
      );
    } catch (error) {
      if (!(error instanceof NoAnswer)) throw error;
      throw this.failure(0, error.code, error.message, undefined, undefined);
    }
    const body = parseObject(answer.text);
    if (answer.status < 200 || answer.status > 299) {
      const error = isObject(body.error) ? body.error : {};
      const detail =
        typeof error.message === 'string'
          ? error.message
          : answer.status === 401
            ? `the user ${this.credentials.username} could not be authenticated`
            : 'the token request was refused';
      throw this.failure(
        answer.status,
        `http_${answer.status}`,
        detail,
        answer.headers['retry-after'],
        answer.headers.date,
      );
    }
    const value = answer.headers['x-subject-token'];
    if (typeof value !== 'string' || value === '')
      throw this.failure(0, 'keystone_bad_answer', 'the answer has no X-Subject-Token header', undefined, undefined);
    this.redactor.addToken(value);
    const token = isObject(body.token) ? body.token : {};
    const expiresAt = typeof token.expires_at === 'string' ? Date.parse(token.expires_at) : Number.NaN;
    const imageEndpoint = this.imageEndpointOf(token.catalog);
    return { value, imageEndpoint, expiresAt: Number.isNaN(expiresAt) ? 0 : expiresAt };
  }

  /** The catalog's `image` service endpoint for the configured interface and region. */
  private imageEndpointOf(catalog: unknown): string {
    const services = Array.isArray(catalog) ? catalog.filter(isObject) : [];
    const image = services.find((service) => service.type === 'image');
    if (!image)
      throw this.failure(
        0,
        'keystone_no_image_service',
        "the token's catalog has no service of type image",
        undefined,
        undefined,
      );
    const endpoints = (Array.isArray(image.endpoints) ? image.endpoints : []).filter(isObject) as CatalogEndpoint[];
    const { region } = this.credentials;
    const found = endpoints.find(
      (endpoint) =>
        endpoint.interface === this.credentials.interface &&
        (endpoint.region_id === region || endpoint.region === region),
    );
    if (!found || typeof found.url !== 'string') {
      const offered = endpoints
        .map((endpoint) => `${String(endpoint.interface)} in ${String(endpoint.region_id ?? endpoint.region)}`)
        .join(', ');
      throw this.failure(
        0,
        'keystone_no_image_endpoint',
        `the catalog has no ${this.credentials.interface} image endpoint in region ${region} (it has: ${offered || 'none'})`,
        undefined,
        undefined,
      );
    }
    return found.url.replace(/\/+$/, '');
  }

  private failure(
    status: number,
    code: string,
    detail: string,
    retryAfter: string | undefined,
    date: string | undefined,
  ): RequestFailure {
    const suffix = status === 0 ? `(${code})` : `(HTTP ${status})`;
    const message = this.redactor.redact(
      `Keystone token request to ${this.credentials.authUrl.replace(/\/+$/, '')}/auth/tokens failed: ${oneLine(detail)} ${suffix}`,
    );
    return new RequestFailure(message, status, code, 'identity', parseRetryAfter(retryAfter, date));
  }
}
