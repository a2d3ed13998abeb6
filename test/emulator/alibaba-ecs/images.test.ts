import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/clouds/alibaba-ecs/emulator/index.js';
import { advance, hook, importImage, rpc, startTestEmulator } from './ecs-client.js';

/** README "Images", "Tasks", "Sharing", "Copies", "Tags", on a frozen clock moved by the clock hook. */
let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator({ frozenClock: true });
});
afterAll(() => emulator.stop());

const R = { RegionId: 'cn-hangzhou' };
const statusOf = async (imageId: string, region = 'cn-hangzhou') =>
  (await rpc(emulator, 'DescribeImages', { RegionId: region, ImageId: imageId, Status: 'ALL' })).body.Images.Image[0]
    ?.Status;

async function available(name: string, extra: Record<string, string> = {}, region = 'cn-hangzhou') {
  const ids = await importImage(emulator, { ImageName: name, ...extra }, region);
  await advance(emulator, 5);
  expect(await statusOf(ids.ImageId, region)).toBe('Available');
  return ids.ImageId;
}

describe('timed creation', () => {
  it('goes Waiting, then Creating, then Available as the clock moves', async () => {
    const { ImageId } = await importImage(emulator, { ImageName: 'timed-1' });
    expect(await statusOf(ImageId)).toBe('Waiting');
    const hidden = await rpc(emulator, 'DescribeImages', { ...R, ImageId });
    expect(hidden.body.TotalCount).toBe(0); // the default filter is Available only
    await advance(emulator, 0.5);
    expect(await statusOf(ImageId)).toBe('Creating');
    await advance(emulator, 1);
    expect(await statusOf(ImageId)).toBe('Available');
  });

  it('creates from any s-… snapshot or i-… instance id, and refuses other ids', async () => {
    const fromSnapshot = await rpc(emulator, 'CreateImage', { ...R, SnapshotId: 's-bp1abc', ImageName: 'from-snap' });
    expect(fromSnapshot.body.ImageId).toMatch(/^m-/);
    const fromInstance = await rpc(emulator, 'CreateImage', { ...R, InstanceId: 'i-bp1xyz', ImageName: 'from-vm' });
    expect(fromInstance.status).toBe(200);
    expect((await rpc(emulator, 'CreateImage', { ...R, SnapshotId: 'snap-1' })).body.Code).toBe(
      'InvalidSnapshotId.NotFound',
    );
    expect((await rpc(emulator, 'CreateImage', { ...R, InstanceId: 'vm-1' })).body.Code).toBe(
      'InvalidInstanceId.NotFound',
    );
    expect((await rpc(emulator, 'CreateImage', R)).body.Code).toBe('MissingParameter');
    await advance(emulator, 5);
    expect(await statusOf(fromSnapshot.body.ImageId)).toBe('Available');
  });
});

describe('names, ClientToken and DryRun', () => {
  it('keeps names unique per region and checks their form', async () => {
    await available('unique-name');
    const again = await importImage(emulator, { ImageName: 'other' });
    expect(again.ImageId).toBeTruthy();
    const duplicate = await rpc(emulator, 'ImportImage', {
      ...R,
      ImageName: 'unique-name',
      'DiskDeviceMapping.1.OSSBucket': 'b',
      'DiskDeviceMapping.1.OSSObject': 'o.raw',
    });
    expect(duplicate.body.Code).toBe('InvalidImageName.Duplicated');
    const elsewhere = await importImage(emulator, { ImageName: 'unique-name' }, 'cn-shanghai');
    expect(elsewhere.ImageId).toBeTruthy();
    for (const bad of ['a', '1starts-with-digit', 'aliyun-image', 'has space'])
      expect((await rpc(emulator, 'CreateImage', { ...R, SnapshotId: 's-1', ImageName: bad })).body.Code).toBe(
        'InvalidImageName.Malformed',
      );
  });

  it('answers a repeated ClientToken with the same image, and refuses it with other parameters', async () => {
    const params = { ...R, SnapshotId: 's-token', ImageName: 'token-image', ClientToken: 'tok-1' };
    const first = await rpc(emulator, 'CreateImage', params);
    const second = await rpc(emulator, 'CreateImage', params);
    expect(second.body.ImageId).toBe(first.body.ImageId);
    const other = await rpc(emulator, 'CreateImage', { ...params, ImageName: 'token-image-2' });
    expect(other.status).toBe(400);
    expect(other.body.Code).toBe('IdempotentParameterMismatch');
    const listed = await rpc(emulator, 'DescribeImages', { ...R, ImageName: 'token-image', Status: 'ALL' });
    expect(listed.body.TotalCount).toBe(1);
  });

  it('validates a DryRun write and changes nothing', async () => {
    const dry = await rpc(emulator, 'CreateImage', { ...R, SnapshotId: 's-dry', ImageName: 'dry-image', DryRun: true });
    expect(dry.status).toBe(400);
    expect(dry.body.Code).toBe('DryRunOperation');
    expect(
      (await rpc(emulator, 'DescribeImages', { ...R, ImageName: 'dry-image', Status: 'ALL' })).body.TotalCount,
    ).toBe(0);
    const invalid = await rpc(emulator, 'CreateImage', { ...R, SnapshotId: 'x', DryRun: true });
    expect(invalid.body.Code).toBe('InvalidSnapshotId.NotFound');
  });
});

