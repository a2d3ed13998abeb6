import { ApiCaller } from '../../cloud-kit/api-caller.js';
import { ApiTransport, type ApiDialect } from '../../cloud-kit/api-transport.js';
import { isObject, oneLine } from '../../cloud-kit/answer-text.js';
import { HttpExchange } from '../../cloud-kit/http-exchange.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../cloud-kit/retry.js';
import { SecretRedactor } from '../../core/secret-redactor.js';
import { acs3SignatureHeaders } from './acs3-signature.js';

export const ECS_API_VERSION = '2014-05-26';

/** Refusals that mean the AccessKey pair is wrong (reference §2; ECS answers them 400 or 404, not 401). */
const CREDENTIAL_CODES = new Set([
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidAccessKeyId.NotFound',
  'InvalidAccessKeyId.Inactive',
]);

/** An image as DescribeImages returns it (PascalCase, reference §3); only what imageform reads is named. */
export interface EcsImage {
  ImageId: string;
  ImageName: string;
  Status: string;
  Description?: string;
  ImageFamily?: string;
  ImageVersion?: string;
  OSType?: string;
  Platform?: string;
  Architecture?: string;
  BootMode?: string;
  CreationTime?: string;
  ResourceGroupId?: string;
  Tags?: { Tag?: { TagKey: string; TagValue: string }[] };
  [field: string]: unknown;
}

/** ECS's flattened parameters (reference §1): `Name.N` for lists, `Name.N.Field` for lists of structs. */
export type RpcParameters = Record<string, string | number | boolean | undefined>;

export interface EcsApiOptions {
  /** e.g. https://ecs.cn-hangzhou.aliyuncs.com, or an emulator's http://127.0.0.1:PORT. */
  endpoint: string;
  regionId: string;
  accessKeyId: string;
  accessKeySecret: string;
  requestTimeoutMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
  credentialHint?: string;
}

/**
 * ECS's RPC API (reference §1-§8): every action a signed `POST /` (signature V3) with its parameters in the
 * query, `RegionId` added, answers in ECS's PascalCase JSON, errors in its `{Code, Message, RequestId}` shape.
 * The AccessKey secret only signs: it is never sent, and the redactor keeps it out of every message.
 */
export class EcsApi {
  private readonly transport: ApiTransport;
  private readonly caller: ApiCaller;

  constructor(private readonly options: EcsApiOptions) {
    const endpoint = options.endpoint.replace(/\/+$/, '');
    const redactor = new SecretRedactor(options.accessKeySecret);
    const key = { id: options.accessKeyId, secret: options.accessKeySecret };
    const dialect: ApiDialect = {
      authorize: () => Promise.resolve({ token: '', headers: {}, baseUrl: endpoint }),
      renew: () => undefined,
      patchContentType: 'application/json',
      sign: (request) =>
        acs3SignatureHeaders(
          { ...request, action: request.headers['x-acs-action'] ?? '', version: ECS_API_VERSION },
          key,
        ),
      readError: readEcsError,
    };
    this.transport = new ApiTransport(dialect, redactor, options.requestTimeoutMs ?? 30_000, new HttpExchange());
    const policy: RetryPolicy = {
      ...DEFAULT_RETRY_POLICY,
      maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
      baseDelayMs: options.retryBaseMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    };
    this.caller = new ApiCaller(
      this.transport,
      policy,
      options.credentialHint ?? `check the AccessKey ${options.accessKeyId} and its secret`,
      CREDENTIAL_CODES,
    );
  }

  get requestCount(): number {
    return this.caller.requestCount;
  }

  /** One action of the region, e.g. `call('DeleteImage', {ImageId})`. */
  call<T>(action: string, parameters: RpcParameters = {}, what = action): Promise<T> {
    const query: Record<string, string> = { RegionId: this.options.regionId };
    for (const [key, value] of Object.entries(parameters)) if (value !== undefined) query[key] = String(value);
    return this.caller.call<T>(what, { method: 'POST', path: '/', query, headers: { 'x-acs-action': action } });
  }

  /** Every custom image of the region, in every status (DescribeImages lists only `Available` unless asked). */
  async describeAllImages(filter: RpcParameters = {}): Promise<EcsImage[]> {
    const images: EcsImage[] = [];
    for (let page = 1; ; page++) {
      const answer = await this.call<{ Images?: { Image?: EcsImage[] }; TotalCount?: number }>(
        'DescribeImages',
        { ImageOwnerAlias: 'self', Status: 'ALL', PageSize: 100, PageNumber: page, ...filter },
        'list images',
      );
      const found = answer.Images?.Image ?? [];
      images.push(...found);
      if (found.length < 100 || images.length >= (answer.TotalCount ?? 0)) return images;
    }
  }

  /** The cloud's time, from the latest `Date` header (one request when there is none yet). */
  async now(): Promise<Date> {
    const recent = this.transport.cloudNow(1_000);
    if (recent) return recent;
    await this.call('DescribeRegions', {}, 'read the cloud time');
    return this.transport.cloudNow(Number.POSITIVE_INFINITY) ?? new Date();
  }

  close(): void {
    this.caller.close();
  }
}

/** ECS's error body `{RequestId, HostId, Code, Message, Recommend}` (reference §2). */
function readEcsError(
  body: unknown,
  status: number,
  statusText: string | undefined,
): { code: string; message: string } {
  if (isObject(body) && typeof body.Code === 'string') {
    const message = typeof body.Message === 'string' ? oneLine(body.Message) : body.Code;
    const request = typeof body.RequestId === 'string' ? ` [request ${body.RequestId}]` : '';
    return { code: body.Code, message: `${message}${request}` };
  }
  return { code: `http_${status}`, message: statusText ?? `HTTP ${status}` };
}
