import { describe, expect, it } from 'vitest';
import {
  applyOk,
  imageByName,
  imageDoc,
  planJson,
  readState,
  runCli,
  succeeded,
  useCloud,
  writeFiles,
} from '../helpers/e2e.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Export jobs end to end (DESIGN.md §2, kind image_export_job): created and waited for, renamed in place, replaced
 * when the format changes, the per-image limit refused at plan time, a failed job failing the apply and replaced by
 * the next plan. Outcomes are checked in the emulator: its jobs and the objects in its buckets.
 */
const { cloud, space } = useCloud();

/** Here a clean plan is one that exits 0 with nothing on stderr. */
async function expectClean(dir: string): Promise<void> {
  succeeded(await runCli(['plan', '--detailed-exitcode'], { cwd: dir, cloud }));
}

function exportDoc(name: string, image: string, bucket: string, extra: Record<string, string> = {}): string {
  const lines = [
    `kind: image_export_job`,
    `name: ${name}`,
    `spec:`,
    `  image: ${image}`,
    `  storage_bucket:`,
    `    name: ${bucket}`,
  ];
  for (const [key, value] of Object.entries(extra)) lines.push(`  ${key}: ${value}`);
  return `${lines.join('\n')}\n`;
}

async function jobsOf(imageId: string): Promise<any[]> {
  const reply = await cloud.api('GET', `/images/${imageId}/export_jobs`);
  expect(reply.status).toBe(200);
  return reply.body.export_jobs;
}

const waitUntilReady = (imageId: string) =>
  waitFor(async () => (await cloud.api('GET', `/images/${imageId}`)).body.status === 'available', {
    what: `image ${imageId} to be available`,
  });
const waitUntilFinished = (imageId: string) =>
  waitFor(async () => (await jobsOf(imageId)).every((job) => job.status === 'succeeded'), {
    what: `the export jobs of ${imageId} to succeed`,
  });

async function bucketObjects(bucket: string): Promise<any[]> {
  return (await cloud.hook('GET', `/buckets/${bucket}/objects`)).body.objects;
}

