import type { DeletionPolicy, Kind } from '../config/model.js';

export const STATE_VERSION = 1;

/**
 * What imageform remembers of one managed object (DESIGN.md §5).
 * `id` is null while only a create intent is recorded: the API call may or may not have happened, and the next
 * run looks the object up by `intent.key` (a name only that intent could have made) instead of creating a twin.
 */
export interface ResourceState {
  kind: Kind;
  /** The provider (a name from the settings) whose cloud holds the object; absent in states written before names. */
  provider?: string;
  id: string | null;
  /** The cloud object as last read (secrets removed), plus write-only inputs under `inputs`. */
  attributes: Record<string, unknown>;
  /** Addresses this resource referenced at its last apply. */
  dependencies: string[];
  /** Recorded at every apply so protection outlives the document (DESIGN.md §2). */
  lifecycle: { prevent_destroy: boolean; deletion_policy: DeletionPolicy };
  /**
   * Present while a create is in flight, or while a rename is. A create's `name` is the document's name and `key`,
   * when present, the temporary cloud name the object is created under (DESIGN.md §5: a key only this intent could
   * have made); once the id is recorded it becomes `rename`, from `key` to `name`. A swap of unique names records
   * `rename` to its temporary name (no key) before that call. Either way, a run after a crash knows the name the
   * intent moves the object to for its own.
   */
  intent?: { action: 'create' | 'rename'; name: string; key?: string; parent_id?: string; started_at: string };
  /**
   * Present while a delete or update of the object is in flight: written before the API call, so an apply stopped
   * or killed after the call leaves a recorded operation for the next run to settle, never an unrecorded one.
   */
  operation?: { action: 'delete' | 'update'; started_at: string };
}

export interface StateDocument {
  version: number;
  lineage: string;
  serial: number;
  resources: Record<string, ResourceState>;
}

export interface LockInfo {
  id: string;
  operation: string;
  who: string;
  host: string;
  pid: number;
  created: string;
  version: string;
}

/** A held lock; release() is idempotent. */
export interface HeldLock {
  readonly info: LockInfo;
  /**
   * Aborted when the lock is lost while held (the PostgreSQL session ended, the lock file was taken away); its
   * reason is an Error saying how. An apply stops starting operations then (DESIGN.md §5).
   */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/**
 * Where state lives. Writes give whole documents; `write` and `writeChanges` refuse a document whose serial is not
 * exactly one more than the stored one (no lost update, even without the lock).
 */
export interface StateBackend {
  /** Human description, e.g. the file path or `postgres workspace "default"`. */
  readonly description: string;
  /** The current state, or a fresh empty one (serial 0, new lineage) when none exists. */
  read(): Promise<StateDocument>;
  /** Store `next`; `next.serial` must be the stored serial + 1. Atomic. */
  write(next: StateDocument): Promise<void>;
  /**
   * Store `next` like `write`, knowing it differs from the stored document only at the addresses in `changed` (each
   * set to `next`'s entry, or removed where `next` has none). A backend with a journal appends just those entries
   * as one durable record and folds them into the document later, so an apply's writes grow with what it changed,
   * not with the size of the whole state (DESIGN.md §9). `read` always returns the document with the journal folded.
   * `next.resources` may be a view over the caller's state (StateWriter's draft): read it, never change it; a backend
   * may keep `next`, which reads the same until the backend's next write returns.
   */
  writeChanges?(next: StateDocument, changed: readonly string[]): Promise<void>;
  /** Bytes this backend has written to storage so far (documents and journal records); shown by bench/apply.ts. */
  readonly bytesWritten?: number;
  /** An earlier serial, where the backend keeps history. */
  readSerial?(serial: number): Promise<StateDocument | undefined>;
  /**
   * Store `next` as it is (its serial kept) if the stored document is still `expected`, as last read; for
   * `imageform state push`. Nothing stored counts as serial 0 of any lineage. Atomic.
   */
  replace?(next: StateDocument, expected: { lineage: string; serial: number }): Promise<void>;
  /** Who holds the lock now, if anyone; for `force-unlock` and refusals. */
  readLockInfo?(): Promise<LockInfo | undefined>;
  /** Take the lock or throw a UserError naming the holder. */
  lock(operation: string): Promise<HeldLock>;
  /** Release a lock by ID whoever holds it; throws if the ID does not match. */
  forceUnlock(lockId: string): Promise<void>;
  close(): Promise<void>;
}

/** What state records of a document's lifecycle at every apply (DESIGN.md §2): the protection outlives the file. */
export function recordedLifecycle(lifecycle: {
  prevent_destroy: boolean;
  deletion_policy: DeletionPolicy;
}): ResourceState['lifecycle'] {
  return { prevent_destroy: lifecycle.prevent_destroy, deletion_policy: lifecycle.deletion_policy };
}
