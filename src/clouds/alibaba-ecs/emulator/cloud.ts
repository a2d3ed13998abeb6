import { randomBytes, randomInt } from 'node:crypto';
import { CloudClock } from '../../../emulator-kit/clock.js';
import { DueQueue } from '../../../emulator-kit/due-queue.js';
import type { BucketObject, Delays, StoredClientToken, StoredImage, StoredTask } from './model.js';

/** The persisted form of the whole cloud (one JSON file, DESIGN §6). */
export interface CloudSnapshot {
  format: 'imageform-emulator-alibaba-ecs/1';
  account_id: string;
  clock_offset_ms: number;
  next_seq: number;
  images: StoredImage[];
  tasks: StoredTask[];
  client_tokens: StoredClientToken[];
  bucket_objects: BucketObject[];
}

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Every region's images and tasks, with the indexes the actions need (names per region for uniqueness, REF §2),
 * ClientTokens, the OSS objects exports wrote, and a queue of exports that fall due as the clock moves.
 */
export class Cloud {
  readonly clock: CloudClock;
  readonly images = new Map<string, StoredImage>();
  readonly tasks = new Map<string, StoredTask>();
  readonly clientTokens = new Map<string, StoredClientToken>();
  readonly bucketObjects: BucketObject[] = [];
  private readonly names = new Map<string, string>();
  private readonly due = new DueQueue<string>();
  private nextSeq = 1;

  private constructor(
    readonly accountId: string,
    readonly delays: Delays,
    clockOffsetMs: number,
  ) {
    this.clock = new CloudClock(clockOffsetMs);
  }

  static empty(delays: Delays): Cloud {
    // An Alibaba Cloud account id is a 16-digit number (`ImageOwnerId`, REF §3).
    return new Cloud(
      `1${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}`,
      delays,
      0,
    );
  }

  static fromSnapshot(snapshot: CloudSnapshot, delays: Delays): Cloud {
    if (snapshot.format !== 'imageform-emulator-alibaba-ecs/1')
      throw new Error(`unknown cloud file format ${String(snapshot.format)}`);
    const cloud = new Cloud(snapshot.account_id, delays, snapshot.clock_offset_ms);
    cloud.nextSeq = snapshot.next_seq;
    for (const image of snapshot.images) cloud.addImage(image);
    for (const task of snapshot.tasks) cloud.addTask(task);
    for (const token of snapshot.client_tokens) cloud.clientTokens.set(token.key, token);
    cloud.bucketObjects.push(...snapshot.bucket_objects);
    return cloud;
  }

  toSnapshot(): CloudSnapshot {
    return {
      format: 'imageform-emulator-alibaba-ecs/1',
      account_id: this.accountId,
      clock_offset_ms: this.clock.offsetMs,
      next_seq: this.nextSeq,
      images: [...this.images.values()],
      tasks: [...this.tasks.values()],
      client_tokens: [...this.clientTokens.values()],
      bucket_objects: this.bucketObjects,
    };
  }

  takeSeq(): number {
    return this.nextSeq++;
  }

  /** `m-bp1g7004ksh0oeuc…`, `t-…` (REF §3, §10). */
  newId(prefix: 'm' | 't'): string {
    const bytes = randomBytes(20);
    let id = `${prefix}-`;
    for (const byte of bytes) id += alphabet[byte % alphabet.length];
    return id;
  }

  // Images --------------------------------------------------------------------------------------------------

  addImage(image: StoredImage): void {
    this.images.set(image.id, image);
    if (image.name) this.names.set(`${image.region}/${image.name}`, image.id);
  }

  imageIn(region: string, id: string): StoredImage | undefined {
    const image = this.images.get(id);
    return image?.region === region ? image : undefined;
  }

  nameTaken(region: string, name: string): boolean {
    return this.names.has(`${region}/${name}`);
  }

  renameImage(image: StoredImage, name: string): void {
    if (image.name) this.names.delete(`${image.region}/${image.name}`);
    image.name = name;
    this.names.set(`${image.region}/${name}`, image.id);
  }

  removeImage(image: StoredImage): void {
    this.images.delete(image.id);
    if (image.name && this.names.get(`${image.region}/${image.name}`) === image.id)
      this.names.delete(`${image.region}/${image.name}`);
  }

  imagesOf(region: string): StoredImage[] {
    return [...this.images.values()].filter((image) => image.region === region);
  }

  // Tasks ---------------------------------------------------------------------------------------------------

  addTask(task: StoredTask): void {
    this.tasks.set(task.id, task);
    if (task.action === 'ExportImage' && !task.object_written && task.cancelled_at === undefined)
      this.due.push(task.finish_due, 0, task.id);
  }

  taskIn(region: string, id: string): StoredTask | undefined {
    const task = this.tasks.get(id);
    return task?.region === region ? task : undefined;
  }

  tasksOf(imageId: string): StoredTask[] {
    return [...this.tasks.values()].filter((task) => task.image_id === imageId);
  }

  // Time ------------------------------------------------------------------------------------------------------

  /** Writes the objects of exports whose time has come (statuses need no settling: they are derived). */
  settle(now: number): void {
    for (let item = this.due.popDue(now); item; item = this.due.popDue(now)) {
      const task = this.tasks.get(item.value);
      if (!task || task.object_written || task.cancelled_at !== undefined || task.outcome !== 'Finished') continue;
      const image = this.images.get(task.image_id);
      this.bucketObjects.push({
        region: task.region,
        bucket: task.bucket!,
        name: task.object_name!,
        image_id: task.image_id,
        task_id: task.id,
        format: task.format!,
        size_gb: image?.size_gb ?? 0,
        created_at: task.finish_due,
      });
      task.object_written = true;
    }
  }
}