// Five tests at once, each several CLI runs and exports: on a loaded machine a minute is not always enough.
describe.concurrent('export jobs', { timeout: 240_000 }, () => {
  it('is created and waited for, renamed in place, and replaced when its format changes', async () => {
    const dir = await space({
      'image.yaml': imageDoc('ex-web'),
      'export.yaml': exportDoc('ex-web-export', '${image.ex-web.id}', 'ex-bucket'),
    });
    await applyOk(dir, cloud);
    const image = await imageByName(cloud, 'ex-web');
    let jobs = await jobsOf(image.id);
    expect(jobs.map((job) => [job.name, job.status, job.format])).toEqual([['ex-web-export', 'succeeded', 'qcow2']]);
    const firstId = jobs[0].id;
    expect((await bucketObjects('ex-bucket')).map((object) => object.name)).toEqual(['ex-web-export.qcow2']);
    const state = await readState(dir);
    expect(state.resources['image_export_job.ex-web-export']).toMatchObject({
      id: firstId,
      attributes: { status: 'succeeded', image_id: image.id },
    });
    await expectClean(dir);

    // Rename: the same job, a new name; nothing is exported again.
    await writeFiles(dir, {
      'export.yaml': exportDoc('ex-web-export', '${image.ex-web.id}', 'ex-bucket', { name: 'ex-web-renamed' }),
    });
    const renamed = await planJson(dir, cloud);
    expect(renamed.plan.changes).toEqual([
      {
        address: 'image_export_job.ex-web-export',
        kind: 'image_export_job',
        action: 'update',
        actions: ['update'],
        fields: [{ path: 'name', before: 'ex-web-export', after: 'ex-web-renamed' }],
        id: firstId,
      },
    ]);
    await applyOk(dir, cloud);
    jobs = await jobsOf(image.id);
    expect(jobs.map((job) => [job.id, job.name])).toEqual([[firstId, 'ex-web-renamed']]);
    expect(await bucketObjects('ex-bucket')).toHaveLength(1);
    await expectClean(dir);

    // Format: the job is replaced; the old job goes, its exported object stays in the bucket.
    await writeFiles(dir, {
      'export.yaml': exportDoc('ex-web-export', '${image.ex-web.id}', 'ex-bucket', {
        name: 'ex-web-renamed',
        format: 'vhd',
      }),
    });
    const replaced = await planJson(dir, cloud);
    expect(replaced.plan.summary).toEqual({ add: 0, change: 0, replace: 1, destroy: 0 });
    expect(replaced.plan.changes[0]).toMatchObject({ action: 'replace', id: firstId });
    expect(replaced.plan.changes[0].fields).toContainEqual({
      path: 'format',
      before: 'qcow2',
      after: 'vhd',
      forces_replacement: true,
    });
    await applyOk(dir, cloud);
    jobs = await jobsOf(image.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].id).not.toBe(firstId);
    expect([jobs[0].name, jobs[0].status, jobs[0].format]).toEqual(['ex-web-renamed', 'succeeded', 'vhd']);
    expect((await cloud.api('GET', `/images/${image.id}/export_jobs/${firstId}`)).status).toBe(404);
    expect((await bucketObjects('ex-bucket')).map((object) => object.name).sort()).toEqual([
      'ex-web-export.qcow2',
      'ex-web-renamed.vhd',
    ]);
    await expectClean(dir);
  });

  it('refuses at plan time an 11th job on one image (limit 10) and a 6th active one nobody waits for (limit 5)', async () => {
    const made = await cloud.api('POST', '/images', {
      name: 'ex-many',
      file: { href: 'cos://us-south/e2e/ex-many.qcow2' },
      operating_system: { name: 'ubuntu-24-04-amd64' },
    });
    expect(made.status).toBe(201);
    const imageId: string = made.body.id;
    const docs = (from: number, count: number) =>
      Array.from({ length: count }, (_, n) => exportDoc(`ex-many-${from + n}`, imageId, 'ex-many-bucket')).join(
        '---\n',
      );

    // Eleven in the files alone: refused before the cloud is asked anything.
    const dir = await space({ 'exports.yaml': docs(1, 11) });
    const eleven = await runCli(['plan'], { cwd: dir, cloud });
    expect(eleven.code).toBe(1);
    expect(eleven.stderr).toMatch(/exports\.yaml:\d+:\d+: .*11 export jobs .*at most 10 per image/);

    // Eight already in the cloud (made outside imageform) and three in the files: refused by the plan's cloud check.
    await waitUntilReady(imageId);
    for (let n = 1; n <= 8; n++) {
      if (n === 6) await waitUntilFinished(imageId);
      const job = await cloud.api('POST', `/images/${imageId}/export_jobs`, {
        name: `ex-outside-${n}`,
        storage_bucket: { name: 'ex-many-bucket' },
      });
      expect(job.status).toBe(201);
    }
    await waitUntilFinished(imageId);
    await writeFiles(dir, { 'exports.yaml': docs(1, 3) });
    const refused = await runCli(['plan'], { cwd: dir, cloud });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /exports\.yaml:\d+:\d+: image_export_job\.ex-many-3: image \S+ would have 11 export jobs \(8 in the cloud, 3 planned\); the cloud allows 10 per image/,
    );
    expect(await jobsOf(imageId)).toHaveLength(8);

    // Six at once on a fresh image that apply would not wait for (wait: false): they cannot be queued.
    const other = await cloud.api('POST', '/images', {
      name: 'ex-many-active',
      file: { href: 'cos://us-south/e2e/ex-many-active.qcow2' },
      operating_system: { name: 'ubuntu-24-04-amd64' },
    });
    const six = Array.from({ length: 6 }, (_, n) =>
      exportDoc(`ex-active-${n + 1}`, other.body.id, 'ex-many-bucket', { wait: 'false' }),
    ).join('---\n');
    await writeFiles(dir, { 'exports.yaml': six });
    const active = await runCli(['plan'], { cwd: dir, cloud });
    expect(active.code).toBe(1);
    expect(active.stderr).toMatch(
      /image_export_job\.ex-active-6: image \S+ would have 6 active export jobs \(0 already active, 6 planned with wait: false\); the cloud allows 5 at a time per image/,
    );
    expect(await jobsOf(other.body.id)).toEqual([]);
  });

  it("a failed export fails the apply with the cloud's status_reasons; the next plan replaces it", async () => {
    const dir = await space({
      'image.yaml': imageDoc('ex-denied'),
      'export.yaml': exportDoc('ex-denied-export', '${image.ex-denied.id}', 'ex-forbidden-bucket'),
    });
    const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
    expect(applied.code).toBe(1);
    expect(`${applied.stdout}${applied.stderr}`).toContain(
      'cannot_access_storage_bucket: The image service cannot write to bucket ex-forbidden-bucket',
    );
    const image = await imageByName(cloud, 'ex-denied');
    expect(image.status).toBe('available');
    const [failed] = await jobsOf(image.id);
    expect(failed.status).toBe('failed');
    expect((await readState(dir)).resources['image_export_job.ex-denied-export'].id).toBe(failed.id);

    const { result, plan } = await planJson(dir, cloud, ['--detailed-exitcode']);
    expect(result.code).toBe(2);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({
      address: 'image_export_job.ex-denied-export',
      action: 'replace',
      id: failed.id,
    });
    expect(plan.changes[0].reason).toContain('cannot_access_storage_bucket');

    // Fixed bucket: the failed job is replaced by one that succeeds.
    await writeFiles(dir, {
      'export.yaml': exportDoc('ex-denied-export', '${image.ex-denied.id}', 'ex-allowed-bucket'),
    });
    await applyOk(dir, cloud);
    const jobs = await jobsOf(image.id);
    expect(jobs.map((job) => [job.name, job.status, job.storage_bucket.name])).toEqual([
      ['ex-denied-export', 'succeeded', 'ex-allowed-bucket'],
    ]);
    expect(jobs[0].id).not.toBe(failed.id);
    await expectClean(dir);
  });

  it('a job deleted in the cloud is gone drift, and the plan starts it again and says why', async () => {
    const dir = await space({
      'image.yaml': imageDoc('ex-vanish'),
      'export.yaml': exportDoc('ex-vanish-export', '${image.ex-vanish.id}', 'ex-vanish-bucket'),
    });
    await applyOk(dir, cloud);
    const image = await imageByName(cloud, 'ex-vanish');
    const [job] = await jobsOf(image.id);
    expect((await cloud.api('DELETE', `/images/${image.id}/export_jobs/${job.id}`)).status).toBe(202);
    await waitFor(async () => (await jobsOf(image.id)).length === 0, { what: 'the job to go' });

    const { result, plan } = await planJson(dir, cloud, ['--detailed-exitcode']);
    expect(result.code).toBe(2);
    expect(plan.drift).toEqual([{ address: 'image_export_job.ex-vanish-export', fields: [], gone: true }]);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({ address: 'image_export_job.ex-vanish-export', action: 'create' });
    expect(plan.changes[0].reason).toContain(`export job ${job.id} could no longer be read (404)`);
    await applyOk(dir, cloud);
    const jobs = await jobsOf(image.id);
    expect(jobs.map((each) => [each.name, each.status])).toEqual([['ex-vanish-export', 'succeeded']]);
    expect(jobs[0].id).not.toBe(job.id);
    await expectClean(dir);
  });

  it('replacing the image replaces its export job, which then exports the new image', async () => {
    const dir = await space({
      'image.yaml': imageDoc('ex-swap'),
      'export.yaml': exportDoc('ex-swap-export', '${image.ex-swap.id}', 'ex-swap-bucket'),
    });
    await applyOk(dir, cloud);
    const old = await imageByName(cloud, 'ex-swap');
    const [oldJob] = await jobsOf(old.id);

    await writeFiles(dir, { 'image.yaml': imageDoc('ex-swap').replace('ex-swap.qcow2', 'ex-swap-v2.qcow2') });
    const { plan } = await planJson(dir, cloud);
    expect(plan.changes.map((change: any) => [change.address, change.action])).toEqual([
      ['image.ex-swap', 'replace'],
      ['image_export_job.ex-swap-export', 'replace'],
    ]);
    expect(plan.changes[1].fields).toContainEqual({
      path: 'image',
      before: old.id,
      after: '(known after apply)',
      known_after_apply: true,
      forces_replacement: true,
    });
    await applyOk(dir, cloud);
    const fresh = await imageByName(cloud, 'ex-swap');
    expect(fresh.id).not.toBe(old.id);
    expect((await cloud.api('GET', `/images/${old.id}`)).status).toBe(404);
    const jobs = await jobsOf(fresh.id);
    expect(jobs.map((job) => [job.name, job.status])).toEqual([['ex-swap-export', 'succeeded']]);
    expect(jobs[0].id).not.toBe(oldJob.id);
    const state = await readState(dir);
    expect(state.resources['image_export_job.ex-swap-export']).toMatchObject({
      id: jobs[0].id,
      attributes: { image_id: fresh.id },
    });
    await expectClean(dir);
  });
});

