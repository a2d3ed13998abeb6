/**
 * One failed attempt at an HTTP call, classified for the retry loop: may it be retried, and could the cloud have
 * acted on it although we did not hear back (an "ambiguous" failure, which non-idempotent calls must check before
 * they try again).
 */

/** Connection-level errors worth another attempt. ECONNREFUSED is handled apart: see `refusedWhileUp`. */
const RETRYABLE_CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ESOCKETTIMEDOUT',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'EAI_AGAIN',
  'ERR_BAD_RESPONSE', // a 2xx whose body is not JSON: cut off, or not from the API
]);

/** Which service failed: the cloud's API, or its identity service (IAM, Keystone), which never acts on a resource. */
export type FailureSource = 'api' | 'identity';

export class RequestFailure extends Error {
  /** Set by the retry loop when it stops: how many attempts were made, and whether it stopped on an ambiguous failure it could not check. */
  attempts = 1;
  abandonedUnchecked = false;

  constructor(
    /** The cloud's words, already free of secrets. */
    message: string,
    /** HTTP status, or 0 when no response arrived. */
    readonly status: number,
    /** The cloud's error code (`errors[0].code`), or the socket error code (`ECONNRESET`) when no response. */
    readonly code: string,
    readonly source: FailureSource,
    /** From `Retry-After`, when the response had one. */
    readonly retryAfterMs: number | undefined,
    /** Connection refused although the server answered this client before: it is restarting, not absent. */
    readonly refusedWhileUp = false,
  ) {
    super(message);
    this.name = 'RequestFailure';
  }

  get isConnectionError(): boolean {
    return this.status === 0;
  }

  get retryable(): boolean {
    if (this.status === 0) {
      if (this.code === 'ECONNREFUSED') return this.refusedWhileUp;
      return RETRYABLE_CONNECTION_CODES.has(this.code) || /socket hang up/i.test(this.message);
    }
    return this.status === 429 || (this.status >= 500 && this.status <= 599 && this.status !== 501);
  }

  /**
   * The request may have been carried out although this attempt failed: the connection broke after the request was
   * sent, or a server error came back (a gateway may answer 5xx after the service acted). A refused connection or a
   * token failure never reached the API, and a 429 is a refusal.
   */
  get ambiguous(): boolean {
    if (this.source === 'identity') return false;
    if (this.status === 0) return this.code !== 'ECONNREFUSED' && this.code !== 'ENOTFOUND' && this.retryable;
    return this.status >= 500;
  }
}

/** `Retry-After` as seconds or an HTTP date (read against the response's own `Date` when there is one). */
export function parseRetryAfter(value: unknown, responseDate: unknown): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  const reference =
    typeof responseDate === 'string' && !Number.isNaN(Date.parse(responseDate)) ? Date.parse(responseDate) : Date.now();
  return Math.max(0, at - reference);
}
