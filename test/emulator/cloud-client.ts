import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/clouds/ibm-vpc/emulator/index.js';

/** A thin real-HTTP client for the emulator tests: fetches an IAM token, then calls /v1 and the test hooks. */

export const apiVersion = '2026-03-24';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestCloud {
  emulator: RunningEmulator;
  token: string;
  /** Calls `/v1${path}` with version and generation added. */
  api<T = any>(
    method: string,
    path: string,
    body?: unknown,
    options?: { query?: Record<string, string>; token?: string | null; contentType?: string },
  ): Promise<Reply<T>>;
  /** Calls `/emulator/v1${path}`. */
  hook<T = any>(method: string, path: string, body?: unknown): Promise<Reply<T>>;
  advance(seconds: number): Promise<void>;
  createImage(fields?: Record<string, unknown>): Promise<any>;
  /** Creates an image and moves the clock until it is available. */
  availableImage(fields?: Record<string, unknown>): Promise<any>;
  stop(): Promise<void>;
}

export async function fetchToken(url: string, apiKey: string): Promise<Reply> {
  const response = await fetch(`${url}/identity/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'urn:ibm:params:oauth:grant-type:apikey',
      apikey: apiKey,
      response_type: 'cloud_iam',
    }),
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

async function call(
  url: string,
  method: string,
  token: string | null,
  body: unknown,
  contentType = 'application/json',
): Promise<Reply> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = contentType;
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

let counter = 0;
export const uniqueName = (prefix = 'img') => `${prefix}-${process.pid}-${++counter}`;

export async function connect(emulator: RunningEmulator): Promise<TestCloud> {
  const tokenReply = await fetchToken(emulator.url, emulator.apiKey);
  const token = tokenReply.body.access_token as string;
  const cloud: TestCloud = {
    emulator,
    token,
    api(method, path, body, options = {}) {
      const query = new URLSearchParams({ version: apiVersion, generation: '2', ...options.query });
      const separator = path.includes('?') ? '&' : '?';
      return call(
        `${emulator.url}/v1${path}${separator}${query}`,
        method,
        options.token === undefined ? token : options.token,
        body,
        options.contentType,
      );
    },
    hook(method, path, body) {
      return call(`${emulator.url}/emulator/v1${path}`, method, token, body);
    },
    async advance(seconds) {
      const reply = await cloud.hook('POST', '/clock', { advance_seconds: seconds });
      if (reply.status !== 200) throw new Error(`clock: ${JSON.stringify(reply.body)}`);
    },
    async createImage(fields = {}) {
      const reply = await cloud.api('POST', '/images', {
        name: uniqueName(),
        file: { href: 'cos://us-south/images/base.qcow2' },
        operating_system: { name: 'ubuntu-24-04-amd64' },
        ...fields,
      });
      if (reply.status !== 201) throw new Error(`create: ${reply.status} ${JSON.stringify(reply.body)}`);
      return reply.body;
    },
    async availableImage(fields = {}) {
      const image = await cloud.createImage(fields);
      await cloud.advance(2);
      return (await cloud.api('GET', `/images/${image.id}`)).body;
    },
    stop: () => emulator.stop(),
  };
  return cloud;
}

/**
 * The cloud's clock is frozen unless a test asks otherwise: statuses then change only when the test moves the
 * clock, never with the real time a loaded machine takes between two requests.
 */
export async function startCloud(options: EmulatorOptions = {}): Promise<TestCloud> {
  return connect(await startEmulator({ frozenClock: true, ...options }));
}

export const cloudNow = (reply: Reply) => Date.parse(reply.headers.get('date')!);
export const errorCode = (reply: Reply) => reply.body?.errors?.[0]?.code as string | undefined;