describe('more export jobs than the cloud runs at once', () => {
  // A cloud of its own: the account-wide limit counts every job in the region, and other tests export concurrently.
  // Exports at the emulator's default speed (a few seconds) overlap enough that both limits are reached.
  const { cloud: own, space: ownSpace } = useCloud({ timeScale: 1 });

  it(
    '30 jobs over 5 images are queued, at most 20 active and 5 per image, and all succeed',
    { timeout: 300_000 },
    async () => {
      // Six per image: both limits bind (5 images x 5 would be 25 at once; the account allows 20).
      const images = ['ex-q-1', 'ex-q-2', 'ex-q-3', 'ex-q-4', 'ex-q-5'];
      const files: Record<string, string> = {};
      for (const image of images) {
        files[`${image}.yaml`] = [
          imageDoc(image),
          ...Array.from({ length: 6 }, (_, n) =>
            exportDoc(`${image}-job-${n}`, `\${image.${image}.id}`, 'ex-q-bucket'),
          ),
        ].join('---\n');
      }
      const dir = await ownSpace(files);
      const { result, plan } = await planJson(dir, own);
      expect(result.code, result.stderr).toBe(0);
      expect(plan.summary).toEqual({ add: 35, change: 0, replace: 0, destroy: 0 });
      expect(plan.notes).toEqual([
        ...images.map(
          (image) =>
            `image.${image}: 6 export jobs: at most 5 run at once (the cloud allows 5 active per image); the rest wait`,
        ),
        '30 export jobs: at most 20 run at once (the cloud allows 20 active per account and region); the rest wait',
      ]);

      // Parallelism above the limit: only the queue keeps the cloud (which refuses a 21st active job) from refusing.
      const applied = await runCli(['apply', '--auto-approve', '--parallelism', '40'], { cwd: dir, cloud: own });
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toContain('35 added');
      for (const image of images) {
        const id = (await imageByName(own, image)).id;
        const reply = await own.api('GET', `/images/${id}/export_jobs`);
        expect(reply.body.export_jobs.map((job: any) => job.status)).toEqual(Array(6).fill('succeeded'));
      }
      succeeded(await runCli(['plan', '--detailed-exitcode'], { cwd: dir, cloud: own }));
    },
  );
});
