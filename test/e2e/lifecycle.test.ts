import { describe, expect, it } from 'vitest';
import {
  applyOk,
  cloudDate,
  collect,
  expectCleanPlan,
  imageByName,
  imageDoc,
  planJson,
  readState,
  runCli,
  spawnCli,
  startCloud,
  succeeded,
  useCloud,
  writeFiles,
} from '../helpers/e2e.js';
import { waitFor } from '../helpers/wait.js';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The image lifecycle end to end (DESIGN.md §2): the tri-state dates, the cloud's reverts, scheduled dates taking
 * effect, immediate status changes and their revert on destroy, protection, failed images and vanished objects.
 * Every outcome is checked in the emulator through its API, not only in the CLI's words.
 */
const { cloud, space } = useCloud();

/** The instant of a date the cloud returns, or null. */
const instant = (value: string | undefined): number | null => (value === undefined ? null : Date.parse(value));

describe.concurrent('tri-state dates', () => {
  it('a date schedules, a new date moves it, null cancels it; the plan is clean afterwards', async () => {
    const first = await cloudDate(cloud, 300);
    const second = await cloudDate(cloud, 400);
    const dir = await space({ 'images.yaml': imageDoc('lc-sched', { deprecation_at: first }) });
    await applyOk(dir, cloud);
    let image = await imageByName(cloud, 'lc-sched');
    expect(image.status).toBe('available');
    expect(instant(image.deprecation_at)).toBe(Date.parse(first));
    await expectCleanPlan(dir, cloud);

    await writeFiles(dir, { 'images.yaml': imageDoc('lc-sched', { deprecation_at: second }) });
    const moved = await planJson(dir, cloud, ['--detailed-exitcode']);
    expect(moved.result.code).toBe(2);
    expect(moved.plan.changes).toEqual([
      {
        address: 'image.lc-sched',
        kind: 'image',
        action: 'update',
        actions: ['update'],
        fields: [{ path: 'deprecation_at', before: image.deprecation_at, after: second }],
        id: image.id,
      },
    ]);
    await applyOk(dir, cloud);
    image = await imageByName(cloud, 'lc-sched');
    expect(instant(image.deprecation_at)).toBe(Date.parse(second));

    await writeFiles(dir, { 'images.yaml': imageDoc('lc-sched', { deprecation_at: null }) });
    const cancelled = await planJson(dir, cloud);
    expect(cancelled.plan.changes).toHaveLength(1);
    expect(cancelled.plan.changes[0].fields).toEqual([
      { path: 'deprecation_at', before: image.deprecation_at, after: null },
    ]);
    // Cancelling a schedule changes no status: none is predicted.
    expect(cancelled.plan.changes[0].status).toBeUndefined();
    await applyOk(dir, cloud);
    image = await imageByName(cloud, 'lc-sched');
    expect(image.deprecation_at).toBeUndefined();
    expect(image.status).toBe('available');
    await expectCleanPlan(dir, cloud);
  });

  it('a key absent is not managed: a date set directly in the cloud is never diffed', async () => {
    const dir = await space({ 'images.yaml': imageDoc('lc-absent') });
    await applyOk(dir, cloud);
    const image = await imageByName(cloud, 'lc-absent');
    const date = await cloudDate(cloud, 500);
    const patched = await cloud.api('PATCH', `/images/${image.id}`, {
      deprecation_at: date,
      obsolescence_at: await cloudDate(cloud, 600),
    });
    expect(patched.status).toBe(200);

    const { result, plan } = await planJson(dir, cloud, ['--detailed-exitcode']);
    expect(result.code).toBe(0);
    expect(plan.changes).toEqual([]);
    // It is reported as drift (changed outside imageform), but nothing is planned to undo it.
    expect(plan.drift.map((entry: any) => entry.address)).toEqual(['image.lc-absent']);
    await applyOk(dir, cloud);
    expect(instant((await imageByName(cloud, 'lc-absent')).deprecation_at)).toBe(Date.parse(date));
  });

  it('dates are compared as instants: Z, .000Z and +01:00 forms of one date never diff', async () => {
    const date = await cloudDate(cloud, 3650);
    const ms = Date.parse(date);
    const withMillis = new Date(ms).toISOString();
    const plusOne = `${new Date(ms + 3_600_000).toISOString().slice(0, 19)}+01:00`;
    expect(Date.parse(plusOne)).toBe(ms);
    const dir = await space({ 'images.yaml': imageDoc('lc-instant', { deprecation_at: plusOne }) });
    await applyOk(dir, cloud);
    expect(instant((await imageByName(cloud, 'lc-instant')).deprecation_at)).toBe(ms);
    for (const form of [plusOne, date, withMillis]) {
      await writeFiles(dir, { 'images.yaml': imageDoc('lc-instant', { deprecation_at: form }) });
      await expectCleanPlan(dir, cloud);
    }
  });
});

