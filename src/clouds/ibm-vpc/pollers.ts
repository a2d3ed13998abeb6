import { SweepPoller } from '../../engine/sweep-poller.js';
import { CloudError, type CloudExportJob, type CloudImage, type IbmVpcClient } from './api-types.js';

/**
 * IBM's pollers (DESIGN.md §9), one per client and kind. Images: one list of the images in a status that is not
 * final (pending, deleting, failed and the like, usually few) per sweep, in pages of 100; an image that left it has
 * settled, and one list of every image gives its final form (or proves it gone). That list is read at most once per
 * `CONFIRM_EVERY_MS` while other waited images are still unsettled (those that settled meanwhile are confirmed
 * together; until then each is as last seen, not done), and at once when none is: a thousand images settling over
 * a few seconds cost a few full lists, not one per sweep. Export jobs: one list per image that has waiting jobs.
 */
const UNSETTLED = ['pending', 'partially_available', 'failed', 'unusable', 'deleting'];
export const CONFIRM_EVERY_MS = 2_000;

const imagePollers = new WeakMap<IbmVpcClient, SweepPoller<CloudImage>>();
const jobPollers = new WeakMap<IbmVpcClient, SweepPoller<CloudExportJob>>();

export function imagePoller(client: IbmVpcClient): SweepPoller<CloudImage> {
  let poller = imagePollers.get(client);
  if (!poller) {
    poller = new SweepPoller<CloudImage>({ read: imageReader(client) });
    imagePollers.set(client, poller);
  }
  return poller;
}

/** The image poller's read of waited ids (exported for its tests; `clock` is theirs to set). */
export function imageReader(
  client: Pick<IbmVpcClient, 'listImages'>,
  clock: () => number = () => performance.now(),
): (ids: readonly string[]) => Promise<Map<string, CloudImage>> {
  /** Waited images as the unsettled list last showed them. */
  const lastUnsettled = new Map<string, CloudImage>();
  let confirmedAt = -Infinity;
  return async (ids) => {
    const found = new Map<string, CloudImage>();
    const wanted = new Set(ids);
    for (const image of await client.listImages({ status: UNSETTLED })) {
      if (!wanted.has(image.id)) continue;
      found.set(image.id, image);
      lastUnsettled.set(image.id, image);
    }
    const left = ids.filter((id) => !found.has(id));
    if (left.length === 0) return found;
    const recently = clock() - confirmedAt < CONFIRM_EVERY_MS;
    if (found.size > 0 && recently && left.every((id) => lastUnsettled.has(id))) {
      for (const id of left) found.set(id, lastUnsettled.get(id)!);
      return found;
    }
    confirmedAt = clock();
    for (const image of await client.listImages()) if (wanted.has(image.id)) found.set(image.id, image);
    for (const id of left) lastUnsettled.delete(id);
    return found;
  };
}

/** Export jobs are waited for as `IMAGE_ID/JOB_ID`. */
export function exportJobKey(imageId: string, jobId: string): string {
  return `${imageId}/${jobId}`;
}

export function exportJobPoller(client: IbmVpcClient): SweepPoller<CloudExportJob> {
  let poller = jobPollers.get(client);
  if (!poller) {
    poller = new SweepPoller<CloudExportJob>({ read: (keys) => readJobs(client, keys) });
    jobPollers.set(client, poller);
  }
  return poller;
}

async function readJobs(client: IbmVpcClient, keys: readonly string[]): Promise<Map<string, CloudExportJob>> {
  const images = new Set(keys.map((key) => key.slice(0, key.indexOf('/'))));
  const found = new Map<string, CloudExportJob>();
  for (const imageId of images) {
    // An image that can no longer be read has no jobs left to read: they are gone with it.
    const jobs = await client.listExportJobs(imageId).catch((err: unknown) => {
      if (err instanceof CloudError && err.status === 404) return [];
      throw err;
    });
    for (const job of jobs) found.set(exportJobKey(imageId, job.id), job);
  }
  return found;
}
