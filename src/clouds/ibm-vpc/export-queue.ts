import type { ResourceDocument } from '../../config/model.js';
import { referencesIn } from '../../config/references.js';
import { error, type Diagnostic } from '../../core/diagnostic.js';
import type { CloudExportJob, CreateOptions, ExportJobPrototype, IbmVpcClient } from './api-types.js';
import { ACTIVE_JOB_STATUSES } from './kinds/image-export-job.js';
import type { PlannedResource } from '../../engine/resource-kind.js';
import type { IbmSnapshot } from './snapshot.js';

/**
 * The cloud runs at most 5 export jobs per image and 20 per account and region at once, and refuses one more
 * (reference §4). More new jobs than that are not refused: apply queues them, starting a job only when both limits
 * leave room. A job counts as active from its create until imageform sees it finished or gone, so a job nobody waits
 * for (`wait: false`, or one running when the apply began) keeps its place for the whole apply; the plan is refused
 * only when such jobs leave no room for the rest. The 10 jobs an image may keep in total is a refusal elsewhere:
 * no waiting makes room for those.
 */
export const EXPORT_LIMITS = { activePerImage: 5, totalPerImage: 10, activePerAccount: 20 };

export interface ExportQueueInput {
  planned: ReadonlyMap<string, PlannedResource>;
  documents: ReadonlyMap<string, ResourceDocument>;
  snapshot: IbmSnapshot;
}

interface Group {
  /** Jobs active in the cloud now (not deleted by this plan): they keep their place. */
  active: number;
  /** New jobs that apply waits for: their places come back as they finish. */
  waited: PlannedResource[];
  /** New jobs with wait: false: they keep their places. */
  unwaited: PlannedResource[];
}

/** The address of the image a document's `spec.image` refers to, when it is a reference. */
export function referencedImage(document: ResourceDocument | undefined): string | undefined {
  if (!document) return undefined;
  return referencesIn(document.spec).find((found) => found.path[0] === 'image')?.reference.address;
}

/** Refusals for jobs that could never start, and a note for each limit that makes new jobs wait. */
export function planExportQueue(input: ExportQueueInput): { diagnostics: Diagnostic[]; notes: string[] } {
  const leaving = new Set<string>();
  for (const result of input.planned.values()) {
    if (result.kind === 'image_export_job' && (result.action === 'delete' || result.action === 'replace') && result.id)
      leaving.add(result.id);
  }
  const account: Group = { active: 0, waited: [], unwaited: [] };
  const images = new Map<string, Group & { label: string }>();
  for (const [imageId, jobs] of input.snapshot.exportJobs) {
    const active = jobs.filter((job) => ACTIVE_JOB_STATUSES.has(job.status) && !leaving.has(job.id)).length;
    account.active += active;
    images.set(imageId, { label: imageId, active, waited: [], unwaited: [] });
  }
  for (const result of [...input.planned.values()].sort((a, b) => (a.address < b.address ? -1 : 1))) {
    if (result.kind !== 'image_export_job' || (result.action !== 'create' && result.action !== 'replace')) continue;
    const document = input.documents.get(result.address);
    const key = result.imageId ?? referencedImage(document) ?? result.address;
    const group = images.get(key) ?? { label: key, active: 0, waited: [], unwaited: [] };
    group.label = referencedImage(document) ?? group.label;
    images.set(key, group);
    const list = document?.spec.wait === false ? 'unwaited' : 'waited';
    group[list].push(result);
    account[list].push(result);
  }

  const diagnostics: Diagnostic[] = [];
  const notes: string[] = [];
  for (const [key, group] of images) {
    const problem = check(group, EXPORT_LIMITS.activePerImage, `image ${key}`, 'per image');
    if (problem) {
      const last = [...group.waited, ...group.unwaited].sort((a, b) => (a.address < b.address ? -1 : 1)).pop()!;
      const where = input.documents.get(last.address)?.locate(['spec', 'image']);
      diagnostics.push(error('plan.export-limit-active', `${last.address}: ${problem}`, where, HINT));
    } else {
      const note = queued(group, EXPORT_LIMITS.activePerImage, `${group.label}: `, 'per image');
      if (note) notes.push(note);
    }
  }
  const problem = check(account, EXPORT_LIMITS.activePerAccount, 'this plan', 'per account and region');
  if (problem) diagnostics.push(error('plan.export-limit-account', problem, undefined, HINT));
  else {
    const note = queued(account, EXPORT_LIMITS.activePerAccount, '', 'per account and region');
    if (note) notes.push(note);
  }
  return { diagnostics, notes };
}

const HINT =
  'jobs with wait: false (and jobs already running) keep their place; export in smaller batches, or let imageform wait for them (wait: true)';

