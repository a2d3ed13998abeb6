import { ApiTransport, type ApiDialect, type ApiRequest } from '../../cloud-kit/api-transport.js';
import type { HttpExchange } from '../../cloud-kit/http-exchange.js';
import type { SecretRedactor } from '../../core/secret-redactor.js';
import type { RenewableIamAuthenticator } from './renewable-iam-authenticator.js';

export type { HttpMethod } from '../../cloud-kit/api-transport.js';
export type VpcRequest = ApiRequest;

/**
 * The VPC API's dialect of the kit's transport: every request carries `version` and `generation=2` and IAM's
 * bearer token, a PATCH is a merge patch, and errors come in IBM's shape.
 */
export class VpcTransport extends ApiTransport {
  constructor(
    endpoint: string,
    version: string,
    authenticator: RenewableIamAuthenticator,
    redactor: SecretRedactor,
    timeoutMs: number,
    exchange: HttpExchange,
  ) {
    const baseUrl = `${endpoint}/v1`;
    const dialect: ApiDialect = {
      authorize: async () => {
        const token = await authenticator.accessToken();
        return { token, headers: { Authorization: `Bearer ${token}` }, baseUrl };
      },
      renew: (token) => authenticator.renew(token),
      shownUrl: endpoint,
      fixedQuery: { version, generation: '2' },
      patchContentType: 'application/merge-patch+json',
      readError: readIbmError,
    };
    super(dialect, redactor, timeoutMs, exchange);
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
