import { CloudError } from './api-types.js';
import type {
  CloudExportJob,
  CloudImage,
  CreateOptions,
  ExportJobPrototype,
  ImageFilter,
  ImagePatch,
  ImagePrototype,
  IbmVpcClient,
} from './api-types.js';
import { ApiCaller, ignoreNotFound } from '../../cloud-kit/api-caller.js';
import { HttpExchange } from '../../cloud-kit/http-exchange.js';
import { RenewableIamAuthenticator } from './renewable-iam-authenticator.js';
import { DEFAULT_RETRY_POLICY, type RetryHooks, type RetryPolicy } from '../../cloud-kit/retry.js';
import { SecretRedactor } from '../../core/secret-redactor.js';
import { VpcTransport } from './vpc-transport.js';
import { readPages, startToken } from './page-reader.js';

export const DEFAULT_API_VERSION = '2026-03-24';
const PAGE_LIMIT = 100;
/** How far before our call a lifecycle date may lie and still count as set by it (clock granularity, time scale). */
const LIFECYCLE_SETTLE_SLACK_MS = 60_000;

export interface IbmVpcProviderOptions {
  /** Base URL without `/v1`, e.g. https://us-south.iaas.cloud.ibm.com. */
  endpoint: string;
  /** The token URL is `${iamEndpoint}/identity/token`. */
  iamEndpoint: string;
  apiKey: string;
  /** The `version` query parameter (YYYY-MM-DD). */
  version?: string;
  /** Attempts per call, the first included (default 10). */
  maxAttempts?: number;
  /** First backoff step in ms (default 50; doubles up to 2 s). */
  retryBaseMs?: number;
  /** Per-request timeout in ms (default 30 s). */
  requestTimeoutMs?: number;
  /** Named in credential errors so the user knows which variable to fix (default IBMCLOUD_API_KEY). */
  apiKeyEnv?: string;
  /** Replaces the "check the API key in VAR" advice of credential errors (the embedded emulator has no variable). */
  credentialHint?: string;
  /** How old the latest `Date` header may be before now() asks the cloud again (default 1 s). */
  clockMaxAgeMs?: number;
  /** Runs after the client is closed (the embedded emulator stops here). */
  onClose?: () => Promise<void>;
}

interface ImageCollection {
  images: CloudImage[];
  next?: { href: string };
}

/** The IBM Cloud VPC Images API over HTTP, with retries that never create twins. */
export function createIbmVpcProvider(options: IbmVpcProviderOptions): IbmVpcClient {
  return new IbmVpcProvider(options);
}

class IbmVpcProvider implements IbmVpcClient {
  private readonly transport: VpcTransport;
  private readonly authenticator: RenewableIamAuthenticator;
  private readonly caller: ApiCaller;
  private readonly clockMaxAgeMs: number;
  private closed = false;

  constructor(private readonly options: IbmVpcProviderOptions) {
    const endpoint = options.endpoint.replace(/\/+$/, '').replace(/\/v1$/, '');
    const iamEndpoint = options.iamEndpoint.replace(/\/+$/, '').replace(/\/identity\/token$/, '');
    const timeoutMs = options.requestTimeoutMs ?? 30_000;
    const redactor = new SecretRedactor(options.apiKey);
    // One pool of keep-alive connections for the API and IAM (often the same host).
    const exchange = new HttpExchange();
    this.authenticator = new RenewableIamAuthenticator(options.apiKey, iamEndpoint, redactor, timeoutMs, exchange);
    this.transport = new VpcTransport(
      endpoint,
      options.version ?? DEFAULT_API_VERSION,
      this.authenticator,
      redactor,
      timeoutMs,
      exchange,
    );
    const policy: RetryPolicy = {
      ...DEFAULT_RETRY_POLICY,
      maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
      baseDelayMs: options.retryBaseMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    };
    const credentialHint = options.credentialHint ?? `check the API key in ${options.apiKeyEnv ?? 'IBMCLOUD_API_KEY'}`;
    this.caller = new ApiCaller(this.transport, policy, credentialHint);
    this.clockMaxAgeMs = options.clockMaxAgeMs ?? 1_000;
  }

  get requestCount(): number {
    return this.transport.requestCount;
  }

  /** Token exchanges made so far (tests check that long waits renew the token). */
  get tokenRequestCount(): number {
    return this.authenticator.tokenRequests;
  }