describe('DescribeImages filters and paging', () => {
  it('pages 1-based with a default of 10 and at most 100', async () => {
    for (let i = 0; i < 12; i++)
      await importImage(emulator, { ImageName: `page-${String(i).padStart(2, '0')}` }, 'cn-beijing');
    await advance(emulator, 5);
    const first = await rpc(emulator, 'DescribeImages', { RegionId: 'cn-beijing' });
    expect(first.body).toMatchObject({ TotalCount: 12, PageNumber: 1, PageSize: 10 });
    expect(first.body.Images.Image).toHaveLength(10);
    expect(first.body.Images.Image[0].ImageName).toBe('page-11'); // newest first
    const second = await rpc(emulator, 'DescribeImages', { RegionId: 'cn-beijing', PageNumber: 2 });
    expect(second.body.Images.Image).toHaveLength(2);
    const beyond = await rpc(emulator, 'DescribeImages', { RegionId: 'cn-beijing', PageNumber: 9, PageSize: 100 });
    expect(beyond.body).toMatchObject({ TotalCount: 12, PageNumber: 9, PageSize: 100 });
    expect(beyond.body.Images.Image).toEqual([]);
    for (const size of ['0', '101', 'ten'])
      expect((await rpc(emulator, 'DescribeImages', { RegionId: 'cn-beijing', PageSize: size })).body.Code).toBe(
        'InvalidParameter',
      );
    expect((await rpc(emulator, 'DescribeImages', { RegionId: 'cn-beijing', PageNumber: 0 })).status).toBe(400);
  });

  it('filters by id list, fuzzy name, family, status list, owner and tags', async () => {
    const a = await available('filter-alpha', { 'Tag.1.Key': 'env', 'Tag.1.Value': 'prod' });
    const b = await available('filter-beta', { 'Tag.1.Key': 'env', 'Tag.1.Value': 'dev' });
    await rpc(emulator, 'ModifyImageAttribute', { ...R, ImageId: b, ImageFamily: 'filters', Status: 'Deprecated' });
    const names = async (params: Record<string, string>) =>
      (await rpc(emulator, 'DescribeImages', { ...R, PageSize: 100, ...params })).body.Images.Image.map(
        (i: any) => i.ImageName,
      );
    expect(await names({ ImageId: `${a},${b}`, Status: 'ALL' })).toEqual(['filter-beta', 'filter-alpha']);
    expect(await names({ ImageId: `${a},${b}` })).toEqual(['filter-alpha']);
    expect(await names({ ImageName: 'filter-', Status: 'Available,Deprecated' })).toEqual([
      'filter-beta',
      'filter-alpha',
    ]);
    expect(await names({ ImageFamily: 'filters', Status: 'Deprecated' })).toEqual(['filter-beta']);
    expect(await names({ 'Tag.1.Key': 'env', 'Tag.1.Value': 'prod', Status: 'ALL' })).toEqual(['filter-alpha']);
    expect(await names({ ImageId: a, ImageOwnerAlias: 'system' })).toEqual([]);
    expect(await names({ ImageId: a, ImageOwnerAlias: 'self' })).toEqual(['filter-alpha']);
    expect((await rpc(emulator, 'DescribeImages', { ...R, Status: 'Gone' })).body.Code).toBe('InvalidParameter');
  });
});

