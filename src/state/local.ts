import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { displayFilePath } from '../config/display-path.js';
import { UserError } from '../diagnostics/errors.js';
import { syncDirectory, writeFileAtomic } from './atomic-file.js';
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

/** A takeover guard older than this was left by a crash in the middle of a takeover. */
const TAKEOVER_GUARD_STALE_MS = 10_000;

/**
 * State in `DIR/.imageform/state.json`, locked by `DIR/.imageform/state.lock`.
 *
 * The lock file is published with link(2) from a complete temp file, so it either does not exist or holds the
 * whole LockInfo: a reader never sees it half-written. Only a lock left by a dead process on this host is ever
 * removed without its ID, and that removal happens under a small guard file so two processes recovering the same
 * stale lock cannot remove each other's fresh one.
 */
export class LocalStateBackend implements StateBackend {
  readonly description: string;
  readonly stateDir: string;
  readonly statePath: string;
  readonly lockPath: string;
  private readonly takeoverGuardPath: string;
  private readonly onNotice: (message: string) => void;
  private readonly displayCwd: string;
  private readonly heldLockIds = new Set<string>();
  private prepared: Promise<void> | undefined;
  private readonly writes = new SerialQueue();
  private lastWritten: (ExpectedState & { identity: string }) | undefined;
  private readonly releaseOnExit = (): void => this.releaseHeldLocksSync();

  constructor(dir: string, options: LocalBackendOptions = {}) {
    this.stateDir = join(dir, '.imageform');
    this.statePath = join(this.stateDir, 'state.json');
    this.lockPath = join(this.stateDir, 'state.lock');
    this.takeoverGuardPath = join(this.stateDir, 'state.lock.takeover');
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
      if (await this.tryPublishLock(info)) return this.holdLock(info);
      const holder = await this.readLockInfo();
      if (holder === undefined) continue;
      if (!isLeftByDeadProcess(holder)) throw lockedError(holder);
      await this.takeOverStaleLock(holder);
    }
    const holder = await this.readLockInfo();
    if (holder) throw lockedError(holder);
    throw UserError.of('state.lock-contended', `could not take the lock ${displayFilePath(this.lockPath, this.displayCwd)}`, 'try again');
  }

  async readLockInfo(): Promise<LockInfo | undefined> {
    let text: string;
    try {
      text = await readFile(this.lockPath, 'utf8');
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
    const holder = await this.readLockInfo();
    if (holder === undefined) throw notLockedError(this.description);
    if (holder.id !== lockId) throw lockIdMismatchError(lockId, holder);
    await this.removeLockIfStill(lockId);
    this.heldLockIds.delete(lockId);
  }

  async close(): Promise<void> {
    for (const id of [...this.heldLockIds]) await this.releaseLock(id);
  }

  private async readStored(): Promise<StateDocument | undefined> {
    let text: string;
    try {
      text = await readFile(this.statePath, 'utf8');
    } catch (err) {
      if (isCode(err, 'ENOENT')) return undefined;
      throw UserError.of('state.unreadable', `${this.description}: cannot read the state file (${errorCode(err)})`, 'check its permissions');
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

  /** Publish a complete lock file, or return false if one exists. */
  private async tryPublishLock(info: LockInfo): Promise<boolean> {
    const temp = `${this.lockPath}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    await writeFile(temp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
    try {
      await link(temp, this.lockPath);
      await syncDirectory(this.stateDir);
      return true;
    } catch (err) {
      if (isCode(err, 'EEXIST')) return false;
      throw err;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  private holdLock(info: LockInfo): HeldLock {
    if (this.heldLockIds.size === 0) process.on('exit', this.releaseOnExit);
    this.heldLockIds.add(info.id);
    return { info, release: () => this.releaseLock(info.id) };
  }

  private async releaseLock(id: string): Promise<void> {
    if (!this.heldLockIds.delete(id)) return;
    if (this.heldLockIds.size === 0) process.off('exit', this.releaseOnExit);
    await this.removeLockIfStill(id);
  }

  /** Last resort on process exit (an uncaught error, process.exit): only synchronous calls work there. */
  private releaseHeldLocksSync(): void {
    for (const id of this.heldLockIds) {
      try {
        if (parseLockInfo(readFileSync(this.lockPath, 'utf8'))?.id === id) unlinkSync(this.lockPath);
      } catch {
        // Nothing more can be done while exiting; a dead pid's lock is taken over next time.
      }
    }
    this.heldLockIds.clear();
  }

  private async removeLockIfStill(id: string): Promise<void> {
    const current = await this.readLockInfo().catch(() => undefined);
    if (current?.id !== id) return;
    await unlink(this.lockPath).catch((err: unknown) => {
      if (!isCode(err, 'ENOENT')) throw err;
    });
  }

  private async takeOverStaleLock(stale: LockInfo): Promise<void> {
    if (!(await this.takeTakeoverGuard())) throw lockedError(stale);
    try {
      // Re-read under the guard: only that exact stale lock may go.
      const current = await this.readLockInfo();
      if (current?.id !== stale.id) return;
      await unlink(this.lockPath);
      this.onNotice(
        `removed a stale lock left by ${describeHolder(stale)}: process ${stale.pid} is no longer running on ${stale.host}; lock ID ${stale.id}`,
      );
    } finally {
      await unlink(this.takeoverGuardPath).catch(() => undefined);
    }
  }

  private async takeTakeoverGuard(): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await writeFile(this.takeoverGuardPath, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
        return true;
      } catch (err) {
        if (!isCode(err, 'EEXIST')) throw err;
      }
      const guard = await stat(this.takeoverGuardPath).catch(() => undefined);
      if (guard && Date.now() - guard.mtimeMs < TAKEOVER_GUARD_STALE_MS) return false;
      await unlink(this.takeoverGuardPath).catch(() => undefined);
    }
    return false;
  }
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
