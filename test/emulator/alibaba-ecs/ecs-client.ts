import { createHash, createHmac, randomUUID } from 'node:crypto';
import EcsModule, * as $Ecs from '@alicloud/ecs20140526';
import * as $OpenApi from '@alicloud/openapi-core';
import {
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../../src/clouds/alibaba-ecs/emulator/index.js';

/**
 * What the alibaba-ecs emulator tests share: the official client (`@alicloud/ecs20140526`) configured as
 * DESIGN §6 says, and a plain-fetch RPC caller that signs requests itself (V3 or the legacy HMAC-SHA1), for what
 * the SDK cannot send (bad signatures, form bodies, paging edges).
 */
type EcsClient = typeof EcsModule.default;
// The package is CommonJS with `exports.default = Client`: Node's ESM loader gives the exports object, vitest's
// interop may give the class itself.
const loaded = EcsModule as unknown as { default?: EcsClient };
export const Ecs: EcsClient = loaded.default ?? (EcsModule as unknown as EcsClient);
export { $Ecs };
export const ACCESS_KEY_ID = 'imageform-emulator';
export const SECRET = 'test-secret-do-not-print';

export function sdkClient(
  emulator: RunningEmulator,
  options: { secret?: string; signatureAlgorithm?: string; accessKeyId?: string } = {},
) {
  const config = new $OpenApi.$OpenApiUtil.Config({
    accessKeyId: options.accessKeyId ?? ACCESS_KEY_ID,
    accessKeySecret: options.secret ?? emulator.apiKey,
    endpoint: `127.0.0.1:${emulator.port}`,
    protocol: 'http',
    regionId: 'cn-hangzhou',
    ...(options.signatureAlgorithm ? { signatureAlgorithm: options.signatureAlgorithm } : {}),
  });
  return new Ecs(config);
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ apiKey: SECRET, ...options });
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const isoSeconds = (instant = Date.now()) => new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface RpcOptions {
  method?: 'GET' | 'POST';
  /** `v3` (default), `v2` (query Signature), or `none`. */
  sign?: 'v3' | 'v2' | 'none';
  secret?: string;
  accessKeyId?: string;
  /** Send the parameters as a form body rather than in the query string. */
  form?: boolean;
  /** Change the request after it was signed. */
  tamper?: (request: { query: URLSearchParams; headers: Record<string, string>; body: string }) => void;
  timestamp?: string;
  path?: string;
}

/** One signed RPC call made with fetch; parameters are ECS's flat names (`Tag.1.Key`). */
export async function rpc<T = any>(
  emulator: RunningEmulator,
  action: string,
  params: Record<string, string | number | boolean> = {},
  options: RpcOptions = {},
): Promise<Reply<T>> {
  const method = options.method ?? 'POST';
  const sign = options.sign ?? 'v3';
  const secret = options.secret ?? emulator.apiKey;
  const keyId = options.accessKeyId ?? ACCESS_KEY_ID;
  const path = options.path ?? '/';
  const host = `127.0.0.1:${emulator.port}`;
  const flat: Record<string, string> = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const headers: Record<string, string> = {};
  let query = new URLSearchParams();
  let body = '';
  const put = (values: Record<string, string>) => {
    if (options.form)
      body = new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(body)), ...values }).toString();
    else for (const [k, v] of Object.entries(values)) query.set(k, v);
  };
  if (options.form) headers['content-type'] = 'application/x-www-form-urlencoded';

  if (sign === 'v2') {
    put({
      ...flat,
      Action: action,
      Version: '2014-05-26',
      Format: 'json',
      AccessKeyId: keyId,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: randomUUID(),
      Timestamp: options.timestamp ?? isoSeconds(),
    });
    const all = [...query, ...new URLSearchParams(body)]
      .map(([k, v]) => [encode(k), encode(v)])
      .sort(([a], [b]) => (a! < b! ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const signature = createHmac('sha1', `${secret}&`)
      .update(`${method}&${encode('/')}&${encode(all)}`)
      .digest('base64');
    query.set('Signature', signature);
  } else {
    put(flat);
    headers['x-acs-action'] = action;
    headers['x-acs-version'] = '2014-05-26';
    if (sign === 'v3') {
      headers.host = host;
      headers['x-acs-date'] = options.timestamp ?? isoSeconds();
      headers['x-acs-signature-nonce'] = randomUUID();
      headers['x-acs-content-sha256'] = sha256(body);
      const names = Object.keys(headers)
        .filter((name) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-'))
        .sort();
      // Sorted by name, as the SDK sorts its query's keys (not by the joined `name=value` text).
      const canonicalQuery = [...query]
        .map(([k, v]) => [encode(k), encode(v)] as const)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${v}`)
        .join('&');
      const canonical = [
        method,
        path,
        canonicalQuery,
        names.map((name) => `${name}:${headers[name]!.trim()}\n`).join(''),
        names.join(';'),
        sha256(body),
      ].join('\n');
      const signature = createHmac('sha256', secret)
        .update(`ACS3-HMAC-SHA256\n${sha256(canonical)}`)
        .digest('hex');
      headers.authorization = `ACS3-HMAC-SHA256 Credential=${keyId},SignedHeaders=${names.join(';')},Signature=${signature}`;
    }
  }
  const request = { query, headers, body };
  options.tamper?.(request);
  query = request.query;
  const { host: _host, ...sent } = request.headers;
  const search = query.toString().replace(/\+/g, '%20');
  const response = await fetch(`${emulator.url}${path}${search ? `?${search}` : ''}`, {
    method,
    headers: sent,
    ...(method === 'POST' && request.body ? { body: request.body } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/** Calls a test endpoint with `Authorization: Bearer KEY`. */
export async function hook<T = any>(
  emulator: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<Reply<T>> {
  const response = await fetch(`${emulator.url}/emulator/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${emulator.apiKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

export async function advance(emulator: RunningEmulator, seconds: number): Promise<void> {
  const reply = await hook(emulator, 'POST', '/clock', { advance_seconds: seconds });
  if (reply.status !== 200) throw new Error(`clock: ${reply.status} ${JSON.stringify(reply.body)}`);
}

/** Imports an image (plain RPC) and returns its ids; the emulator's clock decides when it is Available. */
export async function importImage(
  emulator: RunningEmulator,
  params: Record<string, string | number | boolean> = {},
  region = 'cn-hangzhou',
): Promise<{ ImageId: string; TaskId: string }> {
  const reply = await rpc(emulator, 'ImportImage', {
    RegionId: region,
    'DiskDeviceMapping.1.OSSBucket': 'images',
    'DiskDeviceMapping.1.OSSObject': 'web.qcow2',
    ...params,
  });
  if (reply.status !== 200) throw new Error(`ImportImage: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}