describe('status rules', () => {
  it('changes status only between Available and Deprecated', async () => {
    const { ImageId } = await importImage(emulator, { ImageName: 'too-early' });
    const early = await rpc(emulator, 'ModifyImageAttribute', { ...R, ImageId, Status: 'Deprecated' });
    expect(early.status).toBe(403);
    expect(early.body.Code).toBe('IncorrectImageStatus');
    expect((await rpc(emulator, 'ModifyImageAttribute', { ...R, ImageId, Status: 'Obsolete' })).body.Code).toBe(
      'InvalidParameter',
    );
  });

  it('neither shares nor copies a deprecated image', async () => {
    const id = await available('deprecated-one');
    await rpc(emulator, 'ModifyImageAttribute', { ...R, ImageId: id, Status: 'Deprecated' });
    const share = await rpc(emulator, 'ModifyImageSharePermission', {
      ...R,
      ImageId: id,
      'AddAccount.1': '1234567890',
    });
    expect(share.body.Code).toBe('IncorrectImageStatus');
    const copy = await rpc(emulator, 'CopyImage', { ...R, ImageId: id, DestinationRegionId: 'cn-shanghai' });
    expect(copy.body.Code).toBe('IncorrectImageStatus');
  });
});

describe('DeleteImage refusals', () => {
  it('refuses an image in use unless forced, a shared one, and one being imported', async () => {
    const id = await available('in-use');
    expect((await hook(emulator, 'PUT', `/images/${id}/usage`, { in_use: true })).status).toBe(200);
    expect((await rpc(emulator, 'DeleteImage', { ...R, ImageId: id })).body.Code).toBe('ImageUsingByInstance');
    await rpc(emulator, 'ModifyImageSharePermission', { ...R, ImageId: id, 'AddAccount.1': '1234567890' });
    expect((await rpc(emulator, 'DeleteImage', { ...R, ImageId: id, Force: true })).body.Code).toBe('ImageUseShared');
    await rpc(emulator, 'ModifyImageSharePermission', { ...R, ImageId: id, 'RemoveAccount.1': '1234567890' });
    expect((await rpc(emulator, 'DeleteImage', { ...R, ImageId: id, Force: true })).status).toBe(200);

    const importing = await importImage(emulator, { ImageName: 'importing' });
    expect((await rpc(emulator, 'DeleteImage', { ...R, ImageId: importing.ImageId })).body.Code).toBe(
      'ImageIsImporting',
    );
    expect((await rpc(emulator, 'CancelTask', { ...R, TaskId: importing.TaskId })).status).toBe(200);
    expect(await statusOf(importing.ImageId)).toBeUndefined();
    const again = await rpc(emulator, 'CancelTask', { ...R, TaskId: importing.TaskId });
    expect(again.body.Code).toBe('IncorrectTaskStatus');
  });
});

describe('tasks', () => {
  it('exports, lists by status and action, and cancels a running export', async () => {
    const id = await available('export-me');
    const first = await rpc(emulator, 'ExportImage', { ...R, ImageId: id, OSSBucket: 'exports-b', OSSPrefix: 'p1' });
    const second = await rpc(emulator, 'ExportImage', { ...R, ImageId: id, OSSBucket: 'exports-b', OSSPrefix: 'p2' });
    const processing = await rpc(emulator, 'DescribeTasks', {
      ...R,
      TaskAction: 'ExportImage',
      TaskStatus: 'Processing',
    });
    expect(processing.body.TaskSet.Task.map((task: any) => task.TaskId)).toEqual([
      second.body.TaskId,
      first.body.TaskId,
    ]);
    expect((await rpc(emulator, 'CancelTask', { ...R, TaskId: second.body.TaskId })).status).toBe(200);
    await advance(emulator, 5);
    const both = await rpc(emulator, 'DescribeTasks', { ...R, TaskIds: `${first.body.TaskId},${second.body.TaskId}` });
    expect(both.body.TaskSet.Task.map((task: any) => task.TaskStatus)).toEqual(['Cancelled', 'Finished']);
    const objects = await hook(emulator, 'GET', '/buckets/exports-b/objects');
    expect(objects.body.objects.map((object: any) => object.name)).toEqual([`p1_${id}_system.raw.tar.gz`]);
    const paged = await rpc(emulator, 'DescribeTasks', { ...R, TaskAction: 'ExportImage', PageSize: 1, PageNumber: 2 });
    expect(paged.body).toMatchObject({ PageSize: 1, PageNumber: 2 });
    expect(paged.body.TaskSet.Task).toHaveLength(1);
    expect((await rpc(emulator, 'DescribeTaskAttribute', { ...R, TaskId: 't-none' })).body.Code).toBe(
      'InvalidTaskId.NotFound',
    );
  });

  it('fails an export to a bucket the README names as failing', async () => {
    const id = await available('export-fail');
    const task = await rpc(emulator, 'ExportImage', { ...R, ImageId: id, OSSBucket: 'fail-bucket' });
    await advance(emulator, 5);
    const attribute = await rpc(emulator, 'DescribeTaskAttribute', { ...R, TaskId: task.body.TaskId });
    expect(attribute.body).toMatchObject({ TaskStatus: 'Failed', FailedCount: 1 });
  });
});

