import { TokenHolder } from '../../cloud-kit/token-holder.js';
import { oneLine, parseObject } from '../../cloud-kit/answer-text.js';
import { NoAnswer, parseOrigin, type HttpExchange, type Origin } from '../../cloud-kit/http-exchange.js';
import { RequestFailure, parseRetryAfter } from '../../cloud-kit/request-failure.js';
import type { SecretRedactor } from '../../core/secret-redactor.js';

const TOKEN_PATH = '/identity/token';
const GRANT_TYPE = 'urn:ibm:params:oauth:grant-type:apikey';
/** A token counts as expired this long before its `exp`, as IBM's SDK cores do. */
const EXPIRY_WINDOW_S = 10;
/** The share of its lifetime after which a token is renewed in the background. */
const REFRESH_FRACTION = 0.8;
/** After a background refresh starts (or fails), the next one waits at least this long. */
const REFRESH_PAUSE_S = 60;

interface HeldToken {
  value: string;
  /** Epoch seconds, from the JWT's `exp` (0 when it has none: always expired). */
  expiresAt: number;
  /** Epoch seconds after which a background refresh starts. */
  refreshAt: number;
}

/**
 * The IAM API-key flow (POST /identity/token, form-encoded), timed the way IBM's Node SDK core does it: the times
 * come from the access token's own `iat`/`exp` claims; after 80 % of the lifetime a request still gets the cached
 * token while a new one is fetched in the background, and from 10 s before `exp` on, requests wait for a new one
 * (concurrent ones share that one exchange). Besides:
 * - a token the API rejects can be dropped and fetched again (`renew`), e.g. after a clock jump on the server;
 * - a failed token exchange becomes a RequestFailure marked `iam`, retryable when IAM itself was unavailable;
 * - the API key and every token are known to the redactor, so neither can leak into a message.
 */
export class RenewableIamAuthenticator {
  tokenRequests = 0;
  private readonly origin: Origin;
  private readonly form: string;
  private readonly tokens = new TokenHolder<HeldToken>(() => this.requestToken());
  private backgroundRefresh = false;

  constructor(
    apiKey: string,
    private readonly iamEndpoint: string,
    private readonly redactor: SecretRedactor,
    private readonly timeoutMs: number,
    private readonly exchange: HttpExchange,
  ) {
    this.origin = parseOrigin(iamEndpoint);
    this.form = new URLSearchParams({ grant_type: GRANT_TYPE, apikey: apiKey, response_type: 'cloud_iam' }).toString();
  }

  /** A live access token, for `Authorization: Bearer`. */
  async accessToken(): Promise<string> {
    const held = this.tokens.held;
    const now = Date.now() / 1000;
    if (!held || now >= held.expiresAt - EXPIRY_WINDOW_S) return (await this.tokens.fetch()).value;
    if (now >= held.refreshAt && !this.backgroundRefresh && !this.tokens.fetching) this.refreshInBackground(held, now);
    return held.value;
  }

  /** Forget `refused` (the token the API would not take): the next request fetches a fresh one. */
  renew(refused: string): void {
    this.tokens.drop(refused);
  }

  private refreshInBackground(held: HeldToken, now: number): void {
    held.refreshAt = now + REFRESH_PAUSE_S;
    this.backgroundRefresh = true;
    // A failure is not this request's: the cached token is still good, and the next refresh point tries again.
    this.requestToken().then(
      (token) => {
        this.backgroundRefresh = false;
        if (!this.tokens.fetching) this.tokens.held = token;
      },
      () => {
        this.backgroundRefresh = false;
      },
    );
  }

  private async requestToken(): Promise<HeldToken> {
    this.tokenRequests++;
    let answer;
    try {
      answer = await this.exchange.send(
        this.origin,
        'POST',
        TOKEN_PATH,
        { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        this.form,
        this.timeoutMs,
      );
    } catch (error) {
      if (!(error instanceof NoAnswer)) throw error;
      throw this.failure(0, error.code, error.message, undefined, undefined);
    }
    const body = parseObject(answer.text);
    if (answer.status < 200 || answer.status > 299) {
      const code = typeof body.errorCode === 'string' ? body.errorCode : `http_${answer.status}`;
      const detail = typeof body.errorMessage === 'string' ? body.errorMessage : 'the token exchange was refused';
      throw this.failure(answer.status, code, detail, answer.headers['retry-after'], answer.headers.date);
    }
    const value = body.access_token;
    if (typeof value !== 'string' || value === '')
      throw this.failure(0, 'iam_bad_answer', 'the answer has no access token', undefined, undefined);
    this.redactor.addToken(value);
    const claims = jwtClaims(value);
    if (!claims) throw this.failure(0, 'iam_bad_answer', 'the access token is not a JWT', undefined, undefined);
    const { exp, iat } = claims;
    if (typeof exp !== 'number' || typeof iat !== 'number') return { value, expiresAt: 0, refreshAt: 0 };
    return { value, expiresAt: exp, refreshAt: exp - (exp - iat) * (1 - REFRESH_FRACTION) };
  }

  private failure(
    status: number,
    code: string,
    detail: string,
    retryAfter: string | undefined,
    date: string | undefined,
  ): RequestFailure {
    const suffix = status === 0 ? `(${code})` : `(${code}, HTTP ${status})`;
    const message = this.redactor.redact(
      `IAM token request to ${this.iamEndpoint}${TOKEN_PATH} failed: ${oneLine(detail)} ${suffix}`,
    );
    return new RequestFailure(message, status, code, 'identity', parseRetryAfter(retryAfter, date));
  }
}

/** The claims of a JWT, unverified: only its times are read, as the SDK core does. */
function jwtClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
