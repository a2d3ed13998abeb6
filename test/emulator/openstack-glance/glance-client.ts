import {
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../../src/clouds/openstack-glance/emulator/index.js';

/** A thin real-HTTP client for the Glance emulator tests: a Keystone token, then Glance calls and the test hooks. */

export interface Reply<T = any> {
  status: number;
  /** JSON when the answer is JSON, else the text. */
  body: T;
  text: string;
  headers: Headers;
}

export interface CallOptions {
  token?: string | null;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
  /** Sent as it is (a Buffer or string); otherwise `body` is JSON. */
  raw?: Buffer | string;
}

export async function call(url: string, method: string, body?: unknown, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json', ...options.headers };
  if (options.token) headers['X-Auth-Token'] = options.token;
  let payload: string | Buffer | undefined;
  if (options.raw !== undefined) payload = options.raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
  const response = await fetch(url, { method, headers, body: payload });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
  return { status: response.status, body: parsed, text, headers: response.headers };
}

/** Keystone v3 password authentication as DESIGN §6 gives it: admin / Default / project admin / KEY. */
export function passwordAuth(
  password: string,
  project: Record<string, unknown> = { name: 'admin', domain: { name: 'Default' } },
) {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: 'admin', domain: { name: 'Default' }, password } },
      },
      scope: { project },
    },
  };
}

export const jsonPatch = 'application/openstack-images-v2.1-json-patch';

export interface TestGlance {
  emulator: RunningEmulator;
  token: string;
  url: string;
  /** Calls Glance (`path` starts /v2) with the token. */
  api<T = any>(method: string, path: string, body?: unknown, options?: CallOptions): Promise<Reply<T>>;
  /** Calls `/emulator/v1${path}` with `Authorization: Bearer KEY`. */
  hook<T = any>(method: string, path: string, body?: unknown): Promise<Reply<T>>;
  advance(seconds: number): Promise<void>;
  createImage(fields?: Record<string, unknown>): Promise<any>;
  patch(id: string, operations: unknown): Promise<Reply>;
  /** Creates an image, uploads `data` and moves the clock until it is active. */
  activeImage(fields?: Record<string, unknown>, data?: Buffer): Promise<any>;
  stop(): Promise<void>;
}

export async function issueToken(url: string, password: string): Promise<string> {
  const reply = await call(`${url}/v3/auth/tokens`, 'POST', passwordAuth(password));
  if (reply.status !== 201) throw new Error(`token: ${reply.status} ${reply.text}`);
  return reply.headers.get('x-subject-token')!;
}

export async function connect(emulator: RunningEmulator): Promise<TestGlance> {
  const token = await issueToken(emulator.url, emulator.apiKey);
  const glance: TestGlance = {
    emulator,
    token,
    url: emulator.url,
    api: (method, path, body, options = {}) =>
      call(`${emulator.url}${path}`, method, body, {
        token: options.token === undefined ? token : options.token,
        ...options,
      }),
    hook: (method, path, body) =>
      call(`${emulator.url}/emulator/v1${path}`, method, body, {
        headers: { Authorization: `Bearer ${emulator.apiKey}` },
      }),
    async advance(seconds) {
      const reply = await glance.hook('POST', '/clock', { advance_seconds: seconds });
      if (reply.status !== 200) throw new Error(`clock: ${reply.text}`);
    },
    async createImage(fields = {}) {
      const reply = await glance.api('POST', '/v2/images', { disk_format: 'raw', container_format: 'bare', ...fields });
      if (reply.status !== 201) throw new Error(`create: ${reply.status} ${reply.text}`);
      return reply.body;
    },
    patch: (id, operations) => glance.api('PATCH', `/v2/images/${id}`, operations, { contentType: jsonPatch }),
    async activeImage(fields = {}, data = Buffer.from('image data')) {
      const image = await glance.createImage(fields);
      const upload = await glance.api('PUT', `/v2/images/${image.id}/file`, undefined, {
        raw: data,
        contentType: 'application/octet-stream',
      });
      if (upload.status !== 204) throw new Error(`upload: ${upload.status} ${upload.text}`);
      await glance.advance(5);
      return (await glance.api('GET', `/v2/images/${image.id}`)).body;
    },
    stop: () => emulator.stop(),
  };
  return glance;
}

/** The cloud's clock is frozen: statuses change only when the test moves it. */
export async function startGlance(options: EmulatorOptions = {}): Promise<TestGlance> {
  return connect(await startEmulator({ frozenClock: true, ...options }));
}
