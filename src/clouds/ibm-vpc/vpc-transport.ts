import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { BaseService } from 'ibm-cloud-sdk-core';
import { RequestFailure, parseRetryAfter } from './request-failure.js';
import type { RenewableIamAuthenticator } from './renewable-iam-authenticator.js';
import type { SecretRedactor } from '../../core/secret-redactor.js';
import { silenceCoreLogger } from './silence-core-logger.js';

silenceCoreLogger();

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface VpcRequest {
  method: HttpMethod;
  /** Below `/v1`, e.g. `/images/r006-1/deprecate`; path segments already encoded. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

export interface VpcResponse<T> {
  status: number;
  body: T;
}

/** A subclass only to reach the core's protected request method (auth header, JSON, error parsing). */
class VpcService extends BaseService {
  static override DEFAULT_SERVICE_NAME = 'vpc';

  send(parameters: unknown): Promise<{ status: number; result: unknown; headers: Record<string, unknown> }> {
    return this.createRequest(parameters);
  }
}

interface CoreError {
  status?: number;
  statusText?: string;
  message?: string;
  result?: unknown;
  headers?: Record<string, unknown>;
}

/**
 * One HTTP attempt against the VPC API through ibm-cloud-sdk-core: adds `version` and `generation=2`, sends PATCH
 * as a merge patch, records the cloud's clock from every `Date` header, counts requests, and turns every failure
 * into a RequestFailure with the cloud's code and message. Retrying is the caller's business (retry.ts).
 */
export class VpcTransport {
  requestCount = 0;
  private readonly service: VpcService;
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true });
  private latestClock: { cloudMs: number; localMs: number } | undefined;
  /** Whether the server ever answered: a refused connection afterwards means it is restarting. */
  private answeredOnce = false;

  constructor(
    private readonly endpoint: string,
    private readonly version: string,
    private readonly authenticator: RenewableIamAuthenticator,
    private readonly redactor: SecretRedactor,
    private readonly timeoutMs: number,
  ) {
    this.service = new VpcService({ authenticator, serviceUrl: `${endpoint}/v1` });
  }

  async send<T>(request: VpcRequest): Promise<VpcResponse<T>> {
    try {
      return await this.sendOnce<T>(request);
    } catch (error) {
      // A token the API refuses may have been revoked or outlived a server clock jump: fetch a new one, once.
      if (error instanceof RequestFailure && error.source === 'api' && error.status === 401) {
        this.authenticator.renew();
        return this.sendOnce<T>(request);
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
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async sendOnce<T>(request: VpcRequest): Promise<VpcResponse<T>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    let body = request.body;
    if (request.method === 'PATCH') {
      headers['Content-Type'] = 'application/merge-patch+json';
      body = JSON.stringify(request.body ?? {});
    } else if (request.body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const qs: Record<string, string | number> = { version: this.version, generation: 2 };
    for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) qs[key] = value;

    this.requestCount++;
    try {
      const response = await this.service.send({
        options: {
          url: request.path,
          method: request.method,
          qs,
          body,
          headers,
          // maxRedirects 0: the API never redirects, and axios's redirect follower logs whole requests under DEBUG.
          axiosOptions: {
            timeout: this.timeoutMs,
            maxRedirects: 0,
            httpAgent: this.httpAgent,
            httpsAgent: this.httpsAgent,
          },
        },
        defaultOptions: { serviceUrl: `${this.endpoint}/v1`, headers: {} },
      });
      this.answeredOnce = true;
      this.recordClock(response.headers);
      return { status: response.status, body: response.result as T };
    } catch (error) {
      if (error instanceof RequestFailure) throw error;
      throw this.toFailure(error as CoreError);
    }
  }

  private recordClock(headers: Record<string, unknown> | undefined): void {
    const date = headers?.date;
    if (typeof date !== 'string') return;
    const cloudMs = Date.parse(date);
    if (Number.isNaN(cloudMs)) return;
    this.latestClock = { cloudMs, localMs: performance.now() };
  }

  private toFailure(error: CoreError): RequestFailure {
    if (typeof error.status === 'number') {
      this.answeredOnce = true;
      this.recordClock(error.headers);
      const { code, message } = readIbmError(error.result, error.status, error.message);
      const text = this.redactor.redact(`${message} (${code}, HTTP ${error.status})`);
      return new RequestFailure(
        text,
        error.status,
        code,
        'api',
        parseRetryAfter(error.headers?.['retry-after'], error.headers?.date),
      );
    }
    const code = error.statusText ?? 'ERR_REQUEST';
    const reason = this.redactor.redact(error.message ?? 'no response');
    const text = `cannot reach ${this.endpoint}: ${reason} (${code})`;
    return new RequestFailure(text, 0, code, 'api', undefined, code === 'ECONNREFUSED' && this.answeredOnce);
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
