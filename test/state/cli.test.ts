import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalStateBackend } from '../../src/state/local.js';
import { serializeState } from '../../src/state/serialize.js';
import type { StateDocument } from '../../src/state/state.js';
import { runCli, sampleState, useLocalBackends } from './helpers.js';

const backends = useLocalBackends();
const local = (): LocalStateBackend => backends.backend();

function twoResources(lineage: string, serial: number): StateDocument {
  const document = sampleState(lineage, serial);
  document.resources['image_export_job.web-backup'] = {
    kind: 'image_export_job',
    id: 'r006-0001/job-7',
    attributes: { format: 'qcow2', status: 'succeeded', storage_bucket: { name: 'backups' } },
    dependencies: ['image.web'],
    lifecycle: { prevent_destroy: true, deletion_policy: 'delete' },
  };
  return document;
}

async function seed(serial = 1): Promise<StateDocument> {
  const backend = local();
  const { lineage } = await backend.read();
  let document = twoResources(lineage, 1);
  await backend.write(document);
  for (let next = 2; next <= serial; next++) {
    document = { ...document, serial: next };
    await backend.write(document);
  }
  return document;
}

const cli = (argv: string[], extra: { stdin?: string; stdinIsTTY?: boolean } = {}) =>
  runCli(argv, { cwd: backends.dir(), ...extra });

