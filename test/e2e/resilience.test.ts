import { describe, expect, it } from 'vitest';
import {
  collect,
  imageCountsByName,
  imageDoc,
  readState,
  removeDir,
  runCli,
  setFaults,
  spawnCli,
  startLossyProxy,
  until,
  useCloud,
  workspace,
  writeFiles,
  type CliResult,
  type Cloud,
  killedRequestsFinished,
} from '../helpers/e2e.js';

/**
 * Safety under failure (issue 4): injected faults and lost responses never make twins, and a `kill -9` in the middle
 * of an apply leaves state from which the next apply converges to exactly what the files say.
 */
const { cloud } = useCloud();

function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
}

function imagesFile(
  imageNames: string[],
  spec: (name: string, index: number) => Record<string, unknown> = () => ({}),
): string {
  return imageNames.map((name, i) => imageDoc(name, spec(name, i))).join('---\n');
}

/** Show the CLI's own words when an exit code is not the expected one. */
function expectExit(result: CliResult, code: number): void {
  expect({ code: result.code, stderr: result.stderr, tail: result.stdout.slice(-2000) }).toMatchObject({ code });
}

/** Requests to the cloud's /v1 API so far (the test's own calls to the emulator's hooks left out). */
async function cloudApiRequests(): Promise<number> {
  const { requests } = (await cloud.hook('GET', '/stats')).body as { requests: Record<string, number> };
  return Object.entries(requests).reduce((sum, [route, count]) => sum + (route.includes(' /v1/') ? count : 0), 0);
}

async function postsOfImages(): Promise<number> {
  const stats = await cloud.hook('GET', '/stats');
  return stats.body.requests['POST /v1/images'] ?? 0;
}

/** Every managed entry has an id and no leftover create intent; returns the addresses. */
async function expectSettledState(dir: string): Promise<string[]> {
  const state = await readState(dir);
  for (const [address, entry] of Object.entries<any>(state.resources)) {
    expect(entry.id, `${address} has an id`).toMatch(/^r\d{3}-/);
    expect(entry.intent, `${address} has no intent left`).toBeUndefined();
  }
  return Object.keys(state.resources);
}

/** Names state knows of: the intent's name while a create is in flight, the cloud name once it has an id. */
function recordedNames(resources: Record<string, any>): string[] {
  return Object.values(resources).map((entry) => entry.intent?.name ?? entry.attributes?.name);
}

async function expectCleanPlan(dir: string, via: Cloud = cloud): Promise<void> {
  const plan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, cloud: via });
  expectExit(plan, 0);
  expect(plan.stdout).toContain('No changes.');
}

