import { describe, expect, it } from 'vitest';
import {
  collect,
  expectCleanPlan,
  imageDoc,
  planJson,
  readState,
  runCli,
  spawnCli,
  until,
  useCloud,
  type CliResult,
} from '../helpers/e2e.js';

/**
 * Unfinished objects (DESIGN.md §5, issue 9 defect 2): an image left `pending` or an export job left `queued` by an
 * apply that died is not "no changes". The plan shows it as awaited, and apply waits for it and fails with the
 * cloud's reasons if it ends `failed`. The cloud runs 100 times slower than real time, so nothing finishes until the
 * test moves the cloud's clock: every step waits on a condition, never on time.
 */
const { cloud, space } = useCloud({ timeScale: 100 });

function output(result: CliResult): string {
  return result.stdout + result.stderr;
}

async function entryOf(dir: string, address: string): Promise<any> {
  return (await readState(dir).catch(() => undefined))?.resources[address];
}

function exportDoc(name: string, image: string, bucket: string): string {
  return `kind: image_export_job\nname: ${name}\nspec:\n  image: \${image.${image}.id}\n  storage_bucket:\n    name: ${bucket}\n`;
}

/** An apply killed with SIGKILL once `ready` holds. */
async function applyKilledWhen(dir: string, ready: () => Promise<unknown>, what: string): Promise<void> {
  const child = spawnCli(['apply', '--auto-approve'], { cwd: dir, cloud });
  const done = collect(child);
  try {
    await until(async () => (await ready()) || undefined, what, 60_000);
  } finally {
    child.kill('SIGKILL');
  }
  expect((await done).signal).toBe('SIGKILL');
}

/** An apply that, once it says it is awaiting `address`, gets the cloud's clock moved past every transition. */
async function applyAwaiting(dir: string, address: string): Promise<CliResult> {
  const child = spawnCli(['apply', '--auto-approve'], { cwd: dir, cloud });
  const done = collect(child);
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await until(async () => stdout.includes(`${address}: awaiting...`), `apply to await ${address}`, 60_000);
  await cloud.advanceClock(600);
  return done;
}

describe('an object an interrupted apply left unfinished', () => {
  it("an export job killed while queued is awaited by the next apply, which fails with the cloud's reason", async () => {
    const dir = await space({
      'images.yaml': imageDoc('uf-source'),
      'export.yaml': exportDoc('uf-export', 'uf-source', 'uf-forbidden'),
    });
    // The image becomes available only when the clock moves; then the job is created, and stays queued.
    await applyKilledWhen(
      dir,
      async () => {
        const image = await entryOf(dir, 'image.uf-source');
        if (image?.attributes?.name === 'uf-source' && image.attributes.status === 'pending')
          await cloud.advanceClock(600);
        return (await entryOf(dir, 'image_export_job.uf-export'))?.id;
      },
      'the export job to be recorded',
    );
    const jobEntry = await entryOf(dir, 'image_export_job.uf-export');
    expect(jobEntry.attributes.status).toBe('queued');

    const { result, plan } = await planJson(dir, cloud, ['--detailed-exitcode']);
    expect(result.code, output(result)).toBe(2);
    expect(plan.summary).toEqual({ add: 0, change: 0, replace: 0, destroy: 0, await: 1 });
    expect(plan.changes).toEqual([
      expect.objectContaining({
        address: 'image_export_job.uf-export',
        action: 'await',
        id: jobEntry.id,
        reason: expect.stringContaining('queued'),
      }),
    ]);
    const text = await runCli(['plan', '--no-color'], { cwd: dir, cloud });
    expect(text.stdout).toContain('# image_export_job.uf-export will be awaited');
    expect(text.stdout).toContain('Plan: 0 to add, 0 to change, 0 to replace, 0 to destroy, 1 to await.');

    const applied = await applyAwaiting(dir, 'image_export_job.uf-export');
    expect(applied.code, output(applied)).toBe(1);
    expect(output(applied)).toContain(
      `export job "uf-export" (${jobEntry.id}) ended "failed": cannot_access_storage_bucket`,
    );
    expect((await entryOf(dir, 'image_export_job.uf-export')).attributes.status).toBe('failed');

    // Now the failure is known: the next plan proposes to replace the job.
    const { plan: after } = await planJson(dir, cloud);
    expect(after.changes).toEqual([
      expect.objectContaining({ address: 'image_export_job.uf-export', action: 'replace' }),
    ]);
  }, 180_000);

  it('an image killed while pending is awaited by the next apply, which finishes once it is available', async () => {
    const dir = await space({ 'images.yaml': imageDoc('uf-pending') });
    await applyKilledWhen(
      dir,
      async () => {
        const entry = await entryOf(dir, 'image.uf-pending');
        return (
          entry?.id && !entry.intent && entry.attributes.name === 'uf-pending' && entry.attributes.status === 'pending'
        );
      },
      'the renamed image to be recorded as pending',
    );
    const id = (await entryOf(dir, 'image.uf-pending')).id;

    const { result, plan } = await planJson(dir, cloud);
    expect(result.code, output(result)).toBe(0);
    expect(plan.summary).toEqual({ add: 0, change: 0, replace: 0, destroy: 0, await: 1 });
    expect(plan.changes).toEqual([
      expect.objectContaining({
        address: 'image.uf-pending',
        action: 'await',
        id,
        status: { before: 'pending', after: 'available' },
      }),
    ]);

    // Nothing changed outside imageform: the drift job reports no drift (and no 'gone' object) for it.
    const drift = await runCli(['drift', '--format', 'json'], { cwd: dir, cloud });
    expect(drift.code, output(drift)).toBe(0);
    expect(JSON.parse(drift.stdout)).toMatchObject({ drift: [], changes: [] });

    const applied = await applyAwaiting(dir, 'image.uf-pending');
    expect(applied.code, output(applied)).toBe(0);
    expect(applied.stdout).toContain(`image.uf-pending: finished (${id})`);
    expect(applied.stdout).toContain(
      'Apply complete! Resources: 0 added, 0 changed, 0 replaced, 0 destroyed, 1 awaited.',
    );
    expect(await entryOf(dir, 'image.uf-pending')).toMatchObject({
      id,
      attributes: { status: 'available', name: 'uf-pending' },
    });
    await expectCleanPlan(dir, cloud);
  }, 180_000);
});
