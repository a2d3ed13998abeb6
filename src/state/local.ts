import { randomBytes } from 'node:crypto';
import { rmdirSync, unlinkSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { displayFilePath } from '../config/display-path.js';
import { UserError } from '../core/errors.js';
import { removeLeftoverTemps, syncDirectory, writeFileAtomic } from './atomic-file.js';
import { pauseForTest } from './test-pause.js';
import { freshState } from './fresh.js';
import {
  describeHolder,
  lockedError,
  lockIdMismatchError,
  newLockInfo,
  notLockedError,
  parseLockInfo,
} from './lock-info.js';
import { parseStateDocument } from './parse.js';
import { serializeState } from './serialize.js';
import { SerialQueue } from './serial-queue.js';
import { checkExpectedState, type ExpectedState } from './serial-check.js';
import type { HeldLock, LockInfo, StateBackend, StateDocument } from './state.js';

export interface LocalBackendOptions {
  /** Told when a stale lock left by a dead process is taken over. */
  onNotice?: (message: string) => void;
  /** Paths in messages are shown relative to this directory (default: the process's). */
  cwd?: string;
}

/** How often a held lock looks whether it is still there, between the looks every state write makes. */
const LOCK_CHECK_INTERVAL_MS = 1_000;

/**
 * State in `DIR/.imageform/state.json`, locked by the directory `DIR/.imageform/state.lock/`.
 *
 * The lock is held by whoever's file `state.lock/LOCK_ID.json` (its LockInfo) is in that directory; an empty
 * directory holds no lock. Every step is one atomic call that cannot remove another holder's lock:
 * - take: write `state.lock.tmp-PID-HEX/LOCK_ID.json`, then rename that directory to `state.lock`. rename(2)
 *   replaces a missing or empty directory and fails on a non-empty one, so it succeeds for exactly one taker.
 * - release: unlink our own `LOCK_ID.json` (a name only we ever create), then rmdir `state.lock`, which only
 *   removes an empty directory: a lock another process has taken meanwhile is a non-empty directory and stays.
 * - break a stale lock (its pid is dead, on this host): unlink the dead holder's `LOCK_ID.json` by that name, then
 *   rmdir and take as usual. A breaker that stalls at any point (the defect this replaced: it removed the live
 *   lock of whoever broke the same stale lock meanwhile) later unlinks a name that no longer exists or rmdirs a
 *   non-empty directory: both fail harmlessly, and its take then sees the live holder and is refused.
 * - force-unlock: unlink the named holder's file, only after checking that ID is the holder's.
 * A crash mid-take leaves a temp directory (removed by the next run once its pid is dead); a crash mid-release
 * leaves an empty `state.lock`, which is free. A legacy lock *file* `state.lock` (older imageform) is honoured as
 * a lock held by what it names and is removed only by force-unlock.
 */
export class LocalStateBackend implements StateBackend {
  readonly description: string;
  readonly stateDir: string;
  readonly statePath: string;
  readonly lockPath: string;
  private readonly onNotice: (message: string) => void;
  private readonly displayCwd: string;
  /** Held locks by ID, with what tells the holder it lost one. */
  private readonly heldLocks = new Map<string, { lost: AbortController; timer: NodeJS.Timeout }>();
  private prepared: Promise<void> | undefined;
  private readonly writes = new SerialQueue();
  private lastWritten: (ExpectedState & { identity: string }) | undefined;
  private readonly releaseOnExit = (): void => this.releaseHeldLocksSync();

  constructor(dir: string, options: LocalBackendOptions = {}) {
    this.stateDir = join(dir, '.imageform');
    this.statePath = join(this.stateDir, 'state.json');
    this.lockPath = join(this.stateDir, 'state.lock');
    this.displayCwd = options.cwd ?? process.cwd();
    this.description = displayFilePath(this.statePath, this.displayCwd);
    this.onNotice = options.onNotice ?? (() => undefined);
  }

  async read(): Promise<StateDocument> {
    return (await this.readStored()) ?? freshState();
  }

  async write(next: StateDocument): Promise<void> {
    await this.replace(next, { lineage: next.lineage, serial: next.serial - 1 });
  }

  /**
   * Check-then-rename. The serial check catches a writer working from an old read (the usual lost update); the
   * lock keeps two processes from racing inside the moment between check and rename, and the queue does the same
   * for concurrent calls within this process.
   */
  replace(next: StateDocument, expected: ExpectedState): Promise<void> {
    return this.writes.run(async () => {
      await this.prepareDirectory();
      // A lock taken away is reported at once; the write still goes ahead (the serial check guards it), so what
      // the running operations did is recorded rather than lost.
      await this.checkHeldLocks();
      checkExpectedState(await this.storedVersion(), expected, this.description);
      await writeFileAtomic(this.statePath, serializeState(next));
      // Every write is a new file (rename), so its identity tells whether anyone wrote after us.
      const written = await stat(this.statePath);
      this.lastWritten = { lineage: next.lineage, serial: next.serial, identity: fileIdentity(written) };
    });
  }

  /**
   * Lineage and serial of the stored file. An apply writes once per resource operation, so when the file is still
   * the one this backend wrote last, the stat is enough and the document is not parsed again.
   */
  private async storedVersion(): Promise<ExpectedState | undefined> {
    const current = await stat(this.statePath).catch((err: unknown) => {
      if (isCode(err, 'ENOENT')) return undefined;
      throw err;
    });
    if (current === undefined) return undefined;
    if (this.lastWritten && this.lastWritten.identity === fileIdentity(current)) return this.lastWritten;
    return this.readStored();
  }

  async lock(operation: string): Promise<HeldLock> {
    await this.prepareDirectory();
    const info = newLockInfo(operation);
    // A few rounds: the lock may vanish or be taken over between our attempt and our look at it.
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await this.tryTakeLock(info)) {
        const held = this.holdLock(info);
        await this.removeLeftovers();
        return held;
      }
      const holder = await this.readLockHolder();
      if (holder === undefined) continue;
      if (holder.legacy || !isLeftByDeadProcess(holder.info)) throw lockedError(holder.info);
      await this.breakStaleLock(holder.info);
    }
    const holder = await this.readLockInfo();
    if (holder) throw lockedError(holder);
    throw UserError.of(
      'state.lock-contended',
      `could not take the lock ${displayFilePath(this.lockPath, this.displayCwd)}`,
      'try again',
    );
  }

  async readLockInfo(): Promise<LockInfo | undefined> {
    return (await this.readLockHolder())?.info;
  }

  /** The holder's file, or a legacy lock file; undefined when free (missing or empty, or released meanwhile). */
  private async readLockHolder(): Promise<{ info: LockInfo; legacy: boolean } | undefined> {
    let names: string[];
    try {
      names = await readdir(this.lockPath);
    } catch (err) {
      if (isCode(err, 'ENOENT')) return undefined;
      if (!isCode(err, 'ENOTDIR')) throw err;
      const info = await this.readLockFile(this.lockPath);
      return info && { info, legacy: true };
    }
    const holderFile = names.find((name) => name.endsWith('.json'));
    if (holderFile === undefined) return undefined;
    const info = await this.readLockFile(join(this.lockPath, holderFile));
    return info && { info, legacy: false };
  }

  private async readLockFile(path: string): Promise<LockInfo | undefined> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if (isCode(err, 'ENOENT')) return undefined;
      throw err;
    }
    const info = parseLockInfo(text);
    if (info === undefined) {
      throw UserError.of(
        'state.lock-unreadable',
        `${displayFilePath(this.lockPath, this.displayCwd)}: the lock file is not readable lock information`,
        'if no imageform is running on this directory, delete the file',
      );
    }
    return info;
  }

  async forceUnlock(lockId: string): Promise<void> {
    const holder = await this.readLockHolder();
    if (holder === undefined) throw notLockedError(this.description);
    if (holder.info.id !== lockId) throw lockIdMismatchError(lockId, holder.info);
    if (holder.legacy) {
      // Only older imageform writes this file; it is removed by hand, here, after the ID check.
      await unlink(this.lockPath).catch((err: unknown) => {
        if (!isCode(err, 'ENOENT')) throw err;
      });
      return;
    }
    await this.removeHolder(lockId);
    this.forget(lockId);
  }

  async close(): Promise<void> {
    for (const id of [...this.heldLocks.keys()]) await this.releaseLock(id);
  }

  private async readStored(): Promise<StateDocument | undefined> {
    let text: string;
    try {
      text = await readFile(this.statePath, 'utf8');
    } catch (err) {
      if (isCode(err, 'ENOENT')) return undefined;
      throw UserError.of(
        'state.unreadable',
        `${this.description}: cannot read the state file (${errorCode(err)})`,
        'check its permissions',
      );
    }
    return parseStateDocument(text, this.description);
  }

  /** `.imageform/` with a `.gitignore` of `*`, so state and locks never land in Git. */
  private prepareDirectory(): Promise<void> {
    this.prepared ??= (async () => {
      await mkdir(this.stateDir, { recursive: true });
      try {
        await writeFile(join(this.stateDir, '.gitignore'), '*\n', { flag: 'wx' });
      } catch (err) {
        if (!isCode(err, 'EEXIST')) throw err;
      }
    })();
    return this.prepared;
  }

  /** Take the lock with one rename of a complete holder directory; false if someone holds it. */
  private async tryTakeLock(info: LockInfo): Promise<boolean> {
    const temp = `${this.lockPath}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    await mkdir(temp, { mode: 0o700 });
    const file = holderFileName(info.id);
    try {
      await writeFile(join(temp, file), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
      await pauseForTest('lock-take');
      try {
        await rename(temp, this.lockPath);
      } catch (err) {
        // Non-empty directory (held), or a legacy lock file in the way.
        if (['ENOTEMPTY', 'EEXIST', 'ENOTDIR', 'EISDIR'].some((code) => isCode(err, code))) return false;
        throw err;
      }
      await syncDirectory(this.stateDir);
      return true;
    } finally {
      // After a rename the temp directory is gone and these fail quietly.
      await unlink(join(temp, file)).catch(() => undefined);
      await rmdir(temp).catch(() => undefined);
    }
  }

  private holdLock(info: LockInfo): HeldLock {
    if (this.heldLocks.size === 0) process.on('exit', this.releaseOnExit);
    const lost = new AbortController();
    const timer = setInterval(() => void this.checkHeldLocks(), LOCK_CHECK_INTERVAL_MS);
    timer.unref();
    this.heldLocks.set(info.id, { lost, timer });
    return { info, lost: lost.signal, release: () => this.releaseLock(info.id) };
  }

  /** Tell each holder whose lock file is gone (force-unlocked, or broken by mistake) that it lost its lock. */
  private async checkHeldLocks(): Promise<void> {
    for (const [id, held] of this.heldLocks) {
      if (held.lost.signal.aborted) continue;
      const present = await stat(join(this.lockPath, holderFileName(id))).then(
        () => true,
        (err: unknown) => !isCode(err, 'ENOENT') && !isCode(err, 'ENOTDIR'),
      );
      if (present || held.lost.signal.aborted) continue;
      clearInterval(held.timer);
      const where = displayFilePath(this.lockPath, this.displayCwd);
      const message = `lost the state lock: ${where} no longer holds this run's lock ID ${id} (force-unlocked or taken)`;
      held.lost.abort(new Error(message));
    }
  }

  private forget(id: string): void {
    const held = this.heldLocks.get(id);
    if (!held) return;
    clearInterval(held.timer);
    this.heldLocks.delete(id);
    if (this.heldLocks.size === 0) process.off('exit', this.releaseOnExit);
  }

  private async releaseLock(id: string): Promise<void> {
    if (!this.heldLocks.has(id)) return;
    this.forget(id);
    await this.removeHolder(id);
  }

  /** Last resort on process exit (an uncaught error, process.exit): only synchronous calls work there. */
  private releaseHeldLocksSync(): void {
    for (const id of this.heldLocks.keys()) {
      try {
        unlinkSync(join(this.lockPath, holderFileName(id)));
        rmdirSync(this.lockPath);
      } catch {
        // Not ours any more, or not empty: nothing more to do; a dead pid's lock is broken next time.
      }
    }
    this.heldLocks.clear();
  }

  /** Remove holder `id`'s file (only that name), then the directory if that left it empty. */
  private async removeHolder(id: string): Promise<boolean> {
    const removed = await unlink(join(this.lockPath, holderFileName(id))).then(
      () => true,
      (err: unknown) => {
        if (isCode(err, 'ENOENT') || isCode(err, 'ENOTDIR')) return false;
        throw err;
      },
    );
    await pauseForTest('lock-rmdir');
    // Fails (ENOTEMPTY) when someone took the lock since: their lock stays.
    await rmdir(this.lockPath).catch(() => undefined);
    if (removed) await syncDirectory(this.stateDir);
    return removed;
  }

  private async breakStaleLock(stale: LockInfo): Promise<void> {
    await pauseForTest('lock-break');
    if (!(await this.removeHolder(stale.id))) return;
    this.onNotice(
      `removed a stale lock left by ${describeHolder(stale)}: process ${stale.pid} is no longer running on ${stale.host}; lock ID ${stale.id}`,
    );
  }

  /** Temp files of writes and takes cut short by a kill -9; we hold the lock, so no live writer is racing us. */
  private async removeLeftovers(): Promise<void> {
    const isGone = (pid: number): boolean => !isProcessAlive(pid);
    await removeLeftoverTemps(this.statePath, isGone);
    const names = await readdir(this.stateDir).catch(() => [] as string[]);
    for (const name of names) {
      const pid = Number(/^state\.lock\.tmp-(\d+)-/.exec(name)?.[1]);
      if (!Number.isInteger(pid) || pid === process.pid || !isGone(pid)) continue;
      await rm(join(this.stateDir, name), { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

function holderFileName(lockId: string): string {
  return `${lockId}.json`;
}

function fileIdentity(stats: { dev: number; ino: number; size: number; mtimeMs: number }): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}

function isLeftByDeadProcess(holder: LockInfo): boolean {
  return holder.host === hostname() && holder.pid > 0 && !isProcessAlive(holder.pid);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return !isCode(err, 'ESRCH');
  }
}

function isCode(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === code;
}

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException | undefined)?.code ?? String(err);
}