const statusDoc = (kind: 'image_deprecate' | 'image_obsolete', name: string, image: string, lifecycle = ''): string =>
  `kind: ${kind}\nname: ${name}\nspec:\n  image: ${image}\n${lifecycle}`;

describe.concurrent('immediate status changes', () => {
  it('image_deprecate and image_obsolete apply at once; removing their documents reverts the status', async () => {
    const dir = await space({
      'images.yaml': `${imageDoc('lc-imm-dep')}---\n${imageDoc('lc-imm-obs')}`,
      'now.yaml': `${statusDoc('image_deprecate', 'lc-imm-dep', '${image.lc-imm-dep.id}')}---\n${statusDoc('image_obsolete', 'lc-imm-obs', '${image.lc-imm-obs.id}')}`,
    });
    await applyOk(dir, cloud);
    expect((await imageByName(cloud, 'lc-imm-dep')).status).toBe('deprecated');
    expect((await imageByName(cloud, 'lc-imm-obs')).status).toBe('obsolete');
    await expectCleanPlan(dir, cloud);

    await rm(join(dir, 'now.yaml'));
    const { plan } = await planJson(dir, cloud);
    expect(plan.changes.map((change: any) => [change.address, change.action, change.status])).toEqual([
      ['image_deprecate.lc-imm-dep', 'delete', { before: 'deprecated', after: 'available' }],
      ['image_obsolete.lc-imm-obs', 'delete', { before: 'obsolete', after: 'available' }],
    ]);
    await applyOk(dir, cloud);
    const dep = await imageByName(cloud, 'lc-imm-dep');
    expect([dep.status, dep.deprecation_at]).toEqual(['available', undefined]);
    const obs = await imageByName(cloud, 'lc-imm-obs');
    expect([obs.status, obs.obsolescence_at]).toEqual(['available', undefined]);
    expect(Object.keys((await readState(dir)).resources)).toEqual(['image.lc-imm-dep', 'image.lc-imm-obs']);
    await expectCleanPlan(dir, cloud);
  });

  it('a deprecation undone outside imageform is drift, and the plan makes the image deprecated again', async () => {
    const dir = await space({
      'images.yaml': imageDoc('lc-imm-undone'),
      'now.yaml': statusDoc('image_deprecate', 'lc-imm-undone', '${image.lc-imm-undone.id}'),
    });
    await applyOk(dir, cloud);
    const image = await imageByName(cloud, 'lc-imm-undone');
    expect(image.status).toBe('deprecated');
    expect((await cloud.api('PATCH', `/images/${image.id}`, { deprecation_at: null })).status).toBe(200);

    const { result, plan } = await planJson(dir, cloud, ['--detailed-exitcode']);
    expect(result.code).toBe(2);
    expect(plan.drift.map((entry: any) => entry.address)).toContain('image_deprecate.lc-imm-undone');
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({
      address: 'image_deprecate.lc-imm-undone',
      action: 'create',
      status: { before: 'available', after: 'deprecated' },
    });
    expect(plan.changes[0].reason).toContain('changed outside imageform');
    await applyOk(dir, cloud);
    expect((await imageByName(cloud, 'lc-imm-undone')).status).toBe('deprecated');
    await expectCleanPlan(dir, cloud);
  });

  it('destroy reverts an immediate change on an unmanaged image; deletion_policy orphan only forgets', async () => {
    const made = await cloud.api('POST', '/images', {
      name: 'lc-literal',
      file: { href: 'cos://us-south/e2e/lc-literal.qcow2' },
      operating_system: { name: 'ubuntu-24-04-amd64' },
    });
    expect(made.status).toBe(201);
    const other = await cloud.api('POST', '/images', {
      name: 'lc-literal-orphan',
      file: { href: 'cos://us-south/e2e/lc-literal-orphan.qcow2' },
      operating_system: { name: 'ubuntu-24-04-amd64' },
    });
    const dir = await space({
      'now.yaml': `${statusDoc('image_deprecate', 'lc-literal', made.body.id)}---\n${statusDoc('image_obsolete', 'lc-literal-orphan', other.body.id, 'lifecycle:\n  deletion_policy: orphan\n')}`,
    });
    await applyOk(dir, cloud);
    expect((await imageByName(cloud, 'lc-literal')).status).toBe('deprecated');
    expect((await imageByName(cloud, 'lc-literal-orphan')).status).toBe('obsolete');

    const destroyed = await runCli(['destroy', '--auto-approve'], { cwd: dir, cloud });
    succeeded(destroyed);
    const reverted = await imageByName(cloud, 'lc-literal');
    expect([reverted.status, reverted.deprecation_at]).toEqual(['available', undefined]);
    // Orphan: forgotten, the cloud keeps the change.
    expect((await imageByName(cloud, 'lc-literal-orphan')).status).toBe('obsolete');
    expect((await readState(dir)).resources).toEqual({});
  });

  it('an immediate change is refused while a future one is scheduled, unless the same plan cancels it', async () => {
    const scheduled = await cloudDate(cloud, 300);
    const dir = await space({ 'images.yaml': imageDoc('lc-imm-sched', { deprecation_at: scheduled }) });
    await applyOk(dir, cloud);
    await writeFiles(dir, { 'now.yaml': statusDoc('image_obsolete', 'lc-imm-sched', '${image.lc-imm-sched.id}') });
    const refused = await runCli(['plan'], { cwd: dir, cloud });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /now\.yaml:\d+:\d+: image_obsolete\.lc-imm-sched: an immediate obsolescence is refused while image\.lc-imm-sched has deprecation_at scheduled/,
    );
    expect((await imageByName(cloud, 'lc-imm-sched')).status).toBe('available');

    await writeFiles(dir, { 'images.yaml': imageDoc('lc-imm-sched', { deprecation_at: null }) });
    const { plan } = await planJson(dir, cloud);
    expect(plan.changes.map((change: any) => [change.address, change.action])).toEqual([
      ['image.lc-imm-sched', 'update'],
      ['image_obsolete.lc-imm-sched', 'create'],
    ]);
    await applyOk(dir, cloud);
    const image = await imageByName(cloud, 'lc-imm-sched');
    expect([image.status, image.deprecation_at]).toEqual(['obsolete', undefined]);
    await expectCleanPlan(dir, cloud);
  });
});

