import { describe, expect, it } from 'vitest';
import {
  applyOk,
  expectCleanPlan,
  imageByName,
  imageDoc,
  planJson,
  runCli,
  useCloud,
  writeFiles,
} from '../helpers/e2e.js';

/**
 * Nested values diffed leaf by leaf (DESIGN.md §7): a changed bucket of an export job shows as the one key that
 * changed, `storage_bucket.name` or `storage_bucket.crn`, in the plan text and in `plan --json`, not the whole map.
 */
const { cloud, space } = useCloud();

function exportDoc(bucket: string): string {
  return `kind: image_export_job\nname: nd-export\nspec:\n  image: \${image.nd-web.id}\n  storage_bucket:\n    ${bucket}\n`;
}

describe('nested values in the plan', { timeout: 240_000 }, () => {
  it('shows a changed bucket as its changed key, on its own line, and replaces the job into the new bucket', async () => {
    const dir = await space({ 'image.yaml': imageDoc('nd-web'), 'export.yaml': exportDoc('name: nd-bucket-a') });
    await applyOk(dir, cloud);
    // The cloud answers with the bucket's crn as well as its name: a key the files leave out is no change.
    await expectCleanPlan(dir, cloud);
    const image = await imageByName(cloud, 'nd-web');
    const [job] = (await cloud.api('GET', `/images/${image.id}/export_jobs`)).body.export_jobs;
    expect(job.storage_bucket).toMatchObject({ name: 'nd-bucket-a', crn: expect.stringMatching(/^crn:v1:/) });

    await writeFiles(dir, { 'export.yaml': exportDoc('name: nd-bucket-b') });
    const text = await runCli(['plan'], { cwd: dir, cloud });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines).toContain('      ~ storage_bucket.name: "nd-bucket-a" -> "nd-bucket-b"   # forces replacement');
    expect(lines.filter((line) => line.includes('storage_bucket'))).toHaveLength(1);

    const { result, plan } = await planJson(dir, cloud, ['--detailed-exitcode']);
    expect(result.code).toBe(2);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({ address: 'image_export_job.nd-export', action: 'replace', id: job.id });
    expect(plan.changes[0].fields).toEqual([
      { path: 'storage_bucket.name', before: 'nd-bucket-a', after: 'nd-bucket-b', forces_replacement: true },
    ]);

    // By crn: the same bucket's crn is no change; another bucket's is a change of storage_bucket.crn alone.
    await writeFiles(dir, { 'export.yaml': exportDoc(`crn: "${job.storage_bucket.crn}"`) });
    await expectCleanPlan(dir, cloud);
    const otherCrn = job.storage_bucket.crn.replace(/nd-bucket-a$/, 'nd-bucket-c');
    await writeFiles(dir, { 'export.yaml': exportDoc(`crn: "${otherCrn}"`) });
    const byCrn = await planJson(dir, cloud);
    expect(byCrn.plan.changes[0].fields).toEqual([
      { path: 'storage_bucket.crn', before: job.storage_bucket.crn, after: otherCrn, forces_replacement: true },
    ]);

    // The decision is as before: the job is replaced, and the new one exports into the new bucket.
    await writeFiles(dir, { 'export.yaml': exportDoc('name: nd-bucket-b') });
    await applyOk(dir, cloud);
    const jobs = (await cloud.api('GET', `/images/${image.id}/export_jobs`)).body.export_jobs;
    expect(jobs.map((found: any) => [found.name, found.status, found.storage_bucket.name])).toEqual([
      ['nd-export', 'succeeded', 'nd-bucket-b'],
    ]);
    expect(jobs[0].id).not.toBe(job.id);
    await expectCleanPlan(dir, cloud);
  });
});
