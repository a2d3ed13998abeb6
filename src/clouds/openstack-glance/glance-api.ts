import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PassThrough, Readable, Transform } from 'node:stream';
import { ApiCaller, ignoreNotFound } from '../../cloud-kit/api-caller.js';
import { ApiTransport, type ApiDialect } from '../../cloud-kit/api-transport.js';
import { isObject, oneLine } from '../../cloud-kit/answer-text.js';
import { HttpExchange } from '../../cloud-kit/http-exchange.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../cloud-kit/retry.js';
import { SecretRedactor } from '../../core/secret-redactor.js';
import type { CloudClient } from '../../engine/cloud.js';
import { KeystoneSession, type KeystoneCredentials } from './keystone-session.js';

/** An image as Glance v2 returns it: base fields always present (null when unset), custom properties as strings. */
export interface GlanceImage {
  id: string;
  name: string | null;
  status: string;
  visibility: string;
  protected: boolean;
  os_hidden: boolean;
  disk_format: string | null;
  container_format: string | null;
  min_disk: number;
  min_ram: number;
  tags: string[];
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  size: number | null;
  created_at: string;
  updated_at: string;
  /** Custom properties (`os_distro`, `imageform_deprecation_at`, Glance's own `os_glance_*`). */
  [property: string]: unknown;
}

/** What an upload sent: its size and digests (Glance's default store computes the same, reference §3). */
export interface UploadedData {
  size: number;
  md5: string;
  sha512: string;
}

/** One operation of Glance's JSON patch (reference §6: add, remove and replace only). */
export type ImagePatchOperation =
  { op: 'add' | 'replace'; path: string; value: unknown } | { op: 'remove'; path: string };

export interface GlanceApiOptions extends KeystoneCredentials {
  requestTimeoutMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
  /** Images a list page asks for (Glance caps it at its `api_limit_max`, 1000 by default). */
  pageSize?: number;
  /** Said after a refused credential, e.g. "check the password in OS_PASSWORD". */
  credentialHint?: string;
  /** Called once the client is closed (the embedded emulator stops). */
  onClose?: () => Promise<void>;
  /** Where variables a document names (`source.password_env`) are read at apply time. */
  env?: NodeJS.ProcessEnv;
}

const PATCH_MEDIA_TYPE = 'application/openstack-images-v2.1-json-patch';
/** Ids one `id=in:` filter names: 50 UUIDs keep the URL under 2 KB, well within what proxies pass. */
const IDS_PER_LIST = 50;

/**
 * Glance v2 through a Keystone token (reference §1-§8): each call with retries and one-line errors, a list read
 * whole by following `next` (hidden images too, which the default list leaves out), creates with an id imageform
 * chose so that a lost answer is settled by reading that id back.
 */
export class GlanceApi implements CloudClient {
  private readonly keystone: KeystoneSession;
  private readonly transport: ApiTransport;
  private readonly caller: ApiCaller;
  private readonly pageSize: number;
  private readonly redactor: SecretRedactor;
  private closed = false;

  constructor(private readonly options: GlanceApiOptions) {
    const timeoutMs = options.requestTimeoutMs ?? 30_000;
    const redactor = new SecretRedactor(options.password);
    this.redactor = redactor;
    const exchange = new HttpExchange();
    this.keystone = new KeystoneSession(options, redactor, timeoutMs, exchange);
    const dialect: ApiDialect = {
      authorize: async () => {
        const token = await this.keystone.token();
        return { token: token.value, headers: { 'X-Auth-Token': token.value }, baseUrl: token.imageEndpoint };
      },
      renew: (token) => this.keystone.renew(token),
      patchContentType: PATCH_MEDIA_TYPE,
      readError: readGlanceError,
    };
    this.transport = new ApiTransport(dialect, redactor, timeoutMs, exchange);
    const policy: RetryPolicy = {
      ...DEFAULT_RETRY_POLICY,
      maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
      baseDelayMs: options.retryBaseMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    };
    this.caller = new ApiCaller(
      this.transport,
      policy,
      options.credentialHint ?? `check the Keystone user ${options.username} and its password`,
    );
    this.pageSize = options.pageSize ?? 1000;
  }

  get requestCount(): number {
    return this.caller.requestCount;
  }

  /** A variable a document names, read when it is needed (a download password: never stored, never printed). */
  variable(name: string): string | undefined {
    return this.options.env?.[name];
  }

  get tokenRequestCount(): number {
    return this.keystone.tokenRequests;
  }

