import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, startCloud, type TestCloud } from './cloud-client.js';

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startCloud();
});
afterAll(() => cloud.stop());

const exportJob = (imageId: string, body: Record<string, unknown> = {}) =>
  cloud.api('POST', `/images/${imageId}/export_jobs`, { storage_bucket: { name: 'exports' }, ...body });
const objects = async (bucket: string) =>
  (await cloud.hook('GET', `/buckets/${bucket}/objects`)).body.objects as Array<{ name: string }>;

describe('export job progression', () => {
  it('goes queued -> running -> succeeded with started_at / completed_at, and writes the object', async () => {
    const image = await cloud.availableImage();
    const created = await exportJob(image.id, { storage_bucket: { name: 'progress-bucket' }, name: 'nightly' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'queued',
      format: 'qcow2',
      name: 'nightly',
      resource_type: 'image_export_job',
      storage_bucket: { name: 'progress-bucket' },
      storage_object: { name: 'nightly.qcow2' },
      storage_href: 'cos://us-south/progress-bucket/nightly.qcow2',
      status_reasons: [],
    });
    expect(created.body.storage_bucket.crn).toMatch(
      /^crn:v1:bluemix:public:cloud-object-storage:global:a\/\w+:.*:bucket:progress-bucket$/,
    );
    expect(created.body.href).toBe(`${cloud.emulator.url}/v1/images/${image.id}/export_jobs/${created.body.id}`);
    expect(created.body).not.toHaveProperty('started_at');
    expect(created.body).not.toHaveProperty('encrypted_data_key');
    const url = `/images/${image.id}/export_jobs/${created.body.id}`;

    await cloud.advance(0.6);
    const running = (await cloud.api('GET', url)).body;
    expect(running.status).toBe('running');
    expect(running.started_at).toBeTypeOf('string');
    expect(running).not.toHaveProperty('completed_at');
    expect(await objects('progress-bucket')).toEqual([]);

    await cloud.advance(3);
    const done = (await cloud.api('GET', url)).body;
    expect(done.status).toBe('succeeded');
    expect(Date.parse(done.completed_at)).toBeGreaterThan(Date.parse(done.started_at));
    expect(await objects('progress-bucket')).toMatchObject([
      { name: 'nightly.qcow2', format: 'qcow2', image_id: image.id, export_job_id: created.body.id },
    ]);
  });

  it('fails with cannot_access_storage_bucket when the bucket refuses writes, leaving no object', async () => {
    const image = await cloud.availableImage();
    const created = await exportJob(image.id, { storage_bucket: { name: 'forbidden-bucket' }, format: 'vhd' });
    await cloud.advance(5);
    const failed = (await cloud.api('GET', `/images/${image.id}/export_jobs/${created.body.id}`)).body;
    expect(failed.status).toBe('failed');
    expect(failed.status_reasons[0].code).toBe('cannot_access_storage_bucket');
    expect(await objects('forbidden-bucket')).toEqual([]);
  });

  it('accepts the bucket by CRN and names the job after the image when no name is given', async () => {
    const image = await cloud.availableImage({ name: 'a-rather-long-image-name-here' });
    const crn = 'crn:v1:bluemix:public:cloud-object-storage:global:a/123:456::bucket:crn-bucket';
    const created = await exportJob(image.id, { storage_bucket: { crn } });
    expect(created.status).toBe(201);
    expect(created.body.storage_bucket).toEqual({ crn, name: 'crn-bucket' });
    expect(created.body.name.startsWith('a-rather-long-im')).toBe(true);
  });

  it('exports deprecated and obsolete images, but not pending or failed ones', async () => {
    const deprecated = await cloud.availableImage();
    await cloud.api('POST', `/images/${deprecated.id}/deprecate`);
    expect((await exportJob(deprecated.id)).status).toBe(201);
    await cloud.api('POST', `/images/${deprecated.id}/obsolete`);
    expect((await exportJob(deprecated.id)).status).toBe(201);
    const pending = await cloud.createImage();
    const refused = await exportJob(pending.id);
    expect(refused.status).toBe(409);
    expect(errorCode(refused)).toBe('invalid_state');
    expect((await exportJob('r006-missing')).status).toBe(404);
  });
});

describe('export job rules', () => {
  it.each([
    ['no bucket', { storage_bucket: undefined }, 'validation_required_field'],
    ['both name and crn', { storage_bucket: { name: 'a-b-c', crn: 'crn:v1:x' } }, 'validation_only_one'],
    ['a bad format', { format: 'raw' }, 'validation_enum'],
    ['a bad name', { name: 'Nightly' }, 'validation_invalid_name'],
  ])('refuses %s with 400 %s', async (_label, body, code) => {
    const image = await cloud.availableImage();
    const reply = await exportJob(image.id, body);
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe(code);
  });

  it('exports an encrypted image only as qcow2, and its job carries an encrypted_data_key', async () => {
    const image = await cloud.availableImage({
      encrypted_data_key: 'c2VjcmV0',
      encryption_key: { crn: 'crn:v1:bluemix:public:kms:us-south:a/abc:1234::key:1' },
    });
    const vhd = await exportJob(image.id, { format: 'vhd' });
    expect(vhd.status).toBe(400);
    expect(vhd.body.errors[0].message).toMatch(/qcow2/);
    const qcow2 = await exportJob(image.id);
    expect(qcow2.status).toBe(201);
    expect(qcow2.body.encrypted_data_key).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(qcow2.body.encrypted_data_key).not.toBe('c2VjcmV0');
  });

  it('keeps job names unique per image; a rename keeps the object name', async () => {
    const image = await cloud.availableImage();
    const job = await exportJob(image.id, { name: 'one' });
    expect((await exportJob(image.id, { name: 'one' })).status).toBe(400);
    const renamed = await cloud.api(
      'PATCH',
      `/images/${image.id}/export_jobs/${job.body.id}`,
      { name: '2nd-name' },
      { contentType: 'application/merge-patch+json' },
    );
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: '2nd-name', storage_object: { name: 'one.qcow2' } });
  });

  it('lists jobs newest first, filtered by name', async () => {
    const image = await cloud.availableImage();
    await exportJob(image.id, { name: 'first' });
    await cloud.advance(1);
    await exportJob(image.id, { name: 'second' });
    const list = await cloud.api('GET', `/images/${image.id}/export_jobs`);
    expect(list.body.export_jobs.map((job: { name: string }) => job.name)).toEqual(['second', 'first']);
    expect(list.body).not.toHaveProperty('next');
    const filtered = await cloud.api('GET', `/images/${image.id}/export_jobs`, undefined, { query: { name: 'first' } });
    expect(filtered.body.export_jobs.map((job: { name: string }) => job.name)).toEqual(['first']);
  });
});

