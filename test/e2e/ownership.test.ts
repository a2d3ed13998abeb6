import { describe, expect, it } from 'vitest';
import {
  collect,
  imageCountsByName,
  imageDoc,
  readState,
  runCli,
  setFaults,
  spawnCli,
  startLossyProxy,
  until,
  useCloud,
  type CliResult,
} from '../helpers/e2e.js';

/**
 * Two states never hold the same cloud object (DESIGN.md §5, issue 9 defect 1): an image is created under a create
 * key recorded in its intent and renamed once its id is recorded, and only an image under that key is ever adopted.
 */
const { cloud, space } = useCloud();
const KEY_PREFIX = 'imageform-creating-';

function output(result: CliResult): string {
  return result.stdout + result.stderr;
}

function imageIds(state: any): string[] {
  return Object.values<any>(state.resources)
    .filter((entry) => entry.kind === 'image' && entry.id)
    .map((entry) => entry.id);
}

async function statusOf(id: string): Promise<string | undefined> {
  const reply = await cloud.api('GET', `/images/${id}`);
  return reply.status === 200 ? reply.body.status : undefined;
}

describe('two checkouts of the same files against one cloud', () => {
  it("never adopt the same image under faults and lost responses, and destroy in one leaves the other's images", async () => {
    const imageNames = Array.from({ length: 10 }, (_, i) => `twin-${String(i).padStart(2, '0')}`);
    const files = { 'images.yaml': imageNames.map((name) => imageDoc(name)).join('---\n') };
    // Each checkout talks through its own proxy, which holds its creates back until both have planned and started
    // creating: both plans see every name free, and the creates race.
    const proxies = [await startLossyProxy(cloud.url), await startLossyProxy(cloud.url)];
    const clouds = proxies.map((proxy) => ({ ...cloud, url: proxy.url }));
    let openGate = (): void => undefined;
    const bothCreating = new Promise<void>((resolve) => (openGate = resolve));
    const creating = new Set<number>();
    proxies.forEach((proxy, index) => {
      proxy.before = (method, path) => {
        if (method !== 'POST' || path !== '/v1/images') return undefined;
        creating.add(index);
        if (creating.size === 2) openGate();
        return bothCreating;
      };
    });
    const first = await space(files, { via: clouds[0] });
    const second = await space(files, { via: clouds[1] });
    try {
      await setFaults(cloud, { error_rate: 0.3, statuses: [500, 503, 0], seed: 21, lost_response_rate: 0.2 });
      const results = await Promise.all(
        [first, second].map((dir, i) =>
          runCli(['apply', '--auto-approve', '--parallelism', '10'], { cwd: dir, cloud: clouds[i] }),
        ),
      );
      await setFaults(cloud, {});
      for (const result of results) expect([0, 1], output(result)).toContain(result.code);
      // Whoever lost a name says so, names the holder and how to resolve it.
      const refused = results
        .map(output)
        .join('\n')
        .split('\n')
        .filter((line) => /is held by r\d{3}-|already exists in the cloud/.test(line));
      expect(refused.length).toBeGreaterThan(0);
      for (const line of refused) expect(line).toMatch(/imageform import image\.twin-\d\d r\d{3}-/);

      const [ids1, ids2] = [imageIds(await readState(first)), imageIds(await readState(second))];
      expect(ids1.filter((id) => ids2.includes(id))).toEqual([]);
      // Every name is held once, by an image one of the states holds.
      const counts = await imageCountsByName(cloud, 'twin-');
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
      const held = (await cloud.images()).filter((image) => image.name.startsWith('twin-')).map((image) => image.id);
      expect(held.filter((id) => !ids1.includes(id) && !ids2.includes(id))).toEqual([]);

      // destroy in one checkout deletes its own images only, under faults as well.
      await setFaults(cloud, { error_rate: 0.3, statuses: [500, 503, 0], seed: 22, lost_response_rate: 0.2 });
      const destroyed = await runCli(['destroy', '--auto-approve'], { cwd: first, cloud: clouds[0] });
      await setFaults(cloud, {});
      expect(destroyed.code, output(destroyed)).toBe(0);
      for (const id of ids2) expect(await statusOf(id), id).toBe('available');
      for (const id of ids1) expect(await statusOf(id), id).toBeUndefined();

      // And the other's destroy leaves nothing: no image was made that neither state knew of.
      const rest = await runCli(['destroy', '--auto-approve'], { cwd: second, cloud: clouds[1] });
      expect(rest.code, output(rest)).toBe(0);
      const left = (await cloud.images()).filter(
        (image) => /^twin-/.test(image.name) || image.name.startsWith(KEY_PREFIX),
      );
      expect(left).toEqual([]);
    } finally {
      await setFaults(cloud, {});
      for (const proxy of proxies) await proxy.stop();
    }
  }, 120_000);
});

