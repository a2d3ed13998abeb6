import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyOk,
  collect,
  expectCleanPlan,
  imageByName,
  imageDoc,
  planJson,
  readState,
  removeDir,
  runCli,
  spawnCli,
  startLossyProxy,
  until,
  useCloud,
  workspace,
  writeFiles,
} from '../helpers/e2e.js';

/**
 * Names are unique in the cloud (images per account and region, export jobs per image), so renames between managed
 * objects must free a name before another takes it (issue 9, defect 5): a chain is ordered, a swap goes through a
 * temporary name that the plan announces, and a crash between the two halves of a swap settles at the next apply.
 */
const { cloud, space } = useCloud();
/** Each test runs several applies; on a loaded machine that takes a while. */
const SLOW = { timeout: 240_000 };

function exportDoc(name: string, image: string, jobName: string): string {
  return `kind: image_export_job\nname: ${name}\nspec:\n  image: \${image.${image}.id}\n  name: ${jobName}\n  storage_bucket:\n    name: rn-bucket\n`;
}

async function jobsOf(imageId: string): Promise<any[]> {
  return (await cloud.api('GET', `/images/${imageId}/export_jobs`)).body.export_jobs;
}

describe.concurrent('renames between managed objects', () => {
  it(
    'a swap of image names and of export job names applies through a temporary name; the next plan is clean',
    SLOW,
    async () => {
      const files = (a: string, b: string, ja: string, jb: string) => ({
        'images.yaml': `${imageDoc('rn-swap-a', { name: a })}---\n${imageDoc('rn-swap-b', { name: b })}`,
        'exports.yaml': `${exportDoc('rn-swap-ja', 'rn-swap-a', ja)}---\n${exportDoc('rn-swap-jb', 'rn-swap-a', jb)}`,
      });
      const dir = await space(files('rn-swap-x', 'rn-swap-y', 'rn-job-x', 'rn-job-y'));
      await applyOk(dir, cloud);
      const a = await imageByName(cloud, 'rn-swap-x');
      const b = await imageByName(cloud, 'rn-swap-y');
      const jobIds = Object.fromEntries((await jobsOf(a.id)).map((job) => [job.name, job.id]));

      await writeFiles(dir, files('rn-swap-y', 'rn-swap-x', 'rn-job-y', 'rn-job-x'));
      const { result, plan } = await planJson(dir, cloud, ['--detailed-exitcode']);
      expect(result.code, result.stderr).toBe(2);
      expect(plan.summary).toEqual({ add: 0, change: 4, replace: 0, destroy: 0 });
      expect(plan.notes).toEqual([
        expect.stringMatching(
          /^image\.rn-swap-a and image\.rn-swap-b swap names: image\.rn-swap-a is first renamed to the temporary name "imageform-swap-[0-9a-f]{12}", then each takes its new name$/,
        ),
        expect.stringMatching(
          /^image_export_job\.rn-swap-ja and image_export_job\.rn-swap-jb swap names: image_export_job\.rn-swap-ja is first renamed to the temporary name "imageform-swap-[0-9a-f]{12}"/,
        ),
      ]);
      const text = await runCli(['plan'], { cwd: dir, cloud });
      expect(text.stdout).toContain('image.rn-swap-a and image.rn-swap-b swap names');

      await applyOk(dir, cloud);
      expect((await imageByName(cloud, 'rn-swap-y'))?.id).toBe(a.id);
      expect((await imageByName(cloud, 'rn-swap-x'))?.id).toBe(b.id);
      const jobs = Object.fromEntries((await jobsOf(a.id)).map((job) => [job.name, job.id]));
      expect(jobs).toEqual({ 'rn-job-y': jobIds['rn-job-x'], 'rn-job-x': jobIds['rn-job-y'] });
      const state = await readState(dir);
      expect(Object.values(state.resources).filter((entry: any) => entry.intent)).toEqual([]);
      await expectCleanPlan(dir, cloud);
    },
  );

  it(
    "a chain of renames, a create taking a name a rename frees and one taking a deleted image's name apply in one run",
    SLOW,
    async () => {
      // The takers sort before the renames that free their names, so unordered updates would try them first.
      const dir = await space({
        'a.yaml': imageDoc('rn-ch-a', { name: 'rn-ch-1' }),
        'b.yaml': imageDoc('rn-ch-b', { name: 'rn-ch-2' }),
        'd.yaml': imageDoc('rn-ch-d', { name: 'rn-ch-4' }),
      });
      await applyOk(dir, cloud);
      const a = await imageByName(cloud, 'rn-ch-1');
      const b = await imageByName(cloud, 'rn-ch-2');
      const d = await imageByName(cloud, 'rn-ch-4');

      await removeDir(join(dir, 'd.yaml'));
      await writeFiles(dir, {
        'a.yaml': imageDoc('rn-ch-a', { name: 'rn-ch-2' }),
        'b.yaml': imageDoc('rn-ch-b', { name: 'rn-ch-3' }),
        'c.yaml': imageDoc('rn-ch-c', { name: 'rn-ch-1' }),
        'e.yaml': imageDoc('rn-ch-e', { name: 'rn-ch-4' }),
      });
      const { plan } = await planJson(dir, cloud);
      expect(plan.summary).toEqual({ add: 2, change: 2, replace: 0, destroy: 1 });
      expect(plan.notes).toBeUndefined();

      await applyOk(dir, cloud);
      expect((await imageByName(cloud, 'rn-ch-2'))?.id).toBe(a.id);
      expect((await imageByName(cloud, 'rn-ch-3'))?.id).toBe(b.id);
      const c = await imageByName(cloud, 'rn-ch-1');
      const e = await imageByName(cloud, 'rn-ch-4');
      expect([c?.status, e?.status]).toEqual(['available', 'available']);
      expect([a.id, b.id, d.id]).not.toContain(c.id);
      expect(e.id).not.toBe(d.id);
      expect((await cloud.api('GET', `/images/${d.id}`)).status).toBe(404);
      const state = await readState(dir);
      expect(state.resources['image.rn-ch-c'].id).toBe(c.id);
      expect(state.resources['image.rn-ch-e'].id).toBe(e.id);
      await expectCleanPlan(dir, cloud);
    },
  );

  it(
    'an apply killed between the halves of a swap leaves no false drift, and the next apply finishes it',
    SLOW,
    async () => {
      const proxy = await startLossyProxy(cloud.url);
      const viaProxy = { ...cloud, url: proxy.url };
      const files = (a: string, b: string) => ({
        'images.yaml': `${imageDoc('rn-kill-a', { name: a })}---\n${imageDoc('rn-kill-b', { name: b })}`,
      });
      const dir = await workspace(viaProxy, files('rn-kill-x', 'rn-kill-y'));
      try {
        await applyOk(dir, viaProxy);
        const a = await imageByName(cloud, 'rn-kill-x');
        const b = await imageByName(cloud, 'rn-kill-y');
        await writeFiles(dir, files('rn-kill-y', 'rn-kill-x'));

        // The rename of a to its temporary name reaches the cloud, its answer never comes back; then the apply dies.
        proxy.policy = (method, path) => (method === 'PATCH' && path === `/v1/images/${a.id}` ? 'hold' : 'pass');
        const child = spawnCli(['apply', '--auto-approve'], { cwd: dir, cloud: viaProxy });
        const done = collect(child);
        const temporary = await until(async () => {
          const image = (await cloud.api('GET', `/images/${a.id}`)).body;
          return image.name.startsWith('imageform-swap-') ? (image.name as string) : undefined;
        }, 'image a to take its temporary name');
        child.kill('SIGKILL');
        await done;
        proxy.policy = () => 'pass';
        const intent = (await readState(dir)).resources['image.rn-kill-a'].intent;
        expect(intent).toMatchObject({ action: 'rename', name: temporary });

        // The temporary name is known as imageform's own: not drift, and what is left is a plain chain.
        const { result, plan } = await planJson(dir, viaProxy);
        expect(result.stderr).not.toContain('error');
        expect(plan.drift).toEqual([]);
        expect(plan.notes).toBeUndefined();
        expect(plan.changes.map((change: any) => [change.address, change.fields])).toEqual([
          ['image.rn-kill-a', [{ path: 'name', before: temporary, after: 'rn-kill-y' }]],
          ['image.rn-kill-b', [{ path: 'name', before: 'rn-kill-y', after: 'rn-kill-x' }]],
        ]);
        const again = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud: viaProxy });
        expect(again.code, again.stderr).toBe(0);
        expect((await imageByName(cloud, 'rn-kill-y'))?.id).toBe(a.id);
        expect((await imageByName(cloud, 'rn-kill-x'))?.id).toBe(b.id);
        expect((await readState(dir)).resources['image.rn-kill-a'].intent).toBeUndefined();
        await expectCleanPlan(dir, viaProxy);
      } finally {
        await proxy.stop();
        await removeDir(dir);
      }
    },
  );
});
