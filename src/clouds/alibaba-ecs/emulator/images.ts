import { answer, dryRun, page, regionOf, remember, replayed, type Action, type ActionContext } from './api.js';
import { EcsError, imageNotFound, incorrectImageStatus, invalidParameter, missingParameter } from './errors.js';
import { IMAGE_STATUSES, imageStatus, taskStatus, type ImageSource, type StoredImage } from './model.js';
import type { Params } from './params.js';
import { checkDescription, checkFamily, checkImageName, checkNameFree, checkTags } from './validate.js';
import { imageView } from './views.js';

const OS_TYPES = ['linux', 'windows'] as const;
const ARCHITECTURES = ['i386', 'x86_64', 'arm64'] as const;
const BOOT_MODES = ['BIOS', 'UEFI', 'UEFI-Preferred'] as const;
const IMPORT_FORMATS = ['RAW', 'VHD', 'QCOW2', 'VMDK'] as const;

/** README "Failing on purpose": a source whose name contains `fail` ends in CreateFailed (DESIGN §8.3). */
export const failsOnPurpose = (name: string) => /fail/i.test(name);

/** The attributes CreateImage and ImportImage share (REF §4), checked before anything is created. */
function commonAttributes(context: ActionContext, region: string) {
  const { params, cloud } = context;
  const name = params.get('ImageName') ?? '';
  if (name) {
    checkImageName(name);
    checkNameFree(cloud, region, name);
  }
  const description = params.get('Description') ?? '';
  if (description) checkDescription(description);
  const family = params.get('ImageFamily');
  if (family !== undefined) checkFamily(family);
  const tags = params.tags();
  checkTags(tags);
  return {
    name,
    description,
    family,
    version: params.get('ImageVersion'),
    tags,
    resource_group_id: params.get('ResourceGroupId'),
    architecture: params.oneOf('Architecture', ARCHITECTURES, 'x86_64'),
    platform: params.get('Platform') ?? 'Others Linux',
    boot_mode: params.oneOf('BootMode', BOOT_MODES, 'BIOS'),
  };
}

function newImage(
  context: ActionContext,
  region: string,
  fields: ReturnType<typeof commonAttributes> & { os_type: string; size_gb: number; source: ImageSource },
  fails: boolean,
  readyDelay: number,
): StoredImage {
  const { cloud, now } = context;
  const queuedUntil = now + cloud.delays.imageWaiting;
  return {
    seq: cloud.takeSeq(),
    id: cloud.newId('m'),
    region,
    name: fields.name,
    description: fields.description,
    ...(fields.family !== undefined ? { family: fields.family } : {}),
    ...(fields.version !== undefined ? { version: fields.version } : {}),
    os_type: fields.os_type,
    platform: fields.platform,
    architecture: fields.architecture,
    boot_mode: fields.boot_mode,
    license_type: context.params.get('LicenseType') ?? 'Auto',
    size_gb: fields.size_gb,
    source: fields.source,
    ...(fields.resource_group_id !== undefined ? { resource_group_id: fields.resource_group_id } : {}),
    encrypted: false,
    created_at: now,
    queued_until: queuedUntil,
    ready_at: queuedUntil + (fails ? cloud.delays.failAfter : readyDelay),
    outcome: fails ? 'failed' : 'available',
    deprecated: false,
    tags: fields.tags,
    shared_with: [],
    in_use: false,
  };
}

/** CreateImage from an instance or a system-disk snapshot; priority InstanceId > DiskDeviceMapping > SnapshotId. */
export const createImage: Action = (context) => {
  const { params, cloud } = context;
  const region = regionOf(params);
  const seen = replayed(context, 'CreateImage', region);
  if (seen) return answer(seen);
  const fields = commonAttributes(context, region);
  const source = snapshotOrInstance(params);
  const sourceId = source.kind === 'instance' ? source.instance_id : (source as { snapshot_id: string }).snapshot_id;
  dryRun(params);
  const image = newImage(
    context,
    region,
    { ...fields, os_type: 'linux', size_gb: 40, source },
    failsOnPurpose(sourceId),
    cloud.delays.imageReady,
  );
  cloud.addImage(image);
  const result = { ImageId: image.id };
  remember(context, 'CreateImage', region, result);
  return answer(result, true);
};

/** README "Sources": any `i-…` instance and `s-…` snapshot id exists (CHOICE, as IBM imports any COS file). */
function snapshotOrInstance(params: Params): ImageSource {
  const instance = params.get('InstanceId');
  const mapped = params.structs('DiskDeviceMapping').find((entry) => entry.SnapshotId)?.SnapshotId;
  const snapshot = params.get('SnapshotId');
  if (instance !== undefined) {
    if (!/^i-[a-z0-9]+$/.test(instance))
      throw new EcsError(404, 'InvalidInstanceId.NotFound', 'The specified InstanceId does not exist.');
    return { kind: 'instance', instance_id: instance };
  }
  const snapshotId = mapped ?? snapshot;
  if (snapshotId === undefined) throw missingParameter('SnapshotId');
  if (!/^s-[a-z0-9]+$/.test(snapshotId))
    throw new EcsError(404, 'InvalidSnapshotId.NotFound', 'The specified SnapshotId does not exist.');
  return { kind: 'snapshot', snapshot_id: snapshotId };
}

