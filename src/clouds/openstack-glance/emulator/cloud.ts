import { randomBytes } from 'node:crypto';
import { CloudClock } from '../../../emulator-kit/clock.js';
import { DueQueue } from '../../../emulator-kit/due-queue.js';
import { BlobStore } from './blob-store.js';
import { defaultStore, type Delays, type StoredImage } from './model.js';

/** The persisted form of the whole cloud (one JSON file). */
export interface CloudSnapshot {
  format: 'imageform-emulator-openstack-glance/1';
  region: string;
  project_id: string;
  user_id: string;
  clock_offset_ms: number;
  next_seq: number;
  images: StoredImage[];
  /** Glance keeps deleted rows: their ids cannot be chosen again (README "Create"). */
  deleted_ids: string[];
}

const hex = () => randomBytes(16).toString('hex');

/**
 * The cloud's images with what the API needs: lookup by id, deleted ids, and a queue of transitions that fall
 * due as the clock moves (`settle`). `onChange` is told of changes made outside a request (a web-download that
 * finished), so the file is written then too.
 */
export class Cloud {
  readonly clock: CloudClock;
  readonly images = new Map<string, StoredImage>();
  readonly deletedIds = new Set<string>();
  private readonly due = new DueQueue<string>();
  private nextSeq = 1;
  onChange: () => void = () => undefined;
  /** The bytes of image data, for downloads (in memory unless the emulator is given a folder for them). */
  blobs = new BlobStore();

  private constructor(
    readonly region: string,
    readonly projectId: string,
    readonly userId: string,
    readonly delays: Delays,
    clockOffsetMs: number,
  ) {
    this.clock = new CloudClock(clockOffsetMs);
  }

  static empty(region: string, delays: Delays): Cloud {
    return new Cloud(region, hex(), hex(), delays, 0);
  }

  static fromSnapshot(snapshot: CloudSnapshot, delays: Delays): Cloud {
    if (snapshot.format !== 'imageform-emulator-openstack-glance/1')
      throw new Error(`unknown cloud file format ${String(snapshot.format)}`);
    const cloud = new Cloud(snapshot.region, snapshot.project_id, snapshot.user_id, delays, snapshot.clock_offset_ms);
    cloud.nextSeq = snapshot.next_seq;
    for (const id of snapshot.deleted_ids) cloud.deletedIds.add(id);
    for (const image of snapshot.images) {
      cloud.images.set(image.id, image);
      // A web-download whose fetch the stopped emulator never finished has failed (README "Persistence").
      if (image.import?.method === 'web-download' && !image.import.fetched && !image.import.failure)
        image.import.failure = 'the emulator stopped during the download';
      if (image.due_at !== undefined) cloud.due.push(image.due_at, 0, image.id);
    }
    return cloud;
  }

  toSnapshot(): CloudSnapshot {
    return {
      format: 'imageform-emulator-openstack-glance/1',
      region: this.region,
      project_id: this.projectId,
      user_id: this.userId,
      clock_offset_ms: this.clock.offsetMs,
      next_seq: this.nextSeq,
      images: [...this.images.values()],
      deleted_ids: [...this.deletedIds],
    };
  }

  takeSeq(): number {
    return this.nextSeq++;
  }

  /** The id is free: no image has it, now or before (deleted rows keep theirs). */
  idTaken(id: string): boolean {
    return this.images.has(id) || this.deletedIds.has(id);
  }

  addImage(image: StoredImage): void {
    this.images.set(image.id, image);
  }

  removeImage(image: StoredImage): void {
    this.images.delete(image.id);
    this.deletedIds.add(image.id);
  }

  /** From `at`, the image's status becomes `status` (settled when the clock passes it). */
  schedule(image: StoredImage, at: number, status: StoredImage['status']): void {
    image.due_at = at;
    image.due_status = status;
    this.due.push(at, 0, image.id);
  }

  /** Applies the transitions that are due; each names one image, so this never scans the cloud. */
  settle(now: number): void {
    for (let item = this.due.popDue(now); item; item = this.due.popDue(now)) {
      const image = this.images.get(item.value);
      if (!image || image.due_at === undefined || image.due_at > now) continue;
      if (this.stillFetching(image)) continue; // fetchEnded() settles it
      this.complete(image, image.due_at);
    }
  }

  private stillFetching(image: StoredImage): boolean {
    const running = image.import;
    return running?.method === 'web-download' && !running.fetched && running.failure === undefined;
  }

  /** A web-download's fetch ended (with data or a failure): completes the import if its time has come. */
  fetchEnded(image: StoredImage, now: number): void {
    if (this.images.get(image.id) !== image) return; // deleted meanwhile
    if (image.due_at !== undefined && image.due_at <= now) this.complete(image, now);
    this.onChange();
  }

  private complete(image: StoredImage, at: number): void {
    const target = image.due_status!;
    delete image.due_at;
    delete image.due_status;
    const running = image.import;
    if (running) {
      const task = image.tasks.find((each) => each.id === running.task_id);
      const data = running.method === 'web-download' ? running.fetched : image.staged;
      if (running.failure || !data) {
        // A failed import goes back to queued and names the store that failed (REF §4).
        image.status = 'queued';
        image.properties.os_glance_failed_import = defaultStore;
        image.properties.os_glance_importing_to_stores = '';
        delete image.staged;
        if (task) Object.assign(task, { status: 'failure', message: running.failure ?? 'no data', updated_at: at });
      } else {
        image.status = 'active';
        image.data = data;
        image.properties.os_glance_failed_import = '';
        image.properties.os_glance_importing_to_stores = '';
        delete image.staged;
        if (task) Object.assign(task, { status: 'success', message: '', updated_at: at });
      }
      delete image.import;
    } else {
      image.status = target;
    }
    image.updated_at = at;
  }
}
