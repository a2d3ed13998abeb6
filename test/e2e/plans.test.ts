import { access, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  applyOk,
  cloudDate,
  expectCleanPlan,
  imageByName,
  imageDoc,
  planJson,
  readState,
  removeDir,
  runCli,
  succeeded,
  useCloud,
  writeFiles,
} from '../helpers/e2e.js';

/**
 * Plans as a contract (DESIGN.md §4): the --json shape, saved plans and their staleness, approval, --target,
 * --refresh-only and destroy, each checked against what the emulator holds afterwards.
 */
const { cloud, space } = useCloud();

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe.concurrent('plan --json', () => {
  it('matches DESIGN.md §4: a create, then drift made by hand and the update that reverts it', async () => {
    const dir = await space({ 'web.yaml': imageDoc('pl-web', { deprecation_at: null }) });
    const created = await planJson(dir, cloud, ['--detailed-exitcode']);
    expect(created.result.code).toBe(2);
    expect(created.result.stderr).toBe('');
    expect(created.plan).toEqual({
      format_version: '1',
      summary: { add: 1, change: 0, replace: 0, destroy: 0 },
      drift: [],
      changes: [
        {
          address: 'image.pl-web',
          kind: 'image',
          action: 'create',
          actions: ['create'],
          fields: [
            { path: 'name', before: null, after: 'pl-web' },
            { path: 'file', before: null, after: 'cos://us-south/e2e/pl-web.qcow2' },
            { path: 'operating_system', before: null, after: 'ubuntu-24-04-amd64' },
          ],
          status: { before: null, after: 'available' },
        },
      ],
    });
    await applyOk(dir, cloud);

    // Deprecated by hand in the cloud: drift, and the files (deprecation_at: null) revert it.
    const image = await imageByName(cloud, 'pl-web');
    expect((await cloud.api('POST', `/images/${image.id}/deprecate`)).status).toBe(204);
    const deprecatedAt: string = (await imageByName(cloud, 'pl-web')).deprecation_at;
    const { result, plan } = await planJson(dir, cloud, ['--detailed-exitcode']);
    expect(result.code).toBe(2);
    expect(Object.keys(plan)).toEqual(['format_version', 'summary', 'drift', 'changes']);
    expect(plan).toEqual({
      format_version: '1',
      summary: { add: 0, change: 1, replace: 0, destroy: 0 },
      drift: [{ address: 'image.pl-web', fields: [{ path: 'deprecation_at', before: null, after: deprecatedAt }] }],
      changes: [
        {
          address: 'image.pl-web',
          kind: 'image',
          action: 'update',
          actions: ['update'],
          fields: [
            {
              path: 'deprecation_at',
              before: deprecatedAt,
              after: null,
              status: { before: 'deprecated', after: 'available' },
            },
          ],
          status: { before: 'deprecated', after: 'available' },
          id: image.id,
        },
      ],
    });
    await applyOk(dir, cloud);
    const reverted = await imageByName(cloud, 'pl-web');
    expect([reverted.status, reverted.deprecation_at]).toEqual(['available', undefined]);
    const clean = await planJson(dir, cloud, ['--detailed-exitcode']);
    expect(clean.result.code).toBe(0);
    expect(clean.plan).toEqual({
      format_version: '1',
      summary: { add: 0, change: 0, replace: 0, destroy: 0 },
      drift: [],
      changes: [],
    });
  });
});