  /** The cloud's time, from the latest `Date` header (one request when there is none yet). */
  async now(): Promise<Date> {
    const recent = this.transport.cloudNow(1_000);
    if (recent) return recent;
    await this.caller.call('read the cloud time', { method: 'GET', path: '/v2/images', query: { limit: 1 } });
    return this.transport.cloudNow(Number.POSITIVE_INFINITY) ?? new Date();
  }

  /** Every image the project sees, hidden ones included (two listings: Glance lists hidden images only when asked). */
  async listImages(): Promise<GlanceImage[]> {
    const [shown, hidden] = await Promise.all([this.listAll('false'), this.listAll('true')]);
    return [...shown, ...hidden];
  }

  /**
   * The images of these ids in as few requests as Glance allows (`id=in:...`, reference §8), hidden or not; an id
   * missing from the answer is gone.
   */
  async listImagesById(ids: readonly string[]): Promise<GlanceImage[]> {
    const found: GlanceImage[] = [];
    for (let start = 0; start < ids.length; start += IDS_PER_LIST) {
      const batch = ids.slice(start, start + IDS_PER_LIST);
      const shown = await this.listAll('false', { id: `in:${batch.join(',')}` });
      found.push(...shown);
      const seen = new Set(shown.map((image) => image.id));
      const rest = batch.filter((id) => !seen.has(id));
      if (rest.length) found.push(...(await this.listAll('true', { id: `in:${rest.join(',')}` })));
    }
    return found;
  }

  getImage(id: string): Promise<GlanceImage | undefined> {
    return this.caller.callOrUndefined<GlanceImage>(`get image ${id}`, { method: 'GET', path: imagePath(id) });
  }

  /** POST /v2/images with `record.id` chosen by the caller: after a lost answer, the image with that id is this call's. */
  createImage(record: { id: string } & Record<string, unknown>): Promise<GlanceImage> {
    return this.caller.call<GlanceImage>(
      `create image ${record.id}`,
      { method: 'POST', path: '/v2/images', body: record },
      { settle: () => this.getImage(record.id) },
    );
  }

  updateImage(id: string, operations: readonly ImagePatchOperation[]): Promise<GlanceImage> {
    return this.caller.call<GlanceImage>(`update image ${id}`, {
      method: 'PATCH',
      path: imagePath(id),
      body: operations,
    });
  }

  /** DELETE; an image already gone counts as deleted. */
  deleteImage(id: string): Promise<void> {
    return ignoreNotFound(
      this.caller.call<unknown>(
        `delete image ${id}`,
        { method: 'DELETE', path: imagePath(id) },
        { settle: async () => ((await this.getImage(id)) === undefined ? true : undefined) },
      ),
    );
  }

  /**
   * PUT /v2/images/{id}/file, streamed from `path` (never held in memory or copied to a cache folder), with the
   * md5 and sha512 of what was sent, for comparing with the cloud's `checksum` and `os_hash_value`. After a lost
   * answer, an image that is saving or active with this size took the data.
   */
  async uploadFile(id: string, path: string, onProgress?: (sentBytes: number) => void): Promise<UploadedData> {
    const { size } = await stat(path);
    return this.uploadStream(id, () => createReadStream(path), size, onProgress);
  }

