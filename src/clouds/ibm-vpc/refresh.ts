import type { ResourceDocument } from '../../config/model.js';
import { parseReference } from '../../config/references.js';
import { recordedImageId } from './kinds/image-export-job.js';
import type { IbmVpcClient } from './api-types.js';
import type { RefreshInput } from '../../engine/cloud.js';
import { addImage, emptySnapshot, type IbmSnapshot } from './snapshot.js';

/**
 * Read what the plan needs from the cloud in as few requests as possible: every image in pages of 100 (not one
 * GET per resource), one GET only for a managed image missing from the list (to tell "gone" from "hidden"), and
 * export jobs only for images that have managed or planned jobs.
 */

function literalImageIds(documents: readonly ResourceDocument[]): string[] {
  const ids: string[] = [];
  for (const document of documents) {
    const value = document.spec.image;
    if (document.kind !== 'image' && typeof value === 'string' && !parseReference(value) && !value.includes('${'))
      ids.push(value);
  }
  return ids;
}

/** Image ids whose export jobs the plan must know: managed jobs' (`managed`), and images planned jobs will export. */
function imagesWithJobs(
  documents: readonly ResourceDocument[],
  entries: RefreshInput['entries'],
  managed: ReadonlySet<string>,
): Set<string> {
  const ids = new Set<string>(managed);
  for (const document of documents) {
    if (document.kind !== 'image_export_job') continue;
    const value = document.spec.image;
    const reference = parseReference(value);
    if (reference) {
      const id = entries[reference.address]?.id;
      if (id) ids.add(id);
    } else if (typeof value === 'string') {
      ids.add(value);
    }
  }
  return ids;
}

async function inBatches<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export async function refresh(provider: IbmVpcClient, input: RefreshInput): Promise<IbmSnapshot> {
  const { concurrency, documents, entries } = input;
  const requestsBefore = provider.requestCount;
  const snapshot = emptySnapshot(new Date(0));
  // Each page goes into the snapshot while the next is on its way, and the pass over the entries below runs while
  // the first is: neither waits for the last page.
  const listed = provider.listImages({}, (images) => {
    for (const image of images) addImage(snapshot, image);
  });
  // Awaited after the pass; a failure meanwhile must not go unhandled.
  listed.catch(() => undefined);

  // One pass over the entries (10,000 at scale): the images they hold, their jobs' images, their create intents.
  const wanted = new Set<string>(literalImageIds(documents));
  const jobImages = new Set<string>();
  const ownedImages = new Set<string>();
  const imageIntents: [address: string, key: string][] = [];
  const jobIntents: [address: string, imageId: string, name: string][] = [];
  for (const [address, entry] of Object.entries(entries)) {
    if (entry.kind === 'image_export_job') {
      const imageId = recordedImageId(entry);
      if (imageId) {
        wanted.add(imageId);
        jobImages.add(imageId);
      }
      if (!entry.id && entry.intent?.parent_id) jobIntents.push([address, entry.intent.parent_id, entry.intent.name]);
    } else if (entry.id) {
      wanted.add(entry.id);
      if (entry.kind === 'image') ownedImages.add(entry.id);
    } else if (entry.kind === 'image' && entry.intent?.key) {
      imageIntents.push([address, entry.intent.key]);
    }
  }

  await listed;

  // Managed images missing from the list: a GET tells a 404 (gone) from an object the list does not show.
  const missing = [...wanted].filter((id) => !snapshot.images.has(id));
  await inBatches(missing, concurrency, async (id) => {
    const image = await provider.getImage(id);
    if (image) addImage(snapshot, image);
    else snapshot.goneImages.add(id);
  });

  // A create intent left by an interrupted apply: the object, if the cloud made it, is found by its create key, a
  // name only that intent could have made. Never by the document's name: another state may have created that one
  // (an intent written before create keys has none, and the plan then refuses the taken name, suggesting import).
  for (const [address, key] of imageIntents) {
    const id = snapshot.imageIdsByName.get(key);
    if (id) snapshot.adoptedIntents.set(address, id);
  }
  for (const id of snapshot.adoptedIntents.values()) ownedImages.add(id);

  const withJobs = [...imagesWithJobs(documents, entries, jobImages)].filter((id) => snapshot.images.has(id)).sort();
  await inBatches(withJobs, concurrency, async (imageId) => {
    snapshot.exportJobs.set(imageId, await provider.listExportJobs(imageId));
  });
  // A job's name is unique within its image: on an image only this state holds, the job with the intent's name is
  // the intent's. On an image another state may export as well, it proves nothing, and the plan refuses the name.
  for (const [address, imageId, name] of jobIntents) {
    if (!ownedImages.has(imageId)) continue;
    const job = snapshot.exportJobs.get(imageId)?.find((candidate) => candidate.name === name);
    if (job) snapshot.adoptedIntents.set(address, job.id);
  }

  snapshot.now = await provider.now();
  snapshot.requests = provider.requestCount - requestsBefore;
  return snapshot;
}
