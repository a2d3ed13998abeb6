import { randomBytes } from 'node:crypto';
import { constants, fstatSync, rmdirSync, statSync, unlinkSync, watch, type FSWatcher, type Stats } from 'node:fs';
import {
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { displayFilePath } from '../config/display-path.js';
import { UserError } from '../core/errors.js';
import {
  removeLeftoverTemps,
  syncDirectory,
  syncDirectorySync,
  writeFileAtomic,
  writeFileAtomicSync,
} from './atomic-file.js';
import { corruptJournal, foldJournal, journalLine } from './journal.js';
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

/**
 * How often a held lock looks whether it is still there. A watcher on the lock directory usually tells at once;
 * this look is for filesystems whose changes a watcher does not see (network mounts). State writes do not look:
 * one stat per write was a third of a journal append's cost, and the serial check guards the state either way.
 */
const LOCK_CHECK_INTERVAL_MS = 1_000;

/**
 * Below this size the whole document is rewritten at every write, as a journal record would cost about as much
 * (one flush either way), and state.json alone stays the whole state at every moment of a small apply.
 */
export const JOURNAL_FROM_BYTES = 64 * 1024;

/** Where the system has O_DSYNC, each journal write returns once it is on disk: no separate fdatasync call. */
const DATA_SYNC_WRITES = constants.O_DSYNC !== undefined;
const JOURNAL_OPEN_FLAGS =
  constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (DATA_SYNC_WRITES ? constants.O_DSYNC : 0);

/** How often a read retries when a compaction replaced the document between its reads of document and journal. */
const FOLD_ATTEMPTS = 5;

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
 *
 * Journal (DESIGN.md §9): once state.json is large, `writeChanges` appends the changed entries as one flushed line
 * of `state.journal` instead of rewriting the document; `read` folds the journal in, a torn last line (a write a
 * kill -9 cut short) ignored. When the journal outgrows the document, the document is rewritten with everything
 * and the journal removed (total bytes stay proportional to what changed); releasing the lock, closing and exiting
 * do the same, and taking the lock folds a journal a killed run left, so at rest state.json alone is the state.
 * Only a journal this backend created after its own document write is appended to, never one found on disk.
 */
export class LocalStateBackend implements StateBackend {
  readonly description: string;
  readonly stateDir: string;
  readonly statePath: string;
  readonly lockPath: string;
  readonly journalPath: string;
  private readonly onNotice: (message: string) => void;
  private readonly displayCwd: string;
  /** Held locks by ID, with what tells the holder it lost one. */
  private readonly heldLocks = new Map<
    string,
    { lost: AbortController; timer: NodeJS.Timeout; watcher: FSWatcher | undefined }
  >();
  private prepared: Promise<void> | undefined;
  private readonly writes = new SerialQueue();
  /** What this backend stored last: the files as it left them, so a later look can tell whether anyone wrote since. */
  private lastWritten: (ExpectedState & { identity: string; journalIdentity: string | undefined }) | undefined;
  /** The document as this backend last stored it (journal included), and the size of its state.json. */
  private stored: { document: StateDocument; fileBytes: number } | undefined;
  /** The journal this backend appends to, open; `file` is its device and inode. */
  private journal: { handle: FileHandle; bytes: number; file: string } | undefined;
  /** A state write is running: an exit handler then leaves the files as they are. */
  private busy = false;
  private written = 0;
  private exitHookInstalled = false;
  private readonly onExit = (): void => {
    this.compactSync();
    this.releaseHeldLocksSync();
  };

  constructor(dir: string, options: LocalBackendOptions = {}) {
    this.stateDir = join(dir, '.imageform');
    this.statePath = join(this.stateDir, 'state.json');
    this.lockPath = join(this.stateDir, 'state.lock');
    this.journalPath = join(this.stateDir, 'state.journal');
    this.displayCwd = options.cwd ?? process.cwd();
    this.description = displayFilePath(this.statePath, this.displayCwd);
    this.onNotice = options.onNotice ?? (() => undefined);
  }

  /** Bytes of state.json and journal written by this backend. */
  get bytesWritten(): number {
    return this.written;
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
    return this.runWrite(async () => {
      await this.checkBeforeWrite(expected);
      // A pushed document may have any serial: a journal left beside it could then seem to continue it. Folded
      // into the current document first, nothing of it can ever apply to the new one.
      if (next.lineage !== expected.lineage || next.serial !== expected.serial + 1) await this.foldJournalOnDisk();
      await this.storeDocument(next);
    });
  }

  /**
   * `write`, appending only the entries at `changed` to the journal once the document is large, and rewriting the
   * document (which empties the journal) when the journal would outgrow it: every byte of the document rewritten
   * is paid for by as many journal bytes, so an apply writes in proportion to what it changed.
   */
  writeChanges(next: StateDocument, changed: readonly string[]): Promise<void> {
    return this.runWrite(async () => {
      const ours = await this.checkBeforeWrite({ lineage: next.lineage, serial: next.serial - 1 });
      const stored = this.stored;
      if (ours && stored && stored.fileBytes >= JOURNAL_FROM_BYTES) {
        const line = Buffer.from(journalLine(next, changed), 'utf8');
        if ((this.journal?.bytes ?? 0) + line.length <= stored.fileBytes) {
          await this.appendRecord(line, next);
          return;
        }
      }
      await this.storeDocument(next);
    });
  }

  /** Fold this backend's journal into the document: state.json alone is the state again. The serial stays. */
  compact(): Promise<void> {
    return this.runWrite(async () => {
      if (!this.journal || !this.stored) return;
      if (this.isStoredOurs()) await this.storeDocument(this.stored.document);
      else await this.closeJournal();
    });
  }

  private async runWrite(task: () => Promise<void>): Promise<void> {
    return this.writes.run(async () => {
      this.busy = true;
      try {
        await task();
      } finally {
        this.busy = false;
      }
    });
  }

  /** The compare step of every write; true when the files are still as this backend left them. */
  private async checkBeforeWrite(expected: ExpectedState): Promise<boolean> {
    await this.prepareDirectory();
    // A lock taken away is reported by its watcher, not here: the write still goes ahead (the serial check guards
    // it), so what the running operations did is recorded rather than lost.
    const ours = this.isStoredOurs();
    checkExpectedState(ours ? this.lastWritten : await this.readStored(), expected, this.description);
    return ours;
  }

  /**
   * Whether state.json and the journal are still what this backend wrote last. An apply writes once per resource
   * operation, so then a stat of state.json and one of the open journal are enough and the document is not read
   * and parsed again. The journal is looked at through its handle: any other imageform that writes replaces the
   * document and removes the journal first (no link left to our file), and one that appended would have changed
   * its length.
   *
   * Synchronous on purpose: a stat is a few microseconds of the main thread, where the same call through the
   * thread pool costs several times that in hand-offs between threads, at every write of an apply.
   */
  private isStoredOurs(): boolean {
    const lastWritten = this.lastWritten;
    if (!lastWritten) return false;
    const current = statSyncIfPresent(this.statePath);
    if (current === undefined || lastWritten.identity !== fileIdentity(current)) return false;
    const journal = this.journal;
    const journalNow = journal ? fstatSync(journal.handle.fd) : statSyncIfPresent(this.journalPath);
    if (journal && journalNow!.nlink === 0) return false;
    return lastWritten.journalIdentity === (journalNow && journalIdentity(journalNow));
  }

  /** The whole document to state.json (temp file, flush, rename), then the journal it contains removed. */
  private async storeDocument(next: StateDocument): Promise<void> {
    const text = serializeState(next);
    await writeFileAtomic(this.statePath, text);
    const fileBytes = Buffer.byteLength(text, 'utf8');
    this.written += fileBytes;
    // A kill -9 here leaves a journal of serials the document already has: a read skips them.
    await this.closeJournal();
    if (await unlinkIfPresent(this.journalPath)) await syncDirectory(this.stateDir);
    // Every write is a new file (rename), so its identity tells whether anyone wrote after us.
    const written = await stat(this.statePath);
    this.lastWritten = {
      lineage: next.lineage,
      serial: next.serial,
      identity: fileIdentity(written),
      journalIdentity: undefined,
    };
    this.stored = { document: next, fileBytes };
    this.updateExitHook();
  }

  /**
   * One record, one write, flushed before the caller goes on. The record survives a kill -9 once write(2) has
   * returned (the page cache outlives the process); the flush (fdatasync) is what makes it survive a power loss or a
   * kernel crash too. Terraform flushes neither, but here a record is the intent stored before its API call
   * (DESIGN.md §5): without the flush, a machine crash could forget an object the cloud went on to create. It is
   * kept, and costs little: the journal is opened with O_DSYNC where there is one, so write and flush are one call
   * off the main thread, and records made while it runs join the next write (StateWriter): one flush commits a
   * whole group of them.
   */
  private async appendRecord(line: Buffer, next: StateDocument): Promise<void> {
    if (!this.journal) {
      // Truncating: any journal on disk was folded into the document this backend wrote (isStoredOurs said so).
      const handle = await open(this.journalPath, JOURNAL_OPEN_FLAGS, 0o600);
      const opened = await handle.stat();
      this.journal = { handle, bytes: 0, file: `${opened.dev}:${opened.ino}` };
      this.updateExitHook();
      await handle.chmod(0o600);
      await syncDirectory(this.stateDir);
    }
    const journal = this.journal;
    await pauseForTest('journal-append');
    for (let offset = 0; offset < line.length;) {
      offset += (await journal.handle.write(line, offset, line.length - offset)).bytesWritten;
    }
    if (!DATA_SYNC_WRITES) await journal.handle.datasync();
    journal.bytes += line.length;
    this.written += line.length;
    this.lastWritten = {
      lineage: next.lineage,
      serial: next.serial,
      identity: this.lastWritten!.identity,
      // Only this backend writes to it (isStoredOurs checked), so its length is what we wrote.
      journalIdentity: `${journal.file}:${journal.bytes}`,
    };
    this.stored = { document: next, fileBytes: this.stored!.fileBytes };
  }

  private async closeJournal(): Promise<void> {
    const journal = this.journal;
    this.journal = undefined;
    await journal?.handle.close().catch(() => undefined);
    this.updateExitHook();
  }

  /**
   * With the lock just taken: a journal a killed run left is folded into state.json now, so the document alone is
   * the state again; otherwise state.json is taken as this backend's own, so the first write of the run can go to
   * the journal instead of rewriting a large document that has not changed.
   */
  private async takeOverStoredState(): Promise<void> {
    if ((await statIfPresent(this.journalPath)) !== undefined) {
      await this.foldJournalOnDisk();
      return;
    }
    const before = await statIfPresent(this.statePath);
    if (before === undefined || this.isStoredOurs()) return;
    const text = await this.readStateFile(this.statePath, 'state file');
    const after = await statIfPresent(this.statePath);
    if (text === undefined || after === undefined || fileIdentity(before) !== fileIdentity(after)) return;
    const document = parseStateDocument(text, this.description);
    this.lastWritten = {
      lineage: document.lineage,
      serial: document.serial,
      identity: fileIdentity(after),
      journalIdentity: undefined,
    };
    this.stored = { document, fileBytes: Buffer.byteLength(text, 'utf8') };
  }

  /** A journal on disk (this backend's or one a killed run left) folded into state.json; the serial stays. */
  private async foldJournalOnDisk(): Promise<void> {
    if ((await statIfPresent(this.journalPath)) === undefined) return;
    const current = await this.readStored();
    if (current) await this.storeDocument(current);
  }

  async lock(operation: string): Promise<HeldLock> {
    await this.prepareDirectory();
    const info = newLockInfo(operation);
    // A few rounds: the lock may vanish or be taken over between our attempt and our look at it.
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await this.tryTakeLock(info)) {
        const held = this.holdLock(info);
        await this.removeLeftovers();
        // A document or journal that cannot be read is left for the read that follows to report.
        await this.runWrite(() => this.takeOverStoredState()).catch(() => undefined);
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
    // Forgotten first: our own lock removed through this backend is not reported as lost.
    this.forget(lockId);
    await this.removeHolder(lockId);
  }

  async close(): Promise<void> {
    for (const id of [...this.heldLocks.keys()]) await this.releaseLock(id);
    // Writes made without a lock: a journal that cannot be folded now is still folded by every read.
    await this.compact().catch(() => undefined);
    await this.writes.run(() => this.closeJournal());
  }

  /** The document with the journal folded in; undefined when no document is stored. */
  private async readStored(): Promise<StateDocument | undefined> {
    const journalSource = displayFilePath(this.journalPath, this.displayCwd);
    for (let attempt = 1; ; attempt++) {
      const text = await this.readStateFile(this.statePath, 'state file');
      if (text === undefined) return undefined;
      const document = parseStateDocument(text, this.description);
      const journal = await this.readStateFile(this.journalPath, 'state journal');
      if (!journal) return document;
      const folded = foldJournal(document, journal, journalSource);
      if (folded.ok) return folded.document;
      // A writer compacted between our two reads: the journal read belongs to a newer document.
      if (attempt === FOLD_ATTEMPTS) {
        throw corruptJournal(
          journalSource,
          `its next record is serial ${folded.found} but the document is at serial ${folded.expected - 1}`,
        );
      }
    }
  }

  private async readStateFile(path: string, what: string): Promise<string | undefined> {
    try {
      return await readFile(path, 'utf8');
    } catch (err) {
      if (isCode(err, 'ENOENT')) return undefined;
      throw UserError.of(
        'state.unreadable',
        `${displayFilePath(path, this.displayCwd)}: cannot read the ${what} (${errorCode(err)})`,
        'check its permissions',
      );
    }
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
    const lost = new AbortController();
    const timer = setInterval(() => void this.checkHeldLocks(), LOCK_CHECK_INTERVAL_MS);
    timer.unref();
    this.heldLocks.set(info.id, { lost, timer, watcher: this.watchLockDirectory() });
    this.updateExitHook();
    return { info, lost: lost.signal, release: () => this.releaseLock(info.id) };
  }

  /**
   * A look at the held locks whenever the lock directory changes (a holder file removed, the directory replaced):
   * a lock taken away is reported at once, at no cost to state writes. Undefined where nothing can be watched.
   */
  private watchLockDirectory(): FSWatcher | undefined {
    try {
      const watcher = watch(this.lockPath, { persistent: false }, () => void this.checkHeldLocks());
      // The directory removed (the lock broken or released): the look that follows reports it; the timer stays.
      watcher.on('error', () => watcher.close());
      return watcher;
    } catch {
      return undefined;
    }
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
      held.watcher?.close();
      const where = displayFilePath(this.lockPath, this.displayCwd);
      const message = `lost the state lock: ${where} no longer holds this run's lock ID ${id} (force-unlocked or taken)`;
      held.lost.abort(new Error(message));
    }
  }

  private forget(id: string): void {
    const held = this.heldLocks.get(id);
    if (!held) return;
    clearInterval(held.timer);
    held.watcher?.close();
    this.heldLocks.delete(id);
    this.updateExitHook();
  }

  private async releaseLock(id: string): Promise<void> {
    if (!this.heldLocks.has(id)) return;
    // While the lock is still ours. A failure leaves the journal, which every read folds.
    await this.compact().catch(() => undefined);
    this.forget(id);
    await this.removeHolder(id);
  }

  /** The exit handler is installed while there is a lock or a journal to leave in order. */
  private updateExitHook(): void {
    const wanted = this.heldLocks.size > 0 || this.journal !== undefined;
    if (wanted === this.exitHookInstalled) return;
    if (wanted) process.on('exit', this.onExit);
    else process.off('exit', this.onExit);
    this.exitHookInstalled = wanted;
  }

  /**
   * On process exit (a second Ctrl-C, process.exit), before the lock goes: the journal folded into state.json with
   * synchronous calls, the only ones that run there. Skipped while a write is running or when someone else wrote
   * since (the journal is then still folded by every read).
   */
  private compactSync(): void {
    const journal = this.journal;
    if (!journal || !this.stored || !this.lastWritten || this.busy) return;
    try {
      if (fileIdentity(statSync(this.statePath)) !== this.lastWritten.identity) return;
      if (journalIdentity(statSync(this.journalPath)) !== this.lastWritten.journalIdentity) return;
      writeFileAtomicSync(this.statePath, serializeState(this.stored.document));
      unlinkSync(this.journalPath);
      syncDirectorySync(this.stateDir);
    } catch {
      // Whatever was done is consistent: the document, with or without a journal it already contains.
    }
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

/** A journal only grows while it is ours: the file and its length. */
function journalIdentity(stats: { dev: number; ino: number; size: number }): string {
  return `${stats.dev}:${stats.ino}:${stats.size}`;
}

async function statIfPresent(path: string): Promise<Stats | undefined> {
  return stat(path).catch((err: unknown) => {
    if (isCode(err, 'ENOENT')) return undefined;
    throw err;
  });
}

function statSyncIfPresent(path: string): Stats | undefined {
  return statSync(path, { throwIfNoEntry: false });
}

async function unlinkIfPresent(path: string): Promise<boolean> {
  return unlink(path).then(
    () => true,
    (err: unknown) => {
      if (isCode(err, 'ENOENT')) return false;
      throw err;
    },
  );
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