describe.concurrent('protection, failures and vanished objects', () => {
  it('prevent_destroy refuses a delete even after the document is removed', async () => {
    const dir = await space({ 'images.yaml': imageDoc('lc-protected', {}, 'lifecycle:\n  prevent_destroy: true\n') });
    await applyOk(dir, cloud);
    const id = (await imageByName(cloud, 'lc-protected')).id;
    await rm(join(dir, 'images.yaml'));
    const refused = await runCli(['plan'], { cwd: dir, cloud });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'image.lc-protected has lifecycle.prevent_destroy set, and this plan would delete it',
    );
    const destroyed = await runCli(['destroy', '--auto-approve'], { cwd: dir, cloud });
    expect(destroyed.code).toBe(1);
    expect((await imageByName(cloud, 'lc-protected'))?.id).toBe(id);

    // The documented way out: apply it unprotected first, then delete.
    await writeFiles(dir, { 'images.yaml': imageDoc('lc-protected', {}, 'lifecycle:\n  prevent_destroy: false\n') });
    await applyOk(dir, cloud);
    await rm(join(dir, 'images.yaml'));
    await applyOk(dir, cloud);
    expect(await imageByName(cloud, 'lc-protected')).toBeUndefined();
  });

  it("a failed image fails the apply with the cloud's status_reasons; the next plan replaces it", async () => {
    const corrupt = (file: string) =>
      `kind: image\nname: lc-failed\nspec:\n  file: cos://us-south/e2e/${file}\n  operating_system: ubuntu-24-04-amd64\n`;
    const dir = await space({ 'images.yaml': corrupt('lc-corrupt.qcow2') });
    const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
    expect(applied.code).toBe(1);
    expect(`${applied.stdout}${applied.stderr}`).toContain('image_data_corrupted: The image data is corrupted');
    const failed = await imageByName(cloud, 'lc-failed');
    expect(failed.status).toBe('failed');
    expect((await readState(dir)).resources['image.lc-failed'].id).toBe(failed.id);

    const { plan } = await planJson(dir, cloud);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({ address: 'image.lc-failed', action: 'replace', id: failed.id });
    expect(plan.changes[0].reason).toContain('image_data_corrupted');

    await writeFiles(dir, { 'images.yaml': corrupt('lc-fixed.qcow2') });
    await applyOk(dir, cloud);
    const fixed = await imageByName(cloud, 'lc-failed');
    expect(fixed.id).not.toBe(failed.id);
    expect(fixed.status).toBe('available');
    expect((await cloud.api('GET', `/images/${failed.id}`)).status).toBe(404);
    await expectCleanPlan(dir, cloud);
  });

  it('an image being deleted outside imageform is replaced: the apply waits for it instead of deleting it twice', async () => {
    // Its own slower cloud: the image must still be "deleting" (held by a running export job) when the apply runs.
    const slow = await startCloud({ timeScale: 3 });
    try {
      // A second image, not managed, deprecated through a document that is removed while the image is deleting.
      const unmanaged = await slow.api('POST', '/images', {
        name: 'lc-deleting-other',
        file: { href: 'cos://us-south/e2e/lc-deleting-other.qcow2' },
        operating_system: { name: 'ubuntu-24-04-amd64' },
      });
      const dir = await space(
        {
          'images.yaml': imageDoc('lc-deleting'),
          'now.yaml': statusDoc('image_deprecate', 'lc-deleting-other', unmanaged.body.id),
        },
        { via: slow },
      );
      await applyOk(dir, slow);
      expect((await slow.api('GET', `/images/${unmanaged.body.id}`)).body.status).toBe('deprecated');
      const before = (await slow.api('GET', '/images?name=lc-deleting')).body.images[0];
      // The cloud's clock stands still until the apply has seen the images deleting, however slowly it starts.
      expect((await slow.hook('POST', '/clock', { frozen: true })).status).toBe(200);
      for (const id of [before.id, unmanaged.body.id]) {
        expect(
          (await slow.api('POST', `/images/${id}/export_jobs`, { storage_bucket: { name: 'lc-held' } })).status,
        ).toBe(201);
        expect((await slow.api('DELETE', `/images/${id}`)).status).toBe(202);
        expect((await slow.api('GET', `/images/${id}`)).body.status).toBe('deleting');
      }
      await rm(join(dir, 'now.yaml'));

      const child = spawnCli(['apply', '--auto-approve'], { cwd: dir, cloud: slow });
      const done = collect(child);
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await waitFor(() => output.includes('the image is being deleted outside imageform'), {
        what: 'the plan to say the image is being deleted',
        detail: () => output,
      });
      expect((await slow.hook('POST', '/clock', { frozen: false })).status).toBe(200);
      succeeded(await done);
      expect((await slow.api('GET', `/images/${before.id}`)).status).toBe(404);
      const after = (await slow.api('GET', '/images?name=lc-deleting')).body.images[0];
      expect([after.id === before.id, after.status]).toEqual([false, 'available']);
      expect(Object.keys((await readState(dir)).resources)).toEqual(['image.lc-deleting']);
    } finally {
      await slow.stop();
    }
  });

  it('an image deleted in the cloud is gone drift, and the plan proposes the create and says why', async () => {
    const dir = await space({ 'images.yaml': imageDoc('lc-gone') });
    await applyOk(dir, cloud);
    const before = await imageByName(cloud, 'lc-gone');
    expect((await cloud.api('DELETE', `/images/${before.id}`)).status).toBe(202);
    await waitFor(async () => (await cloud.api('GET', `/images/${before.id}`)).status === 404, {
      what: 'the deleted image to be gone',
    });

    const { result, plan } = await planJson(dir, cloud, ['--detailed-exitcode']);
    expect(result.code).toBe(2);
    expect(plan.drift).toEqual([{ address: 'image.lc-gone', fields: [], gone: true }]);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({ address: 'image.lc-gone', action: 'create' });
    expect(plan.changes[0].reason).toContain(`${before.id} could no longer be read (404)`);
    const text = await runCli(['plan', '--no-color'], { cwd: dir, cloud });
    expect(text.stdout).toContain('could no longer be read');

    await applyOk(dir, cloud);
    const after = await imageByName(cloud, 'lc-gone');
    expect(after.id).not.toBe(before.id);
    expect((await readState(dir)).resources['image.lc-gone'].id).toBe(after.id);
    await expectCleanPlan(dir, cloud);
  });
});

