import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalStateBackend } from '../../src/state/local.js';
import { openPostgresBackend } from '../../src/state/postgres.js';
import { serializeState } from '../../src/state/serialize.js';
import { startPostgres, type StartedPostgres } from '../helpers/postgres.js';
import { makeTempDir, runCli, sampleState, spawnLockHolder } from './helpers.js';

let server: StartedPostgres;
let env: NodeJS.ProcessEnv;
let temp: Awaited<ReturnType<typeof makeTempDir>>;

/** A configuration directory whose imageform.yaml points at PostgreSQL. */
async function postgresDir(name: string, workspace: string): Promise<string> {
  const dir = join(temp.dir, name);
  await mkdir(dir);
  await writeFile(
    join(dir, 'imageform.yaml'),
    `state:\n  backend: postgres\n  url_env: TEAM_PG_URL\n  workspace: ${workspace}\n`,
  );
  return dir;
}

const cli = (argv: string[], extra: { stdin?: string } = {}) => runCli(argv, { cwd: temp.dir, env, ...extra });

beforeAll(async () => {
  server = await startPostgres();
  env = { TEAM_PG_URL: server.url };
});

afterAll(async () => {
  await server?.stop();
});

beforeEach(async () => {
  temp = await makeTempDir();
});

afterEach(async () => {
  await temp.remove();
});

describe('moving state between backends', () => {
  it('round-trips local -> postgres -> local byte for byte', async () => {
    const source = join(temp.dir, 'source');
    const original = new LocalStateBackend(source);
    const { lineage } = await original.read();
    const document = sampleState(lineage, 1, { labels: { team: 'images', env: 'prod' }, size: 10 });
    document.resources['image_deprecate.old'] = {
      kind: 'image_deprecate',
      id: 'r006-0002',
      attributes: { image: 'r006-0002' },
      dependencies: [],
      lifecycle: { prevent_destroy: false, deletion_policy: 'orphan' },
    };
    await original.write(document);
    await original.write({ ...document, serial: 2 });
    const sourceBytes = await readFile(join(source, '.imageform', 'state.json'), 'utf8');

    const pulledLocal = await cli(['state', 'pull', 'source']);
    expect(pulledLocal.code).toBe(0);
    await writeFile(join(temp.dir, 'exported.json'), pulledLocal.stdout);

    await postgresDir('shared', 'migrated');
    const pushed = await cli(['state', 'push', 'exported.json', 'shared']);
    expect(pushed.stderr).toBe('');
    expect(pushed.stdout).toMatch(
      /^Pushed exported\.json to postgres workspace "migrated" at 127\.0\.0\.1:\d+\/postgres \(lineage [0-9a-f-]+, serial 2\)\.\n$/,
    );
    expect(pushed.stdout).not.toContain(new URL(server.url).password);

    const pulledBack = await cli(['state', 'pull', 'shared']);
    expect(pulledBack.stdout).toBe(sourceBytes);
    await writeFile(join(temp.dir, 'back.json'), pulledBack.stdout);

    await mkdir(join(temp.dir, 'restored'));
    expect((await cli(['state', 'push', 'back.json', 'restored'])).code).toBe(0);
    expect(await readFile(join(temp.dir, 'restored', '.imageform', 'state.json'), 'utf8')).toBe(sourceBytes);
    expect((await cli(['state', 'list', 'restored'])).stdout).toBe('image.web\nimage_deprecate.old\n');
  });

  it('pulls earlier serials from the postgres history', async () => {
    const dir = await postgresDir('history', 'with-history');
    const backend = await openPostgresBackend(
      { backend: 'postgres', url_env: 'TEAM_PG_URL', workspace: 'with-history' },
      env,
    );
    try {
      const { lineage } = await backend.read();
      for (let serial = 1; serial <= 3; serial++) await backend.write(sampleState(lineage, serial, { step: serial }));
      const second = await cli(['state', 'pull', dir, '--serial', '2']);
      expect(second.stdout).toBe(serializeState(sampleState(lineage, 2, { step: 2 })));
      const missing = await cli(['state', 'pull', dir, '--serial', '9']);
      expect(missing.stderr).toContain('serial 9 is not in the history of postgres workspace "with-history"');
      expect(missing.stderr).toContain('the current serial is 3');
    } finally {
      await backend.close();
    }
  });

  it('force-unlocks a PostgreSQL lock held by a process that hangs', async () => {
    const dir = await postgresDir('locked', 'hung');
    const holder = await spawnLockHolder(
      dir,
      { backend: 'postgres', url_env: 'TEAM_PG_URL', workspace: 'hung' },
      { ...process.env, ...env },
    );
    try {
      const refused = await cli(['state', 'rm', 'image.web', dir]);
      expect(refused.stderr).toContain(`lock ID ${holder.info.id}`);
      const released = await cli(['force-unlock', holder.info.id, dir, '--force']);
      expect(released.stderr).toBe('');
      expect(released.stdout).toContain(`Lock ${holder.info.id} released`);
      expect((await cli(['state', 'rm', 'image.web', dir])).stderr).toContain('no resource "image.web"');
    } finally {
      await holder.kill();
    }
  });

  it('says which variable is missing instead of connecting anywhere', async () => {
    const dir = await postgresDir('unset', 'x');
    const failed = await runCli(['state', 'list', dir], { cwd: temp.dir, env: {} });
    expect(failed).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: state.backend is postgres but the variable TEAM_PG_URL is not set (export TEAM_PG_URL=postgres://USER:PASSWORD@HOST:5432/DATABASE; state.url_env in imageform.yaml names the variable)\n',
    });
  });
});
