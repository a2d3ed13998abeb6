import { randomBytes } from 'node:crypto';
import { CloudClock } from '../../../emulator-kit/clock.js';
import { DueQueue } from '../../../emulator-kit/due-queue.js';
import {
  exportJobEnd,
  type BucketObject,
  type Delays,
  type StoredExportJob,
  type StoredImage,
  type StoredVolume,
} from './model.js';

/** The persisted form of the whole cloud (one JSON file). */
export interface CloudSnapshot {
  format: 'imageform-emulator-cloud/1';
  region: string;
  account_id: string;
  default_resource_group_id: string;
  clock_offset_ms: number;
  next_seq: number;
  images: StoredImage[];
  export_jobs: StoredExportJob[];
  volumes: StoredVolume[];
  bucket_objects: BucketObject[];
}

type DueEvent = { kind: 'job-complete' | 'job-gone' | 'image-gone'; id: string };
/** At equal instants, jobs write their objects before they or their image disappear. */
const eventRank = { 'job-complete': 0, 'job-gone': 1, 'image-gone': 2 } as const;

/**
 * The cloud's objects with the indexes the API needs: images in creation order (for cursor pagination without
 * sorting), names (uniqueness), export jobs by image, bucket listings; and a queue of removals and writes
 * that fall due as the clock moves (`settle`).
 */
export class Cloud {
  readonly clock: CloudClock;
  readonly images = new Map<string, StoredImage>();
  readonly exportJobs = new Map<string, StoredExportJob>();
  readonly volumes = new Map<string, StoredVolume>();
  private readonly imageOrder: StoredImage[] = [];
  private readonly imageIdByName = new Map<string, string>();
  private readonly jobIdsByImage = new Map<string, Set<string>>();
  private readonly objectsByBucket = new Map<string, BucketObject[]>();
  private readonly due = new DueQueue<DueEvent>();
  private nextSeq = 1;

  private constructor(
    readonly region: string,
    readonly accountId: string,
    readonly defaultResourceGroupId: string,
    readonly delays: Delays,
    clockOffsetMs: number,
  ) {
    this.clock = new CloudClock(clockOffsetMs);
  }

  static empty(region: string, delays: Delays): Cloud {
    return new Cloud(region, randomBytes(16).toString('hex'), randomBytes(16).toString('hex'), delays, 0);
  }

  static fromSnapshot(snapshot: CloudSnapshot, delays: Delays): Cloud {
    if (snapshot.format !== 'imageform-emulator-cloud/1')
      throw new Error(`unknown cloud file format ${String(snapshot.format)}`);
    const cloud = new Cloud(
      snapshot.region,
      snapshot.account_id,
      snapshot.default_resource_group_id,
      delays,
      snapshot.clock_offset_ms,
    );
    cloud.nextSeq = snapshot.next_seq;
    for (const image of [...snapshot.images].sort((a, b) => a.seq - b.seq)) cloud.addImage(image);
    for (const job of snapshot.export_jobs) cloud.addExportJob(job);
    for (const volume of snapshot.volumes) cloud.volumes.set(volume.id, volume);
    for (const object of snapshot.bucket_objects) cloud.bucketList(object.bucket).push(object);
    for (const image of cloud.images.values()) if (image.deleting_at !== undefined) cloud.scheduleImageGone(image);
    return cloud;
  }

  toSnapshot(): CloudSnapshot {
    return {
      format: 'imageform-emulator-cloud/1',
      region: this.region,
      account_id: this.accountId,
      default_resource_group_id: this.defaultResourceGroupId,
      clock_offset_ms: this.clock.offsetMs,
      next_seq: this.nextSeq,
      images: this.imageOrder,
      export_jobs: [...this.exportJobs.values()],
      volumes: [...this.volumes.values()],
      bucket_objects: [...this.objectsByBucket.values()].flat(),
    };
  }

  takeSeq(): number {
    return this.nextSeq++;
  }

  // Images --------------------------------------------------------------------------------------------------

  addImage(image: StoredImage): void {
    this.images.set(image.id, image);
    this.imageOrder.push(image); // seq only grows, so pushing keeps the order
    this.imageIdByName.set(image.name, image.id);
  }

  imageByName(name: string): StoredImage | undefined {
    const id = this.imageIdByName.get(name);
    return id === undefined ? undefined : this.images.get(id);
  }

  renameImage(image: StoredImage, name: string): void {
    this.imageIdByName.delete(image.name);
    image.name = name;
    this.imageIdByName.set(name, image.id);
  }

  get imageCount(): number {
    return this.imageOrder.length;
  }

  imageAt(position: number): StoredImage | undefined {
    return this.imageOrder[position];
  }

