import { scaleDelays } from '../../../emulator-kit/start-options.js';
/**
 * What the cloud stores, and the statuses derived from it. Each object keeps the instants at which its
 * transitions are due; its status at any moment is a pure function of those instants and the cloud's clock,
 * so moving the clock makes everything due happen, deterministically (README "Time").
 */

export interface StoredImage {
  /** Creation order: the listing order and the pagination cursor. */
  seq: number;
  id: string;
  name: string;
  created_at: number;
  resource_group_id: string;
  operating_system: string;
  source: { kind: 'file'; href: string } | { kind: 'volume'; volume_id: string };
  encryption_key_crn?: string;
  /** Until this instant a pending image waits in the queue (`image_request_queued`) and may be cancelled. */
  queued_until: number;
  /** When the import ends, with `outcome`. */
  ready_at: number;
  outcome: 'available' | 'failed';
  failure_code?: string;
  size_gb: number;
  checksum: string;
  deprecation_at?: number;
  obsolescence_at?: number;
  catalog_managed: boolean;
  catalog_version_crn?: string;
  allowed_use: { api_version: string; bare_metal_server: string; instance: string };
  deleting_at?: number;
}

export interface StoredExportJob {
  seq: number;
  id: string;
  image_id: string;
  name: string;
  format: 'qcow2' | 'vhd';
  bucket_name: string;
  bucket_crn: string;
  object_name: string;
  created_at: number;
  start_due: number;
  complete_due: number;
  outcome: 'succeeded' | 'failed';
  failure_code?: string;
  deleting_at?: number;
  /** Set once the exported object has been written to its bucket. */
  object_written?: boolean;
}

export interface StoredVolume {
  id: string;
  name: string;
  operating_system: string;
  capacity_gb: number;
  encryption_key_crn?: string;
  /** Attached as the boot volume of a running instance: an image cannot be taken from it. */
  attached_to_running_instance: boolean;
  created_at: number;
}

export interface BucketObject {
  bucket: string;
  name: string;
  size_gb: number;
  format: 'qcow2' | 'vhd';
  image_id: string;
  export_job_id: string;
  created_at: number;
}

/** Default delays in milliseconds, multiplied by the emulator's time scale. */
export const baseDelays = {
  imageQueued: 300,
  imageReady: 1000,
  imageDelete: 500,
  jobStart: 500,
  jobRun: 3000,
  jobFail: 500,
  jobDelete: 500,
} as const;
export type Delays = { -readonly [key in keyof typeof baseDelays]: number };

export function scaledDelays(timeScale: number): Delays {
  return scaleDelays(baseDelays, timeScale);
}

export type ImageStatus = 'pending' | 'available' | 'deprecated' | 'obsolete' | 'failed' | 'deleting';

/** The status of an image at `now` (scheduled dates that have passed are in effect). */
export function imageStatus(image: StoredImage, now: number): ImageStatus {
  if (image.deleting_at !== undefined) return 'deleting';
  if (now < image.ready_at) return 'pending';
  if (image.outcome === 'failed') return 'failed';
  if (image.obsolescence_at !== undefined && image.obsolescence_at <= now) return 'obsolete';
  if (image.deprecation_at !== undefined && image.deprecation_at <= now) return 'deprecated';
  return 'available';
}

export function imageStatusReasons(
  image: StoredImage,
  now: number,
): Array<{ code: string; message: string; more_info?: string }> {
  const status = imageStatus(image, now);
  if (status === 'pending') {
    return now < image.queued_until
      ? [
          {
            code: 'image_request_queued',
            message: 'The image request is accepted and waiting for system resources to become available',
          },
        ]
      : [{ code: 'image_request_in_progress', message: 'The image is being created' }];
  }
  if (status === 'failed') {
    return [
      {
        code: image.failure_code ?? 'image_data_corrupted',
        message: 'The image data is corrupted or in an unsupported format',
        more_info: 'https://cloud.ibm.com/docs/vpc?topic=vpc-troubleshooting-custom-images',
      },
    ];
  }
  return [];
}

export type ExportJobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'deleting';

export function exportJobStatus(job: StoredExportJob, now: number): ExportJobStatus {
  if (job.deleting_at !== undefined) return 'deleting';
  if (now < job.start_due) return 'queued';
  if (now < job.complete_due) return 'running';
  return job.outcome;
}

export const isActiveJobStatus = (status: ExportJobStatus) => status === 'queued' || status === 'running';

/** When a job stops holding its image back: it completes, or it was cancelled and is gone. */
export function exportJobEnd(job: StoredExportJob, delays: Delays): number {
  if (job.deleting_at !== undefined && job.deleting_at < job.complete_due) return job.deleting_at + delays.jobDelete;
  return job.complete_due;
}