describe('apply under injected faults', () => {
  it('converges with 30 % failed requests and 10 % lost responses, with no twin, through creates, updates and deletes', async () => {
    const imageNames = names('flt', 12);
    const dir = await workspace(cloud, {
      'images.yaml': imagesFile(imageNames, (_, i) => (i % 3 === 0 ? { deprecation_at: '2040-01-01T00:00:00Z' } : {})),
      'export.yaml':
        'kind: image_export_job\nname: flt-export\nspec:\n  image: ${image.flt-00.id}\n  storage_bucket:\n    name: e2e-faults\n',
    });
    try {
      await setFaults(cloud, { error_rate: 0.3, statuses: [429, 500, 503, 0], seed: 7, lost_response_rate: 0.1 });
      const created = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
      expectExit(created, 0);
      expect(created.stdout).toContain('Apply complete! Resources: 13 added, 0 changed, 0 replaced, 0 destroyed.');

      // Still under faults: rename one image, move a date on another, remove a third.
      await writeFiles(dir, {
        'images.yaml': imagesFile(
          imageNames.filter((name) => name !== 'flt-11'),
          (name, i) => ({
            ...(i % 3 === 0
              ? { deprecation_at: name === 'flt-03' ? '2041-06-01T00:00:00Z' : '2040-01-01T00:00:00Z' }
              : {}),
            ...(name === 'flt-05' ? { name: 'flt-05-renamed' } : {}),
          }),
        ),
      });
      const changed = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
      expectExit(changed, 0);
      expect(changed.stdout).toContain('Apply complete! Resources: 0 added, 2 changed, 0 replaced, 1 destroyed.');
      await expectCleanPlan(dir);
      // A failed or lost read is retried, never mistaken for drift or a deleted object.
      const drift = await runCli(['drift', '--format', 'json'], { cwd: dir, cloud });
      expectExit(drift, 0);

      const stats = await cloud.hook('GET', '/stats');
      await setFaults(cloud, {});
      // The faults really happened, of every kind.
      expect(stats.body.faults.failed + stats.body.faults.reset).toBeGreaterThan(10);
      expect(stats.body.faults.failed).toBeGreaterThan(0);
      expect(stats.body.faults.reset).toBeGreaterThan(0);
      expect(stats.body.faults.lost_responses).toBeGreaterThan(0);

      const counts = await imageCountsByName(cloud, 'flt-');
      const expected = new Map(
        imageNames.filter((name) => name !== 'flt-11').map((name) => [name === 'flt-05' ? 'flt-05-renamed' : name, 1]),
      );
      expect(counts).toEqual(expected);
      const byName = new Map((await cloud.images()).map((image) => [image.name, image]));
      expect(Date.parse(byName.get('flt-03')!.deprecation_at)).toBe(Date.parse('2041-06-01T00:00:00Z'));

      const jobs = await cloud.api('GET', `/images/${byName.get('flt-00')!.id}/export_jobs`);
      expect(jobs.body.export_jobs.map((job: any) => job.name)).toEqual(['flt-export']);

      expect(await expectSettledState(dir)).toHaveLength(12);
      await expectCleanPlan(dir);

      // And back down to nothing, under the same faults.
      await setFaults(cloud, { error_rate: 0.3, statuses: [429, 500, 503, 0], seed: 11, lost_response_rate: 0.1 });
      const destroyed = await runCli(['destroy', '--auto-approve'], { cwd: dir, cloud });
      expectExit(destroyed, 0);
      await setFaults(cloud, {});
      expect(await imageCountsByName(cloud, 'flt-')).toEqual(new Map());
      expect((await readState(dir)).resources).toEqual({});
    } finally {
      await setFaults(cloud, {});
      await removeDir(dir);
    }
  });

  it('finds what a create, a deprecate or a delete did when its answer was lost, and never sends it twice', async () => {
    const proxy = await startLossyProxy(cloud.url);
    const viaProxy = { ...cloud, url: proxy.url };
    const dir = await workspace(viaProxy, {
      'images.yaml': `${imageDoc('lost-answer')}---\n${imageDoc('lost-answer-old')}`,
      'export.yaml':
        'kind: image_export_job\nname: lost-answer-job\nspec:\n  image: ${image.lost-answer.id}\n  storage_bucket:\n    name: e2e-lost\n',
      'deprecate.yaml':
        'kind: image_deprecate\nname: lost-answer-old-now\nspec:\n  image: ${image.lost-answer-old.id}\n',
    });
    const writes = (request: string) => /^(POST|DELETE|PATCH) \/v1\//.test(request);
    try {
      // The first answer of every write (per method and path) is lost after the cloud carried it out.
      const answered = new Set<string>();
      proxy.policy = (method, path) => {
        const key = `${method} ${path}`;
        if (!/^(POST|DELETE)$/.test(method) || !path.startsWith('/v1/') || answered.has(key)) return 'pass';
        answered.add(key);
        return 'lose';
      };
      const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud: viaProxy });
      expectExit(applied, 0);
      const sent = proxy.seen.filter(writes).map((request) => request.replace(/r\d{3}-[0-9a-f-]+/g, 'ID'));
      // Each image is created under its create key, then renamed (PATCH) once its id is recorded.
      expect(sent.sort()).toEqual([
        'PATCH /v1/images/ID',
        'PATCH /v1/images/ID',
        'POST /v1/images',
        'POST /v1/images',
        'POST /v1/images/ID/deprecate',
        'POST /v1/images/ID/export_jobs',
      ]);
      expect(await imageCountsByName(cloud, 'lost-answer')).toEqual(
        new Map([
          ['lost-answer', 1],
          ['lost-answer-old', 1],
        ]),
      );
      const state = await readState(dir);
      const jobs = await cloud.api('GET', `/images/${state.resources['image.lost-answer'].id}/export_jobs`);
      expect(jobs.body.export_jobs.map((job: any) => job.name)).toEqual(['lost-answer-job']);
      expect((await cloud.api('GET', `/images/${state.resources['image.lost-answer-old'].id}`)).body.status).toBe(
        'deprecated',
      );
      expect(await expectSettledState(dir)).toHaveLength(4);
      await expectCleanPlan(dir, viaProxy);

      // Deletes whose answers are lost: the second attempt finds the object gone or going, and counts it done.
      const destroyed = await runCli(['destroy', '--auto-approve'], { cwd: dir, cloud: viaProxy });
      expectExit(destroyed, 0);
      expect((await readState(dir)).resources).toEqual({});
      expect(await imageCountsByName(cloud, 'lost-answer')).toEqual(new Map());
    } finally {
      await proxy.stop();
      await removeDir(dir);
    }
  });
});

