import { scaleDelays } from '../../../emulator-kit/start-options.js';
/**
 * What the cloud stores of an image (README "Images"). Statuses are stored, not derived: a transition that takes
 * time (saving -> active, importing -> active or back to queued) is a due instant the cloud settles when the
 * clock passes it (README "Time").
 */

export type ImageStatus =
  'queued' | 'saving' | 'uploading' | 'importing' | 'active' | 'deactivated' | 'killed' | 'pending_delete' | 'deleted';

/** What the image's data is known by: the emulator keeps digests and the size, never the bytes (README "Data"). */
export interface DataDigest {
  size: number;
  md5: string;
  sha512: string;
}

export interface StoredTask {
  id: string;
  type: 'api_image_import';
  status: 'pending' | 'processing' | 'success' | 'failure';
  input: Record<string, unknown>;
  message: string;
  created_at: number;
  updated_at: number;
}

export interface StoredImage {
  /** Creation order: the tie-breaker after created_at. */
  seq: number;
  id: string;
  name: string | null;
  status: ImageStatus;
  visibility: 'public' | 'community' | 'shared' | 'private';
  protected: boolean;
  os_hidden: boolean;
  disk_format: string | null;
  container_format: string | null;
  min_disk: number;
  min_ram: number;
  owner: string | null;
  tags: string[];
  /** Custom properties: string values only (REF §3). */
  properties: Record<string, string>;
  created_at: number;
  updated_at: number;
  data?: DataDigest;
  /** Data staged by glance-direct (`PUT .../stage`), not yet imported. */
  staged?: DataDigest;
  /** A timed transition: at `due_at` the status becomes `due_status` (with `due_failure` an import fails). */
  due_at?: number;
  due_status?: ImageStatus;
  /** An import in flight: its method and, for web-download, whether the fetch has ended (and how). */
  import?: { method: 'web-download' | 'glance-direct'; task_id: string; fetched?: DataDigest; failure?: string };
  tasks: StoredTask[];
}

/** Default delays in milliseconds, multiplied by the emulator's time scale (DESIGN §6: usable in about a second). */
export const baseDelays = {
  /** saving -> active once the data has arrived. */
  save: 500,
  /** importing -> active (or back to queued) once the data has been fetched or was staged. */
  import: 1000,
} as const;
export type Delays = { -readonly [key in keyof typeof baseDelays]: number };

export function scaledDelays(timeScale: number): Delays {
  return scaleDelays(baseDelays, timeScale);
}

/** Values of the schema's enums (REF §3; the operator-configurable defaults). */
export const diskFormats = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'];
export const containerFormats = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'];
export const visibilities = ['public', 'community', 'shared', 'private'] as const;
export const imageStatuses: ImageStatus[] = [
  'queued',
  'saving',
  'active',
  'killed',
  'deleted',
  'uploading',
  'importing',
  'pending_delete',
  'deactivated',
];

/** Quotas (REF §3: image_property_quota, image_tag_quota). */
export const propertyQuota = 128;
export const tagQuota = 128;

/** The import methods this cloud offers (REF §5.3). */
export const importMethods = ['glance-direct', 'web-download'];

/** The store every image's data lands in: this cloud has one, Glance's default `file` store (CHOICE). */
export const defaultStore = 'file';
