import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  collect,
  expectCleanPlan,
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
import { spawnLockHolder } from '../state/helpers.js';

/**
 * Issue 9, defect 4: the local lock could be held twice. A process stalled while removing a stale lock later
 * removed the live lock of the process that had taken over meanwhile, and both applied. Each process here is
 * stopped at the exact step of the race by the IMAGEFORM_TEST_PAUSE hook (it waits on a file, not a clock).
 */
const { cloud } = useCloud();

/** A process paused by the hook at `point` (it created the marker file) and the function that lets it go on. */
async function pausedAt(pauseDir: string, point: string, pid: number): Promise<() => Promise<void>> {
  await until(
    async () => (await readdir(pauseDir)).includes(`paused-${point}-${pid}`),
    `pid ${pid} to pause at ${point}`,
  );
  return () => writeFile(join(pauseDir, `resume-${pid}`), '');
}

describe('the local lock under a stalled holder', () => {
  it('a process stalled while breaking a stale lock never removes the lock taken over meanwhile', async () => {
    const proxy = await startLossyProxy(cloud.url);
    const viaProxy = { ...cloud, url: proxy.url };
    const dir = await workspace(viaProxy, { 'images.yaml': imagesFile('stall', 3) });
    const pauseDir = await mkdtemp(join(tmpdir(), 'imageform-pause-'));
    const { policy: holdCreates, release } = gatedCreates();
    try {
      // A stale lock: its holder was killed (kill -9) without releasing it.
      const dead = await spawnLockHolder(dir, { backend: 'local' } as never);
      await dead.kill();

      // C finds the stale lock and stalls just before removing it.
      const stalled = spawnCli(['apply', '--auto-approve'], {
        cwd: dir,
        cloud,
        env: { IMAGEFORM_TEST_PAUSE: `lock-break:${pauseDir}` },
      });
      const stalledDone = collect(stalled);
      const resumeStalled = await pausedAt(pauseDir, 'lock-break', stalled.pid!);

      // D breaks the same stale lock, takes the lock, and is kept applying (its first create's answer held).
      proxy.policy = holdCreates;
      const taker = spawnCli(['apply', '--auto-approve', '--parallelism', '1'], { cwd: dir, cloud: viaProxy });
      const takerDone = collect(taker);
      await until(
        async () => proxy.seen.includes('POST /v1/images') && (await lockHolder(dir))?.pid === taker.pid,
        'D to hold the lock',
      );

      // C goes on: it must not remove D's lock, and must be refused naming D.
      await resumeStalled();
      const refused = await stalledDone;
      expect(refused.code, refused.stdout + refused.stderr).toBe(1);
      const match = LOCKED.exec(refused.stderr);
      expect(match, refused.stderr).not.toBeNull();
      expect(Number(match![2])).toBe(taker.pid);
      expect((await lockHolder(dir))?.pid).toBe(taker.pid);
      expect(taker.exitCode).toBeNull();

      release();
      const finished = await takerDone;
      expect(finished.code, finished.stderr).toBe(0);
      expect(finished.stdout).toContain('3 added');
      expect(await lockHolder(dir)).toBeUndefined();
      expect([...(await imageCountsByName(cloud, 'stall-')).values()]).toEqual([1, 1, 1]);
      expect(Object.keys((await readState(dir)).resources)).toHaveLength(3);
      await expectCleanPlan(dir, cloud);
    } finally {
      release();
      await proxy.stop();
      await removeDir(dir);
      await removeDir(pauseDir);
    }
  }, 90_000);

  it('a holder stalled in the middle of its release never removes the lock taken meanwhile', async () => {
    const proxy = await startLossyProxy(cloud.url);
    const viaProxy = { ...cloud, url: proxy.url };
    const dir = await workspace(viaProxy, { 'images.yaml': imagesFile('release', 2) });
    const pauseDir = await mkdtemp(join(tmpdir(), 'imageform-pause-'));
    const { policy: holdCreates, release } = gatedCreates();
    try {
      // X applies and stalls between removing its own holder file and removing the lock directory.
      const releasing = spawnCli(['apply', '--auto-approve'], {
        cwd: dir,
        cloud,
        env: { IMAGEFORM_TEST_PAUSE: `lock-rmdir:${pauseDir}` },
      });
      const releasingDone = collect(releasing);
      const resumeReleasing = await pausedAt(pauseDir, 'lock-rmdir', releasing.pid!);

      // Y takes the lock that X has just given up, and keeps it (its first create's answer held).
      await writeFile(join(dir, 'more.yaml'), imageDoc('release-extra'));
      proxy.policy = holdCreates;
      const next = spawnCli(['apply', '--auto-approve', '--parallelism', '1'], { cwd: dir, cloud: viaProxy });
      const nextDone = collect(next);
      await until(
        async () => proxy.seen.includes('POST /v1/images') && (await lockHolder(dir))?.pid === next.pid,
        'Y to hold the lock',
      );

      await resumeReleasing();
      const first = await releasingDone;
      expect(first.code, first.stderr).toBe(0);
      expect((await lockHolder(dir))?.pid).toBe(next.pid);
      const refused = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
      expect(refused.code).toBe(1);
      expect(Number(LOCKED.exec(refused.stderr)?.[2])).toBe(next.pid);

      release();
      const second = await nextDone;
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain('1 added');
      expect(await lockHolder(dir)).toBeUndefined();
      expect(await imageCountsByName(cloud, 'release-')).toEqual(
        new Map([
          ['release-0', 1],
          ['release-1', 1],
          ['release-extra', 1],
        ]),
      );
    } finally {
      release();
      await proxy.stop();
      await removeDir(dir);
      await removeDir(pauseDir);
    }
  }, 90_000);

  it('an apply whose lock is taken away (force-unlock) stops starting operations and says so', async () => {
    const proxy = await startLossyProxy(cloud.url);
    const viaProxy = { ...cloud, url: proxy.url };
    const dir = await workspace(viaProxy, { 'images.yaml': imagesFile('takenaway', 5) });
    const { policy: holdCreates, release } = gatedCreates();
    try {
      proxy.policy = holdCreates;
      const apply = spawnCli(['apply', '--auto-approve', '--parallelism', '1'], { cwd: dir, cloud: viaProxy });
      const applyDone = collect(apply);
      await until(async () => proxy.seen.includes('POST /v1/images'), 'the first create');
      const holder = await lockHolder(dir);
      expect(holder?.pid).toBe(apply.pid);

      const unlocked = await runCli(['force-unlock', holder.id, '--force'], { cwd: dir, cloud });
      expect(unlocked.code, unlocked.stderr).toBe(0);
      release();
      const stopped = await applyDone;
      expect(stopped.code, stopped.stdout).toBe(1);
      expect(stopped.stderr).toContain(
        `apply stopped: lost the state lock: .imageform/state.lock no longer holds this run's lock ID ${holder.id}`,
      );
      // The create in flight finished and is recorded; no other was started.
      expect((await imageCountsByName(cloud, 'takenaway-')).size).toBe(1);
      const recorded = Object.values<any>((await readState(dir)).resources).filter((entry) => entry.id);
      expect(recorded).toHaveLength(1);
      expect(proxy.seen.filter((request) => request === 'POST /v1/images')).toHaveLength(1);

      const again = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
      expect(again.code, again.stderr).toBe(0);
      expect([...(await imageCountsByName(cloud, 'takenaway-')).values()]).toEqual([1, 1, 1, 1, 1]);
      await expectCleanPlan(dir, cloud);
    } finally {
      release();
      await proxy.stop();
      await removeDir(dir);
    }
  }, 90_000);
});
