import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { cloudNow, errorCode, startCloud, uniqueName, type TestCloud } from './cloud-client.js';

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startCloud();
});
afterAll(() => cloud.stop());

const image = (fields: Record<string, unknown> = {}) => ({
  name: uniqueName(),
  file: { href: 'cos://us-south/images/base.qcow2' },
  operating_system: { name: 'ubuntu-24-04-amd64' },
  ...fields,
});

describe('version and generation', () => {
  it.each([
    [{ version: '' }, 'missing_version'],
    [{ version: '2026-3-4' }, 'invalid_version'],
    [{ version: '2026-02-30' }, 'invalid_version'],
    [{ version: '2099-01-01' }, 'invalid_version_range'],
    [{ version: '2018-12-31' }, 'invalid_version_range'],
    [{ version: '2019-03-01' }, 'version_not_supported'],
    [{ generation: '' }, 'missing_generation_parameter'],
    [{ generation: '1' }, 'invalid_generation_parameter'],
  ])('%j is refused with %s', async (query, code) => {
    const reply = await cloud.api('GET', '/images', undefined, { query: query as Record<string, string> });
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe(code);
    expect(reply.body.errors[0].target.type).toBe('parameter');
  });
});

describe('create from a COS file', () => {
  it('is 201 pending (queued, then in progress), then available about a second later', async () => {
    const created = await cloud.api('POST', '/images', image());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'pending',
      resource_type: 'image',
      visibility: 'private',
      encryption: 'none',
      catalog_offering: { managed: false },
    });
    expect(created.body.status_reasons[0].code).toBe('image_request_queued');
    expect(created.body.id).toMatch(/^r006-[0-9a-f-]{36}$/);
    expect(created.body.crn).toBe(
      `crn:v1:bluemix:public:is:us-south:a/${created.body.crn.split('/')[1].split(':')[0]}::image:${created.body.id}`,
    );
    expect(created.body.href).toBe(`${cloud.emulator.url}/v1/images/${created.body.id}`);
    expect(created.body.file).toEqual({});
    expect(created.body).not.toHaveProperty('owner_type');
    await cloud.advance(0.5);
    const running = await cloud.api('GET', `/images/${created.body.id}`);
    expect(running.body.status).toBe('pending');
    expect(running.body.status_reasons[0].code).toBe('image_request_in_progress');
    await cloud.advance(0.6);
    const done = await cloud.api('GET', `/images/${created.body.id}`);
    expect(done.body.status).toBe('available');
    expect(done.body.status_reasons).toEqual([]);
    expect(done.body.file.checksums.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(done.body.file.size).toBeGreaterThan(0);
    expect(done.body.minimum_provisioned_size).toBeGreaterThanOrEqual(done.body.file.size);
    expect(done.body.operating_system).toMatchObject({ name: 'ubuntu-24-04-amd64', architecture: 'amd64' });
    expect(done.body.user_data_format).toBe('cloud_init');
    expect(done.body.zones.length).toBe(3);
  });

  it('really becomes available on its own in real time (no clock moves)', async () => {
    const fast = await startCloud({ timeScale: 0.05, frozenClock: false });
    try {
      const created = await fast.createImage();
      const status = async () => (await fast.api('GET', `/images/${created.id}`)).body.status;
      await waitFor(async () => (await status()) === 'available', { what: 'the image to become available by itself' });
      expect((await fast.hook('GET', '/clock')).body.offset_seconds).toBe(0);
    } finally {
      await fast.stop();
    }
  });

  it('ends failed with image_data_corrupted for a corrupt file', async () => {
    const created = await cloud.createImage({ file: { href: 'cos://us-south/images/corrupt-disk.qcow2' } });
    await cloud.advance(2);
    const failed = await cloud.api('GET', `/images/${created.id}`);
    expect(failed.body.status).toBe('failed');
    expect(failed.body.status_reasons[0].code).toBe('image_data_corrupted');
    expect(failed.body.zones).toEqual([]);
  });

  it('imports an encrypted image as user_managed and never echoes encrypted_data_key', async () => {
    const key = 'crn:v1:bluemix:public:kms:us-south:a/abc:1234::key:5678';
    const created = await cloud.api(
      'POST',
      '/images',
      image({ encrypted_data_key: 'c2VjcmV0LWRhdGEta2V5', encryption_key: { crn: key } }),
    );
    expect(created.status).toBe(201);
    expect(created.body.encryption).toBe('user_managed');
    expect(created.body.encryption_key).toEqual({ crn: key });
    expect(JSON.stringify(created.body)).not.toContain('c2VjcmV0LWRhdGEta2V5');
    expect(created.body).not.toHaveProperty('encrypted_data_key');
    const half = await cloud.api('POST', '/images', image({ encryption_key: { crn: key } }));
    expect(half.status).toBe(400);
    expect(errorCode(half)).toBe('validation_required_field');
  });

  it('shows owner_type only for versions before 2025-06-30', async () => {
    const created = await cloud.createImage();
    const old = await cloud.api('GET', `/images/${created.id}`, undefined, { query: { version: '2025-01-01' } });
    expect(old.body.owner_type).toBe('user');
  });

  it.each([
    ['a name with capitals', { name: 'Web' }, 'validation_invalid_name', 'name'],
    ['a name ending in a hyphen', { name: 'web-' }, 'validation_invalid_name', 'name'],
    ['a 64-character name', { name: `a${'b'.repeat(63)}` }, 'validation_invalid_name', 'name'],
    ['the reserved ibm- prefix', { name: 'ibm-mine' }, 'validation_invalid_name', 'name'],
    ['no operating system', { operating_system: undefined }, 'validation_required_field', 'operating_system'],
    [
      'an unknown operating system',
      { operating_system: { name: 'beos-5' } },
      'validation_failure',
      'operating_system.name',
    ],
    [
      'a file that is not qcow2 or vhd',
      { file: { href: 'cos://us-south/images/disk.iso' } },
      'cos_invalid_file_extension',
      'file.href',
    ],
    [
      'a file that is not a cos:// URL',
      { file: { href: 'https://example.com/disk.qcow2' } },
      'cos_scheme_uri_invalid',
      'file.href',
    ],
    ['neither file nor volume', { file: undefined }, 'validation_required_field', 'file'],
    ['both file and volume', { source_volume: { id: 'r006-x' } }, 'validation_only_one', 'file'],
    ['a past deprecation_at', { deprecation_at: '2020-01-01T00:00:00Z' }, 'validation_failure', 'deprecation_at'],
    [
      'a date without an offset',
      { deprecation_at: '2099-01-01T00:00:00' },
      'validation_invalid_field_type',
      'deprecation_at',
    ],
    [
      'obsolescence before deprecation',
      { deprecation_at: '2099-02-01T00:00:00Z', obsolescence_at: '2099-01-01T00:00:00Z' },
      'validation_failure',
      'obsolescence_at',
    ],
  ])('refuses %s with 400 %s', async (_label, fields, code, target) => {
    const reply = await cloud.api('POST', '/images', image(fields));
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe(code);
    expect(reply.body.errors[0].target.name).toBe(target);
  });

  it('keeps names unique per account and region: 400 validation_unique_failed, as the real API', async () => {
    const first = await cloud.createImage();
    const twin = await cloud.api('POST', '/images', image({ name: first.name }));
    expect(twin.status).toBe(400);
    expect(twin.body.errors[0]).toMatchObject({
      code: 'validation_unique_failed',
      message: `Provided Name (${first.name}) is not unique`,
      target: { name: 'name', type: 'field', value: first.name },
    });
  });

  it('generates a name when none is given', async () => {
    const created = await cloud.api('POST', '/images', image({ name: undefined }));
    expect(created.status).toBe(201);
    expect(created.body.name).toMatch(/^[a-z]+(-[a-z]+){3}$/);
  });

  it('answers bad JSON with 400 and an unknown image with 404 not_found', async () => {
    const response = await fetch(`${cloud.emulator.url}/v1/images?version=2026-03-24&generation=2`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${cloud.token}`, 'Content-Type': 'application/json' },
      body: '{"name":',
    });
    expect(response.status).toBe(400);
    const wrongMethod = await cloud.api('PUT', '/images', {});
    expect(wrongMethod.status).toBe(405);
    expect((await cloud.api('GET', '/volumes')).status).toBe(404);
    const missing = await cloud.api('GET', '/images/r006-00000000-0000-0000-0000-000000000000');
    expect(missing.status).toBe(404);
    expect(errorCode(missing)).toBe('not_found');
  });
});

describe('create from a source volume', () => {
  it('takes the operating system, size and root key from the boot volume', async () => {
    const key = 'crn:v1:bluemix:public:kms:us-south:a/abc:1234::key:volume';
    const volume = await cloud.hook('POST', '/volumes', {
      name: 'boot-1',
      operating_system: 'debian-12-amd64',
      capacity: 120,
      encryption_key: { crn: key },
    });
    expect(volume.status).toBe(201);
    const created = await cloud.api('POST', '/images', { name: uniqueName(), source_volume: { id: volume.body.id } });
    expect(created.status).toBe(201);
    expect(created.body.status_reasons[0].code).toBe('image_request_queued');
    expect(created.body.source_volume).toMatchObject({ id: volume.body.id, name: 'boot-1', resource_type: 'volume' });
    expect(created.body.encryption).toBe('user_managed');
    await cloud.advance(2);
    const done = await cloud.api('GET', `/images/${created.body.id}`);
    expect(done.body).toMatchObject({
      status: 'available',
      operating_system: { name: 'debian-12-amd64' },
      file: { size: 120 },
    });
    const byCrn = await cloud.api('POST', '/images', { name: uniqueName(), source_volume: { crn: volume.body.crn } });
    expect(byCrn.status).toBe(201);
  });

  it('refuses an unknown volume (404) and the boot volume of a running instance (409)', async () => {
    const unknown = await cloud.api('POST', '/images', { name: uniqueName(), source_volume: { id: 'r006-nope' } });
    expect(unknown.status).toBe(404);
    const running = await cloud.hook('POST', '/volumes', {
      operating_system: 'rhel-9-amd64',
      attached_to_running_instance: true,
    });
    const busy = await cloud.api('POST', '/images', { name: uniqueName(), source_volume: { id: running.body.id } });
    expect(busy.status).toBe(409);
    expect(errorCode(busy)).toBe('invalid_state');
  });
});

describe('rename and delete', () => {
  it('renames with a merge patch, keeping names unique', async () => {
    const a = await cloud.availableImage();
    const b = await cloud.createImage();
    const renamed = await cloud.api(
      'PATCH',
      `/images/${a.id}`,
      { name: `${a.name}-new` },
      { contentType: 'application/merge-patch+json' },
    );
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe(`${a.name}-new`);
    const clash = await cloud.api(
      'PATCH',
      `/images/${b.id}`,
      { name: `${a.name}-new` },
      { contentType: 'application/merge-patch+json' },
    );
    expect(clash.status).toBe(400);
    expect(errorCode(clash)).toBe('validation_unique_failed');
    // the old name is free again
    expect((await cloud.api('POST', '/images', image({ name: a.name }))).status).toBe(201);
  });

  it('deletes asynchronously: 202, deleting, then 404', async () => {
    const target = await cloud.availableImage();
    const deleted = await cloud.api('DELETE', `/images/${target.id}`);
    expect(deleted.status).toBe(202);
    expect(deleted.body).toBeUndefined();
    const deleting = await cloud.api('GET', `/images/${target.id}`);
    expect(deleting.body.status).toBe('deleting');
    expect((await cloud.api('DELETE', `/images/${target.id}`)).status).toBe(409);
    expect((await cloud.api('PATCH', `/images/${target.id}`, { name: uniqueName() })).status).toBe(409);
    await cloud.advance(1);
    expect((await cloud.api('GET', `/images/${target.id}`)).status).toBe(404);
    expect((await cloud.api('DELETE', `/images/${target.id}`)).status).toBe(404);
    // the name is free once the image is gone
    expect((await cloud.api('POST', '/images', image({ name: target.name }))).status).toBe(201);
  });

  it('cancels a queued image by deleting it, but not one whose creation is in progress', async () => {
    const queued = await cloud.createImage();
    expect((await cloud.api('DELETE', `/images/${queued.id}`)).status).toBe(202);
    const inProgress = await cloud.createImage();
    await cloud.advance(0.5);
    const refused = await cloud.api('DELETE', `/images/${inProgress.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].message).toMatch(/in progress/);
  });

  it('refuses to delete an image managed by a private catalog, until it leaves the catalog', async () => {
    const target = await cloud.availableImage();
    const managed = await cloud.hook('PUT', `/images/${target.id}/catalog_offering`, { managed: true });
    expect(managed.status).toBe(200);
    expect(managed.body.catalog_offering.managed).toBe(true);
    expect(managed.body.catalog_offering.version.crn).toMatch(/^crn:v1:/);
    const refused = await cloud.api('DELETE', `/images/${target.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].message).toMatch(/private catalog/);
    await cloud.hook('PUT', `/images/${target.id}/catalog_offering`, { managed: false });
    expect((await cloud.api('DELETE', `/images/${target.id}`)).status).toBe(202);
  });
});

describe('the cloud clock', () => {
  it('stands still while frozen, and runs on from where it stood once thawed', async () => {
    const running = await startCloud({ frozenClock: false });
    try {
      const clockNow = async () => Date.parse((await running.hook('GET', '/clock')).body.now);
      const frozen = await running.hook('POST', '/clock', { frozen: true });
      expect(frozen.body.frozen).toBe(true);
      const stoodAt = Date.parse(frozen.body.now);
      const realAt = Date.now();
      await waitFor(() => Date.now() > realAt + 50, { what: 'some real time to pass' });
      expect(await clockNow()).toBe(stoodAt);
      const thawAsked = Date.now();
      const thawed = await running.hook('POST', '/clock', { frozen: false });
      expect(thawed.body.frozen).toBe(false);
      // It does not jump by the time it stood still: at most the time the thaw request took.
      expect(Date.parse(thawed.body.now)).toBeGreaterThanOrEqual(stoodAt);
      expect(Date.parse(thawed.body.now) - stoodAt).toBeLessThanOrEqual(Date.now() - thawAsked);
      await waitFor(async () => (await clockNow()) > stoodAt, { what: 'the thawed clock to run' });
      expect((await running.hook('POST', '/clock', { frozen: 'yes' })).status).toBe(400);
    } finally {
      await running.stop();
    }
  });

  it('stamps every response with a Date header from the cloud clock, which the clock hook moves', async () => {
    const before = cloudNow(await cloud.api('GET', '/images', undefined, { query: { limit: '1' } }));
    const moved = await cloud.hook('POST', '/clock', { advance_seconds: 3600 });
    expect(moved.status).toBe(200);
    const after = cloudNow(await cloud.api('GET', '/images', undefined, { query: { limit: '1' } }));
    expect(after - before).toBeGreaterThanOrEqual(3600_000 - 1000);
    expect(Math.abs(Date.parse(moved.body.now) - after)).toBeLessThan(2000);
    const target = new Date(after + 86_400_000).toISOString();
    const set = await cloud.hook('POST', '/clock', { now: target });
    expect(Math.abs(Date.parse(set.body.now) - Date.parse(target))).toBeLessThan(1000);
    const backwards = await cloud.hook('POST', '/clock', { now: '2020-01-01T00:00:00Z' });
    expect(backwards.status).toBe(400);
    expect((await cloud.hook('POST', '/clock', { advance_seconds: -1 })).status).toBe(400);
  });
});

describe('operating systems', () => {
  it('lists the catalogue with pagination and returns one by name', async () => {
    const first = await cloud.api('GET', '/operating_systems', undefined, { query: { limit: '5' } });
    expect(first.body.operating_systems).toHaveLength(5);
    expect(first.body.total_count).toBeGreaterThanOrEqual(10);
    const names = first.body.operating_systems.map((os: { name: string }) => os.name);
    const next = await fetch(first.body.next.href, { headers: { Authorization: `Bearer ${cloud.token}` } });
    const second = (await next.json()) as { operating_systems: Array<{ name: string }> };
    expect(second.operating_systems.map((os: { name: string }) => os.name)).not.toContain(names[0]);
    expect((await cloud.api('GET', '/operating_systems/windows-2022-amd64')).body.family).toBe('Windows Server');
    expect((await cloud.api('GET', '/operating_systems/beos-5')).status).toBe(404);
  });
});