describe('an intent found after a crash', () => {
  it('is not adopted by name when another state created the image meanwhile', async () => {
    const proxy = await startLossyProxy(cloud.url);
    const viaProxy = { ...cloud, url: proxy.url };
    const crashed = await space({ 'images.yaml': imageDoc('taken-after-crash') }, { via: viaProxy });
    const other = await space({ 'images.yaml': imageDoc('taken-after-crash') });
    try {
      // The create never reaches the cloud; the process dies waiting for it, its intent recorded.
      proxy.policy = (method, path) => (method === 'POST' && path === '/v1/images' ? 'swallow' : 'pass');
      const child = spawnCli(['apply', '--auto-approve'], { cwd: crashed, cloud: viaProxy });
      const done = collect(child);
      await until(async () => proxy.seen.includes('POST /v1/images'), 'the create to be sent');
      child.kill('SIGKILL');
      await done;
      expect((await readState(crashed)).resources['image.taken-after-crash']).toMatchObject({
        id: null,
        intent: { action: 'create' },
      });

      // Another checkout creates the name.
      const created = await runCli(['apply', '--auto-approve'], { cwd: other, cloud });
      expect(created.code, output(created)).toBe(0);
      const theirs = (await readState(other)).resources['image.taken-after-crash'].id;

      proxy.policy = () => 'pass';
      const plan = await runCli(['plan'], { cwd: crashed, cloud: viaProxy });
      expect(plan.code, output(plan)).toBe(1);
      expect(plan.stderr).toContain(`an image named "taken-after-crash" already exists in the cloud (${theirs})`);
      expect(plan.stderr).toContain(`imageform import image.taken-after-crash ${theirs}`);
      const again = await runCli(['apply', '--auto-approve'], { cwd: crashed, cloud: viaProxy });
      expect(again.code, output(again)).toBe(1);
      expect(imageIds(await readState(crashed))).toEqual([]);

      // Its destroy touches nothing of the other's.
      const destroyed = await runCli(['destroy', '--auto-approve'], { cwd: crashed, cloud: viaProxy });
      expect(destroyed.code, output(destroyed)).toBe(0);
      expect(await statusOf(theirs)).toBe('available');
      expect(proxy.seen.filter((request) => request.startsWith('DELETE '))).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  it('adopts its own image under its create key, and refuses the rename when another state holds the name', async () => {
    const proxy = await startLossyProxy(cloud.url);
    const viaProxy = { ...cloud, url: proxy.url };
    const crashed = await space({ 'images.yaml': imageDoc('key-then-taken') }, { via: viaProxy });
    const other = await space({ 'images.yaml': imageDoc('key-then-taken') });
    try {
      // The cloud creates the image under the key; the answer never comes back and the process dies.
      proxy.policy = (method, path) => (method === 'POST' && path === '/v1/images' ? 'hold' : 'pass');
      const child = spawnCli(['apply', '--auto-approve'], { cwd: crashed, cloud: viaProxy });
      const done = collect(child);
      const key = await until(async () => {
        const intentKey: string | undefined = (await readState(crashed).catch(() => undefined))?.resources[
          'image.key-then-taken'
        ]?.intent?.key;
        return intentKey && (await imageCountsByName(cloud, intentKey)).get(intentKey) === 1 ? intentKey : undefined;
      }, 'the image under its create key');
      expect(key).toMatch(/^imageform-creating-[0-9a-f]{20}$/);
      child.kill('SIGKILL');
      await done;
      const ours: string = (await cloud.api('GET', `/images?name=${key}`)).body.images[0].id;

      const created = await runCli(['apply', '--auto-approve'], { cwd: other, cloud });
      expect(created.code, output(created)).toBe(0);
      const theirs = (await readState(other)).resources['image.key-then-taken'].id;

      proxy.policy = () => 'pass';
      const plan = await runCli(['plan'], { cwd: crashed, cloud: viaProxy });
      expect(plan.code, output(plan)).toBe(1);
      // Its own image, found by the key, is the one the plan would rename; the name's holder is not adopted.
      expect(plan.stderr).toContain(`cannot rename ${ours} to "key-then-taken": image ${theirs} holds that name`);
      expect(plan.stderr).toContain(`imageform import image.key-then-taken ${theirs}`);

      // destroy removes its own image (found by its key), never the other's.
      const destroyed = await runCli(['destroy', '--auto-approve'], { cwd: crashed, cloud: viaProxy });
      expect(destroyed.code, output(destroyed)).toBe(0);
      expect(proxy.seen.filter((request) => request.startsWith('DELETE '))).toEqual([`DELETE /v1/images/${ours}`]);
      expect(await statusOf(theirs)).toBe('available');
    } finally {
      await proxy.stop();
    }
  });
});

describe('a lost create answer whose lookup fails', () => {
  it('fails naming the create, not the lookup, and the next apply settles it with one image', async () => {
    const proxy = await startLossyProxy(cloud.url);
    const viaProxy = { ...cloud, url: proxy.url };
    const dir = await space({ 'images.yaml': imageDoc('lookup-fails') }, { via: viaProxy });
    try {
      let posted = false;
      proxy.policy = (method, path) => {
        if (method === 'POST' && path === '/v1/images' && !posted) {
          posted = true;
          return 'lose';
        }
        return posted && method === 'GET' && path === '/v1/images' ? 'lose' : 'pass';
      };
      const failed = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud: viaProxy });
      expect(failed.code, output(failed)).toBe(1);
      expect(output(failed)).toContain(
        'create image.lookup-fails: its answer was lost, and looking up what it did failed',
      );
      expect(output(failed)).not.toContain('list images');

      proxy.policy = () => 'pass';
      const again = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud: viaProxy });
      expect(again.code, output(again)).toBe(0);
      expect(proxy.seen.filter((request) => request === 'POST /v1/images')).toHaveLength(1);
      expect(await imageCountsByName(cloud, 'lookup-fails')).toEqual(new Map([['lookup-fails', 1]]));
    } finally {
      await proxy.stop();
    }
  }, 60_000);
});