  /**
   * The data of `url` streamed straight into the upload (DESIGN.md §8.2: a source with credentials never goes
   * through web-download, whose URI the cloud would keep; nothing is written to a cache folder). Basic
   * authentication when a user is given; the password only ever goes to that URL.
   */
  async uploadFromUrl(
    id: string,
    url: string,
    credentials: { username: string; password: string } | undefined,
    onProgress?: (sentBytes: number) => void,
  ): Promise<UploadedData> {
    if (credentials) this.redactor.addToken(credentials.password);
    const headers: Record<string, string> = credentials
      ? { Authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` }
      : {};
    const open = (): Readable => {
      const relay = new PassThrough();
      fetch(url, { headers }).then(
        (answer) => {
          if (!answer.ok || !answer.body)
            relay.destroy(new Error(`the download of ${safeUrl(url)} answered HTTP ${answer.status}`));
          else Readable.fromWeb(answer.body as import('node:stream/web').ReadableStream).pipe(relay);
        },
        (error: unknown) => relay.destroy(new Error(`the download of ${safeUrl(url)} failed: ${String(error)}`)),
      );
      return relay;
    };
    return this.uploadStream(id, open, undefined, onProgress);
  }

  /** PUT .../file from a source each attempt opens anew, digesting what goes out; settled by the image's size. */
  private async uploadStream(
    id: string,
    openSource: () => Readable,
    size: number | undefined,
    onProgress?: (sentBytes: number) => void,
  ): Promise<UploadedData> {
    let digests: { md5: Hash; sha512: Hash; sent: number } | undefined;
    const open = (): Readable => {
      const current = { md5: createHash('md5'), sha512: createHash('sha512'), sent: 0 };
      digests = current;
      const counting = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          current.md5.update(chunk);
          current.sha512.update(chunk);
          current.sent += chunk.length;
          onProgress?.(current.sent);
          done(null, chunk);
        },
      });
      const source = openSource();
      source.on('error', (error) => counting.destroy(error));
      return source.pipe(counting);
    };
    await this.caller.call<unknown>(
      `upload the data of image ${id}`,
      {
        method: 'PUT',
        path: `${imagePath(id)}/file`,
        upload: { open, ...(size === undefined ? {} : { length: size }), contentType: 'application/octet-stream' },
      },
      {
        settle: async () => {
          const image = await this.getImage(id);
          const took = image && (image.status === 'saving' || image.status === 'active');
          return took && (size === undefined || image.size === size) ? true : undefined;
        },
      },
    );
    return { size: digests!.sent, md5: digests!.md5.digest('hex'), sha512: digests!.sha512.digest('hex') };
  }

  /** Deactivated: the data cannot be read, so nothing new boots from it (imageform's obsolete). */
  async deactivateImage(id: string): Promise<void> {
    await this.caller.call<unknown>(`deactivate image ${id}`, {
      method: 'POST',
      path: `${imagePath(id)}/actions/deactivate`,
    });
  }

  async reactivateImage(id: string): Promise<void> {
    await this.caller.call<unknown>(`reactivate image ${id}`, {
      method: 'POST',
      path: `${imagePath(id)}/actions/reactivate`,
    });
  }

  /** The import methods the cloud offers (`web-download`, `glance-direct`, ...); none when imports are off. */
  async importMethods(): Promise<string[]> {
    const info = await this.caller.callOrUndefined<{ 'import-methods'?: { value?: unknown } }>('read import methods', {
      method: 'GET',
      path: '/v2/info/import',
    });
    const methods = info?.['import-methods']?.value;
    return Array.isArray(methods) ? methods.filter((method): method is string => typeof method === 'string') : [];
  }

  /** Glance fetches the data itself (202; the image goes importing, then active or back to queued). */
  async importFromUrl(id: string, uri: string): Promise<void> {
    await this.caller.call<unknown>(`import image ${id} by web-download`, {
      method: 'POST',
      path: `${imagePath(id)}/import`,
      body: { method: { name: 'web-download', uri } },
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.caller.close();
    await this.options.onClose?.();
  }

  /** One listing followed through `next` until a page has none. */
  private async listAll(hidden: 'true' | 'false', filter: Record<string, string> = {}): Promise<GlanceImage[]> {
    const images: GlanceImage[] = [];
    let query: Record<string, string> = { limit: String(this.pageSize), os_hidden: hidden, ...filter };
    for (;;) {
      const page = await this.caller.call<{ images?: GlanceImage[]; next?: string }>('list images', {
        method: 'GET',
        path: '/v2/images',
        query,
      });
      images.push(...(page.images ?? []));
      if (typeof page.next !== 'string') return images;
      // `next` keeps the other parameters and adds the marker (reference §8).
      query = Object.fromEntries(new URL(page.next, 'http://next.invalid').searchParams);
    }
  }
}

function imagePath(id: string): string {
  return `/v2/images/${encodeURIComponent(id)}`;
}

/**
 * Glance's errors have no codes (reference §9): the JSON body (asked for with `Accept: application/json`) is
 * `{message, code: "403 Forbidden", title}`; a proxy or an older cloud may send HTML or plain text instead.
 */
function readGlanceError(
  body: unknown,
  status: number,
  statusText: string | undefined,
): { code: string; message: string } {
  const code = `http_${status}`;
  if (isObject(body)) {
    const nested = isObject(body.error) ? body.error : body; // Keystone's middleware: {"error": {message, ...}}
    if (typeof nested.message === 'string') return { code, message: oneLine(nested.message) };
  }
  if (typeof body === 'string') {
    const text = oneLine(body.replace(/<[^>]*>/g, ' ').replace(/^\d{3} [A-Za-z ]+?(?= {2}|$)/, ''));
    if (text !== '') return { code, message: text };
  }
  return { code, message: statusText ?? `HTTP ${status}` };
}

/** A URL as messages show it: without any user or password it carries. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(the source URL)';
  }
}
