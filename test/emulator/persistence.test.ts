import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/clouds/ibm-vpc/emulator/index.js';
import { scaledDelays } from '../../src/clouds/ibm-vpc/emulator/model.js';
import { waitFor } from '../helpers/wait.js';
import { connect, startCloud } from './cloud-client.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imageform-emulator-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('persistence', () => {
  it('a restarted emulator continues where it stopped: images, dates, moved clock, jobs, objects, volumes', async () => {
    const dataFile = join(dir, 'cloud.json');
    const first = await startCloud({ dataFile, apiKey: 'key-1', frozenClock: false });
    const image = await first.availableImage({ name: 'kept' });
    const deprecation = new Date(Date.parse((await first.hook('GET', '/clock')).body.now) + 3600_000).toISOString();
    await first.api('PATCH', `/images/${image.id}`, { deprecation_at: deprecation });
    const job = await first.api('POST', `/images/${image.id}/export_jobs`, {
      storage_bucket: { name: 'kept-bucket' },
      name: 'kept-job',
    });
    await first.advance(10);
    await first.hook('POST', '/volumes', { name: 'kept-volume', operating_system: 'debian-12-amd64' });
    const askedBefore = Date.now();
    const clockBefore = Date.parse((await first.hook('GET', '/clock')).body.now);
    await first.stop();

    const again = await startCloud({ dataFile, apiKey: 'key-1', frozenClock: false });
    try {
      // the old token still works: tokens are signed with a key derived from the API key
      expect((await again.api('GET', '/images', undefined, { token: first.token })).status).toBe(200);
      const reloaded = await again.api('GET', `/images/${image.id}`);
      expect(reloaded.body).toMatchObject({
        name: 'kept',
        status: 'available',
        deprecation_at: deprecation,
        crn: image.crn,
      });
      const clockAfter = Date.parse((await again.hook('GET', '/clock')).body.now);
      const answeredAfter = Date.now();
      expect(clockAfter).toBeGreaterThanOrEqual(clockBefore);
      // The moved clock kept its offset: it went on by no more than the real time between the two readings.
      expect(clockAfter - clockBefore).toBeLessThanOrEqual(answeredAfter - askedBefore);
      expect((await again.api('GET', `/images/${image.id}/export_jobs/${job.body.id}`)).body.status).toBe('succeeded');
      expect(
        (await again.hook('GET', '/buckets/kept-bucket/objects')).body.objects.map((o: { name: string }) => o.name),
      ).toEqual(['kept-job.qcow2']);
      expect((await again.hook('GET', '/volumes')).body.volumes.map((v: { name: string }) => v.name)).toEqual([
        'kept-volume',
      ]);
      // and the schedule still runs
      await again.advance(3600);
      expect((await again.api('GET', `/images/${image.id}`)).body.status).toBe('deprecated');
      expect(
        (
          await again.api('POST', '/images', {
            name: 'kept',
            file: { href: 'cos://us-south/b/x.qcow2' },
            operating_system: { name: 'debian-12-amd64' },
          })
        ).status,
      ).toBe(400);
    } finally {
      await again.stop();
    }
  });

  it('finishes transitions that fell due while it was stopped (a deleting image is gone after restart)', async () => {
    const dataFile = join(dir, 'cloud.json');
    const first = await startCloud({ dataFile, timeScale: 0.1, frozenClock: false });
    const image = await first.availableImage();
    await first.api('DELETE', `/images/${image.id}`);
    await first.stop();
    // Wait, with the emulator stopped, until the cloud's clock has passed the instant the image is gone.
    const stored = JSON.parse(await readFile(dataFile, 'utf8'));
    const deleting = stored.images.find((entry: { id: string }) => entry.id === image.id);
    expect(deleting.deleting_at).toBeTypeOf('number');
    const goneAt = deleting.deleting_at + scaledDelays(0.1).imageDelete;
    await waitFor(() => Date.now() + stored.clock_offset_ms > goneAt, { what: 'the deletion to fall due' });
    const again = await startCloud({ dataFile, timeScale: 0.1, frozenClock: false });
    try {
      expect((await again.api('GET', `/images/${image.id}`)).status).toBe(404);
    } finally {
      await again.stop();
    }
  });

  it('writes the change before answering, atomically, mode 0600, leaving no temp files', async () => {
    const dataFile = join(dir, 'nested', 'cloud.json');
    const cloud = await startCloud({ dataFile, frozenClock: false });
    try {
      const image = await cloud.createImage({ name: 'on-disk' });
      const onDisk = JSON.parse(await readFile(dataFile, 'utf8'));
      expect(onDisk.images.map((stored: { id: string }) => stored.id)).toContain(image.id);
      expect((await stat(dataFile)).mode & 0o777).toBe(0o600);
      expect(JSON.stringify(onDisk)).not.toContain(cloud.emulator.apiKey);
      expect((await readdir(join(dir, 'nested'))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    } finally {
      await cloud.stop();
    }
  });

  it('never stores encrypted_data_key', async () => {
    const dataFile = join(dir, 'cloud.json');
    const cloud = await startCloud({ dataFile, frozenClock: false });
    try {
      await cloud.createImage({
        encrypted_data_key: 'dG9wLXNlY3JldC1rZXk=',
        encryption_key: { crn: 'crn:v1:bluemix:public:kms:us-south:a/1:2::key:3' },
      });
      expect(await readFile(dataFile, 'utf8')).not.toContain('dG9wLXNlY3JldC1rZXk=');
    } finally {
      await cloud.stop();
    }
  });

  it('refuses a file that is not a cloud file, naming it', async () => {
    const dataFile = join(dir, 'broken.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(dataFile, '{ nope'));
    await expect(startEmulator({ dataFile })).rejects.toThrow(/broken\.json/);
  });
});

describe('concurrency', () => {
  it('50 concurrent creates: none lost, none duplicated, the file holds all of them', async () => {
    const dataFile = join(dir, 'cloud.json');
    const cloud = await startCloud({ dataFile, frozenClock: false });
    const names = Array.from({ length: 50 }, (_, i) => `concurrent-${i}`);
    const replies = await Promise.all(
      names.map((name) =>
        cloud.api('POST', '/images', {
          name,
          file: { href: 'cos://us-south/b/x.qcow2' },
          operating_system: { name: 'rhel-9-amd64' },
        }),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual(names.map(() => 201));
    // and 20 concurrent attempts at one name: exactly one wins
    const racers = await Promise.all(
      Array.from({ length: 20 }, () =>
        cloud.api('POST', '/images', {
          name: 'contested',
          file: { href: 'cos://us-south/b/x.qcow2' },
          operating_system: { name: 'rhel-9-amd64' },
        }),
      ),
    );
    expect(racers.filter((reply) => reply.status === 201)).toHaveLength(1);
    expect(racers.filter((reply) => reply.status === 400)).toHaveLength(19);
    const listed = await cloud.api('GET', '/images', undefined, { query: { limit: '100' } });
    expect(listed.body.total_count).toBe(51);
    expect(new Set(listed.body.images.map((image: { id: string }) => image.id)).size).toBe(51);
    await cloud.stop();
    const onDisk = JSON.parse(await readFile(dataFile, 'utf8'));
    expect(onDisk.images.map((image: { name: string }) => image.name).sort()).toEqual([...names, 'contested'].sort());
    const restarted = await connect(await startEmulator({ dataFile }));
    try {
      expect((await restarted.api('GET', '/images')).body.total_count).toBe(51);
    } finally {
      await restarted.stop();
    }
  });
});