  /** The position of the first image whose seq is >= `seq` (binary search over creation order). */
  positionOfSeq(seq: number): number {
    let low = 0;
    let high = this.imageOrder.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.imageOrder[middle]!.seq < seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private removeImage(image: StoredImage): void {
    const position = this.positionOfSeq(image.seq);
    if (this.imageOrder[position] === image) this.imageOrder.splice(position, 1);
    this.images.delete(image.id);
    if (this.imageIdByName.get(image.name) === image.id) this.imageIdByName.delete(image.name);
    // Once the image is gone, so is its export-job history (seed 000).
    for (const job of this.exportJobsOf(image.id)) this.exportJobs.delete(job.id);
    this.jobIdsByImage.delete(image.id);
  }

  /** When a deleting image disappears: after the delete delay, and after its running export jobs finish. */
  imageGoneAt(image: StoredImage): number {
    let gone = (image.deleting_at ?? 0) + this.delays.imageDelete;
    for (const job of this.exportJobsOf(image.id)) gone = Math.max(gone, exportJobEnd(job, this.delays));
    return gone;
  }

  scheduleImageGone(image: StoredImage): void {
    this.due.push(this.imageGoneAt(image), eventRank['image-gone'], { kind: 'image-gone', id: image.id });
  }

  // Export jobs ---------------------------------------------------------------------------------------------

  addExportJob(job: StoredExportJob): void {
    this.exportJobs.set(job.id, job);
    let ids = this.jobIdsByImage.get(job.image_id);
    if (!ids) this.jobIdsByImage.set(job.image_id, (ids = new Set()));
    ids.add(job.id);
    if (job.outcome === 'succeeded' && !job.object_written) {
      this.due.push(job.complete_due, eventRank['job-complete'], { kind: 'job-complete', id: job.id });
    }
    if (job.deleting_at !== undefined) this.scheduleJobGone(job);
  }

  exportJobsOf(imageId: string): StoredExportJob[] {
    const ids = this.jobIdsByImage.get(imageId);
    return ids ? [...ids].map((id) => this.exportJobs.get(id)!) : [];
  }

  scheduleJobGone(job: StoredExportJob): void {
    this.due.push((job.deleting_at ?? 0) + this.delays.jobDelete, eventRank['job-gone'], {
      kind: 'job-gone',
      id: job.id,
    });
  }

  private removeExportJob(job: StoredExportJob): void {
    this.exportJobs.delete(job.id);
    this.jobIdsByImage.get(job.image_id)?.delete(job.id);
  }

  // Buckets ---------------------------------------------------------------------------------------------------

  private bucketList(bucket: string): BucketObject[] {
    let list = this.objectsByBucket.get(bucket);
    if (!list) this.objectsByBucket.set(bucket, (list = []));
    return list;
  }

  bucketObjects(bucket: string): readonly BucketObject[] {
    return this.objectsByBucket.get(bucket) ?? [];
  }

  /** Object names in a bucket that are taken: written objects and those reserved by jobs still to write them. */
  objectNameTaken(bucket: string, name: string): boolean {
    if (this.bucketObjects(bucket).some((object) => object.name === name)) return true;
    for (const job of this.exportJobs.values()) if (job.bucket_name === bucket && job.object_name === name) return true;
    return false;
  }

  /** A job that succeeded (and was not cancelled first) leaves its object in the bucket, even after it is deleted. */
  private writeExportedObject(job: StoredExportJob, now: number): void {
    if (job.object_written || job.outcome !== 'succeeded' || job.complete_due > now) return;
    if (job.deleting_at !== undefined && job.deleting_at < job.complete_due) return;
    const image = this.images.get(job.image_id);
    this.bucketList(job.bucket_name).push({
      bucket: job.bucket_name,
      name: job.object_name,
      size_gb: image?.size_gb ?? 0,
      format: job.format,
      image_id: job.image_id,
      export_job_id: job.id,
      created_at: job.complete_due,
    });
    job.object_written = true;
  }

  // Time ------------------------------------------------------------------------------------------------------

  /**
   * Brings the stored objects up to `now`: writes exported objects and removes deleted images and jobs whose
   * time has come. Statuses need no settling (they are derived from due instants), so this only touches the
   * objects a queue entry names: never a scan of the whole cloud.
   */
  settle(now: number): void {
    for (let item = this.due.popDue(now); item; item = this.due.popDue(now)) {
      const { kind, id } = item.value;
      if (kind === 'job-complete') {
        const job = this.exportJobs.get(id);
        if (job) this.writeExportedObject(job, now);
      } else if (kind === 'job-gone') {
        const job = this.exportJobs.get(id);
        if (job?.deleting_at !== undefined) this.removeExportJob(job);
      } else {
        const image = this.images.get(id);
        if (image?.deleting_at === undefined) continue;
        const gone = this.imageGoneAt(image);
        if (gone > now) {
          this.due.push(gone, eventRank['image-gone'], { kind: 'image-gone', id });
          continue;
        }
        for (const job of this.exportJobsOf(id)) this.writeExportedObject(job, now);
        this.removeImage(image);
      }
    }
  }
}
