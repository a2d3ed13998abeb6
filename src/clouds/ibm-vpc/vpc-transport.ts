import {
  NoAnswer,
  parseOrigin,
  type HttpAnswer,
  type HttpExchange,
  type Origin,
} from '../../cloud-kit/http-exchange.js';
import { RequestFailure, parseRetryAfter } from '../../cloud-kit/request-failure.js';
import type { RenewableIamAuthenticator } from './renewable-iam-authenticator.js';
import type { SecretRedactor } from '../../core/secret-redactor.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface VpcRequest {
  method: HttpMethod;
  /** Below `/v1`, e.g. `/images/r006-1/deprecate`; path segments already encoded. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /**
   * Called with every successful answer's raw text before it is parsed (a pager reads the next page's link there),
   * and, when the body comes uncompressed, first with its head as soon as that arrives; the whole answer is parsed
   * once what the last call returned has settled.
   */
  peek?: (text: string) => Promise<void> | void;
}

export interface VpcResponse<T> {
  status: number;
  body: T;
}

/**
 * One HTTP attempt against the VPC API: adds `version` and `generation=2`, sends PATCH as a merge patch, records
 * the cloud's clock from every `Date` header, counts requests, and turns every failure into a RequestFailure with
 * the cloud's code and message. Retrying is the caller's business (retry.ts).
 */
export class VpcTransport {
  requestCount = 0;
  private readonly origin: Origin;
  private readonly fixedQuery: string;
  private latestClock: { cloudMs: number; localMs: number } | undefined;
  /** Whether the server ever answered: a refused connection afterwards means it is restarting. */
  private answeredOnce = false;

  constructor(
    private readonly endpoint: string,
    version: string,
    private readonly authenticator: RenewableIamAuthenticator,
    private readonly redactor: SecretRedactor,
    private readonly timeoutMs: number,
    private readonly exchange: HttpExchange,
  ) {
    this.origin = parseOrigin(`${endpoint}/v1`);
    this.fixedQuery = `?version=${encodeURIComponent(version)}&generation=2`;
  }

  async send<T>(request: VpcRequest): Promise<VpcResponse<T>> {
    const token = await this.token();
    try {
      return await this.sendOnce<T>(request, token);
    } catch (error) {
      // A token the API refuses may have been revoked or outlived a server clock jump: fetch a new one, once.
      if (error instanceof RequestFailure && error.source === 'api' && error.status === 401) {
        this.authenticator.renew(token);
        return this.sendOnce<T>(request, await this.authenticator.accessToken());
      }
      throw error;
    }
  }

  /** The cloud's time: the latest `Date` header plus the time elapsed since, if it is at most `maxAgeMs` old. */
  cloudNow(maxAgeMs: number): Date | undefined {
    if (!this.latestClock) return undefined;
    const age = performance.now() - this.latestClock.localMs;
    if (age > maxAgeMs) return undefined;
    return new Date(this.latestClock.cloudMs + Math.max(0, age));
  }

  close(): void {
    this.exchange.close();
  }

  /** Counts the attempt even when no token can be had: it is a request the caller asked for. */
  private token(): Promise<string> {
    this.requestCount++;
    return this.authenticator.accessToken();
  }

  private async sendOnce<T>(request: VpcRequest, token: string): Promise<VpcResponse<T>> {
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${token}` };
    let body: string | undefined;
    if (request.method === 'PATCH') {
      headers['Content-Type'] = 'application/merge-patch+json';
      body = JSON.stringify(request.body ?? {});
    } else if (request.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    let path = request.path + this.fixedQuery;
    for (const key in request.query) {
      const value = request.query[key];
      if (value !== undefined) path += `&${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
    }

    let answer: HttpAnswer;
    try {
      const peek = request.peek;
      const onHead = peek && ((head: string) => void peek(head));
      answer = await this.exchange.send(this.origin, request.method, path, headers, body, this.timeoutMs, onHead);
    } catch (error) {
      if (!(error instanceof NoAnswer)) throw error;
      throw this.unreachable(error);
    }
    this.answeredOnce = true;
    this.recordClock(answer.headers.date);
    if (request.peek && answer.status >= 200 && answer.status <= 299) await request.peek(answer.text);
    const parsed = parseBody(answer.text);
    if (answer.status >= 200 && answer.status <= 299) {
      if (parsed === INVALID_JSON)
        throw this.unreachable(
          new NoAnswer(`the answer to ${request.method} ${request.path} is not JSON`, 'ERR_BAD_RESPONSE'),
        );
      return { status: answer.status, body: parsed as T };
    }
    const { code, message } = readIbmError(parsed, answer.status, answer.statusText || undefined);
    const text = this.redactor.redact(`${message} (${code}, HTTP ${answer.status})`);
    throw new RequestFailure(
      text,
      answer.status,
      code,
      'api',
      parseRetryAfter(answer.headers['retry-after'], answer.headers.date),
    );
  }

  private recordClock(date: string | undefined): void {
    if (date === undefined) return;
    const cloudMs = Date.parse(date);
    if (Number.isNaN(cloudMs)) return;
    this.latestClock = { cloudMs, localMs: performance.now() };
  }

  private unreachable(error: NoAnswer): RequestFailure {
    const text = `cannot reach ${this.endpoint}: ${this.redactor.redact(error.message)} (${error.code})`;
    return new RequestFailure(
      text,
      0,
      error.code,
      'api',
      undefined,
      error.code === 'ECONNREFUSED' && this.answeredOnce,
    );
  }
}

const INVALID_JSON = Symbol('invalid JSON');

/** The answer's JSON; undefined for an empty body (a 204). */
function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return INVALID_JSON;
  }
}

/** IBM's error shape `{errors: [{code, message, more_info?, target?}], trace}`, with fallbacks for other shapes. */
function readIbmError(body: unknown, status: number, fallback: string | undefined): { code: string; message: string } {
  const parsed = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const first = Array.isArray(parsed.errors) ? (parsed.errors[0] as Record<string, unknown> | undefined) : undefined;
  const code =
    typeof first?.code === 'string' ? first.code : typeof parsed.code === 'string' ? parsed.code : `http_${status}`;
  const message =
    typeof first?.message === 'string'
      ? first.message
      : typeof parsed.message === 'string'
        ? parsed.message
        : (fallback ?? `HTTP ${status}`);
  return { code, message: message.replace(/\s+/g, ' ').trim() };
}