describe('deleting export jobs', () => {
  it('cancels a running job (202, deleting, then gone) and leaves no object', async () => {
    const image = await cloud.availableImage();
    const job = await exportJob(image.id, { storage_bucket: { name: 'cancel-bucket' } });
    await cloud.advance(1);
    const url = `/images/${image.id}/export_jobs/${job.body.id}`;
    expect((await cloud.api('DELETE', url)).status).toBe(202);
    expect((await cloud.api('GET', url)).body.status).toBe('deleting');
    await cloud.advance(5);
    expect((await cloud.api('GET', url)).status).toBe(404);
    expect(await objects('cancel-bucket')).toEqual([]);
  });

  it('deleting a finished job keeps its object in the bucket', async () => {
    const image = await cloud.availableImage();
    const job = await exportJob(image.id, { storage_bucket: { name: 'keep-bucket' }, name: 'keep' });
    await cloud.advance(5);
    expect((await cloud.api('DELETE', `/images/${image.id}/export_jobs/${job.body.id}`)).status).toBe(202);
    await cloud.advance(1);
    expect((await cloud.api('GET', `/images/${image.id}/export_jobs/${job.body.id}`)).status).toBe(404);
    expect((await objects('keep-bucket')).map((object) => object.name)).toEqual(['keep.qcow2']);
  });

  it('deleting an image with a running export job: the image shows deleting until the job finishes', async () => {
    const image = await cloud.availableImage();
    const job = await exportJob(image.id, { storage_bucket: { name: 'late-bucket' }, name: 'late' });
    expect((await cloud.api('DELETE', `/images/${image.id}`)).status).toBe(202);
    await cloud.advance(1);
    expect((await cloud.api('GET', `/images/${image.id}`)).body.status).toBe('deleting');
    expect((await cloud.api('GET', `/images/${image.id}/export_jobs/${job.body.id}`)).body.status).toBe('running');
    expect((await exportJob(image.id)).status).toBe(409);
    await cloud.advance(3);
    expect((await cloud.api('GET', `/images/${image.id}`)).status).toBe(404);
    expect((await cloud.api('GET', `/images/${image.id}/export_jobs/${job.body.id}`)).status).toBe(404);
    expect((await objects('late-bucket')).map((object) => object.name)).toEqual(['late.qcow2']);
  });
});

describe('export job limits', () => {
  it('allows 5 active jobs per image, then 400 over_quota', async () => {
    const image = await cloud.availableImage();
    for (let i = 0; i < 5; i++) expect((await exportJob(image.id)).status).toBe(201);
    const sixth = await exportJob(image.id);
    expect(sixth.status).toBe(400);
    expect(errorCode(sixth)).toBe('over_quota');
    expect(sixth.body.errors[0].message).toMatch(/5 active/);
    await cloud.advance(5); // all five finish
    expect((await exportJob(image.id)).status).toBe(201);
  });

  it('allows 10 jobs in total per image, until finished ones are deleted', async () => {
    const image = await cloud.availableImage();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const job = await exportJob(image.id);
      expect(job.status).toBe(201);
      ids.push(job.body.id);
      if (i === 4) await cloud.advance(5);
    }
    await cloud.advance(5);
    const eleventh = await exportJob(image.id);
    expect(eleventh.status).toBe(400);
    expect(eleventh.body.errors[0].message).toMatch(/10 export jobs/);
    await cloud.api('DELETE', `/images/${image.id}/export_jobs/${ids[0]}`);
    await cloud.advance(1);
    expect((await exportJob(image.id)).status).toBe(201);
  });

  it('allows 20 active jobs per account and region', async () => {
    const fresh = await startCloud();
    try {
      const images = [];
      for (let i = 0; i < 5; i++) images.push(await fresh.createImage());
      await fresh.advance(2);
      for (let i = 0; i < 20; i++) {
        const reply = await fresh.api('POST', `/images/${images[i % 5].id}/export_jobs`, {
          storage_bucket: { name: 'region-bucket' },
        });
        expect(reply.status).toBe(201);
      }
      const over = await fresh.api('POST', `/images/${images[0].id}/export_jobs`, {
        storage_bucket: { name: 'region-bucket' },
      });
      expect(over.status).toBe(400);
      expect(over.body.errors[0].message).toMatch(/20 active export jobs/);
      const bucket = await fresh.hook('GET', '/buckets/region-bucket/objects');
      expect(bucket.body.objects).toEqual([]);
      await fresh.advance(5);
      expect((await fresh.hook('GET', '/buckets/region-bucket/objects')).body.objects).toHaveLength(20);
    } finally {
      await fresh.stop();
    }
  });
});
