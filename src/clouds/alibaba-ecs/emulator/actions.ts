import { answer, type Action } from './api.js';
import { cancelCopyImage, copyImage } from './copies.js';
import {
  createImage,
  deleteImage,
  describeImageFromFamily,
  describeImages,
  importImage,
  modifyImageAttribute,
} from './images.js';
import { REGIONS } from './regions.js';
import { describeImageSharePermission, modifyImageSharePermission } from './sharing.js';
import { listTagResources, tagResources, untagResources } from './tags.js';
import { cancelTask, describeTaskAttribute, describeTasks, exportImage } from './tasks.js';

/** DescribeRegions: the regions served (regions.ts), each at its regional endpoint name (REF §1). */
const describeRegions: Action = () =>
  answer({
    Regions: {
      Region: Object.entries(REGIONS).map(([RegionId, LocalName]) => ({
        RegionId,
        LocalName,
        RegionEndpoint: `ecs.${RegionId}.aliyuncs.com`,
        Status: 'available',
      })),
    },
  });

/** The ECS actions the emulator answers, by `Action` (REF §10); any other is InvalidAction.NotFound. */
export const ACTIONS: Readonly<Record<string, Action>> = {
  DescribeRegions: describeRegions,
  DescribeImages: describeImages,
  CreateImage: createImage,
  ImportImage: importImage,
  ModifyImageAttribute: modifyImageAttribute,
  DescribeImageFromFamily: describeImageFromFamily,
  DeleteImage: deleteImage,
  ExportImage: exportImage,
  DescribeTasks: describeTasks,
  DescribeTaskAttribute: describeTaskAttribute,
  CancelTask: cancelTask,
  ModifyImageSharePermission: modifyImageSharePermission,
  DescribeImageSharePermission: describeImageSharePermission,
  CopyImage: copyImage,
  CancelCopyImage: cancelCopyImage,
  TagResources: tagResources,
  UntagResources: untagResources,
  ListTagResources: listTagResources,
};