describe('sharing, copies and tags', () => {
  it('takes at most 10 accounts a call and lists them by page', async () => {
    const id = await available('share-many');
    const accounts = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`AddAccount.${i + 1}`, `10000000${i + 10}`]),
    );
    const shared = await rpc(emulator, 'ModifyImageSharePermission', { ...R, ImageId: id, ...accounts });
    expect(shared.body).toEqual({ RequestId: shared.body.RequestId });
    const listed = await rpc(emulator, 'DescribeImageSharePermission', { ...R, ImageId: id, PageSize: 100 });
    expect(listed.body.TotalCount).toBe(10);
    expect(listed.body.Accounts.Account[0].AliyunId).toBe('1000000010');
  });

  it('copies to another region and cancels a copy in progress', async () => {
    const id = await available('copy-source');
    const copy = await rpc(emulator, 'CopyImage', { ...R, ImageId: id, DestinationRegionId: 'cn-shanghai' });
    expect(await statusOf(copy.body.ImageId, 'cn-shanghai')).toBe('Waiting');
    expect((await rpc(emulator, 'DeleteImage', { ...R, ImageId: id })).body.Code).toBe('OperationDenied.ImageCopying');
    expect(
      (await rpc(emulator, 'CancelCopyImage', { RegionId: 'cn-shanghai', ImageId: copy.body.ImageId })).status,
    ).toBe(200);
    expect(await statusOf(copy.body.ImageId, 'cn-shanghai')).toBeUndefined();
    expect((await rpc(emulator, 'CancelCopyImage', { ...R, ImageId: id })).body.Code).toBe('ImageCreatedNotFromCopy');
    const bad = await rpc(emulator, 'CopyImage', { ...R, ImageId: id, DestinationRegionId: 'nowhere-1' });
    expect(bad.body.Code).toBe('InvalidRegionId.NotFound');
  });

  it('runs at most five copies from a region at once; the sixth waits for a slot', async () => {
    const id = await available('copy-many', {}, 'cn-qingdao');
    const copies: string[] = [];
    for (let i = 0; i < 6; i++) {
      const copy = await rpc(emulator, 'CopyImage', {
        RegionId: 'cn-qingdao',
        ImageId: id,
        DestinationRegionId: 'cn-beijing',
        DestinationImageName: `copy-many-${i}`,
      });
      copies.push(copy.body.ImageId);
    }
    await advance(emulator, 0.5);
    const statuses = async () => Promise.all(copies.map((copy) => statusOf(copy, 'cn-beijing')));
    expect(await statuses()).toEqual([...Array(5).fill('Creating'), 'Waiting']);
    await advance(emulator, 1.5);
    expect(await statuses()).toEqual([...Array(5).fill('Available'), 'Creating']);
    await advance(emulator, 2);
    expect(await statuses()).toEqual(Array(6).fill('Available'));
  });

  it('tags, lists by tag and untags', async () => {
    const id = await available('tag-me');
    const tagged = await rpc(emulator, 'TagResources', {
      ...R,
      ResourceType: 'image',
      'ResourceId.1': id,
      'Tag.1.Key': 'owner',
      'Tag.1.Value': 'web',
    });
    expect(tagged.status).toBe(200);
    const byTag = await rpc(emulator, 'ListTagResources', { ...R, ResourceType: 'image', 'Tag.1.Key': 'owner' });
    expect(byTag.body.TagResources.TagResource).toEqual([
      { ResourceId: id, ResourceType: 'image', TagKey: 'owner', TagValue: 'web' },
    ]);
    await rpc(emulator, 'UntagResources', { ...R, ResourceType: 'image', 'ResourceId.1': id, All: true });
    const none = await rpc(emulator, 'ListTagResources', { ...R, ResourceType: 'image', 'ResourceId.1': id });
    expect(none.body.TagResources.TagResource).toEqual([]);
    const wrongType = await rpc(emulator, 'TagResources', {
      ...R,
      ResourceType: 'instance',
      'ResourceId.1': id,
      'Tag.1.Key': 'k',
    });
    expect(wrongType.body.Code).toBe('InvalidResourceType.NotSupported');
  });
});