// Tests that move the cloud's clock run alone, after the concurrent ones: their short dates must not be overtaken.
describe('the cloud clock', () => {
  it('a scheduled date taking effect changes the status and leaves the plan clean; a date in effect cannot move', async () => {
    const deprecation = await cloudDate(cloud, 1);
    const obsolescence = await cloudDate(cloud, 2);
    const dir = await space({
      'images.yaml': imageDoc('lc-clock', { deprecation_at: deprecation, obsolescence_at: obsolescence }),
    });
    await applyOk(dir, cloud);
    expect((await imageByName(cloud, 'lc-clock')).status).toBe('available');

    await cloud.advanceClock(1.5 * 86_400);
    expect((await imageByName(cloud, 'lc-clock')).status).toBe('deprecated');
    // The cloud did what it was told: neither a change nor drift.
    const clean = await planJson(dir, cloud, ['--detailed-exitcode']);
    expect(clean.result.code).toBe(0);
    expect([clean.plan.changes, clean.plan.drift]).toEqual([[], []]);

    await cloud.advanceClock(86_400);
    expect((await imageByName(cloud, 'lc-clock')).status).toBe('obsolete');
    await expectCleanPlan(dir, cloud);

    // Moving a date already in effect is refused before any API call.
    await writeFiles(dir, {
      'images.yaml': imageDoc('lc-clock', {
        deprecation_at: await cloudDate(cloud, 5),
        obsolescence_at: await cloudDate(cloud, 6),
      }),
    });
    const refused = await runCli(['plan'], { cwd: dir, cloud });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/images\.yaml:\d+:\d+: .*deprecation_at cannot move from .*already in effect/);
    const image = await imageByName(cloud, 'lc-clock');
    expect(instant(image.deprecation_at)).toBe(Date.parse(deprecation));
    expect(image.status).toBe('obsolete');
  });

  it("a new date in the cloud's past but the local clock's future is refused at plan time", async () => {
    const dir = await space({ 'images.yaml': imageDoc('lc-past') });
    await applyOk(dir, cloud);
    await cloud.advanceClock(20 * 86_400);
    const localFuture = new Date(Date.now() + 10 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await writeFiles(dir, { 'images.yaml': imageDoc('lc-past', { deprecation_at: localFuture }) });
    const refused = await runCli(['plan'], { cwd: dir, cloud });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /images\.yaml:\d+:\d+: .*deprecation_at \(.*\) must be later than the cloud's current time/,
    );
    expect((await imageByName(cloud, 'lc-past')).deprecation_at).toBeUndefined();
  });
});

