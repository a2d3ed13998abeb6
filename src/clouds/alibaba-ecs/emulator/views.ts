import type { Cloud } from './cloud.js';
import {
  ecsTime,
  imageProgress,
  imageStatus,
  taskProgress,
  taskStatus,
  type StoredImage,
  type StoredTask,
} from './model.js';

/** An image as DescribeImages shows it (REF §3, the SDK's `DescribeImagesResponseBodyImagesImage`). */
export function imageView(cloud: Cloud, image: StoredImage, now: number) {
  const status = imageStatus(image, now);
  const source = image.source;
  const bits = image.architecture === 'i386' ? '32' : '64';
  return {
    ImageId: image.id,
    ImageName: image.name,
    Description: image.description,
    ImageFamily: image.family ?? '',
    ImageVersion: image.version ?? '',
    Status: status,
    Progress: imageProgress(image, now),
    CreationTime: ecsTime(image.created_at),
    Size: image.size_gb,
    Architecture: image.architecture,
    Platform: image.platform,
    OSType: image.os_type,
    OSName: `${image.platform} ${bits}位`,
    OSNameEn: `${image.platform} ${bits} bit`,
    BootMode: image.boot_mode,
    LicenseType: image.license_type,
    ImageOwnerAlias: 'self',
    ImageOwnerId: Number(cloud.accountId),
    IsCopied: source.kind === 'copy',
    IsPublic: false,
    IsSelfShared: image.shared_with.length > 0 ? 'True' : 'False',
    IsSubscribed: false,
    IsSupportCloudinit: true,
    IsSupportIoOptimized: true,
    LoginAsNonRootSupported: false,
    ResourceGroupId: image.resource_group_id ?? '',
    Usage: image.in_use ? 'instance' : 'none',
    Usable: status === 'Available' || status === 'Deprecated',
    Tags: { Tag: image.tags.map(([TagKey, TagValue]) => ({ TagKey, TagValue })) },
    Features: { NvmeSupport: 'supported', ImdsSupport: 'v1' },
    DiskDeviceMappings: {
      DiskDeviceMapping: [
        {
          Device: '/dev/xvda',
          Size: String(image.size_gb),
          Type: 'system',
          Progress: imageProgress(image, now),
          RemainTime: Math.max(0, Math.ceil((image.ready_at - now) / 1000)),
          SnapshotId: source.kind === 'snapshot' ? source.snapshot_id : '',
          Format: source.kind === 'oss' ? source.format : '',
          ImportOSSBucket: source.kind === 'oss' ? source.bucket : '',
          ImportOSSObject: source.kind === 'oss' ? source.object : '',
        },
      ],
    },
  };
}

/** A task as DescribeTasks lists it (REF §6, `TaskSet.Task[]`). */
export function taskView(task: StoredTask, now: number) {
  const status = taskStatus(task, now);
  const finished = status === 'Finished' || status === 'Failed';
  return {
    TaskId: task.id,
    TaskAction: task.action,
    TaskStatus: status,
    CreationTime: ecsTime(task.created_at),
    FinishedTime: finished ? ecsTime(task.finish_due) : status === 'Cancelled' ? ecsTime(task.cancelled_at!) : '',
    ResourceId: task.image_id,
    SupportCancel: status === 'Processing' ? 'true' : 'false',
  };
}

/** DescribeTaskAttribute's fuller view (REF §6). */
export function taskAttributeView(task: StoredTask, now: number) {
  const view = taskView(task, now);
  const status = view.TaskStatus;
  return {
    ...view,
    RegionId: task.region,
    TaskProcess: taskProgress(task, now),
    TotalCount: 1,
    SuccessCount: status === 'Finished' ? 1 : 0,
    FailedCount: status === 'Failed' ? 1 : 0,
    OperationProgressSet: {
      OperationProgress: [
        {
          OperationStatus: status === 'Finished' ? 'Success' : status === 'Failed' ? 'Failed' : status,
          ErrorCode: status === 'Failed' ? (task.error_code ?? '') : '',
          ErrorMsg: status === 'Failed' ? (task.error_message ?? '') : '',
          RelatedItemSet: { RelatedItem: [{ Name: 'ImageId', Value: task.image_id }] },
        },
      ],
    },
  };
}