describe('imageform state', () => {
  it('lists addresses sorted, one per line, for . or a given DIR', async () => {
    await seed();
    expect(await cli(['state', 'list'])).toEqual({
      code: 0,
      stdout: 'image.web\nimage_export_job.web-backup\n',
      stderr: '',
    });
    const elsewhere = await runCli(['state', 'list', backends.dir()], { cwd: '/' });
    expect(elsewhere.stdout).toBe('image.web\nimage_export_job.web-backup\n');
  });

  it('shows one resource as readable text', async () => {
    await seed();
    const shown = await cli(['state', 'show', 'image_export_job.web-backup']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(
      [
        '# image_export_job.web-backup',
        'kind: image_export_job',
        'id: r006-0001/job-7',
        'lifecycle: prevent_destroy true, deletion_policy delete',
        'dependencies: image.web',
        'attributes:',
        '  format: qcow2',
        '  status: succeeded',
        '  storage_bucket:',
        '    name: backups',
        '',
      ].join('\n'),
    );
  });

  it('suggests the nearest address for a typo', async () => {
    await seed();
    const typo = await cli(['state', 'show', 'image.wbe']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe('error: no resource "image.wbe" in .imageform/state.json (did you mean "image.web"?)\n');
    const unknownSubcommand = await cli(['state', 'lsit']);
    expect(unknownSubcommand.stderr).toBe('error: state: unknown subcommand "lsit"; did you mean "list"?\n');
  });

  it('rm forgets resources under the lock, writes serial + 1 and leaves the cloud alone', async () => {
    const before = await seed();
    const removed = await cli(['state', 'rm', 'image.web', backends.dir()]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe(
      'Removed image.web from state: the cloud object r006-0001 is untouched and no longer managed by imageform.\n',
    );
    const after = await local().read();
    expect(after.serial).toBe(before.serial + 1);
    expect(Object.keys(after.resources)).toEqual(['image_export_job.web-backup']);
    expect(await local().readLockInfo()).toBeUndefined();

    const missing = await cli(['state', 'rm', 'image_export_job.web-backup', 'image.web']);
    expect(missing.code).toBe(1);
    expect((await local().read()).serial).toBe(after.serial);
  });

  it('rm is refused while another run holds the lock', async () => {
    await seed();
    const held = await local().lock('apply');
    const refused = await cli(['state', 'rm', 'image.web']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`lock ID ${held.info.id}`);
    expect(Object.keys((await local().read()).resources)).toHaveLength(2);
  });

  it('pull prints the stored document; the local backend keeps no history', async () => {
    const stored = await seed(3);
    const pulled = await cli(['state', 'pull']);
    expect(pulled.stdout).toBe(await readFile(join(backends.dir(), '.imageform', 'state.json'), 'utf8'));
    expect(pulled.stdout).toBe(serializeState(stored));
    expect((await cli(['state', 'pull', '--serial', '3'])).stdout).toBe(pulled.stdout);
    const history = await cli(['state', 'pull', '--serial', '2']);
    expect(history.code).toBe(1);
    expect(history.stderr).toContain('keeps no earlier serials');
    expect((await cli(['state', 'pull', '--serial', 'two'])).stderr).toContain('--serial must be a whole number');
  });

  it('push needs a newer serial of the same lineage, and keeps the pushed serial', async () => {
    const stored = await seed(3);
    const file = join(backends.dir(), 'pushed.json');
    await writeFile(file, serializeState({ ...stored, serial: 2 }));
    const older = await cli(['state', 'push', 'pushed.json']);
    expect(older.code).toBe(1);
    expect(older.stderr).toContain('pushed.json has serial 2 but .imageform/state.json is already at serial 3');

    await writeFile(file, serializeState({ ...stored, serial: 9, resources: {} }));
    expect((await cli(['state', 'push', 'pushed.json'])).code).toBe(0);
    const after = await local().read();
    expect(after.serial).toBe(9);
    expect(after.resources).toEqual({});
  });

  it('push refuses another lineage over a non-empty state unless --force', async () => {
    const stored = await seed();
    const foreign = twoResources('another-lineage', 1);
    await writeFile(join(backends.dir(), 'foreign.json'), serializeState(foreign));
    const refused = await cli(['state', 'push', 'foreign.json']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `foreign.json is lineage another-lineage but .imageform/state.json holds lineage ${stored.lineage} with 2 resources`,
    );
    expect((await local().read()).lineage).toBe(stored.lineage);

    expect((await cli(['state', 'push', 'foreign.json', '--force'])).code).toBe(0);
    expect(await local().read()).toEqual(foreign);
  });

  it('push into an empty target takes the document as it is, also from stdin', async () => {
    const foreign = twoResources('another-lineage', 7);
    const pushed = await cli(['state', 'push', '-'], { stdin: serializeState(foreign) });
    expect(pushed).toMatchObject({
      code: 0,
      stdout: 'Pushed stdin to .imageform/state.json (lineage another-lineage, serial 7).\n',
    });
    expect(await readFile(join(backends.dir(), '.imageform', 'state.json'), 'utf8')).toBe(serializeState(foreign));
  });

  it('push rejects a file that is not a state document, naming it', async () => {
    await writeFile(
      join(backends.dir(), 'broken.json'),
      '{"version": 1, "lineage": "x", "serial": 1, "resources": {"image.a": {"kind": "vm"}}}',
    );
    const broken = await cli(['state', 'push', 'broken.json']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(
      'broken.json: resources["image.a"]: not a valid imageform state document: "kind" must be one of',
    );
    expect((await cli(['state', 'push', 'absent.json'])).stderr).toContain('cannot read absent.json (ENOENT)');
  });
});

describe('imageform force-unlock', () => {
  it('refuses without --force when stdin is not a terminal, and changes nothing', async () => {
    const held = await local().lock('apply');
    const refused = await cli(['force-unlock', held.info.id]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('stdin is not a terminal; nothing was changed (pass --force');
    expect((await local().readLockInfo())?.id).toBe(held.info.id);

    const forced = await cli(['force-unlock', held.info.id, backends.dir(), '--force']);
    expect(forced).toMatchObject({
      code: 0,
      stdout: `Lock ${held.info.id} released: .imageform/state.json is unlocked.\n`,
    });
    expect(await local().readLockInfo()).toBeUndefined();
  });

  it('asks on a terminal and only "yes" releases', async () => {
    const held = await local().lock('apply');
    const declined = await cli(['force-unlock', held.info.id], { stdin: 'no\n', stdinIsTTY: true });
    expect(declined.code).toBe(1);
    expect(declined.stdout).toContain(`locked by ${held.info.who} (pid ${process.pid})`);
    expect(declined.stdout).toContain('the lock is kept');
    expect((await local().readLockInfo())?.id).toBe(held.info.id);

    const accepted = await cli(['force-unlock', held.info.id], { stdin: 'yes\n', stdinIsTTY: true });
    expect(accepted.code).toBe(0);
    expect(await local().readLockInfo()).toBeUndefined();
  });

  it('names the real holder when the ID is wrong, and says when nothing is locked', async () => {
    const held = await local().lock('apply');
    const wrong = await cli(['force-unlock', 'not-it', '--force']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`its ID is ${held.info.id}`);
    await held.release();
    expect((await cli(['force-unlock', held.info.id, '--force'])).stderr).toContain('is not locked');
    expect((await cli(['force-unlock'])).stderr).toContain('needs the lock ID');
  });
});