describe('reverts (seed 000)', () => {
  it('deprecated -> available, obsolete -> deprecated and obsolete -> available, each predicted by the plan', async () => {
    const deprecation = await cloudDate(cloud, 1);
    const obsolescence = await cloudDate(cloud, 2);
    const both = { deprecation_at: deprecation, obsolescence_at: obsolescence };
    const dir = await space({
      'dep.yaml': imageDoc('lc-rev-dep', { deprecation_at: deprecation }),
      'obs-dep.yaml': imageDoc('lc-rev-obs-dep', both),
      'obs-av.yaml': imageDoc('lc-rev-obs-av', both),
    });
    await applyOk(dir, cloud);
    await cloud.advanceClock(3 * 86_400);
    expect((await imageByName(cloud, 'lc-rev-dep')).status).toBe('deprecated');
    expect((await imageByName(cloud, 'lc-rev-obs-dep')).status).toBe('obsolete');
    expect((await imageByName(cloud, 'lc-rev-obs-av')).status).toBe('obsolete');
    await expectCleanPlan(dir, cloud);

    await writeFiles(dir, {
      'dep.yaml': imageDoc('lc-rev-dep', { deprecation_at: null }),
      'obs-dep.yaml': imageDoc('lc-rev-obs-dep', { deprecation_at: deprecation, obsolescence_at: null }),
      'obs-av.yaml': imageDoc('lc-rev-obs-av', { deprecation_at: null, obsolescence_at: null }),
    });
    const { result, plan } = await planJson(dir, cloud, ['--detailed-exitcode']);
    expect(result.code).toBe(2);
    expect(plan.summary).toEqual({ add: 0, change: 3, replace: 0, destroy: 0 });
    const byAddress = Object.fromEntries(plan.changes.map((change: any) => [change.address, change]));
    expect(byAddress['image.lc-rev-dep'].status).toEqual({ before: 'deprecated', after: 'available' });
    expect(byAddress['image.lc-rev-obs-dep'].status).toEqual({ before: 'obsolete', after: 'deprecated' });
    expect(byAddress['image.lc-rev-obs-av'].status).toEqual({ before: 'obsolete', after: 'available' });
    expect(byAddress['image.lc-rev-obs-dep'].fields).toEqual([
      {
        path: 'obsolescence_at',
        before: expect.any(String),
        after: null,
        status: { before: 'obsolete', after: 'deprecated' },
      },
    ]);
    const text = await runCli(['plan', '--no-color'], { cwd: dir, cloud });
    expect(text.stdout).toMatch(/obsolescence_at: "[^"]+" -> null\s+\(status obsolete -> deprecated\)/);

    await applyOk(dir, cloud);
    const dep = await imageByName(cloud, 'lc-rev-dep');
    expect([dep.status, dep.deprecation_at]).toEqual(['available', undefined]);
    const obsDep = await imageByName(cloud, 'lc-rev-obs-dep');
    expect([obsDep.status, instant(obsDep.deprecation_at), obsDep.obsolescence_at]).toEqual([
      'deprecated',
      Date.parse(deprecation),
      undefined,
    ]);
    const obsAv = await imageByName(cloud, 'lc-rev-obs-av');
    expect([obsAv.status, obsAv.deprecation_at, obsAv.obsolescence_at]).toEqual(['available', undefined, undefined]);
    await expectCleanPlan(dir, cloud);
  });
});
