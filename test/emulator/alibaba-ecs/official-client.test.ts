import * as $OpenApi from '@alicloud/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/clouds/alibaba-ecs/emulator/index.js';
import { waitFor } from '../../helpers/wait.js';
import { $Ecs, hook, sdkClient, SECRET, startTestEmulator } from './ecs-client.js';

/** DESIGN §6: the emulator driven by the official client, `@alicloud/ecs20140526`, configured as the table says. */
let emulator: RunningEmulator;
let ecs: ReturnType<typeof sdkClient>;

beforeAll(async () => {
  // Real time at a twentieth of the default delays, so the client waits by polling as it would on ECS.
  emulator = await startTestEmulator({ timeScale: 0.05 });
  ecs = sdkClient(emulator);
});
afterAll(() => emulator.stop());

async function refusal(call: Promise<unknown>): Promise<any> {
  try {
    await call;
  } catch (err) {
    return err;
  }
  throw new Error('the call was expected to fail');
}

const describeOne = async (imageId: string, status = 'ALL') => {
  const reply = await ecs.describeImages(new $Ecs.DescribeImagesRequest({ regionId: 'cn-hangzhou', imageId, status }));
  return reply.body?.images?.image?.[0];
};

async function importAvailable(name: string, object = 'web.qcow2') {
  const imported = await ecs.importImage(
    new $Ecs.ImportImageRequest({
      regionId: 'cn-hangzhou',
      imageName: name,
      platform: 'Ubuntu',
      architecture: 'x86_64',
      OSType: 'linux',
      diskDeviceMapping: [new $Ecs.ImportImageRequestDiskDeviceMapping({ OSSBucket: 'img-src', OSSObject: object })],
      tag: [new $Ecs.ImportImageRequestTag({ key: 'team', value: 'web' })],
    }),
  );
  const imageId = imported.body!.imageId!;
  await waitFor(async () => (await describeOne(imageId))?.status === 'Available', { what: `${name} to be Available` });
  return { imageId, taskId: imported.body!.taskId! };
}

