import { CloudError } from '../core/cloud-error.js';
import type { ApiRequest, ApiResponse, ApiTransport } from './api-transport.js';
import { RequestFailure } from './request-failure.js';
import { withRetries, type RetryHooks, type RetryPolicy } from './retry.js';

/**
 * API calls as a provider makes them: each with retries (retry.ts), and every failure leaving as one line, a
 * CloudError that names the operation and says what to do (check the credentials, check before retrying, or how
 * many attempts were made).
 */
export class ApiCaller {
  private closed = false;

  constructor(
    private readonly transport: ApiTransport,
    private readonly policy: RetryPolicy,
    /** Said after a 401, 403 or refused token request, e.g. "check the API key in IBMCLOUD_API_KEY". */
    private readonly credentialHint: string,
    /** Codes of the cloud's that mean the credential is wrong whatever the status (ECS: `SignatureDoesNotMatch`, a 400). */
    private readonly credentialCodes: ReadonlySet<string> = new Set(),
  ) {}

  get requestCount(): number {
    return this.transport.requestCount;
  }

  /** One API call with retries; the answer's body. */
  async call<T>(operation: string, request: ApiRequest, hooks: RetryHooks<T> = {}): Promise<T> {
    const { settle } = hooks;
    // What settles a lost answer is the object itself, not an answer: it stands in for the body.
    const wrapped: RetryHooks<ApiResponse<T>> = {};
    if (hooks.giveUpOnAmbiguous !== undefined) wrapped.giveUpOnAmbiguous = hooks.giveUpOnAmbiguous;
    if (settle)
      wrapped.settle = async (failure) => {
        const settled = await settle(failure);
        return settled === undefined ? undefined : { status: 200, body: settled, headers: {} };
      };
    return (await this.exchange<T>(operation, request, wrapped)).body;
  }

  /** One API call with retries; the whole answer (status, headers, body). */
  async exchange<T>(
    operation: string,
    request: ApiRequest,
    hooks: RetryHooks<ApiResponse<T>> = {},
  ): Promise<ApiResponse<T>> {
    if (this.closed) throw new CloudError(`${operation}: the provider is closed`, 0, 'closed', operation);
    try {
      return await withRetries(this.policy, () => this.transport.send<T>(request), hooks);
    } catch (error) {
      if (error instanceof RequestFailure) throw this.toCloudError(operation, error);
      throw error;
    }
  }

  /** The call's body, or undefined when the object is not there (404). */
  async callOrUndefined<T>(operation: string, request: ApiRequest): Promise<T | undefined> {
    try {
      return await this.call<T>(operation, request);
    } catch (error) {
      if (error instanceof CloudError && error.status === 404) return undefined;
      throw error;
    }
  }

  close(): void {
    this.closed = true;
    this.transport.close();
  }

  private toCloudError(operation: string, failure: RequestFailure): CloudError {
    let message = `${operation}: ${failure.message}`;
    const credentialProblem =
      failure.status === 401 ||
      failure.status === 403 ||
      this.credentialCodes.has(failure.code) ||
      (failure.source === 'identity' && failure.status >= 400 && failure.status < 500);
    if (credentialProblem) {
      message += `; ${this.credentialHint}`;
    } else if (failure.abandonedUnchecked) {
      message += '; the cloud may have acted on it without a name to look it up by, check before retrying';
    } else if (failure.retryable) {
      message += `; gave up after ${failure.attempts} attempts`;
    }
    return new CloudError(message, failure.status, failure.code, operation);
  }
}

/** Waits for a call whose 404 means it is already done (a delete of what is gone). */
export async function ignoreNotFound(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (error instanceof CloudError && error.status === 404) return;
    throw error;
  }
}
