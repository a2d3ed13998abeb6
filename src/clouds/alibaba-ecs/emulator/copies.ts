import { answer, dryRun, regionOf, remember, replayed, type Action } from './api.js';
import { EcsError, incorrectImageStatus } from './errors.js';
import { imageOf } from './images.js';
import { imageStatus, type StoredImage } from './model.js';
import { checkDescription, checkImageName, checkNameFree, checkTags } from './validate.js';

/**
 * CopyImage (REF §7): only an Available image (a deprecated one cannot be copied, GUIDE); the copy appears at once
 * in the destination region, `Waiting`/`Creating` then `Available`; no task. The family is not carried over
 * (REF §5, "likely"); the name defaults to the source's (CHOICE).
 */
export const copyImage: Action = (context) => {
  const { params, cloud, now } = context;
  const region = regionOf(params);
  const seen = replayed(context, 'CopyImage', region);
  if (seen) return answer(seen);
  const source = imageOf(context, region);
  const destination = regionOf(params, 'DestinationRegionId');
  const status = imageStatus(source, now);
  if (status !== 'Available') throw incorrectImageStatus(`the image is ${status}; only an Available image copies`);
  const name = params.get('DestinationImageName') ?? source.name;
  if (name) {
    checkImageName(name, 'DestinationImageName');
    checkNameFree(cloud, destination, name);
  }
  const description = params.get('DestinationDescription') ?? source.description;
  if (params.get('DestinationDescription') !== undefined) checkDescription(description);
  const tags = params.tags();
  checkTags(tags);
  const encrypted = params.bool('Encrypted');
  const kmsKeyId = params.get('KMSKeyId');
  if (kmsKeyId !== undefined && !encrypted)
    throw new EcsError(400, 'InvalidParameter.KMSKeyId', 'KMSKeyId is valid only with Encrypted=true.');
  dryRun(params);
  const queuedUntil = Math.max(now + cloud.delays.imageWaiting, slotFreeAt(context.cloud.images.values(), region, now));
  const copy: StoredImage = {
    ...structuredClone(source),
    seq: cloud.takeSeq(),
    id: cloud.newId('m'),
    region: destination,
    name,
    description,
    source: { kind: 'copy', source_region: region, source_image_id: source.id },
    encrypted: encrypted || source.encrypted,
    created_at: now,
    queued_until: queuedUntil,
    ready_at: queuedUntil + cloud.delays.copyReady,
    outcome: 'available',
    deprecated: false,
    tags,
    shared_with: [],
    in_use: false,
  };
  delete copy.family;
  delete copy.task_id;
  if (kmsKeyId !== undefined) copy.kms_key_id = kmsKeyId;
  const resourceGroup = params.get('ResourceGroupId');
  if (resourceGroup !== undefined) copy.resource_group_id = resourceGroup;
  cloud.addImage(copy);
  const result = { ImageId: copy.id };
  remember(context, 'CopyImage', region, result);
  return answer(result, true);
};

/** At most five copies from a region run at once; the rest wait (REF §7). */
export const copiesAtOnce = 5;

/**
 * When a new copy from `region` can start: now, or when the copy that frees a slot is done. Copies take the same
 * time, so with n unfinished copies (ready instants r1 <= … <= rn, n >= 5) a new one starts at r(n-4). A copy
 * cancelled later does not move the others' instants forward (CHOICE: they were fixed when they were made).
 */
function slotFreeAt(images: Iterable<StoredImage>, region: string, now: number): number {
  const running: number[] = [];
  for (const image of images)
    if (image.source.kind === 'copy' && image.source.source_region === region && image.ready_at > now)
      running.push(image.ready_at);
  if (running.length < copiesAtOnce) return now;
  running.sort((a, b) => a - b);
  return running[running.length - copiesAtOnce]!;
}

/** CancelCopyImage (REF §7): `RegionId` is the destination, `ImageId` the copy; removes a copy in progress. */
export const cancelCopyImage: Action = (context) => {
  const { params, cloud, now } = context;
  const region = regionOf(params);
  const copy = imageOf(context, region);
  if (copy.source.kind !== 'copy')
    throw new EcsError(400, 'ImageCreatedNotFromCopy', 'The specified image was not created by CopyImage.');
  const status = imageStatus(copy, now);
  if (status !== 'Waiting' && status !== 'Creating')
    throw new EcsError(400, 'IncorrectImageStatus', 'The image copy has finished.');
  dryRun(params);
  cloud.removeImage(copy);
  return answer({}, true);
};
