import { SweepPoller } from '../../engine/sweep-poller.js';
import { CloudError, type CloudExportJob, type CloudImage, type IbmVpcClient } from './api-types.js';

/**
 * IBM's pollers (DESIGN.md §9), one per client and kind. Images: one list of the images in a status that is not
 * final (pending, deleting, failed and the like, usually few) per sweep, in pages of 100; an image that left it has
 * settled, and one list of every image, only in a sweep where some did, gives its final form (or proves it gone).
 * Export jobs: one list per image that has waiting jobs.
 */
const UNSETTLED = ['pending', 'partially_available', 'failed', 'unusable', 'deleting'];

const imagePollers = new WeakMap<IbmVpcClient, SweepPoller<CloudImage>>();
const jobPollers = new WeakMap<IbmVpcClient, SweepPoller<CloudExportJob>>();

export function imagePoller(client: IbmVpcClient): SweepPoller<CloudImage> {
  let poller = imagePollers.get(client);
  if (!poller) {
    poller = new SweepPoller<CloudImage>({ read: (ids) => readImages(client, ids) });
    imagePollers.set(client, poller);
  }
  return poller;
}

async function readImages(client: IbmVpcClient, ids: readonly string[]): Promise<Map<string, CloudImage>> {
  const found = new Map<string, CloudImage>();
  const wanted = new Set(ids);
  for (const image of await client.listImages({ status: UNSETTLED }))
    if (wanted.has(image.id)) found.set(image.id, image);
  if (found.size === wanted.size) return found;
  for (const image of await client.listImages()) if (wanted.has(image.id)) found.set(image.id, image);
  return found;
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
