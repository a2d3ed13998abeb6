import type { OutgoingHttpHeaders } from 'node:http';
import type { AuthenticatorInterface } from 'ibm-cloud-sdk-core';
import { IamAuthenticator } from 'ibm-cloud-sdk-core';
import { RequestFailure, parseRetryAfter } from './request-failure.js';
import type { SecretRedactor } from '../../core/secret-redactor.js';

/**
 * The core's IamAuthenticator (API key -> JWT access token, refreshed in the background after 80 % of its lifetime
 * and synchronously 10 s before it expires), wrapped so that:
 * - a token the API rejects can be dropped and fetched again (`renew`), e.g. after a clock jump on the server;
 * - a failed token exchange becomes a RequestFailure marked `iam`, retryable when IAM itself was unavailable;
 * - every token handed out is known to the redactor, so it can never leak into a message.
 */
export class RenewableIamAuthenticator implements AuthenticatorInterface {
  private current: IamAuthenticator;
  tokenRequests = 0;

  constructor(
    private readonly apiKey: string,
    private readonly iamEndpoint: string,
    private readonly redactor: SecretRedactor,
    private readonly timeoutMs: number,
  ) {
    this.current = this.build();
  }

  authenticationType(): string {
    return 'iam';
  }

  /** Forget the cached token: the next request fetches a fresh one. */
  renew(): void {
    this.current = this.build();
  }

  async authenticate(requestOptions: { headers?: OutgoingHttpHeaders }): Promise<void> {
    try {
      await this.current.authenticate(requestOptions);
    } catch (error) {
      throw this.toFailure(error);
    }
    const header = requestOptions.headers?.Authorization;
    if (typeof header === 'string') this.redactor.addToken(header.replace(/^Bearer\s+/i, ''));
  }

  private build(): IamAuthenticator {
    // Extra options reach the token request's axios instance: no redirect follower (it logs request bodies, with the
    // key, under DEBUG) and a timeout.
    const axiosOptions = { maxRedirects: 0, timeout: this.timeoutMs };
    const authenticator = new IamAuthenticator({
      apikey: this.apiKey,
      url: this.iamEndpoint,
      ...axiosOptions,
    } as ConstructorParameters<typeof IamAuthenticator>[0]);
    // Count token exchanges and bound them in time; the core's token request has no timeout of its own.
    const manager = (
      authenticator as unknown as {
        tokenManager: { requestToken: () => Promise<unknown>; requestWrapperInstance?: unknown };
      }
    ).tokenManager;
    const requestToken = manager.requestToken.bind(manager);
    manager.requestToken = () => {
      this.tokenRequests++;
      return withTimeout(requestToken(), this.timeoutMs);
    };
    return authenticator;
  }

  private toFailure(error: unknown): RequestFailure {
    const raw = (error ?? {}) as {
      status?: number;
      statusText?: string;
      message?: string;
      result?: unknown;
      headers?: Record<string, unknown>;
    };
    const status = typeof raw.status === 'number' ? raw.status : 0;
    const body = (raw.result && typeof raw.result === 'object' ? raw.result : {}) as Record<string, unknown>;
    const code =
      typeof body.errorCode === 'string'
        ? body.errorCode
        : status === 0
          ? (raw.statusText ?? 'iam_unreachable')
          : `http_${status}`;
    const detail =
      typeof body.errorMessage === 'string'
        ? body.errorMessage
        : status === 0
          ? (raw.message ?? 'no response')
          : 'the token exchange was refused';
    const suffix = status === 0 ? `(${code})` : `(${code}, HTTP ${status})`;
    const message = this.redactor.redact(
      `IAM token request to ${this.iamEndpoint}/identity/token failed: ${detail} ${suffix}`,
    );
    return new RequestFailure(
      message,
      status,
      String(code),
      'iam',
      parseRetryAfter(raw.headers?.['retry-after'], raw.headers?.date),
    );
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const timeout = Object.assign(new Error(`no answer within ${ms} ms`), { statusText: 'ETIMEDOUT' });
      reject(timeout);
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
