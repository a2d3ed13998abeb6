import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  collect,
  gatedCreates,
  imageCountsByName,
  imageDoc,
  imagesFile,
  LOCKED,
  lockHolder,
  readState,
  removeDir,
  runCli,
  spawnCli,
  startLossyProxy,
  until,
  useCloud,
  workspace,
} from '../helpers/e2e.js';

/** Only one apply at a time on a local state: the second is refused with the holder, the time and the lock ID. */
const { cloud } = useCloud();

describe('a second apply while one runs', () => {
  it('is refused naming the holder, changes nothing, and the first apply finishes', async () => {
    // The first apply talks through a proxy that keeps its first create unanswered until the test lets it go.
    const proxy = await startLossyProxy(cloud.url);
    const viaProxy = { ...cloud, url: proxy.url };
    const dir = await workspace(viaProxy, { 'images.yaml': imagesFile('lock', 4) });
    const { policy: holdCreates, release } = gatedCreates();
    try {
      proxy.policy = holdCreates;
      const first = spawnCli(['apply', '--auto-approve', '--parallelism', '1'], { cwd: dir, cloud: viaProxy });
      const firstDone = collect(first);
      const holder = await until(() => lockHolder(dir), 'the first apply to take the lock');
      expect(holder).toMatchObject({ pid: first.pid, operation: 'apply' });

      const writers = [
        ['apply', '--auto-approve'],
        ['destroy', '--auto-approve'],
        ['state', 'rm', 'image.lock-0'],
        ['import', 'image.lock-3', 'r006-00000000-0000-4000-8000-000000000000'],
      ];
      for (const command of writers) {
        const refused = await runCli(command, { cwd: dir, cloud });
        expect(refused.code, `${command.join(' ')}: ${refused.stderr}`).toBe(1);
        const match = LOCKED.exec(refused.stderr);
        expect(match, refused.stderr).not.toBeNull();
        const [, who, pid, since, operation, lockId] = match!;
        expect({ who, pid: Number(pid), since, operation, lockId }, command.join(' ')).toEqual({
          who: holder.who,
          pid: first.pid,
          since: holder.created,
          operation: 'apply',
          lockId: holder.id,
        });
        expect(refused.stderr).toContain(`imageform force-unlock ${holder.id}`);
        expect(refused.stderr.trim().split('\n')).toHaveLength(1);
        expect(refused.stderr).not.toMatch(/\n\s+at /);
        // Refused before it read anything: no plan was made or shown.
        expect(refused.stdout).not.toMatch(/Plan:|to add/);
      }

      expect(first.exitCode).toBeNull();
      release();
      const finished = await firstDone;
      expect(finished.code, finished.stderr).toBe(0);
      expect(finished.stdout).toContain('4 added');
      expect(await lockHolder(dir)).toBeUndefined();
      expect([...(await imageCountsByName(cloud, 'lock-')).values()]).toEqual([1, 1, 1, 1]);

      const after = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud: viaProxy });
      expect(after.code, after.stderr).toBe(0);
      expect(after.stdout).toContain('No changes.');
    } finally {
      release();
      await proxy.stop();
      await removeDir(dir);
    }
  });

  it('lets exactly one of two applies started together proceed', async () => {
    const proxy = await startLossyProxy(cloud.url);
    const viaProxy = { ...cloud, url: proxy.url };
    const dir = await workspace(viaProxy, { 'images.yaml': imagesFile('race', 3) });
    const { policy: holdCreates, release } = gatedCreates();
    try {
      // Whoever wins the lock is held at its first create until the other has been answered.
      proxy.policy = holdCreates;
      const runs = [0, 1].map(() =>
        collect(spawnCli(['apply', '--auto-approve', '--parallelism', '1'], { cwd: dir, cloud: viaProxy })),
      );
      await Promise.race(runs);
      release();
      const results = await Promise.all(runs);
      const codes = results.map((result) => result.code).sort();
      expect(codes, results.map((r) => r.stderr).join('\n')).toEqual([0, 1]);
      const refused = results.find((result) => result.code === 1)!;
      expect(refused.stderr).toMatch(LOCKED);
      expect([...(await imageCountsByName(cloud, 'race-')).values()]).toEqual([1, 1, 1]);
      expect(Object.keys((await readState(dir)).resources)).toHaveLength(3);
    } finally {
      release();
      await proxy.stop();
      await removeDir(dir);
    }
  });
});

describe('a lock held elsewhere', () => {
  it('is never taken over; force-unlock needs its exact ID', async () => {
    const dir = await workspace(cloud, { 'images.yaml': imageDoc('held-elsewhere') });
    try {
      const foreign = {
        id: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
        operation: 'apply',
        who: 'ci@build-7',
        host: 'build-7',
        pid: 4242,
        created: '2026-03-01T10:00:00Z',
        version: '0.1.0',
      };
      await mkdir(join(dir, '.imageform'), { recursive: true });
      await writeFile(join(dir, '.imageform', 'state.lock'), JSON.stringify(foreign));
      const refused = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        `state is locked by ci@build-7 (pid 4242) since 2026-03-01T10:00:00Z for "apply"; lock ID ${foreign.id}`,
      );
      expect(await imageCountsByName(cloud, 'held-elsewhere')).toEqual(new Map());

      const wrongId = await runCli(['force-unlock', '11111111-2222-4333-8444-555555555555', '--force'], {
        cwd: dir,
        cloud,
      });
      expect(wrongId.code).toBe(1);
      expect(wrongId.stderr).toContain(`its ID is ${foreign.id}`);
      expect(await lockHolder(dir)).toEqual(foreign);

      const withoutForce = await runCli(['force-unlock', foreign.id], { cwd: dir, cloud });
      expect(withoutForce.code).toBe(1);
      expect(await lockHolder(dir)).toEqual(foreign);

      const unlocked = await runCli(['force-unlock', foreign.id, '--force'], { cwd: dir, cloud });
      expect(unlocked.code, unlocked.stderr).toBe(0);
      expect(await lockHolder(dir)).toBeUndefined();

      const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
      expect(applied.code, applied.stderr).toBe(0);
      expect(await imageCountsByName(cloud, 'held-elsewhere')).toEqual(new Map([['held-elsewhere', 1]]));
    } finally {
      await removeDir(dir);
    }
  });
});
