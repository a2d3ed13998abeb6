import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOk, imageByName, imageDoc, readState, runCli, useCloud, writeFiles } from '../helpers/e2e.js';

/**
 * Guards found by reviewing the CLI as a user: imageform's own reverts are not drift, a saved plan pins the files
 * it was made from (secrets included), a plan file that cannot be written fails before the refresh, destroy says
 * so, and a repository's node_modules is never read as configuration.
 */
const { cloud, space } = useCloud();

describe.concurrent('reviewed guards', () => {
  it('removing an image_deprecate reverts the image, and the revert is not reported as drift', async () => {
    const deprecate = 'kind: image_deprecate\nname: rg-dep\nspec:\n  image: ${image.rg-dep.id}\n';
    const dir = await space({ 'image.yaml': imageDoc('rg-dep'), 'deprecate.yaml': deprecate });
    await applyOk(dir, cloud);
    expect((await imageByName(cloud, 'rg-dep')).status).toBe('deprecated');
    expect((await runCli(['drift'], { cwd: dir, cloud })).code).toBe(0);

    await rm(join(dir, 'deprecate.yaml'));
    await applyOk(dir, cloud);
    expect((await imageByName(cloud, 'rg-dep')).status).toBe('available');
    const drift = await runCli(['drift'], { cwd: dir, cloud });
    expect(drift.stdout).toContain('No drift.');
    expect(drift.code).toBe(0);
    expect((await readState(dir)).resources['image.rg-dep'].attributes.status).toBe('available');
  });

  it('refuses a saved plan when the files changed after it, even only a secret', async () => {
    const encrypted = (key: string) =>
      imageDoc('rg-enc', { encrypted_data_key: key }) +
      '  encryption_key:\n    crn: crn:v1:bluemix:public:kms:us-south:a/acct:key:k1\n';
    const dir = await space({ 'image.yaml': encrypted('a2V5LW9uZQ==') });
    const planned = await runCli(['plan', '--out', 'reviewed.plan'], { cwd: dir, cloud });
    expect(planned.code).toBe(0);
    await writeFiles(dir, { 'image.yaml': encrypted('a2V5LXR3bw==') });
    const applied = await runCli(['apply', 'reviewed.plan'], { cwd: dir, cloud });
    expect(applied.code).toBe(1);
    expect(applied.stderr).toBe(
      'error: the files changed since the plan was saved: image.rg-enc (run "imageform plan --out FILE" again and review the new plan)\n',
    );
    expect(await imageByName(cloud, 'rg-enc')).toBeUndefined();
  });

  it('fails before refreshing when the plan file cannot be written', async () => {
    const dir = await space({ 'image.yaml': imageDoc('rg-out') });
    const result = await runCli(['plan', '--out', 'missing/dir/p.plan'], { cwd: dir, cloud });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('Refreshing');
    expect(result.stderr).toBe(
      'error: cannot write the plan to missing/dir/p.plan: the folder missing/dir does not exist (create it first, or choose another path)\n',
    );
  });

  it('destroy closes with Destroy complete!', async () => {
    const dir = await space({ 'image.yaml': imageDoc('rg-destroy') });
    await applyOk(dir, cloud);
    const destroyed = await runCli(['destroy', '--auto-approve'], { cwd: dir, cloud });
    expect(destroyed.code).toBe(0);
    expect(destroyed.stdout).toContain('Destroy complete! Resources: 1 destroyed.');
    expect(await imageByName(cloud, 'rg-destroy')).toBeUndefined();
  });

  it('never reads YAML below node_modules', async () => {
    const dir = await space({ 'image.yaml': imageDoc('rg-modules') });
    await mkdir(join(dir, 'node_modules', 'some-dependency'), { recursive: true });
    await writeFile(
      join(dir, 'node_modules', 'some-dependency', 'opslevel.yml'),
      'version: 1\nrepository:\n  owner: someone\n',
    );
    const result = await runCli(['validate'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('1 resources valid\n');
  });
});