describe('kill -9 during an apply', () => {
  it('adopts the image of a create that was in flight when the process died', async () => {
    const proxy = await startLossyProxy(cloud.url);
    const viaProxy = { ...cloud, url: proxy.url };
    const dir = await workspace(viaProxy, { 'images.yaml': imageDoc('crash-window') });
    try {
      // The cloud creates the image; its answer never comes back, and the process dies waiting for it.
      proxy.policy = (method, path) => (method === 'POST' && path === '/v1/images' ? 'hold' : 'pass');
      const child = spawnCli(['apply', '--auto-approve'], { cwd: dir, cloud: viaProxy });
      const done = collect(child);
      // The image exists under the create key its intent recorded before the call.
      await until(async () => {
        const key = (await readState(dir).catch(() => undefined))?.resources['image.crash-window']?.intent?.key;
        return key !== undefined && (await imageCountsByName(cloud, key)).get(key) === 1;
      }, 'the image to exist');
      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');

      // The crash left exactly the dangerous record: an intent without an id, and the object in the cloud.
      const crashed = await readState(dir);
      expect(crashed.resources['image.crash-window']).toMatchObject({
        id: null,
        intent: { action: 'create', name: 'crash-window' },
      });

      proxy.policy = () => 'pass';
      const plan = await runCli(['plan'], { cwd: dir, cloud: viaProxy });
      expectExit(plan, 0);
      expect(plan.stdout + plan.stderr).toContain('created by an interrupted apply');

      const again = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud: viaProxy });
      expectExit(again, 0);
      expect(proxy.seen.filter((request) => request === 'POST /v1/images')).toHaveLength(1);
      expect(await imageCountsByName(cloud, 'crash-window')).toEqual(new Map([['crash-window', 1]]));
      expect(await expectSettledState(dir)).toEqual(['image.crash-window']);
      await expectCleanPlan(dir, viaProxy);
    } finally {
      await proxy.stop();
      await removeDir(dir);
    }
  });

  it('adopts an export job whose create was in flight, and finishes a destroy killed mid-delete', async () => {
    const proxy = await startLossyProxy(cloud.url);
    const viaProxy = { ...cloud, url: proxy.url };
    const dir = await workspace(viaProxy, {
      'images.yaml': imageDoc('crash-export'),
      'export.yaml':
        'kind: image_export_job\nname: crash-export-job\nspec:\n  image: ${image.crash-export.id}\n  storage_bucket:\n    name: e2e-crash\n',
    });
    const isJobCreate = (method: string, path: string) =>
      method === 'POST' && /^\/v1\/images\/[^/]+\/export_jobs$/.test(path);
    try {
      proxy.policy = (method, path) => (isJobCreate(method, path) ? 'hold' : 'pass');
      const child = spawnCli(['apply', '--auto-approve'], { cwd: dir, cloud: viaProxy });
      const done = collect(child);
      // The cloud has answered the held create, so the job exists now.
      await until(
        async () => proxy.answered.some((request) => isJobCreate(...(request.split(' ') as [string, string]))),
        'the cloud to answer the export job create',
      );
      child.kill('SIGKILL');
      await done;
      const crashed = await readState(dir);
      expect(crashed.resources['image_export_job.crash-export-job']).toMatchObject({
        id: null,
        intent: { name: 'crash-export-job' },
      });

      proxy.policy = () => 'pass';
      const again = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud: viaProxy });
      expectExit(again, 0);
      const imageId = (await readState(dir)).resources['image.crash-export'].id;
      const jobs = await cloud.api('GET', `/images/${imageId}/export_jobs`);
      expect(jobs.body.export_jobs.map((job: any) => job.name)).toEqual(['crash-export-job']);
      expect(await expectSettledState(dir)).toEqual(['image.crash-export', 'image_export_job.crash-export-job']);
      await expectCleanPlan(dir, viaProxy);

      // Destroy dies while the cloud deletes the image (its DELETE answered, the wait cut short).
      proxy.policy = (method, path) =>
        method === 'DELETE' && path.startsWith('/v1/images/') && !path.includes('export_jobs') ? 'hold' : 'pass';
      const destroying = spawnCli(['destroy', '--auto-approve'], { cwd: dir, cloud: viaProxy });
      const destroyDone = collect(destroying);
      await until(
        async () => proxy.answered.includes(`DELETE /v1/images/${imageId}`),
        'the cloud to answer the image delete',
      );
      destroying.kill('SIGKILL');
      await destroyDone;
      expect((await readState(dir)).resources['image.crash-export']).toBeDefined();

      proxy.policy = () => 'pass';
      const finish = await runCli(['destroy', '--auto-approve'], { cwd: dir, cloud: viaProxy });
      expectExit(finish, 0);
      expect((await readState(dir)).resources).toEqual({});
      expect(await imageCountsByName(cloud, 'crash-export')).toEqual(new Map());
    } finally {
      await proxy.stop();
      await removeDir(dir);
    }
  });

  it('leaves exactly 20 images and a clean plan after kill -9 mid-apply and a second apply', async () => {
    const imageNames = names('kill', 20);
    const dir = await workspace(cloud, { 'images.yaml': imagesFile(imageNames) });
    try {
      // Slow every request a little so the apply is still running when it is killed.
      await setFaults(cloud, { latency_ms: 40 });
      const postsBefore = await postsOfImages();
      const child = spawnCli(['apply', '--auto-approve', '--parallelism', '3'], { cwd: dir, cloud });
      const done = collect(child);
      await until(
        async () => (await postsOfImages()) - postsBefore >= 6,
        'six creates to reach the cloud',
        undefined,
        5,
      );
      child.kill('SIGKILL');
      const killed = await done;
      expect(killed.signal).toBe('SIGKILL');
      await setFaults(cloud, {});
      // Requests already inside the cloud finish on their own: count the images once they have.
      await killedRequestsFinished(cloud);
      const partial = await imageCountsByName(cloud, 'kill-');
      expect(partial.size).toBeGreaterThan(0);
      expect(partial.size).toBeLessThan(20);
      // Nothing was lost: every image the cloud made is in state, by id or as the intent written before its create.
      expect(recordedNames((await readState(dir)).resources)).toEqual(expect.arrayContaining([...partial.keys()]));

      const again = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
      expectExit(again, 0);
      // The dead process's lock is recognised as stale and taken over, with a word to the user.
      expect(again.stdout + again.stderr).toMatch(/stale lock/);

      const counts = await imageCountsByName(cloud, 'kill-');
      expect(counts).toEqual(new Map(imageNames.map((name) => [name, 1])));
      expect(await expectSettledState(dir)).toEqual(imageNames.map((name) => `image.${name}`));
      await expectCleanPlan(dir);
    } finally {
      await setFaults(cloud, {});
      await removeDir(dir);
    }
  });

  it('converges after repeated kill -9 at varied moments under faults, export jobs and a deprecation included', async () => {
    const images = Array.from({ length: 8 }, (_, i) =>
      imageDoc(`chaos-${i}`, i % 4 === 0 ? { deprecation_at: '2040-01-01T00:00:00Z' } : {}),
    );
    const jobs = [0, 1].map(
      (i) =>
        `kind: image_export_job\nname: chaos-job-${i}\nspec:\n  image: \${image.chaos-${i}.id}\n  storage_bucket:\n    name: e2e-chaos\n`,
    );
    const dir = await workspace(cloud, {
      'images.yaml': images.join('---\n'),
      'jobs.yaml': jobs.join('---\n'),
      'deprecate.yaml': 'kind: image_deprecate\nname: chaos-5-now\nspec:\n  image: ${image.chaos-5.id}\n',
    });
    try {
      // The moments are counted in cloud requests the apply has made, not in time, so a slow machine sees them too.
      for (const [round, requests] of [4, 12, 24, 40, 60].entries()) {
        await setFaults(cloud, { error_rate: 0.2, statuses: [500, 503, 0], seed: 40 + round, lost_response_rate: 0.1 });
        const before = await cloudApiRequests();
        const child = spawnCli(['apply', '--auto-approve', '--parallelism', '4'], { cwd: dir, cloud });
        const done = collect(child);
        let exited = false;
        void done.then(() => (exited = true));
        await until(
          async () => exited || (await cloudApiRequests()) - before >= requests,
          `the apply to make ${requests} requests`,
          undefined,
          5,
        );
        child.kill('SIGKILL');
        const result = await done;
        if (result.code === 0) break;
        expect(result.signal, result.stderr).toBe('SIGKILL');
      }
      await setFaults(cloud, {});
      const final = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
      expectExit(final, 0);

      expect(await imageCountsByName(cloud, 'chaos-')).toEqual(
        new Map(Array.from({ length: 8 }, (_, i) => [`chaos-${i}`, 1])),
      );
      expect(await expectSettledState(dir)).toHaveLength(11);
      const state = await readState(dir);
      for (const i of [0, 1]) {
        const listed = await cloud.api('GET', `/images/${state.resources[`image.chaos-${i}`].id}/export_jobs`);
        expect(listed.body.export_jobs.map((job: any) => job.name)).toEqual([`chaos-job-${i}`]);
      }
      expect((await cloud.api('GET', `/images/${state.resources['image.chaos-5'].id}`)).body.status).toBe('deprecated');
      await expectCleanPlan(dir);
    } finally {
      await setFaults(cloud, {});
      await removeDir(dir);
    }
  });
});
