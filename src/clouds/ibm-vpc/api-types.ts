import type { CloudClient } from '../../engine/cloud.js';

/**
 * What the IBM kinds need of IBM Cloud VPC: its Images API (../shared/reference/ibm-vpc-images-api.md) with
 * snake_case fields. One implementation, the HTTP client (client.ts); `embedded` points it at the in-process emulator.
 */

export interface StatusReason {
  code: string;
  message: string;
  more_info?: string;
}

export interface CloudImage {
  id: string;
  crn: string;
  href: string;
  name: string;
  status: string;
  status_reasons: StatusReason[];
  created_at: string;
  deprecation_at?: string;
  obsolescence_at?: string;
  encryption: 'none' | 'user_managed' | string;
  encryption_key?: { crn: string };
  file: { checksums?: { sha256?: string }; size?: number };
  minimum_provisioned_size?: number;
  operating_system: { name: string; [key: string]: unknown };
  resource_group: { id: string; name?: string; href?: string };
  source_volume?: { id: string; crn?: string; name?: string; href?: string };
  catalog_offering: { managed: boolean; version?: { crn: string } };
  visibility: 'private' | 'public' | string;
  remote?: { account?: { id: string } };
  [key: string]: unknown;
}

export interface ImagePrototype {
  name?: string;
  resource_group?: { id: string };
  file?: { href: string };
  operating_system?: { name: string };
  source_volume?: { id?: string; crn?: string; href?: string };
  encrypted_data_key?: string;
  encryption_key?: { crn: string };
  deprecation_at?: string;
  obsolescence_at?: string;
}

/** JSON merge patch: a key set to null removes the value. */
export interface ImagePatch {
  name?: string;
  deprecation_at?: string | null;
  obsolescence_at?: string | null;
}

export interface CloudExportJob {
  id: string;
  href: string;
  name: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'deleting' | string;
  status_reasons: StatusReason[];
  format: 'qcow2' | 'vhd' | string;
  created_at: string;
  started_at?: string;
  completed_at?: string;
  storage_bucket: { name: string; crn: string };
  storage_href: string;
  storage_object: { name: string };
  /** Present for encrypted images: never stored, printed or logged. */
  encrypted_data_key?: string;
  [key: string]: unknown;
}

export interface ExportJobPrototype {
  storage_bucket: { name: string } | { crn: string };
  format?: 'qcow2' | 'vhd';
  name?: string;
}

export interface ImageFilter {
  name?: string;
  status?: string[];
  visibility?: 'private' | 'public';
  resource_group_id?: string;
}

/** How a create names itself in errors and what it may conclude after a lost answer. */
export interface CreateOptions {
  /** Names the call in errors, e.g. `create image.web` (default: the kind and the name sent). */
  describe?: string;
  /**
   * Whether an object found by the name sent, after a lost answer, is this call's own: true only for a name no
   * one else could have sent (an image's create key). Otherwise such an object may be another state's and the
   * call fails naming it (DESIGN.md §5).
   */
  nameIsKey?: boolean;
  /**
   * How the caller waits without holding its `--parallelism` slot (OperationContext.idle): a queue in front of the
   * cloud (export-queue.ts) waits for room through it, so a queued create holds no slot meanwhile.
   */
  idle?: <T>(wait: () => Promise<T>) => Promise<T>;
  /** The address to suggest importing an unproven object as. */
  importAs?: string;
}

export { CloudError } from '../../core/cloud-error.js';

export interface IbmVpcClient extends CloudClient {
  /** The cloud's current time, from the `Date` header of its latest response (fetched if none yet). */
  now(): Promise<Date>;

  /**
   * Every image visible to the account, all pages; `onPage` sees each page's images as soon as it is read (while
   * the next one is on its way).
   */
  listImages(filter?: ImageFilter, onPage?: (images: readonly CloudImage[]) => void): Promise<CloudImage[]>;
  /** undefined on 404. */
  getImage(id: string): Promise<CloudImage | undefined>;
  /** `prototype.name` should be a create key (resources/create-key.ts): after a lost answer it finds the image. */
  createImage(prototype: ImagePrototype, options?: CreateOptions): Promise<CloudImage>;
  updateImage(id: string, patch: ImagePatch): Promise<CloudImage>;
  /** Starts the asynchronous delete (202); resolves when accepted. A 404 resolves too (already gone). */
  deleteImage(id: string): Promise<void>;
  deprecateImage(id: string): Promise<void>;
  obsoleteImage(id: string): Promise<void>;

  listExportJobs(imageId: string): Promise<CloudExportJob[]>;
  getExportJob(imageId: string, jobId: string): Promise<CloudExportJob | undefined>;
  createExportJob(imageId: string, prototype: ExportJobPrototype, options?: CreateOptions): Promise<CloudExportJob>;
  updateExportJob(imageId: string, jobId: string, patch: { name: string }): Promise<CloudExportJob>;
  deleteExportJob(imageId: string, jobId: string): Promise<void>;

  /** Statistics for benchmarks: requests sent by this client. */
  readonly requestCount: number;
  close(): Promise<void>;
}