  async now(): Promise<Date> {
    const recent = this.transport.cloudNow(this.clockMaxAgeMs);
    if (recent) return recent;
    // The cheapest authenticated call; only its Date header matters.
    await this.caller.call('read the cloud time', { method: 'GET', path: '/images', query: { limit: 1 } });
    return this.transport.cloudNow(Number.POSITIVE_INFINITY) ?? new Date();
  }

  async listImages(filter: ImageFilter = {}, onPage?: (images: readonly CloudImage[]) => void): Promise<CloudImage[]> {
    const query = {
      limit: PAGE_LIMIT,
      name: filter.name,
      status: filter.status?.join(','),
      visibility: filter.visibility,
      'resource_group.id': filter.resource_group_id,
    };
    const images: CloudImage[] = [];
    await readPages<ImageCollection>(
      (start, peek) =>
        this.caller.call('list images', { method: 'GET', path: '/images', query: { ...query, start }, peek }),
      (page) => {
        const found = page.images ?? [];
        images.push(...found);
        onPage?.(found);
        return startToken(page.next?.href);
      },
      (start) =>
        new CloudError(
          `list images: the cloud returned page token "${start}" twice`,
          0,
          'pagination_loop',
          'list images',
        ),
    );
    return images;
  }

  getImage(id: string): Promise<CloudImage | undefined> {
    return this.caller.callOrUndefined<CloudImage>(`get image ${id}`, { method: 'GET', path: `/images/${enc(id)}` });
  }

  createImage(prototype: ImagePrototype, options: CreateOptions = {}): Promise<CloudImage> {
    const name = prototype.name;
    const operation = options.describe ?? (name ? `create image "${name}"` : 'create image');
    // The caller sends a create key as the name: an image with it after a lost answer is the one this call made.
    // A refusal as "not unique" after a lost answer is settled the same way (the earlier attempt took the name).
    const hooks: RetryHooks<CloudImage> = name
      ? { settle: this.settleAs(operation, () => this.findImageByName(name)) }
      : { giveUpOnAmbiguous: true };
    return this.caller.call<CloudImage>(operation, { method: 'POST', path: '/images', body: prototype }, hooks);
  }

  updateImage(id: string, patch: ImagePatch): Promise<CloudImage> {
    // A merge patch sets absolute values: sending it twice is harmless.
    return this.caller.call<CloudImage>(`update image ${id}`, {
      method: 'PATCH',
      path: `/images/${enc(id)}`,
      body: patch,
    });
  }

  async deleteImage(id: string): Promise<void> {
    const operation = `delete image ${id}`;
    await ignoreNotFound(
      this.caller.call<unknown>(
        operation,
        { method: 'DELETE', path: `/images/${enc(id)}` },
        {
          settle: async () => {
            const image = await this.getImage(id);
            return image === undefined || image.status === 'deleting' ? true : undefined;
          },
        },
      ),
    );
  }

  deprecateImage(id: string): Promise<void> {
    return this.lifecycleAction(id, 'deprecate', 'deprecated', 'deprecation_at');
  }

  obsoleteImage(id: string): Promise<void> {
    return this.lifecycleAction(id, 'obsolete', 'obsolete', 'obsolescence_at');
  }

  async listExportJobs(imageId: string): Promise<CloudExportJob[]> {
    const body = await this.caller.call<{ export_jobs: CloudExportJob[] }>(`list export jobs of image ${imageId}`, {
      method: 'GET',
      path: `/images/${enc(imageId)}/export_jobs`,
    });
    return (body.export_jobs ?? []).map(withoutDataKey);
  }

  async getExportJob(imageId: string, jobId: string): Promise<CloudExportJob | undefined> {
    const job = await this.caller.callOrUndefined<CloudExportJob>(`get export job ${jobId} of image ${imageId}`, {
      method: 'GET',
      path: `/images/${enc(imageId)}/export_jobs/${enc(jobId)}`,
    });
    return job && withoutDataKey(job);
  }