describe('the official ECS client against the emulator', () => {
  it('imports an image, which becomes Available and is listed by the default DescribeImages', async () => {
    const { imageId, taskId } = await importAvailable('web-base-1');
    expect(imageId).toMatch(/^m-[a-z0-9]+$/);
    expect(taskId).toMatch(/^t-[a-z0-9]+$/);
    const listed = await ecs.describeImages(
      new $Ecs.DescribeImagesRequest({ regionId: 'cn-hangzhou', imageName: 'web-base-1' }),
    );
    const image = listed.body!.images!.image![0]!;
    expect(listed.body!.totalCount).toBe(1);
    expect(image).toMatchObject({
      imageId,
      imageName: 'web-base-1',
      status: 'Available',
      progress: '100%',
      platform: 'Ubuntu',
      OSType: 'linux',
      architecture: 'x86_64',
      imageOwnerAlias: 'self',
    });
    expect(image.tags!.tag!.map((tag) => [tag.tagKey, tag.tagValue])).toEqual([['team', 'web']]);
    expect(image.diskDeviceMappings!.diskDeviceMapping![0]).toMatchObject({
      importOSSBucket: 'img-src',
      importOSSObject: 'web.qcow2',
      format: 'QCOW2',
    });
    const task = await ecs.describeTaskAttribute(
      new $Ecs.DescribeTaskAttributeRequest({ regionId: 'cn-hangzhou', taskId }),
    );
    expect(task.body).toMatchObject({ taskAction: 'ImportImage', taskStatus: 'Finished', taskProcess: '100%' });
  });

  it('modifies, deprecates and restores an image, and the family follows', async () => {
    const { imageId } = await importAvailable('web-base-2');
    await ecs.modifyImageAttribute(
      new $Ecs.ModifyImageAttributeRequest({
        regionId: 'cn-hangzhou',
        imageId,
        imageName: 'web-base-2b',
        description: 'nightly build',
        imageFamily: 'web',
      }),
    );
    expect(await describeOne(imageId)).toMatchObject({
      imageName: 'web-base-2b',
      description: 'nightly build',
      imageFamily: 'web',
    });
    const fromFamily = () =>
      ecs.describeImageFromFamily(
        new $Ecs.DescribeImageFromFamilyRequest({ regionId: 'cn-hangzhou', imageFamily: 'web' }),
      );
    expect((await fromFamily()).body!.image!.imageId).toBe(imageId);

    await ecs.modifyImageAttribute(
      new $Ecs.ModifyImageAttributeRequest({ regionId: 'cn-hangzhou', imageId, status: 'Deprecated' }),
    );
    expect((await describeOne(imageId))!.status).toBe('Deprecated');
    expect(await describeOne(imageId, 'Available')).toBeUndefined();
    expect((await fromFamily()).body!.image!.imageId).toBeUndefined();

    await ecs.modifyImageAttribute(
      new $Ecs.ModifyImageAttributeRequest({ regionId: 'cn-hangzhou', imageId, status: 'Available' }),
    );
    expect((await describeOne(imageId, 'Available'))!.status).toBe('Available');
    expect((await fromFamily()).body!.image!.imageId).toBe(imageId);
  });

  it('exports an image to OSS as a task, then deletes the image', async () => {
    const { imageId } = await importAvailable('web-base-3');
    const exported = await ecs.exportImage(
      new $Ecs.ExportImageRequest({
        regionId: 'cn-hangzhou',
        imageId,
        OSSBucket: 'exports',
        OSSPrefix: 'web',
        imageFormat: 'qcow2',
      }),
    );
    const taskId = exported.body!.taskId!;
    const busy = await refusal(ecs.deleteImage(new $Ecs.DeleteImageRequest({ regionId: 'cn-hangzhou', imageId })));
    expect(busy).toBeInstanceOf($OpenApi.ClientError);
    expect(busy.code).toBe('ImageIsExporting');
    const finished = await waitFor(
      async () => {
        const tasks = await ecs.describeTasks(
          new $Ecs.DescribeTasksRequest({ regionId: 'cn-hangzhou', taskIds: taskId, taskAction: 'ExportImage' }),
        );
        const task = tasks.body!.taskSet!.task![0]!;
        return task.taskStatus === 'Finished' && task;
      },
      { what: 'the export task to finish' },
    );
    expect(finished).toMatchObject({ taskId, resourceId: imageId, supportCancel: 'false' });
    const objects = await hook(emulator, 'GET', '/buckets/exports/objects');
    expect(objects.body.objects.map((object: any) => object.name)).toEqual([`web_${imageId}_system.qcow2`]);

    await ecs.deleteImage(new $Ecs.DeleteImageRequest({ regionId: 'cn-hangzhou', imageId }));
    expect(await describeOne(imageId)).toBeUndefined();
    const gone = await refusal(ecs.deleteImage(new $Ecs.DeleteImageRequest({ regionId: 'cn-hangzhou', imageId })));
    expect(gone).toMatchObject({ code: 'InvalidImageId.NotFound', statusCode: 404 });
  });

  it('shares, copies and tags an image; a shared image is not deprecated', async () => {
    const { imageId } = await importAvailable('web-base-4');
    await ecs.modifyImageSharePermission(
      new $Ecs.ModifyImageSharePermissionRequest({
        regionId: 'cn-hangzhou',
        imageId,
        addAccount: ['1234567890', '2345678901'],
      }),
    );
    const shares = await ecs.describeImageSharePermission(
      new $Ecs.DescribeImageSharePermissionRequest({ regionId: 'cn-hangzhou', imageId }),
    );
    expect(shares.body!.accounts!.account!.map((account) => account.aliyunId)).toEqual(['1234567890', '2345678901']);
    const refused = await refusal(
      ecs.modifyImageAttribute(
        new $Ecs.ModifyImageAttributeRequest({ regionId: 'cn-hangzhou', imageId, status: 'Deprecated' }),
      ),
    );
    expect(refused).toMatchObject({ code: 'ImageUseShared', statusCode: 403 });
    await ecs.modifyImageSharePermission(
      new $Ecs.ModifyImageSharePermissionRequest({
        regionId: 'cn-hangzhou',
        imageId,
        removeAccount: ['1234567890', '2345678901'],
      }),
    );

    const copied = await ecs.copyImage(
      new $Ecs.CopyImageRequest({
        regionId: 'cn-hangzhou',
        imageId,
        destinationRegionId: 'cn-shanghai',
        destinationImageName: 'web-copy',
      }),
    );
    const copyId = copied.body!.imageId!;
    await waitFor(
      async () => {
        const reply = await ecs.describeImages(
          new $Ecs.DescribeImagesRequest({ regionId: 'cn-shanghai', imageId: copyId, status: 'ALL' }),
        );
        return reply.body?.images?.image?.[0]?.status === 'Available';
      },
      { what: 'the copy to be Available in cn-shanghai' },
    );
    expect(await describeOne(copyId)).toBeUndefined(); // not in the source region

    await ecs.tagResources(
      new $Ecs.TagResourcesRequest({
        regionId: 'cn-hangzhou',
        resourceType: 'image',
        resourceId: [imageId],
        tag: [new $Ecs.TagResourcesRequestTag({ key: 'imageform_deprecation_at', value: '2027-01-01T00:00:00Z' })],
      }),
    );
    await ecs.untagResources(
      new $Ecs.UntagResourcesRequest({
        regionId: 'cn-hangzhou',
        resourceType: 'image',
        resourceId: [imageId],
        tagKey: ['team'],
      }),
    );
    const tags = await ecs.listTagResources(
      new $Ecs.ListTagResourcesRequest({ regionId: 'cn-hangzhou', resourceType: 'image', resourceId: [imageId] }),
    );
    expect(tags.body!.tagResources!.tagResource!.map((tag) => [tag.tagKey, tag.tagValue])).toEqual([
      ['imageform_deprecation_at', '2027-01-01T00:00:00Z'],
    ]);
  });

  it('signs with the legacy HMAC-SHA1 signature when Config.signatureAlgorithm is v2', async () => {
    const legacy = sdkClient(emulator, { signatureAlgorithm: 'v2' });
    const reply = await legacy.describeImages(
      new $Ecs.DescribeImagesRequest({ regionId: 'cn-hangzhou', status: 'ALL' }),
    );
    expect(reply.statusCode).toBe(200);
    expect(reply.body!.totalCount).toBeGreaterThan(0);
    const wrong = await refusal(
      sdkClient(emulator, { signatureAlgorithm: 'v2', secret: 'not-the-secret' }).describeImages(
        new $Ecs.DescribeImagesRequest({ regionId: 'cn-hangzhou' }),
      ),
    );
    expect(wrong).toMatchObject({ code: 'SignatureDoesNotMatch', statusCode: 400 });
  });

  it('refuses a wrong secret and an unknown AccessKey id as ClientErrors with their codes', async () => {
    const wrong = await refusal(
      sdkClient(emulator, { secret: 'not-the-secret' }).describeImages(
        new $Ecs.DescribeImagesRequest({ regionId: 'cn-hangzhou' }),
      ),
    );
    expect(wrong).toBeInstanceOf($OpenApi.ClientError);
    expect(wrong).toMatchObject({ code: 'SignatureDoesNotMatch', statusCode: 400 });
    expect(JSON.stringify(wrong.data)).not.toContain(SECRET);
    const unknown = await refusal(
      sdkClient(emulator, { accessKeyId: 'someone-else' }).describeImages(
        new $Ecs.DescribeImagesRequest({ regionId: 'cn-hangzhou' }),
      ),
    );
    expect(unknown).toMatchObject({ code: 'InvalidAccessKeyId.NotFound', statusCode: 404 });
  });

  it('surfaces an injected throttle as the SDK ThrottlingError with retryAfter', async () => {
    expect((await hook(emulator, 'POST', '/faults', { error_rate: 1, statuses: [429] })).status).toBe(200);
    try {
      const throttled = await refusal(ecs.describeImages(new $Ecs.DescribeImagesRequest({ regionId: 'cn-hangzhou' })));
      expect(throttled).toBeInstanceOf($OpenApi.ThrottlingError);
      expect(throttled).toMatchObject({ code: 'Throttling.User', statusCode: 429, retryAfter: 1000 });
    } finally {
      await hook(emulator, 'POST', '/faults', {});
    }
    const reply = await ecs.describeImages(new $Ecs.DescribeImagesRequest({ regionId: 'cn-hangzhou' }));
    expect(reply.statusCode).toBe(200);
  });

  it('an import from an object the README names as failing ends CreateFailed, its task Failed', async () => {
    const imported = await ecs.importImage(
      new $Ecs.ImportImageRequest({
        regionId: 'cn-hangzhou',
        imageName: 'broken-image',
        diskDeviceMapping: [
          new $Ecs.ImportImageRequestDiskDeviceMapping({ OSSBucket: 'img-src', OSSObject: 'will-fail.raw' }),
        ],
      }),
    );
    const imageId = imported.body!.imageId!;
    await waitFor(async () => (await describeOne(imageId))?.status === 'CreateFailed', { what: 'the import to fail' });
    const task = await ecs.describeTaskAttribute(
      new $Ecs.DescribeTaskAttributeRequest({ regionId: 'cn-hangzhou', taskId: imported.body!.taskId! }),
    );
    expect(task.body).toMatchObject({ taskStatus: 'Failed', failedCount: 1 });
  });
});