/** Why the group's new jobs cannot all run even one after another, if they cannot. */
function check(group: Group, limit: number, who: string, per: string): string | undefined {
  const kept = group.active + group.unwaited.length;
  const which = `${group.active} already active, ${group.unwaited.length} planned with wait: false`;
  if (!group.waited.length && kept > limit && group.unwaited.length) {
    return `${who} would have ${kept} active export jobs (${which}); the cloud allows ${limit} at a time ${per}`;
  }
  if (group.waited.length && kept >= limit) {
    return `${who} has no room to run ${group.waited.length} more export jobs: ${kept} active export jobs (${which}) would fill the ${limit} the cloud allows at a time ${per}`;
  }
  return undefined;
}

function queued(group: Group, limit: number, prefix: string, per: string): string | undefined {
  const planned = group.waited.length + group.unwaited.length;
  const room = limit - group.active;
  if (planned <= room) return undefined;
  const already = group.active ? `, ${group.active} already active` : '';
  return `${prefix}${planned} export jobs: at most ${room} run at once (the cloud allows ${limit} active ${per}${already}); the rest wait`;
}

/**
 * The provider apply uses: creating an export job waits for a free place under both limits. Places are counted from
 * what the refresh saw and from what this apply creates, and come back when a read shows a job finished or gone.
 */
export function queueExports(provider: IbmVpcClient, snapshot: IbmSnapshot): IbmVpcClient {
  const places = new ExportPlaces(snapshot);
  return new Proxy(provider, {
    get(target, key) {
      if (key === 'createExportJob') {
        return (imageId: string, prototype: ExportJobPrototype, options?: CreateOptions) =>
          places.create(imageId, () => target.createExportJob(imageId, prototype, options), options?.idle);
      }
      if (key === 'getExportJob') {
        return async (imageId: string, jobId: string) => places.seen(jobId, await target.getExportJob(imageId, jobId));
      }
      if (key === 'listExportJobs') {
        return async (imageId: string) => {
          const jobs = await target.listExportJobs(imageId);
          for (const jobId of places.activeOn(imageId))
            places.seen(
              jobId,
              jobs.find((job) => job.id === jobId),
            );
          return jobs;
        };
      }
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

class ExportPlaces {
  /** Job (or reservation) -> its image, for every job counted as active. */
  private readonly active = new Map<string, string>();
  private waiting: (() => void)[] = [];
  private reservations = 0;

  constructor(snapshot: IbmSnapshot) {
    for (const [imageId, jobs] of snapshot.exportJobs) {
      for (const job of jobs) if (ACTIVE_JOB_STATUSES.has(job.status)) this.active.set(job.id, imageId);
    }
  }

  async create(
    imageId: string,
    start: () => Promise<CloudExportJob>,
    idle: <T>(wait: () => Promise<T>) => Promise<T> = (wait) => wait(),
  ): Promise<CloudExportJob> {
    const reservation = this.hasRoom(imageId) ? this.reserve(imageId) : await idle(() => this.reserveWhenRoom(imageId));
    try {
      const job = await start();
      if (ACTIVE_JOB_STATUSES.has(job.status)) this.active.set(job.id, imageId);
      return job;
    } finally {
      this.active.delete(reservation);
      this.wake();
    }
  }

  /** Taken before the call, so creates running at the same time cannot all see the same free place. */
  private reserve(imageId: string): string {
    const reservation = `reservation ${++this.reservations}`;
    this.active.set(reservation, imageId);
    return reservation;
  }

  /** Waits for a place and takes it at once: the caller may wait again for its slot, and the place is kept. */
  private async reserveWhenRoom(imageId: string): Promise<string> {
    while (!this.hasRoom(imageId)) await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.reserve(imageId);
  }

  /** A read of a job: one that is no longer active gives its place back. */
  seen<T extends CloudExportJob | undefined>(jobId: string, job: T): T {
    if (this.active.has(jobId) && (!job || !ACTIVE_JOB_STATUSES.has(job.status))) {
      this.active.delete(jobId);
      this.wake();
    }
    return job;
  }

  /** The jobs of one image counted as active (reservations aside). */
  activeOn(imageId: string): string[] {
    return [...this.active]
      .filter(([id, image]) => image === imageId && !id.startsWith('reservation '))
      .map(([id]) => id);
  }

  private hasRoom(imageId: string): boolean {
    let onImage = 0;
    for (const image of this.active.values()) if (image === imageId) onImage++;
    return this.active.size < EXPORT_LIMITS.activePerAccount && onImage < EXPORT_LIMITS.activePerImage;
  }

  private wake(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}
