import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { SignableRequest } from '../../cloud-kit/api-transport.js';

export const SIGNATURE_ALGORITHM = 'ACS3-HMAC-SHA256';

/** RFC 3986 percent-encoding, as Alibaba Cloud's signatures use it: encodeURIComponent, and `!'()*` too. */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const sha256Hex = (data: string) => createHash('sha256').update(data).digest('hex');

/**
 * Signature V3 (reference §1): a canonical request of method, path, sorted query, the signed headers and the
 * body's hash; its SHA-256 is signed with HMAC-SHA256 under the AccessKey secret, which is never sent. Returns the
 * headers to add: the `x-acs-*` ones and `Authorization`.
 */
export function acs3SignatureHeaders(
  request: SignableRequest & { action: string; version: string },
  accessKey: { id: string; secret: string },
  now: Date = new Date(),
): Record<string, string> {
  const host = new URL(request.baseUrl).host;
  const signed: Record<string, string> = {
    host,
    'x-acs-action': request.action,
    'x-acs-content-sha256': sha256Hex(request.body),
    'x-acs-date': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': randomUUID(),
    'x-acs-version': request.version,
  };
  const names = Object.keys(signed).sort();
  const canonicalQuery = [...request.query]
    .map(([key, value]) => [percentEncode(key), percentEncode(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const canonicalRequest = [
    request.method,
    request.path,
    canonicalQuery,
    names.map((name) => `${name}:${signed[name]!.trim()}\n`).join(''),
    names.join(';'),
    signed['x-acs-content-sha256'],
  ].join('\n');
  const stringToSign = `${SIGNATURE_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac('sha256', accessKey.secret).update(stringToSign).digest('hex');
  return {
    ...signed,
    Authorization: `${SIGNATURE_ALGORITHM} Credential=${accessKey.id},SignedHeaders=${names.join(';')},Signature=${signature}`,
  };
}
