import { describe, expect, it } from 'vitest';
import {
  cloudDate,
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
 * `imageform import` end to end (DESIGN.md §2, §4): an imported object plans clean (write-only inputs adopted, not
 * replaced), the first apply records them, and a planned create whose name is taken is refused with the import hint.
 */
const { cloud, space } = useCloud();

/** An image made outside imageform, the way the harness's imageDoc would describe it. */
async function makeImage(name: string, extra: Record<string, unknown> = {}): Promise<any> {
  const made = await cloud.api('POST', '/images', {
    name,
    file: { href: `cos://us-south/e2e/${name}.qcow2` },
    operating_system: { name: 'ubuntu-24-04-amd64' },
    ...extra,
  });
  expect(made.status).toBe(201);
  return waitFor(
    async () => {
      const image = (await cloud.api('GET', `/images/${made.body.id}`)).body;
      return image.status !== 'pending' && image;
    },
    { what: `image ${name} to leave pending` },
  );
}

describe.concurrent('import', () => {
  it('an imported image, export job and deprecation plan clean; the first apply adopts the write-only inputs', async () => {
    const date = await cloudDate(cloud, 200);
    const image = await makeImage('im-web', { deprecation_at: date });
    const job = await cloud.api('POST', `/images/${image.id}/export_jobs`, {
      name: 'im-web-export',
      storage_bucket: { name: 'im-bucket' },
    });
    expect(job.status).toBe(201);
    const old = await makeImage('im-old');
    expect((await cloud.api('POST', `/images/${old.id}/deprecate`)).status).toBe(204);

    const dir = await space({
      'web.yaml': imageDoc('im-web', { deprecation_at: date }),
      'export.yaml':
        'kind: image_export_job\nname: im-web-export\nspec:\n  image: ${image.im-web.id}\n  storage_bucket:\n    name: im-bucket\n',
      'old.yaml': `kind: image_deprecate\nname: im-old\nspec:\n  image: ${old.id}\n`,
    });
    const imported = await runCli(['import', 'image.im-web', image.id], { cwd: dir, cloud });
    succeeded(imported);
    expect(imported.stdout).toContain(`Imported image.im-web (${image.id}).`);
    succeeded(
      await runCli(['import', 'image_export_job.im-web-export', `${image.id}/${job.body.id}`], { cwd: dir, cloud }),
    );
    succeeded(await runCli(['import', 'image_deprecate.im-old', old.id], { cwd: dir, cloud }));
    const state = await readState(dir);
    expect(
      Object.fromEntries(Object.entries(state.resources).map(([address, entry]: [string, any]) => [address, entry.id])),
    ).toEqual({
      'image.im-web': image.id,
      'image_deprecate.im-old': old.id,
      'image_export_job.im-web-export': job.body.id,
    });
    expect(state.resources['image.im-web'].attributes.inputs).toBeUndefined();

    // No record of the file yet: adopted, not replaced, and the plan says so.
    const { result, plan } = await planJson(dir, cloud, ['--detailed-exitcode']);
    expect(result.code).toBe(0);
    expect(plan.changes).toEqual([]);
    expect(plan.notes.join('\n')).toContain('image.im-web: no record of file');

    succeeded(await runCli(['apply', '--auto-approve'], { cwd: dir, cloud }));
    expect((await readState(dir)).resources['image.im-web'].attributes.inputs).toEqual({
      file: 'cos://us-south/e2e/im-web.qcow2',
    });
    expect((await imageByName(cloud, 'im-web')).id).toBe(image.id);
    const after = await planJson(dir, cloud, ['--detailed-exitcode']);
    expect(after.result.code).toBe(0);
    expect(after.plan.notes).toBeUndefined();

    // Now the file is on record: changing it replaces the image.
    await writeFiles(dir, {
      'web.yaml': imageDoc('im-web', { deprecation_at: date }).replace('im-web.qcow2', 'im-web-2.qcow2'),
    });
    const replace = await planJson(dir, cloud);
    expect(replace.result.stderr).toBe('');
    expect(replace.plan.changes[0]).toMatchObject({ address: 'image.im-web', action: 'replace' });
    expect(replace.plan.changes[0].fields).toContainEqual({
      path: 'file',
      before: 'cos://us-south/e2e/im-web.qcow2',
      after: 'cos://us-south/e2e/im-web-2.qcow2',
      forces_replacement: true,
    });
  });

  it('refuses what it cannot import, naming the problem', async () => {
    const image = await makeImage('im-errors');
    const dir = await space({ 'errors.yaml': imageDoc('im-errors') });
    const noDocument = await runCli(['import', 'image.im-eror', image.id], { cwd: dir, cloud });
    expect(noDocument.code).toBe(1);
    expect(noDocument.stderr).toContain(
      'there is no document for image.im-eror in the files (did you mean image.im-errors?)',
    );
    const missing = await runCli(['import', 'image.im-errors', 'r006-00000000-0000-0000-0000-000000000000'], {
      cwd: dir,
      cloud,
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no image with ID r006-00000000-0000-0000-0000-000000000000 can be read');
    succeeded(await runCli(['import', 'image.im-errors', image.id], { cwd: dir, cloud }));
    const twice = await runCli(['import', 'image.im-errors', image.id], { cwd: dir, cloud });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`image.im-errors is already managed (${image.id})`);
  });

  it('a planned create whose name is taken is refused at plan with the import hint; following it plans clean', async () => {
    const taken = await makeImage('im-taken');
    const dir = await space({ 'taken.yaml': imageDoc('im-taken') });
    const refused = await runCli(['plan'], { cwd: dir, cloud });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `taken.yaml:2:7: image.im-taken: an image named "im-taken" already exists in the cloud (${taken.id}) (to manage it, import it: imageform import image.im-taken ${taken.id})\n`,
    );
    const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
    expect(applied.code).toBe(1);
    expect((await cloud.images()).filter((image) => image.name === 'im-taken')).toHaveLength(1);

    succeeded(await runCli(['import', 'image.im-taken', taken.id], { cwd: dir, cloud }));
    const clean = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, cloud });
    expect(clean.code).toBe(0);

    // A rename onto a name another image holds is refused the same way.
    const other = await makeImage('im-other');
    await writeFiles(dir, { 'taken.yaml': imageDoc('im-taken', { name: 'im-other' }) });
    const rename = await runCli(['plan'], { cwd: dir, cloud });
    expect(rename.code).toBe(1);
    expect(rename.stderr).toContain(`an image named "im-other" already exists in the cloud (${other.id})`);
    expect((await imageByName(cloud, 'im-taken'))?.id).toBe(taken.id);
  });
});
