import type { ErrorContext, EmulatorReply } from '../../../emulator-kit/emulated-cloud.js';
import { EmulatorProblem } from '../../../emulator-kit/problem.js';

/** The reason phrases Glance (webob) and Keystone put next to a status. */
const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  410: 'Gone',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export const titleOf = (status: number) => titles[status] ?? (status < 500 ? 'Client Error' : 'Server Error');

/** A refusal as Glance words it: a status and a sentence (there are no machine-readable codes, REF §9). */
export class GlanceError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A refusal of the identity service (Keystone's `{"error": {code, message, title}}`, REF §1). */
export class KeystoneError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new GlanceError(400, message);
export const forbidden = (message: string) => new GlanceError(403, message);
export const conflict = (message: string) => new GlanceError(409, message);
export const imageNotFound = (id: string) => new GlanceError(404, `No image found with ID ${id}`);
export const readOnly = (attribute: string) => new GlanceError(403, `Attribute '${attribute}' is read-only.`);
export const reserved = (attribute: string) => new GlanceError(403, `Attribute '${attribute}' is reserved.`);

/** The token check of every Glance call (keystonemiddleware answers it in Keystone's JSON shape). */
export const unauthenticated = () => new KeystoneError(401, 'The request you have made requires authentication.');

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A webob error body chosen by `Accept` (REF §9): HTML for `text/html` or `* / *` (and no Accept at all), JSON for
 * `application/json`, plain text otherwise.
 */
export function glanceErrorReply(status: number, message: string, accept: string | undefined): EmulatorReply {
  const code = `${status} ${titleOf(status)}`;
  const wanted = (accept ?? '*/*').toLowerCase();
  if (wanted.includes('text/html') || wanted.includes('*/*')) {
    const body = `<html>\n <head>\n  <title>${code}</title>\n </head>\n <body>\n  <h1>${code}</h1>\n  ${escapeHtml(message)}<br /><br />\n\n\n\n </body>\n</html>`;
    return { status, body, headers: { 'Content-Type': 'text/html; charset=UTF-8' } };
  }
  if (wanted.includes('application/json')) {
    return { status, body: { message, code, title: titleOf(status) }, headers: { 'Content-Type': 'application/json' } };
  }
  return { status, body: `${code}\n\n${message}\n\n   `, headers: { 'Content-Type': 'text/plain; charset=UTF-8' } };
}

function keystoneReply(status: number, message: string): EmulatorReply {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (status === 401) headers['WWW-Authenticate'] = 'Keystone uri="/v3"';
  return { status, body: { error: { code: status, message, title: titleOf(status) } }, headers };
}

const isIdentityPath = (path: string) => path === '/v3' || path.startsWith('/v3/');

/** Any error a request threw, in the shape of the service it went to (Keystone under /v3, Glance elsewhere). */
export function renderError(error: unknown, request: ErrorContext): EmulatorReply {
  const accept = request.headers.accept;
  if (error instanceof KeystoneError) return keystoneReply(error.status, error.message);
  let status = 500;
  let message = `The emulator failed: ${error instanceof Error ? error.message : String(error)}`;
  let headers: Record<string, string> = {};
  if (error instanceof GlanceError) {
    ({ status, message, headers } = error);
  } else if (error instanceof EmulatorProblem) {
    status = error.status;
    message =
      error.kind === 'injected'
        ? `${titleOf(status)} (injected by the emulator)`
        : error.kind === 'no-route'
          ? 'The resource could not be found.'
          : error.message;
  }
  if (isIdentityPath(request.path)) return keystoneReply(status, message);
  const reply = glanceErrorReply(status, message, accept);
  return { ...reply, headers: { ...reply.headers, ...headers } };
}
