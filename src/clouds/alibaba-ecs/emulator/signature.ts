import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { EcsError } from './errors.js';

/** The one AccessKey pair the emulator accepts (DESIGN §6). */
export interface AccessKey {
  id: string;
  secret: string;
}

/** What the signature is computed over: the request as it arrived. */
export interface SignedRequest {
  method: string;
  /** The path as sent, before `?` (V3's canonical URI). */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body's form parameters (V2 signs them with the query's). */
  form: URLSearchParams | undefined;
}

/** How long a V2 `Timestamp` (and, CHOICE, a V3 `x-acs-date`) stays valid either side of now: REF §1, 31 minutes. */
export const timestampValidityMs = 31 * 60 * 1000;

/** RFC 3986 percent-encoding as the SDK applies it (CORE `encode`): encodeURIComponent plus `!'()*`. */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const incomplete = (why: string) =>
  new EcsError(400, 'IncompleteSignature', `The request signature is incomplete: ${why}`);
const mismatch = () =>
  new EcsError(400, 'SignatureDoesNotMatch', 'The request signature does not conform to Alibaba Cloud standards.');
const unknownKey = () => new EcsError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');

/**
 * Checks a request's signature, recomputed from the request itself: V3 `ACS3-HMAC-SHA256` in `Authorization`, or
 * the legacy RPC query signature (HMAC-SHA1, `Signature` in the query). `realNow` is the wall clock: clients sign
 * with theirs, not with the emulator's test clock (README "Signatures").
 */
export function verifySignature(request: SignedRequest, key: AccessKey, realNow: number, nonces: NonceLog): void {
  const authorization = request.headers.authorization;
  let nonce: string;
  if (typeof authorization === 'string' && authorization.startsWith('ACS3-')) {
    verifyV3(request, key, realNow);
    nonce = String(request.headers['x-acs-signature-nonce']);
  } else if (request.query.has('Signature') || request.form?.has('Signature')) {
    verifyV2(request, key, realNow);
    nonce = request.form?.get('SignatureNonce') ?? request.query.get('SignatureNonce')!;
  } else {
    throw incomplete('the request carries neither an ACS3-HMAC-SHA256 Authorization header nor a Signature parameter');
  }
  // Only a request whose signature is right uses its nonce up, so a forged one cannot block a real one.
  if (!nonces.use(nonce, realNow))
    throw new EcsError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
}

/**
 * The nonces of the last 2 × 31 minutes (REF §1 gives the nonce and the Timestamp window; a replay outside the
 * window fails on its timestamp): a signed request replayed is refused (CHOICE of the code, README "Signatures").
 */
export class NonceLog {
  private readonly seen = new Map<string, number>();

  use(nonce: string, realNow: number): boolean {
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, realNow);
    if (this.seen.size % 1024 === 0) {
      // Map keeps insertion order: the oldest entries come first.
      for (const [old, at] of this.seen) {
        if (at >= realNow - 2 * timestampValidityMs) break;
        this.seen.delete(old);
      }
    }
    return true;
  }
}

function checkInstant(value: string, name: string, realNow: number): void {
  const instant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(instant))
    throw new EcsError(400, 'InvalidTimeStamp.Format', `Specified ${name} is not valid (yyyy-MM-ddTHH:mm:ssZ, UTC).`);
  if (Math.abs(instant - realNow) > timestampValidityMs)
    throw new EcsError(400, 'InvalidTimeStamp.Expired', `Specified ${name} or date header is expired.`);
}

function verifyV3(request: SignedRequest, key: AccessKey, realNow: number): void {
  const header = String(request.headers.authorization);
  const match = /^(ACS3-[A-Z0-9-]+) (.*)$/.exec(header);
  const algorithm = match?.[1];
  if (algorithm !== 'ACS3-HMAC-SHA256') throw incomplete(`unsupported signature algorithm ${algorithm ?? ''}`);
  const parts = new Map<string, string>();
  for (const part of match![2]!.split(',')) {
    const at = part.indexOf('=');
    if (at > 0) parts.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const credential = parts.get('Credential');
  const signedHeaders = parts.get('SignedHeaders');
  const signature = parts.get('Signature');
  if (!credential || !signedHeaders || !signature)
    throw incomplete('Authorization needs Credential, SignedHeaders and Signature');
  if (credential !== key.id) throw unknownKey();
  const names = signedHeaders.split(';');
  for (const required of ['host', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'])
    if (!names.includes(required)) throw incomplete(`${required} must be signed`);
  const date = request.headers['x-acs-date'];
  checkInstant(typeof date === 'string' ? date : '', 'x-acs-date', realNow);

  const canonicalHeaders = names
    .map((name) => {
      const value = request.headers[name];
      if (value === undefined) throw incomplete(`the signed header ${name} is missing`);
      return `${name}:${(Array.isArray(value) ? value.join(',') : value).trim()}\n`;
    })
    .join('');
  const canonicalQuery = [...request.query]
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([a, x], [b, y]) => (a !== b ? (a < b ? -1 : 1) : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  // The payload hash is the body's, as received: a body changed after signing fails here.
  const canonicalRequest = [
    request.method,
    request.rawPath,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    sha256Hex(request.body),
  ].join('\n');
  const stringToSign = `${algorithm}\n${sha256Hex(canonicalRequest)}`;
  const expected = createHmac('sha256', key.secret).update(stringToSign).digest('hex');
  if (!sameText(expected, signature.toLowerCase())) throw mismatch();
}

function verifyV2(request: SignedRequest, key: AccessKey, realNow: number): void {
  const params = new Map<string, string>();
  for (const [name, value] of request.query) params.set(name, value);
  for (const [name, value] of request.form ?? []) params.set(name, value);
  for (const required of ['AccessKeyId', 'SignatureMethod', 'SignatureNonce', 'Timestamp'])
    if (!params.get(required)) throw incomplete(`${required} is required with a Signature`);
  if (params.get('AccessKeyId') !== key.id) throw unknownKey();
  if (params.get('SignatureMethod') !== 'HMAC-SHA1')
    throw incomplete(`unsupported SignatureMethod ${params.get('SignatureMethod')}`);
  checkInstant(params.get('Timestamp')!, 'Timestamp', realNow);
  const signature = params.get('Signature')!;
  params.delete('Signature');
  const canonical = [...params]
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const stringToSign = `${request.method}&${percentEncode('/')}&${percentEncode(canonical)}`;
  const expected = createHmac('sha1', `${key.secret}&`).update(stringToSign).digest('base64');
  if (!sameText(expected, signature)) throw mismatch();
}