describe.concurrent('saved plans and approval', () => {
  it('applies a saved plan as reviewed, and refuses one made before another apply, naming what moved', async () => {
    const later = await cloudDate(cloud, 100);
    const dir = await space({ 'a.yaml': imageDoc('pl-saved-a'), 'b.yaml': imageDoc('pl-saved-b') });
    const planFile = join(dir, 'first.plan');
    succeeded(await runCli(['plan', '--out', planFile], { cwd: dir, cloud }));
    await applyOk(dir, cloud, [planFile]);
    expect((await imageByName(cloud, 'pl-saved-a'))?.status).toBe('available');
    expect((await imageByName(cloud, 'pl-saved-b'))?.status).toBe('available');

    await writeFiles(dir, { 'a.yaml': imageDoc('pl-saved-a', { deprecation_at: later }) });
    const stalePlan = join(dir, 'stale.plan');
    succeeded(await runCli(['plan', '--out', stalePlan], { cwd: dir, cloud }));
    // Someone applies a change to b in between (from files where a is unchanged).
    await writeFiles(dir, {
      'a.yaml': imageDoc('pl-saved-a'),
      'b.yaml': imageDoc('pl-saved-b', { name: 'pl-saved-b2' }),
    });
    await applyOk(dir, cloud);
    expect((await imageByName(cloud, 'pl-saved-b2'))?.status).toBe('available');
    await writeFiles(dir, { 'a.yaml': imageDoc('pl-saved-a', { deprecation_at: later }) });
    const serial = (await readState(dir)).serial;

    const refused = await runCli(['apply', stalePlan], { cwd: dir, cloud });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /the saved plan is stale: state moved from serial \d+ to \d+ since it was made; moved: .*image\.pl-saved-b \(changed\)/,
    );
    expect(refused.stderr).not.toContain('pl-saved-a (changed)');
    expect((await imageByName(cloud, 'pl-saved-a')).deprecation_at).toBeUndefined();
    expect((await readState(dir)).serial).toBe(serial);
  });

  it('refuses a saved plan when the cloud changed since, even though state did not', async () => {
    const dir = await space({ 'images.yaml': imageDoc('pl-outdated') });
    await applyOk(dir, cloud);
    const image = await imageByName(cloud, 'pl-outdated');
    await writeFiles(dir, { 'images.yaml': imageDoc('pl-outdated', { deprecation_at: await cloudDate(cloud, 100) }) });
    const planFile = join(dir, 'outdated.plan');
    succeeded(await runCli(['plan', '--out', planFile], { cwd: dir, cloud }));
    expect((await cloud.api('PATCH', `/images/${image.id}`, { name: 'pl-outdated-by-hand' })).status).toBe(200);

    const refused = await runCli(['apply', planFile], { cwd: dir, cloud });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'the cloud changed since the plan was saved; it would now do something else for image.pl-outdated',
    );
    const after = await imageByName(cloud, 'pl-outdated-by-hand');
    expect([after.id, after.deprecation_at]).toEqual([image.id, undefined]);
  });

  it('apply and destroy without --auto-approve and without a terminal change nothing', async () => {
    const dir = await space({ 'images.yaml': imageDoc('pl-unapproved') });
    const refused = await runCli(['apply'], { cwd: dir, cloud, input: 'yes\n' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^error: apply needs approval, and stdin is not a terminal \(.*--auto-approve.*\)\n$/,
    );
    expect(await imageByName(cloud, 'pl-unapproved')).toBeUndefined();
    expect(await exists(join(dir, '.imageform', 'state.json'))).toBe(false);

    await applyOk(dir, cloud);
    const before = await readState(dir);
    const destroyRefused = await runCli(['destroy'], { cwd: dir, cloud, input: 'yes\n' });
    expect(destroyRefused.code).toBe(1);
    expect(destroyRefused.stderr).toContain('destroy needs approval');
    expect((await imageByName(cloud, 'pl-unapproved'))?.status).toBe('available');
    expect((await readState(dir)).serial).toBe(before.serial);
  });
});

describe.concurrent('--target, --refresh-only, destroy', () => {
  it('--target plans only the target and what it depends on', async () => {
    const dir = await space({
      'images.yaml': `${imageDoc('pl-tgt-a')}---\n${imageDoc('pl-tgt-b')}`,
      'export.yaml':
        'kind: image_export_job\nname: pl-tgt-a-export\nspec:\n  image: ${image.pl-tgt-a.id}\n  storage_bucket:\n    name: pl-bucket\n',
    });
    const { plan } = await planJson(dir, cloud, ['--target', 'image_export_job.pl-tgt-a-export']);
    expect(plan.changes.map((change: any) => change.address)).toEqual([
      'image.pl-tgt-a',
      'image_export_job.pl-tgt-a-export',
    ]);
    expect(plan.notes.join('\n')).toContain('targeting is in effect');
    const planFile = join(dir, 'target.plan');
    succeeded(await runCli(['plan', '--target', 'image.pl-tgt-b', '--out', planFile], { cwd: dir, cloud }));
    await applyOk(dir, cloud, [planFile]);
    expect((await imageByName(cloud, 'pl-tgt-b'))?.status).toBe('available');
    expect(await imageByName(cloud, 'pl-tgt-a')).toBeUndefined();
    expect(Object.keys((await readState(dir)).resources)).toEqual(['image.pl-tgt-b']);

    const unknown = await runCli(['plan', '--target', 'image.pl-tgt-c'], { cwd: dir, cloud });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      '--target image.pl-tgt-c: no resource with this address in the files or in state (did you mean image.pl-tgt-a?)',
    );
  });

  it('--refresh-only reports drift without proposing changes, and its saved plan records the cloud in state', async () => {
    const dir = await space({ 'images.yaml': imageDoc('pl-refresh') });
    await applyOk(dir, cloud);
    const image = await imageByName(cloud, 'pl-refresh');
    expect((await cloud.api('PATCH', `/images/${image.id}`, { name: 'pl-refresh-by-hand' })).status).toBe(200);

    const { result, plan } = await planJson(dir, cloud, ['--refresh-only', '--detailed-exitcode']);
    expect(result.code).toBe(2);
    expect(plan.changes).toEqual([]);
    expect(plan.drift).toEqual([
      { address: 'image.pl-refresh', fields: [{ path: 'name', before: 'pl-refresh', after: 'pl-refresh-by-hand' }] },
    ]);
    const planFile = join(dir, 'refresh.plan');
    succeeded(await runCli(['plan', '--refresh-only', '--out', planFile], { cwd: dir, cloud }));
    await applyOk(dir, cloud, [planFile]);
    expect((await readState(dir)).resources['image.pl-refresh'].attributes.name).toBe('pl-refresh-by-hand');
    expect((await imageByName(cloud, 'pl-refresh-by-hand'))?.id).toBe(image.id);

    // Drift is now recorded; the files still want the old name back.
    const after = await planJson(dir, cloud);
    expect(after.plan.drift).toEqual([]);
    expect(after.plan.changes.map((change: any) => [change.action, change.fields])).toEqual([
      ['update', [{ path: 'name', before: 'pl-refresh-by-hand', after: 'pl-refresh' }]],
    ]);
  });

  it('destroy deletes what state holds, keeps exported objects, and only forgets an orphan', async () => {
    const dir = await space({
      'images.yaml': `${imageDoc('pl-destroy')}---\n${imageDoc('pl-destroy-kept', {}, 'lifecycle:\n  deletion_policy: orphan\n')}`,
      'export.yaml':
        'kind: image_export_job\nname: pl-destroy-export\nspec:\n  image: ${image.pl-destroy.id}\n  storage_bucket:\n    name: pl-destroy-bucket\n',
    });
    await applyOk(dir, cloud);
    const image = await imageByName(cloud, 'pl-destroy');
    const destroyed = await runCli(['destroy', '--auto-approve'], { cwd: dir, cloud });
    succeeded(destroyed);
    expect((await cloud.api('GET', `/images/${image.id}`)).status).toBe(404);
    expect((await imageByName(cloud, 'pl-destroy-kept'))?.status).toBe('available');
    expect((await readState(dir)).resources).toEqual({});
    const objects = (await cloud.hook('GET', '/buckets/pl-destroy-bucket/objects')).body.objects;
    expect(objects.map((object: any) => object.name)).toEqual(['pl-destroy-export.qcow2']);

    const again = await runCli(['destroy', '--auto-approve'], { cwd: dir, cloud });
    succeeded(again);
  });
});