/** ImportImage from an OSS object (REF §4): returns ImageId and TaskId; any bucket and object imports. */
export const importImage: Action = (context) => {
  const { params, cloud, now } = context;
  const region = regionOf(params);
  const seen = replayed(context, 'ImportImage', region);
  if (seen) return answer(seen);
  const fields = commonAttributes(context, region);
  const system = params.structs('DiskDeviceMapping')[0];
  if (!system?.OSSBucket) throw missingParameter('DiskDeviceMapping.1.OSSBucket');
  if (!system.OSSObject) throw missingParameter('DiskDeviceMapping.1.OSSObject');
  const format = system.Format ? system.Format.toUpperCase() : formatOf(system.OSSObject);
  if (!(IMPORT_FORMATS as readonly string[]).includes(format))
    throw invalidParameter('DiskDeviceMapping.1.Format', `must be one of ${IMPORT_FORMATS.join(', ')}`);
  const size = system.DiskImageSize === undefined ? 40 : Number(system.DiskImageSize);
  if (!Number.isInteger(size) || size < 1 || size > 2048)
    throw invalidParameter('DiskDeviceMapping.1.DiskImageSize', 'must be an integer from 1 to 2048 (GiB)');
  const osType = params.oneOf('OSType', OS_TYPES, 'linux');
  dryRun(params);
  const fails = failsOnPurpose(system.OSSObject);
  const source: ImageSource = { kind: 'oss', bucket: system.OSSBucket, object: system.OSSObject, format };
  const image = newImage(
    context,
    region,
    { ...fields, os_type: osType, size_gb: size, source },
    fails,
    cloud.delays.imageReady,
  );
  image.task_id = cloud.newId('t');
  cloud.addImage(image);
  cloud.addTask({
    seq: cloud.takeSeq(),
    id: image.task_id,
    region,
    action: 'ImportImage',
    image_id: image.id,
    created_at: now,
    finish_due: image.ready_at,
    outcome: fails ? 'Failed' : 'Finished',
    ...(fails
      ? {
          error_code: 'InvalidImage.Corrupted',
          error_message: 'The image file is corrupted or in an unsupported format.',
        }
      : {}),
  });
  const result = { ImageId: image.id, TaskId: image.task_id, RegionId: region };
  remember(context, 'ImportImage', region, result);
  return answer(result, true);
};

/** CHOICE: an empty Format is detected from the object's extension, RAW otherwise (REF §4: auto-detected). */
function formatOf(object: string): string {
  const extension = /\.(qcow2|vhd|vmdk|raw)$/i.exec(object)?.[1];
  return extension ? extension.toUpperCase() : 'RAW';
}

/** DescribeImages (REF §3, §8, §10): default Status filter `Available`; newest first (CHOICE). */
export const describeImages: Action = (context) => {
  const { params, cloud, now } = context;
  const region = regionOf(params);
  const ids = params.commaList('ImageId', 100);
  const name = params.get('ImageName');
  const family = params.get('ImageFamily');
  const statuses = statusFilter(params);
  const owner = params.oneOf('ImageOwnerAlias', ['system', 'self', 'others', 'marketplace'] as const);
  const tags = params.tags();
  const images = cloud
    .imagesOf(region)
    .filter(
      (image) =>
        (!ids || ids.includes(image.id)) &&
        (name === undefined || image.name.includes(name)) &&
        (family === undefined || image.family === family) &&
        statuses.includes(imageStatus(image, now)) &&
        (owner === undefined || owner === 'self') &&
        tags.every(([key, value]) => image.tags.some(([k, v]) => k === key && (value === '' || v === value))),
    )
    .sort((a, b) => b.created_at - a.created_at || b.seq - a.seq);
  const { items, fields } = page(params, images);
  return answer({ RegionId: region, ...fields, Images: { Image: items.map((image) => imageView(cloud, image, now)) } });
};

function statusFilter(params: Params): readonly string[] {
  const given = params.commaList('Status', 10);
  if (!given) return ['Available'];
  if (given.some((status) => status.toUpperCase() === 'ALL')) return IMAGE_STATUSES;
  return given.map((status) => {
    const known = IMAGE_STATUSES.find((candidate) => candidate.toLowerCase() === status.toLowerCase());
    if (known === undefined && status !== 'UnAvailable')
      throw invalidParameter('Status', `${status} is not one of ${IMAGE_STATUSES.join(', ')}, UnAvailable, ALL`);
    return known ?? status;
  });
}

