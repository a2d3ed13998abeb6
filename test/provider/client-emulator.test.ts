import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/clouds/ibm-vpc/emulator/index.js';
import { createIbmVpcProvider, type IbmVpcProviderOptions } from '../../src/clouds/ibm-vpc/client.js';
import { CloudError, type CloudImage, type IbmVpcClient } from '../../src/clouds/ibm-vpc/api-types.js';
import { waitFor } from '../../src/engine/wait.js';
import { EmulatorAdmin } from './emulator-admin.js';

const API_KEY = 'emulator-test-api-key-9f8e7d6c5b4a';
const OS = 'ubuntu-24-04-amd64';
const file = (name: string) => `cos://us-south/images/${name}.qcow2`;
const inDays = (days: number, from = Date.now()) => new Date(from + days * 86_400_000).toISOString();

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

describe('IBM VPC client against the emulator', () => {
  let dir: string;
  let emulator: Emulator;
  let admin: EmulatorAdmin;
  const providers: IbmVpcClient[] = [];

  const open = (extra: Partial<IbmVpcProviderOptions> = {}): IbmVpcClient => {
    const provider = createIbmVpcProvider({
      endpoint: emulator.url,
      iamEndpoint: emulator.url,
      apiKey: API_KEY,
      retryBaseMs: 10,
      ...extra,
    });
    providers.push(provider);
    return provider;
  };

  const faultCounts = async () =>
    ((await admin.get('/emulator/v1/stats')) as { faults: { failed: number; reset: number; lost_responses: number } })
      .faults;

  const available = (provider: IbmVpcClient, image: CloudImage) =>
    waitFor(
      async () => (await provider.getImage(image.id))!,
      (current) => current.status !== 'pending',
      { timeoutMs: 120_000, intervalMs: 20, describe: `image ${image.name} to become available` },
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imageform-provider-'));
    emulator = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      dataFile: join(dir, 'cloud.json'),
      apiKey: API_KEY,
      timeScale: 0.05,
    });
    admin = new EmulatorAdmin(emulator.url, API_KEY);
  });

  afterEach(async () => {
    await admin.faults({});
    while (providers.length) await providers.pop()!.close();
  });

  afterAll(async () => {
    await emulator?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('drives every method through an image lifecycle and an export job', async () => {
    const provider = open();
    const created = await provider.createImage({
      name: 'every-method',
      file: { href: file('every') },
      operating_system: { name: OS },
    });
    expect(created).toMatchObject({ name: 'every-method', status: 'pending' });
    const image = await available(provider, created);
    expect(image.status).toBe('available');

    expect((await provider.listImages({ name: 'every-method' })).map((i) => i.id)).toEqual([image.id]);
    expect(await provider.listImages({ name: 'no-such-image' })).toEqual([]);
    expect(await provider.getImage('r006-00000000-0000-0000-0000-000000000000')).toBeUndefined();

    const now = await provider.now();
    const renamed = await provider.updateImage(image.id, {
      name: 'every-method-2',
      deprecation_at: inDays(10, now.getTime()),
    });
    expect(renamed.name).toBe('every-method-2');
    expect(Date.parse(renamed.deprecation_at!)).toBe(Date.parse(inDays(10, now.getTime())));
    const cleared = await provider.updateImage(image.id, { deprecation_at: null });
    expect(cleared.deprecation_at).toBeUndefined();

    const job = await provider.createExportJob(image.id, {
      name: 'every-job',
      storage_bucket: { name: 'bucket-a' },
      format: 'qcow2',
    });
    expect(job).toMatchObject({ name: 'every-job', format: 'qcow2' });
    const finished = await waitFor(
      async () => (await provider.getExportJob(image.id, job.id))!,
      (current) => current.status === 'succeeded' || current.status === 'failed',
      { timeoutMs: 120_000, intervalMs: 20, describe: 'export job to finish' },
    );
    expect(finished.status).toBe('succeeded');
    expect((await provider.listExportJobs(image.id)).map((j) => j.id)).toEqual([job.id]);
    expect((await provider.updateExportJob(image.id, job.id, { name: 'every-job-2' })).name).toBe('every-job-2');
    await provider.deleteExportJob(image.id, job.id);
    await waitFor(
      () => provider.getExportJob(image.id, job.id),
      (j) => j === undefined,
      { timeoutMs: 120_000, intervalMs: 20, describe: 'job gone' },
    );
    await provider.deleteExportJob(image.id, job.id); // already gone: done

    await provider.deprecateImage(image.id);
    expect((await provider.getImage(image.id))!.status).toBe('deprecated');
    await provider.obsoleteImage(image.id);
    expect((await provider.getImage(image.id))!.status).toBe('obsolete');

    await provider.deleteImage(image.id);
    await waitFor(
      () => provider.getImage(image.id),
      (i) => i === undefined,
      { timeoutMs: 120_000, intervalMs: 20, describe: 'image gone' },
    );
    await provider.deleteImage(image.id); // already gone: done
  });

  it('turns the cloud error shape into one line', async () => {
    const provider = open();
    await provider.createImage({ name: 'duplicate-name', file: { href: file('dup') }, operating_system: { name: OS } });
    const error = (await provider
      .createImage({ name: 'duplicate-name', file: { href: file('dup') }, operating_system: { name: OS } })
      .catch((e: unknown) => e)) as CloudError;
    expect(error).toBeInstanceOf(CloudError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('validation_unique_failed');
    expect(error.message).toMatch(
      /^create image "duplicate-name": .*duplicate-name.* \(validation_unique_failed, HTTP 400\)$/,
    );
    expect(error.message).not.toContain('\n');
  });

  it('strips encrypted_data_key from export jobs', async () => {
    const provider = open();
    const created = await provider.createImage({
      name: 'encrypted-image',
      file: { href: file('encrypted') },
      operating_system: { name: OS },
      encrypted_data_key: Buffer.from('wrapped-data-key-material').toString('base64'),
      encryption_key: {
        crn: 'crn:v1:bluemix:public:kms:us-south:a/123456:0a1b2c3d-0000-4000-8000-000000000001:key:0a1b2c3d-0000-4000-8000-000000000002',
      },
    });
    const image = await available(provider, created);
    const job = await provider.createExportJob(image.id, {
      name: 'encrypted-job',
      storage_bucket: { name: 'bucket-a' },
    });
    const all = [job, await provider.getExportJob(image.id, job.id), ...(await provider.listExportJobs(image.id))];
    for (const each of all) expect(each && 'encrypted_data_key' in each).toBe(false);
  });

  it('reads 250 images in three pages', async () => {
    const provider = open();
    const before = (await provider.listImages()).length;
    const names = Array.from({ length: 250 }, (_, i) => `page-image-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 25) {
      await Promise.all(
        names
          .slice(i, i + 25)
          .map((name) => provider.createImage({ name, file: { href: file(name) }, operating_system: { name: OS } })),
      );
    }
    const start = provider.requestCount;
    const images = await provider.listImages();
    expect(provider.requestCount - start).toBe(Math.ceil((before + 250) / 100));
    expect(images).toHaveLength(before + 250);
    expect(new Set(images.map((i) => i.id)).size).toBe(images.length);
    for (const name of names) expect(images.some((i) => i.name === name)).toBe(true);
  });

  it('succeeds at every call while 30 % of requests fail', async () => {
    const provider = open();
    const before = await faultCounts();
    await admin.faults({ error_rate: 0.3, statuses: [429, 500, 503, 0], seed: 7 });
    const image = await available(
      provider,
      await provider.createImage({
        name: 'faulty-image',
        file: { href: file('faulty') },
        operating_system: { name: OS },
      }),
    );
    for (let i = 0; i < 30; i++) await provider.listImages();
    for (let i = 0; i < 30; i++) expect((await provider.getImage(image.id))!.id).toBe(image.id);
    const now = await provider.now();
    await provider.updateImage(image.id, { name: 'faulty-image-2', obsolescence_at: inDays(30, now.getTime()) });
    await provider.updateImage(image.id, { obsolescence_at: null });
    const job = await provider.createExportJob(image.id, { name: 'faulty-job', storage_bucket: { name: 'bucket-f' } });
    await provider.updateExportJob(image.id, job.id, { name: 'faulty-job-2' });
    expect((await provider.listExportJobs(image.id)).map((j) => j.name)).toEqual(['faulty-job-2']);
    await provider.deprecateImage(image.id);
    await provider.obsoleteImage(image.id);
    expect((await provider.getImage(image.id))!.status).toBe('obsolete');
    await provider.deleteExportJob(image.id, job.id);
    await provider.deleteImage(image.id);
    await waitFor(
      () => provider.getImage(image.id),
      (i) => i === undefined,
      { timeoutMs: 120_000, intervalMs: 20, describe: 'image gone' },
    );
    // The faults really happened, of both kinds (an error status, a reset connection).
    const after = await faultCounts();
    expect(after.failed - before.failed).toBeGreaterThan(8);
    expect(after.reset - before.reset).toBeGreaterThan(0);
  });

  it('creates no twins when 30 % of responses are lost after the cloud acted', async () => {
    const provider = open();
    const before = await faultCounts();
    await admin.faults({ lost_response_rate: 0.3, seed: 3 });
    const names = Array.from({ length: 20 }, (_, i) => `lost-${i}`);
    const results = [];
    for (const name of names)
      results.push(await provider.createImage({ name, file: { href: file(name) }, operating_system: { name: OS } }));
    expect(results.map((image) => image.name)).toEqual(names);
    const images = (await provider.listImages()).filter((image) => image.name.startsWith('lost-'));
    expect(images).toHaveLength(20);
    expect(new Set(images.map((image) => image.id))).toEqual(new Set(results.map((image) => image.id)));

    const image = await available(provider, results[0]!);
    const jobs = [];
    for (let i = 0; i < 5; i++)
      jobs.push(
        await provider.createExportJob(image.id, { name: `lost-job-${i}`, storage_bucket: { name: 'bucket-l' } }),
      );
    const listed = await provider.listExportJobs(image.id);
    expect(listed.map((job) => job.name).sort()).toEqual(jobs.map((job) => job.name).sort());

    for (const other of results.slice(1, 6)) {
      const ready = await available(provider, other);
      await provider.deprecateImage(ready.id);
      await provider.obsoleteImage(ready.id);
      expect((await provider.getImage(ready.id))!.status).toBe('obsolete');
      await provider.deleteImage(ready.id);
    }
    const after = await faultCounts();
    expect(after.lost_responses - before.lost_responses).toBeGreaterThan(5);
  });

  it('follows the cloud clock', async () => {
    const provider = open({ clockMaxAgeMs: 0 });
    const cloudTime = async () => Date.parse(((await admin.get('/emulator/v1/clock')) as { now: string }).now);
    // The provider's time lies between the cloud's times read just before and after (its Date header has whole seconds).
    const bracketed = async () => {
      const low = await cloudTime();
      const seen = (await provider.now()).getTime();
      const high = await cloudTime();
      expect(seen).toBeGreaterThanOrEqual(Math.floor(low / 1000) * 1000);
      expect(seen).toBeLessThanOrEqual(high);
      return seen;
    };
    const before = await bracketed();
    await admin.clock({ advance_seconds: 86_400 * 3 });
    const after = await bracketed();
    expect(after - before).toBeGreaterThanOrEqual(86_400 * 3 * 1000 - 1000);
  });

  it('never shows the API key or a token in an error', async () => {
    const wrong = open({ apiKey: 'not-the-right-key-for-this-cloud', apiKeyEnv: 'TEST_KEY_VAR' });
    const error = (await wrong.listImages().catch((e: unknown) => e)) as CloudError;
    expect(error).toBeInstanceOf(CloudError);
    expect(error.message).toMatch(/^list images: IAM token request .*; check the API key in TEST_KEY_VAR$/);
    expect(error.message).not.toContain('not-the-right-key-for-this-cloud');
    expect(error.message).not.toContain(API_KEY);

    const right = open();
    const failures = await Promise.all([
      right.updateImage('r006-missing', { name: 'x' }).catch((e: unknown) => e),
      right
        .createImage({ name: 'Bad Name!', file: { href: file('bad') }, operating_system: { name: OS } })
        .catch((e: unknown) => e),
      right.createExportJob('r006-missing', { name: 'j', storage_bucket: { name: 'b' } }).catch((e: unknown) => e),
    ]);
    const token = await admin.token();
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(CloudError);
      const message = (failure as CloudError).message;
      expect(message.split('\n')).toHaveLength(1);
      expect(message).not.toContain(API_KEY);
      expect(message).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
      expect(message).not.toContain(token);
    }
  });
});

describe('token expiry during a long wait', () => {
  it('renews the IAM token before it runs out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imageform-token-'));
    const emulator = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      dataFile: join(dir, 'cloud.json'),
      apiKey: API_KEY,
      tokenTtlSeconds: 15,
      timeScale: 0.05,
    });
    const provider = createIbmVpcProvider({
      endpoint: emulator.url,
      iamEndpoint: emulator.url,
      apiKey: API_KEY,
      retryBaseMs: 10,
    });
    try {
      const image = await provider.createImage({
        name: 'long-wait',
        file: { href: file('long') },
        operating_system: { name: OS },
      });
      const started = performance.now();
      const readAt: number[] = [];
      await waitFor(
        async () => {
          readAt.push(performance.now() - started);
          return provider.getImage(image.id);
        },
        () => performance.now() - started > 18_000,
        { timeoutMs: 60_000, intervalMs: 500, maxIntervalMs: 1_000, describe: 'more than a token lifetime' },
      );
      // Reads went on, and succeeded, on both sides of the first token's 15 s lifetime.
      expect(readAt.filter((at) => at < 15_000).length).toBeGreaterThan(0);
      expect(readAt.filter((at) => at > 15_000).length).toBeGreaterThan(0);
      const tokens = (provider as unknown as { tokenRequestCount: number }).tokenRequestCount;
      expect(tokens).toBeGreaterThanOrEqual(2);
      // The emulator agrees: it issued more than one token (the admin's own request adds one).
      const stats = (await new EmulatorAdmin(emulator.url, API_KEY).get('/emulator/v1/stats')) as {
        requests: Record<string, number>;
      };
      expect(stats.requests['POST /identity/token']).toBeGreaterThanOrEqual(tokens + 1);
    } finally {
      await provider.close();
      await emulator.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
