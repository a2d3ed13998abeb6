import type { SecretRedactor } from '../core/secret-redactor.js';
import type { Readable } from 'node:stream';
import {
  NoAnswer,
  parseOrigin,
  type HttpAnswer,
  type HttpExchange,
  type Origin,
  type StreamedBody,
} from './http-exchange.js';
import { RequestFailure, parseRetryAfter } from './request-failure.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiRequest {
  method: HttpMethod;
  /** Below the API's base URL, e.g. `/images/r006-1/deprecate`; path segments already encoded. */
  path: string;
  query?: Record<string, string | number | undefined>;
  /** Sent as JSON (a PATCH with the dialect's patch media type). */
  body?: unknown;
  /** Data streamed as the body instead of JSON: each attempt opens the source anew (a retry cannot replay a stream). */
  upload?: { open(): Readable; length?: number; contentType: string };
  /** Headers of this request besides the credential's (ECS: its `x-acs-action`). */
  headers?: Record<string, string>;
  /**
   * Called with every successful answer's raw text before it is parsed (a pager reads the next page's link there),
   * and, when the body comes uncompressed, first with its head as soon as that arrives; the whole answer is parsed
   * once what the last call returned has settled.
   */
  peek?: (text: string) => Promise<void> | void;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: HttpAnswer['headers'];
}

/** What a credential gives a request: its headers, the token they carry, and the API's base URL. */
export interface Authorization {
  /** The token inside `headers`, handed back to `renew` when the API refuses it. */
  token: string;
  headers: Record<string, string>;
  /** The API's base URL (fixed, or read from the identity service's catalog). */
  baseUrl: string;
}

/** A request as it goes on the wire, for a dialect that signs each one. */
export interface SignableRequest {
  method: HttpMethod;
  /** The path below the base URL, without the query. */
  path: string;
  /** The query's parameters, decoded. */
  query: readonly (readonly [string, string])[];
  headers: Record<string, string>;
  body: string;
  baseUrl: string;
}

/** What makes one cloud's API differ on the wire. */
export interface ApiDialect {
  authorize(): Promise<Authorization>;
  /** Drop `token` (the API answered 401 to it): the next `authorize` gets a new one. */
  renew(token: string): void;
  /** The URL messages name when the API cannot be reached (default: the base URL). */
  shownUrl?: string;
  /** Query parameters every request carries (IBM's `version` and `generation`). */
  fixedQuery?: Record<string, string>;
  /** Media type of a PATCH body (IBM: a merge patch; Glance: its JSON-patch type). */
  patchContentType: string;
  /**
   * Headers that sign this very request (ECS: an `Authorization` over method, path, query, headers and body),
   * added after every other header is set.
   */
  sign?(request: SignableRequest): Record<string, string>;
  /** The cloud's error shape: its code (or `http_STATUS`) and its words. */
  readError(body: unknown, status: number, statusText: string | undefined): { code: string; message: string };
}

/**
 * One HTTP attempt against a cloud's API: adds the credential and fixed query, sends JSON bodies, records the
 * cloud's clock from every `Date` header, counts requests, fetches a new token once after a 401, and turns every
 * failure into a RequestFailure with the cloud's code and message. Retrying is the caller's business (retry.ts).
 */
export class ApiTransport {
  requestCount = 0;
  private readonly fixedQuery: string;
  private origin: { baseUrl: string; origin: Origin } | undefined;
  private latestClock: { cloudMs: number; localMs: number } | undefined;
  /** Whether the server ever answered: a refused connection afterwards means it is restarting. */
  private answeredOnce = false;

  constructor(
    private readonly dialect: ApiDialect,
    private readonly redactor: SecretRedactor,
    private readonly timeoutMs: number,
    private readonly exchange: HttpExchange,
  ) {
    this.fixedQuery = Object.entries(dialect.fixedQuery ?? {})
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
      .join('&');
  }

  async send<T>(request: ApiRequest): Promise<ApiResponse<T>> {
    this.requestCount++; // counted even when no token can be had: it is a request the caller asked for
    const authorization = await this.dialect.authorize();
    try {
      return await this.sendOnce<T>(request, authorization);
    } catch (error) {
      // A token the API refuses may have been revoked or outlived a server clock jump: fetch a new one, once.
      if (error instanceof RequestFailure && error.source === 'api' && error.status === 401) {
        this.dialect.renew(authorization.token);
        return this.sendOnce<T>(request, await this.dialect.authorize());
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

  private originOf(baseUrl: string): Origin {
    if (this.origin?.baseUrl !== baseUrl) this.origin = { baseUrl, origin: parseOrigin(baseUrl) };
    return this.origin.origin;
  }

  private async sendOnce<T>(request: ApiRequest, authorization: Authorization): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...request.headers,
      ...authorization.headers,
    };
    let body: string | StreamedBody | undefined;
    if (request.upload) {
      headers['Content-Type'] = request.upload.contentType;
      body = {
        stream: request.upload.open(),
        ...(request.upload.length === undefined ? {} : { length: request.upload.length }),
      };
    } else if (request.method === 'PATCH') {
      headers['Content-Type'] = this.dialect.patchContentType;
      body = JSON.stringify(request.body ?? {});
    } else if (request.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    let query = this.fixedQuery;
    for (const key in request.query) {
      const value = request.query[key];
      if (value !== undefined) query += `${query ? '&' : ''}${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
    }
    const path = query ? `${request.path}?${query}` : request.path;
    if (this.dialect.sign) {
      const parameters = [...new URLSearchParams(query)];
      const signable = {
        method: request.method,
        path: request.path,
        query: parameters,
        headers,
        body: typeof body === 'string' ? body : '',
        baseUrl: authorization.baseUrl,
      };
      Object.assign(headers, this.dialect.sign(signable));
    }

    let answer: HttpAnswer;
    try {
      const peek = request.peek;
      const onHead = peek && ((head: string) => void peek(head));
      const origin = this.originOf(authorization.baseUrl);
      answer = await this.exchange.send(origin, request.method, path, headers, body, this.timeoutMs, onHead);
    } catch (error) {
      if (!(error instanceof NoAnswer)) throw error;
      throw this.unreachable(error, authorization.baseUrl);
    }
    this.answeredOnce = true;
    this.recordClock(answer.headers.date);
    if (request.peek && answer.status >= 200 && answer.status <= 299) await request.peek(answer.text);
    const parsed = parseBody(answer.text);
    if (answer.status >= 200 && answer.status <= 299) {
      if (parsed === INVALID_JSON)
        throw this.unreachable(
          new NoAnswer(`the answer to ${request.method} ${request.path} is not JSON`, 'ERR_BAD_RESPONSE'),
          authorization.baseUrl,
        );
      return { status: answer.status, body: parsed as T, headers: answer.headers };
    }
    const { code, message } = this.dialect.readError(
      parsed === INVALID_JSON ? answer.text : parsed,
      answer.status,
      answer.statusText || undefined,
    );
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

  private unreachable(error: NoAnswer, baseUrl: string): RequestFailure {
    const shown = this.dialect.shownUrl ?? baseUrl;
    const text = `cannot reach ${shown}: ${this.redactor.redact(error.message)} (${error.code})`;
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
