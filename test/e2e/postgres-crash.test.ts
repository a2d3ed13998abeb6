import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type CliResult,
  collect,
  gatedCreates,
  imageCountsByName,
  imageDoc,
  LOCKED,
  removeDir,
  runCli,
  setFaults,
  spawnCli,
  startLossyProxy,
  until,
  useCloud,
  workspace,
  killedRequestsFinished,
} from '../helpers/e2e.js';
import { PG_URL_ENV, usePostgres } from '../helpers/postgres.js';

/**
 * The engine's crash and locking guarantees on the PostgreSQL state backend (issue 6): kill -9 mid-apply, apply
 * again, no twins; two applies on one workspace exclude each other, on two workspaces they both run.
 */
const { cloud } = useCloud();
const postgres = usePostgres();

function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
}

function postgresWorkspace(files: Record<string, string>, name: string, endpoint = cloud.url): Promise<string> {
  return workspace(
    { ...cloud, url: endpoint },
    files,
    `state:\n  backend: postgres\n  url_env: ${PG_URL_ENV}\n  workspace: ${name}\n`,
  );
}

const cli = (dir: string, args: string[]): Promise<CliResult> => runCli(args, { cwd: dir, cloud, env: postgres.env });

async function pulledState(dir: string): Promise<any> {
  const pulled = await cli(dir, ['state', 'pull']);
  expect(pulled.code, pulled.stderr).toBe(0);
  return JSON.parse(pulled.stdout);
}

async function postsOfImages(): Promise<number> {
  return (await cloud.hook('GET', '/stats')).body.requests['POST /v1/images'] ?? 0;
}

function expectExit(result: CliResult, code: number): void {
  expect({ code: result.code, stderr: result.stderr, tail: result.stdout.slice(-2000) }).toMatchObject({ code });
}

describe('PostgreSQL backend: kill -9 mid-apply', () => {
  it('leaves exactly 20 images, 20 settled state entries and a clean plan after a second apply', async () => {
    const imageNames = names('pgkill', 20);
    const dir = await postgresWorkspace(
      { 'images.yaml': imageNames.map((name) => imageDoc(name)).join('---\n') },
      'crash',
    );
    try {
      await setFaults(cloud, { latency_ms: 40 });
      const postsBefore = await postsOfImages();
      const child = spawnCli(['apply', '--auto-approve', '--parallelism', '3'], { cwd: dir, cloud, env: postgres.env });
      const done = collect(child);
      await until(
        async () => (await postsOfImages()) - postsBefore >= 6,
        'six creates to reach the cloud',
        undefined,
        5,
      );
      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
      await setFaults(cloud, {});
      // Requests already inside the cloud finish on their own: count the images once they have.
      await killedRequestsFinished(cloud);
      const partial = await imageCountsByName(cloud, 'pgkill-');
      expect(partial.size).toBeGreaterThan(0);
      expect(partial.size).toBeLessThan(20);
      // Nothing was lost: every image the cloud made is in state, by id or as the intent written before its create.
      const crashed = await pulledState(dir);
      const recorded = Object.values<any>(crashed.resources).map(
        (entry) => entry.intent?.name ?? entry.attributes?.name,
      );
      expect(recorded).toEqual(expect.arrayContaining([...partial.keys()]));

      // The dead session's advisory lock went with its connection: the next apply is not refused.
      const again = await cli(dir, ['apply', '--auto-approve']);
      expectExit(again, 0);

      expect(await imageCountsByName(cloud, 'pgkill-')).toEqual(new Map(imageNames.map((name) => [name, 1])));
      const state = await pulledState(dir);
      expect(Object.keys(state.resources)).toEqual(imageNames.map((name) => `image.${name}`));
      for (const [address, entry] of Object.entries<any>(state.resources)) {
        expect(entry.id, address).toMatch(/^r\d{3}-/);
        expect(entry.intent, address).toBeUndefined();
      }
      const plan = await cli(dir, ['plan', '--detailed-exitcode']);
      expectExit(plan, 0);
      // State lives in PostgreSQL only.
      expect(existsSync(join(dir, '.imageform', 'state.json'))).toBe(false);
    } finally {
      await setFaults(cloud, {});
      await removeDir(dir);
    }
  });
});

describe('PostgreSQL backend: concurrent applies', () => {
  it('refuses a second apply on the same workspace naming the holder, and lets another workspace proceed', async () => {
    const teamA = names('pga', 6);
    const files = { 'images.yaml': teamA.map((name) => imageDoc(name)).join('---\n') };
    // Two checkouts of the same configuration, as two CI runners would have; the first talks through a proxy that
    // keeps its first create unanswered until the test has seen the others run.
    const proxy = await startLossyProxy(cloud.url);
    const first = await postgresWorkspace(files, 'team-a', proxy.url);
    const second = await postgresWorkspace(files, 'team-a');
    const other = await postgresWorkspace({ 'images.yaml': imageDoc('pgb-00') }, 'team-b');
    const { policy: holdCreates, release } = gatedCreates();
    try {
      proxy.policy = holdCreates;
      const holder = spawnCli(['apply', '--auto-approve', '--parallelism', '1'], {
        cwd: first,
        cloud,
        env: postgres.env,
      });
      const holderDone = collect(holder);
      // Creating means it holds the lock.
      await until(async () => proxy.seen.includes('POST /v1/images'), 'the first apply to start creating');

      const [refused, elsewhere] = await Promise.all([
        cli(second, ['apply', '--auto-approve']),
        cli(other, ['apply', '--auto-approve']),
      ]);
      expect(refused.code, refused.stdout + refused.stderr).toBe(1);
      const match = LOCKED.exec(refused.stderr);
      expect(match, refused.stderr).not.toBeNull();
      expect(Number(match![2])).toBe(holder.pid);
      expect(match![4]).toBe('apply');
      expect(refused.stderr).toContain(`imageform force-unlock ${match![5]}`);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);

      expectExit(elsewhere, 0);
      expect(elsewhere.stdout).toContain('1 added');
      // The other workspace finished while the first still held its lock: they really ran side by side.
      expect(holder.exitCode).toBeNull();

      release();
      const finished = await holderDone;
      expectExit(finished, 0);
      expect(finished.stdout).toContain('6 added');

      expect(await imageCountsByName(cloud, 'pga-')).toEqual(new Map(teamA.map((name) => [name, 1])));
      expect(await imageCountsByName(cloud, 'pgb-')).toEqual(new Map([['pgb-00', 1]]));
      // The second checkout sees the first's work through the shared workspace: nothing left to do.
      const plan = await cli(second, ['plan', '--detailed-exitcode']);
      expectExit(plan, 0);
      expect(Object.keys((await pulledState(other)).resources)).toEqual(['image.pgb-00']);
    } finally {
      release();
      await proxy.stop();
      await Promise.all([first, second, other].map(removeDir));
    }
  });
});