/** The image named by `ImageId` in the call's region, or InvalidImageId.NotFound. */
export function imageOf(context: ActionContext, region: string): StoredImage {
  const image = context.cloud.imageIn(region, context.params.required('ImageId'));
  if (!image) throw imageNotFound();
  return image;
}

/**
 * ModifyImageAttribute (REF §3, §5): name, description, family, boot mode, licence; `Status=Deprecated|Available`
 * deprecates and restores; a shared image cannot be deprecated (GUIDE).
 */
export const modifyImageAttribute: Action = (context) => {
  const { params, cloud, now } = context;
  const region = regionOf(params);
  const image = imageOf(context, region);
  const status = imageStatus(image, now);
  const name = params.get('ImageName');
  if (name !== undefined && name !== image.name) {
    checkImageName(name);
    checkNameFree(cloud, region, name);
  }
  const description = params.get('Description');
  if (description !== undefined) checkDescription(description);
  const family = params.get('ImageFamily');
  if (family !== undefined) checkFamily(family);
  const bootMode = params.oneOf('BootMode', BOOT_MODES);
  const newStatus = params.oneOf('Status', ['Deprecated', 'Available'] as const);
  if (newStatus !== undefined) {
    if (status !== 'Available' && status !== 'Deprecated')
      throw incorrectImageStatus(`the image is ${status}; only Available and Deprecated images change status`);
    if (newStatus === 'Deprecated' && image.shared_with.length > 0)
      throw new EcsError(
        403,
        'ImageUseShared',
        'The image is shared to other accounts: unshare it before deprecating it.',
      );
  }
  dryRun(params);
  if (name !== undefined && name !== image.name) cloud.renameImage(image, name);
  if (description !== undefined) image.description = description;
  if (family !== undefined) image.family = family;
  if (bootMode !== undefined) image.boot_mode = bootMode;
  const licence = params.get('LicenseType');
  if (licence !== undefined) image.license_type = licence;
  if (newStatus !== undefined) image.deprecated = newStatus === 'Deprecated';
  return answer({}, true);
};

/** DescribeImageFromFamily (REF §5): the newest Available image of the family; `Image: {}` when none (CHOICE). */
export const describeImageFromFamily: Action = (context) => {
  const { params, cloud, now } = context;
  const region = regionOf(params);
  const family = params.required('ImageFamily');
  const newest = cloud
    .imagesOf(region)
    .filter((image) => image.family === family && imageStatus(image, now) === 'Available')
    .sort((a, b) => b.created_at - a.created_at || b.seq - a.seq)[0];
  return answer({ Image: newest ? imageView(cloud, newest, now) : {} });
};

/**
 * DeleteImage (REF §2, §7): an unknown id is InvalidImageId.NotFound (CHOICE of the two the page gives); `Force`
 * skips only the in-use check; shared, importing, exporting and copying images are refused.
 */
export const deleteImage: Action = (context) => {
  const { params, cloud, now } = context;
  const region = regionOf(params);
  const image = imageOf(context, region);
  const status = imageStatus(image, now);
  if (image.in_use && !params.bool('Force'))
    throw new EcsError(403, 'ImageUsingByInstance', 'The image is in use by an instance; use Force to delete it.');
  if (image.shared_with.length > 0)
    throw new EcsError(403, 'ImageUseShared', 'The image is shared to other accounts: unshare it first.');
  if ((status === 'Waiting' || status === 'Creating') && image.source.kind === 'oss')
    throw new EcsError(403, 'ImageIsImporting', 'The image is being imported: cancel the task first.');
  if ((status === 'Waiting' || status === 'Creating') && image.source.kind === 'copy')
    throw new EcsError(403, 'OperationDenied.ImageCopying', 'The image is being copied: cancel the copy first.');
  if (copyingFrom(context, image))
    throw new EcsError(403, 'OperationDenied.ImageCopying', 'The image is being copied to another region.');
  if (cloud.tasksOf(image.id).some((task) => task.action === 'ExportImage' && taskStatus(task, now) === 'Processing'))
    throw new EcsError(403, 'ImageIsExporting', 'The image is being exported: cancel the task first.');
  dryRun(params);
  cloud.removeImage(image);
  return answer({}, true);
};

/** Whether a copy of the image is still being made in some region. */
export function copyingFrom(context: ActionContext, image: StoredImage): boolean {
  for (const other of context.cloud.images.values()) {
    if (other.source.kind !== 'copy' || other.source.source_image_id !== image.id) continue;
    const status = imageStatus(other, context.now);
    if (status === 'Waiting' || status === 'Creating') return true;
  }
  return false;
}