  async createExportJob(
    imageId: string,
    prototype: ExportJobPrototype,
    options: CreateOptions = {},
  ): Promise<CloudExportJob> {
    const name = prototype.name;
    const operation =
      options.describe ??
      (name ? `create export job "${name}" of image ${imageId}` : `create export job of image ${imageId}`);
    // Job names are unique within their image; whether a job found by name is this call's is the caller's to say.
    const hooks: RetryHooks<CloudExportJob> = name
      ? {
          settle: this.settleAs(operation, async () => {
            const found = await this.findExportJobByName(imageId, name);
            if (!found || options.nameIsKey !== false) return found;
            const target = options.importAs ?? 'ADDRESS';
            throw new CloudError(
              `${operation}: its answer was lost, and export job "${name}" (${found.id}) of image ${imageId} may be another state's, ` +
                `which exports the same image: to manage it, import it with "imageform import ${target} ${imageId}/${found.id}", or give the job another name`,
              0,
              'owner_unproven',
              operation,
            );
          }),
        }
      : { giveUpOnAmbiguous: true };
    const job = await this.caller.call<CloudExportJob>(
      operation,
      { method: 'POST', path: `/images/${enc(imageId)}/export_jobs`, body: prototype },
      hooks,
    );
    return withoutDataKey(job);
  }

  async updateExportJob(imageId: string, jobId: string, patch: { name: string }): Promise<CloudExportJob> {
    const job = await this.caller.call<CloudExportJob>(`update export job ${jobId} of image ${imageId}`, {
      method: 'PATCH',
      path: `/images/${enc(imageId)}/export_jobs/${enc(jobId)}`,
      body: patch,
    });
    return withoutDataKey(job);
  }

  async deleteExportJob(imageId: string, jobId: string): Promise<void> {
    await ignoreNotFound(
      this.caller.call<unknown>(
        `delete export job ${jobId} of image ${imageId}`,
        { method: 'DELETE', path: `/images/${enc(imageId)}/export_jobs/${enc(jobId)}` },
        {
          settle: async () => {
            const job = await this.getExportJob(imageId, jobId);
            return job === undefined || job.status === 'deleting' ? true : undefined;
          },
        },
      ),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.caller.close();
    await this.options.onClose?.();
  }

  /** POST /images/{id}/deprecate|obsolete; after a lost answer, the image's status and fresh date prove it done. */
  private async lifecycleAction(
    id: string,
    action: 'deprecate' | 'obsolete',
    status: 'deprecated' | 'obsolete',
    dateField: 'deprecation_at' | 'obsolescence_at',
  ): Promise<void> {
    const before = this.transport.cloudNow(Number.POSITIVE_INFINITY);
    await this.caller.call<unknown>(
      `${action} image ${id}`,
      { method: 'POST', path: `/images/${enc(id)}/${action}` },
      {
        settle: async () => {
          const image = await this.getImage(id);
          if (!image || image.status !== status) return undefined;
          const date = image[dateField];
          if (before && typeof date === 'string' && Date.parse(date) < before.getTime() - LIFECYCLE_SETTLE_SLACK_MS)
            return undefined;
          return true;
        },
      },
    );
  }

  /** A lookup that settles a lost answer fails as the call it settles: "create image.web: ...", not "list images: ...". */
  private settleAs<T>(operation: string, find: () => Promise<T | undefined>): () => Promise<T | undefined> {
    return async () => {
      try {
        return await find();
      } catch (error) {
        if (!(error instanceof CloudError) || error.operation === operation) throw error;
        const detail = error.message.startsWith(`${error.operation}: `)
          ? error.message.slice(error.operation.length + 2)
          : error.message;
        throw new CloudError(
          `${operation}: its answer was lost, and looking up what it did failed: ${detail}`,
          error.status,
          error.code,
          operation,
        );
      }
    };
  }

  private async findImageByName(name: string): Promise<CloudImage | undefined> {
    const images = await this.listImages({ name });
    return images.find((image) => image.name === name);
  }

  private async findExportJobByName(imageId: string, name: string): Promise<CloudExportJob | undefined> {
    const body = await this.caller.call<{ export_jobs: CloudExportJob[] }>(
      `find export job "${name}" of image ${imageId}`,
      {
        method: 'GET',
        path: `/images/${enc(imageId)}/export_jobs`,
        query: { name },
      },
    );
    return (body.export_jobs ?? []).find((job) => job.name === name);
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/** The wrapped data key must never reach state, plans or logs. */
function withoutDataKey(job: CloudExportJob): CloudExportJob {
  if (!('encrypted_data_key' in job)) return job;
  const { encrypted_data_key: _secret, ...rest } = job;
  return rest as CloudExportJob;
}
