import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  collect,
  imageCountsByName,
  imageDoc,
  removeDir,
  runCli,
  setFaults,
  spawnCli,
  until,
  useCloud,
  workspace,
  type CliResult,
} from '../helpers/e2e.js';
import { PG_URL_ENV, usePostgres } from '../helpers/postgres.js';

/**
 * Issue 9, defect 3: a destroy whose PostgreSQL session is terminated mid-way (as force-unlock or a DBA does) has
 * lost its advisory lock. It must start no new operation, say it lost the lock, exit 1, and leave nothing done
 * unrecorded: every image it deleted is either gone from state or recorded as a delete in flight.
 */
const { cloud } = useCloud();
const postgres = usePostgres();

const cli = (dir: string, args: string[]): Promise<CliResult> => runCli(args, { cwd: dir, cloud, env: postgres.env });

function expectExit(result: CliResult, code: number): void {
  expect({ code: result.code, stderr: result.stderr, tail: result.stdout.slice(-2000) }).toMatchObject({ code });
}

async function pulledState(dir: string): Promise<any> {
  const pulled = await cli(dir, ['state', 'pull']);
  expect(pulled.code, pulled.stderr).toBe(0);
  return JSON.parse(pulled.stdout);
}

/** End every imageform session, as `SELECT pg_terminate_backend(pid)` from another connection does. */
async function terminateImageformSessions(): Promise<number> {
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  try {
    const result = await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'imageform' AND pid <> pg_backend_pid()",
    );
    return result.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

describe('PostgreSQL backend: the session holding the lock is terminated mid-destroy', () => {
  it('starts nothing more, says it lost the lock, records every delete it made, and the next run settles', async () => {
    const count = 40;
    const names = Array.from({ length: count }, (_, i) => `pglost-${String(i).padStart(2, '0')}`);
    const settings = `state:\n  backend: postgres\n  url_env: ${PG_URL_ENV}\n  workspace: lock-loss\n`;
    const dir = await workspace(cloud, { 'images.yaml': names.map((name) => imageDoc(name)).join('---\n') }, settings);
    try {
      expectExit(await cli(dir, ['apply', '--auto-approve', '--parallelism', '10']), 0);
      expect((await imageCountsByName(cloud, 'pglost-')).size).toBe(count);

      await setFaults(cloud, { latency_ms: 40 });
      const child = spawnCli(['destroy', '--auto-approve', '--parallelism', '3'], {
        cwd: dir,
        cloud,
        env: postgres.env,
      });
      const done = collect(child);
      await until(
        async () => count - (await imageCountsByName(cloud, 'pglost-')).size >= 6,
        'six images to be deleted',
        60_000,
      );
      expect(await terminateImageformSessions()).toBe(1);
      const stopped = await done;
      await setFaults(cloud, {});

      expectExit(stopped, 1);
      expect(stopped.stderr).toMatch(
        /destroy stopped: lost the state lock: the PostgreSQL session holding it at \S+ ended/,
      );
      expect(stopped.stderr).not.toMatch(/\n\s+at /);
      expect(stopped.stdout).not.toContain('Destroy complete');
      // It stopped: most images are still there (today's code went on deleting all 40, unrecorded).
      const remaining = await imageCountsByName(cloud, 'pglost-');
      expect(remaining.size).toBeGreaterThan(0);

      // Nothing done is unrecorded: an image gone from the cloud is gone from state, or its delete is recorded.
      const state = await pulledState(dir);
      for (const name of names.filter((candidate) => !remaining.has(candidate))) {
        const entry = state.resources[`image.${name}`];
        if (entry) expect(entry.operation, name).toMatchObject({ action: 'delete' });
      }

      // The next run is not refused (the lock went with the session) and settles everything.
      const again = await cli(dir, ['apply', '--auto-approve']);
      expectExit(again, 0);
      expect(await imageCountsByName(cloud, 'pglost-')).toEqual(new Map(names.map((name) => [name, 1])));
      const settled = await pulledState(dir);
      for (const [address, entry] of Object.entries<any>(settled.resources))
        expect(entry.operation, address).toBeUndefined();
      expectExit(await cli(dir, ['plan', '--detailed-exitcode']), 0);
      expectExit(await cli(dir, ['destroy', '--auto-approve']), 0);
      expect(await imageCountsByName(cloud, 'pglost-')).toEqual(new Map());
    } finally {
      await setFaults(cloud, {});
      await removeDir(dir);
    }
  }, 240_000);
});