/** A configuration directory without imageform.yaml: the embedded cloud, on a new random port at every run. */
async function embeddedSpace(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imageform-e2e-embedded-'));
  embeddedDirs.push(dir);
  await writeFiles(dir, files);
  return dir;
}
const embeddedDirs: string[] = [];
afterAll(() => Promise.all(embeddedDirs.map(removeDir)));

describe.concurrent('an apply with nothing to do', () => {
  for (const provider of ['emulator server', 'embedded'] as const) {
    // Nine CLI runs: on a loaded machine that can take more than the default minute.
    it(
      `keeps the serial, so a saved plan made before it is still accepted (${provider} provider)`,
      { timeout: 240_000 },
      async () => {
        const prefix = provider === 'embedded' ? 'pl-noop-emb' : 'pl-noop-srv';
        const files = {
          'web.yaml': imageDoc(prefix),
          'export.yaml': `kind: image_export_job\nname: ${prefix}-export\nspec:\n  image: \${image.${prefix}.id}\n  storage_bucket:\n    name: pl-noop-bucket\n`,
        };
        const dir = provider === 'embedded' ? await embeddedSpace(files) : await space(files);
        const stateFile = join(dir, '.imageform', 'state.json');
        await applyOk(dir, cloud);
        const applied = await readFile(stateFile, 'utf8');
        const { serial } = JSON.parse(applied);

        const empty = join(dir, 'empty.plan');
        succeeded(await runCli(['plan', '--out', empty], { cwd: dir, cloud }));
        await applyOk(dir, cloud);
        expect(await readFile(stateFile, 'utf8')).toBe(applied);
        await applyOk(dir, cloud, [empty]);
        expect((await readState(dir)).serial).toBe(serial);

        // A reviewed change survives a refresh-only apply that found nothing new, and then applies as reviewed.
        const later = provider === 'embedded' ? '2099-01-01T00:00:00Z' : await cloudDate(cloud, 100);
        await writeFiles(dir, { 'web.yaml': imageDoc(prefix, { deprecation_at: later }) });
        const reviewed = join(dir, 'reviewed.plan');
        succeeded(await runCli(['plan', '--out', reviewed], { cwd: dir, cloud }));
        const refreshOnly = join(dir, 'refresh.plan');
        succeeded(await runCli(['plan', '--refresh-only', '--out', refreshOnly], { cwd: dir, cloud }));
        await applyOk(dir, cloud, [refreshOnly]);
        expect((await readState(dir)).serial).toBe(serial);
        await applyOk(dir, cloud, [reviewed]);
        const after = await readState(dir);
        expect(after.serial).toBeGreaterThan(serial);
        expect(Date.parse(after.resources[`image.${prefix}`].attributes.deprecation_at)).toBe(Date.parse(later));
        await expectCleanPlan(dir, cloud);
      },
    );
  }
});
