import { scaleDelays } from '../../../emulator-kit/start-options.js';
/**
 * What the cloud stores, and the statuses derived from it. Each object keeps the instants at which its
 * transitions are due; its status at any moment is a pure function of those instants and the cloud's clock
 * (README "Time"), so moving the clock makes everything due happen, deterministically.
 */

export type ImageSource =
  | { kind: 'oss'; bucket: string; object: string; format: string }
  | { kind: 'snapshot'; snapshot_id: string }
  | { kind: 'instance'; instance_id: string }
  | { kind: 'copy'; source_region: string; source_image_id: string };

export interface StoredImage {
  /** Creation order. */
  seq: number;
  id: string;
  region: string;
  name: string;
  description: string;
  family?: string;
  version?: string;
  os_type: string;
  platform: string;
  architecture: string;
  boot_mode: string;
  license_type: string;
  size_gb: number;
  source: ImageSource;
  resource_group_id?: string;
  encrypted: boolean;
  kms_key_id?: string;
  created_at: number;
  /** Until this instant the image is `Waiting` (queued), then `Creating` until `ready_at`. */
  queued_until: number;
  ready_at: number;
  outcome: 'available' | 'failed';
  deprecated: boolean;
  /** Tags in the order they were added. */
  tags: Array<[string, string]>;
  shared_with: Array<{ account: string; shared_at: number }>;
  /** Set through the test hook: an instance runs from it (DeleteImage without Force refuses). */
  in_use: boolean;
  /** The ImportImage task that creates it. */
  task_id?: string;
}

export type TaskAction = 'ImportImage' | 'ExportImage';

export interface StoredTask {
  seq: number;
  id: string;
  region: string;
  action: TaskAction;
  image_id: string;
  created_at: number;
  finish_due: number;
  outcome: 'Finished' | 'Failed';
  error_code?: string;
  error_message?: string;
  cancelled_at?: number;
  /** ExportImage: where the object goes. */
  bucket?: string;
  prefix?: string;
  format?: string;
  object_name?: string;
  object_written?: boolean;
}

export interface BucketObject {
  region: string;
  bucket: string;
  name: string;
  image_id: string;
  task_id: string;
  format: string;
  size_gb: number;
  created_at: number;
}

/** A ClientToken's first request (REF §4): the same token with the same parameters gets the same answer. */
export interface StoredClientToken {
  key: string;
  fingerprint: string;
  result: Record<string, string>;
}

/** Default delays in milliseconds, multiplied by the emulator's time scale (DESIGN §6: about a second). */
export const baseDelays = {
  imageWaiting: 200,
  imageReady: 1000,
  copyReady: 1500,
  exportRun: 3000,
  failAfter: 500,
} as const;
export type Delays = { -readonly [key in keyof typeof baseDelays]: number };

export function scaledDelays(timeScale: number): Delays {
  return scaleDelays(baseDelays, timeScale);
}

/** REF §3's status values, but `UnAvailable`, which nothing here leads to. */
export type ImageStatus = 'Waiting' | 'Creating' | 'Available' | 'CreateFailed' | 'Deprecated';
export const IMAGE_STATUSES: readonly ImageStatus[] = [
  'Creating',
  'Waiting',
  'Available',
  'CreateFailed',
  'Deprecated',
];

export function imageStatus(image: StoredImage, now: number): ImageStatus {
  if (now < image.queued_until) return 'Waiting';
  if (now < image.ready_at) return 'Creating';
  if (image.outcome === 'failed') return 'CreateFailed';
  return image.deprecated ? 'Deprecated' : 'Available';
}

/** `Progress` as ECS writes it (`35%`, REF §3): how far the clock is from creation to ready. */
export function imageProgress(image: StoredImage, now: number): string {
  return percent(image.queued_until, image.ready_at, now, image.outcome === 'failed');
}

export type TaskStatus = 'Processing' | 'Finished' | 'Failed' | 'Cancelled';

export function taskStatus(task: StoredTask, now: number): TaskStatus {
  if (task.cancelled_at !== undefined) return 'Cancelled';
  return now < task.finish_due ? 'Processing' : task.outcome;
}

export function taskProgress(task: StoredTask, now: number): string {
  if (task.cancelled_at !== undefined) return percent(task.created_at, task.finish_due, task.cancelled_at, false);
  return percent(task.created_at, task.finish_due, now, task.outcome === 'Failed');
}

function percent(start: number, end: number, now: number, failed: boolean): string {
  if (now >= end) return failed ? '0%' : '100%';
  if (now <= start) return '0%';
  return `${Math.floor(((now - start) / (end - start)) * 100)}%`;
}

/** ECS's instants: ISO 8601 UTC to the second (`2026-12-01T18:00:05Z`, REF §3). */
export const ecsTime = (instant: number) => new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');