describe('an export job of an image this state does not manage', () => {
  it('is not adopted by name after a lost answer: another state may export that image too', async () => {
    const image = await cloud.api('POST', '/images', {
      name: 'shared-source',
      file: { href: 'cos://us-south/e2e/shared-source.qcow2' },
      operating_system: { name: 'ubuntu-24-04-amd64' },
    });
    expect(image.status).toBe(201);
    await until(async () => (await statusOf(image.body.id)) === 'available', 'the image to be available');
    const proxy = await startLossyProxy(cloud.url);
    const viaProxy = { ...cloud, url: proxy.url };
    const dir = await space(
      {
        'export.yaml': `kind: image_export_job\nname: shared-job\nspec:\n  image: ${image.body.id}\n  storage_bucket:\n    name: e2e-shared\n`,
      },
      { via: viaProxy },
    );
    try {
      let lost = false;
      proxy.policy = (method, path) => {
        if (lost || method !== 'POST' || !path.endsWith('/export_jobs')) return 'pass';
        lost = true;
        return 'lose';
      };
      const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud: viaProxy });
      expect(applied.code, output(applied)).toBe(1);
      const jobs = (await cloud.api('GET', `/images/${image.body.id}/export_jobs`)).body.export_jobs;
      expect(jobs.map((job: any) => job.name)).toEqual(['shared-job']);
      expect(output(applied)).toContain(
        `create image_export_job.shared-job: its answer was lost, and export job "shared-job" (${jobs[0].id})`,
      );
      expect(output(applied)).toContain(`imageform import image_export_job.shared-job ${image.body.id}/${jobs[0].id}`);
      expect((await readState(dir)).resources['image_export_job.shared-job'].id).toBeNull();

      // The next plan refuses the name the same way, suggesting import.
      const plan = await runCli(['plan'], { cwd: dir, cloud: viaProxy });
      expect(plan.code, output(plan)).toBe(1);
      expect(plan.stderr).toContain(`imageform import image_export_job.shared-job ${image.body.id}/${jobs[0].id}`);
    } finally {
      await proxy.stop();
    }
  });
});
