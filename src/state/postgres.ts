import { createHash } from 'node:crypto';
import pg from 'pg';
import type { StateSettings } from '../config/model.js';
import { isUserError, UserError } from '../core/errors.js';
import { freshState } from './fresh.js';
import {
  describeHolder,
  lockedError,
  lockIdMismatchError,
  newLockInfo,
  notLockedError,
  parseLockInfo,
} from './lock-info.js';
import { corruptJournal, foldJournal, journalLine } from './journal.js';
import { parseStateDocument } from './parse.js';
import { resolvePostgresTarget, scrubSecrets, type PostgresTarget } from './postgres-target.js';
import { serializeState } from './serialize.js';
import { checkExpectedState, serialMismatchError, type ExpectedState } from './serial-check.js';
import { SerialQueue } from './serial-queue.js';
import type { HeldLock, LockInfo, StateBackend, StateDocument } from './state.js';

export interface PostgresBackendOptions {
  onNotice?: (message: string) => void;
  /** Give up connecting after this long (default 10 s). */
  connectTimeoutMs?: number;
  /** Give up on any one statement after this long (default 30 s). */
  statementTimeoutMs?: number;
}

/**
 * Documents kept per workspace for `state pull --serial N`: every one written whole (a small state's writes, a
 * push, a compaction of the journal, at least one per apply).
 */
export const HISTORY_KEPT = 2000;

/** Serializes concurrent first runs creating the tables (CREATE TABLE IF NOT EXISTS is not race-free). */
const SETUP_LOCK_KEY = '4242004200420042';

export async function openPostgresBackend(
  settings: StateSettings,
  env: NodeJS.ProcessEnv,
  options: PostgresBackendOptions = {},
): Promise<PostgresStateBackend> {
  return new PostgresStateBackend(resolvePostgresTarget(settings.url_env, env), settings, options);
}

interface TableNames {
  schema?: string;
  state: string;
  history: string;
  journal: string;
  locks: string;
}

/** The workspace row with the journal records that follow its document, read in one statement (one snapshot). */
interface StoredRow {
  document: string;
  lineage: string;
  serial: string;
  records: string[];
}

/**
 * State in PostgreSQL, one row per workspace, with every document written whole also kept in a history table.
 *
 * Journal (DESIGN.md §9): `writeChanges` stores only the changed entries, as one row of the journal table, in the
 * transaction that checks the serial on the workspace row and moves it on; the row's document stays as it was
 * (`document_serial`). Every read folds the journal rows that follow the document, in the same statement. When
 * the journal would outgrow the document, and when the lock is released, the document is rewritten with
 * everything and the journal rows removed, so an apply of N operations writes O(N) bytes and reads stay short.
 * History then holds the documents written whole (one per apply at least); serials in between that were only
 * journal records can still be read until the next compaction.
 *
 * Everything runs on one connection opened at first use and kept for the whole command: the session advisory lock
 * lives as long as that connection, so a holder that dies or loses its network frees the lock by itself. The holder
 * is described in a row of the locks table next to the advisory lock; the row only counts while its backend pid
 * still holds the advisory lock, so a row left by a dead session is never shown as the holder.
 */
export class PostgresStateBackend implements StateBackend {
  readonly description: string;
  private readonly workspace: string;
  private readonly tables: TableNames;
  private readonly lockKey: string;
  private readonly queue = new SerialQueue();
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private connectionLost: Error | undefined;
  private heldLock: LockInfo | undefined;
  /** Aborted when the session holding the advisory lock ends: the lock went with it. */
  private lockLost: AbortController | undefined;
  private closing = false;
  private written = 0;

  constructor(
    private readonly target: PostgresTarget,
    settings: StateSettings,
    private readonly options: PostgresBackendOptions = {},
  ) {
    this.workspace = settings.workspace || 'default';
    this.tables = tableNames(settings.schema);
    this.lockKey = advisoryLockKey(settings.schema ?? '', this.workspace);
    this.description = `postgres workspace "${this.workspace}" at ${target.display}`;
  }

  /** Bytes sent to be stored: documents (the state row and its history row) and journal records. */
  get bytesWritten(): number {
    return this.written;
  }

  read(): Promise<StateDocument> {
    return this.withClient(async (client) => {
      const row = await this.readRow(client, '');
      return row ? this.fold(row) : freshState();
    });
  }

  /** The workspace row and the journal records after its document; `lock` is '' or ' FOR UPDATE'. */
  private async readRow(client: pg.Client, lock: '' | ' FOR UPDATE OF s'): Promise<StoredRow | undefined> {
    const { state, journal } = this.tables;
    const result = await client.query<StoredRow>(
      `SELECT s.document, s.lineage, s.serial, ARRAY(
         SELECT j.record FROM ${journal} j
          WHERE j.workspace = s.workspace AND j.lineage = s.lineage
            AND j.serial > COALESCE(s.document_serial, s.serial) AND j.serial <= s.serial
          ORDER BY j.serial) AS records
         FROM ${state} s WHERE s.workspace = $1${lock}`,
      [this.workspace],
    );
    return result.rows[0];
  }

  /** The row's document with its journal records applied; their serials must reach the row's. */
  private fold(row: StoredRow): StateDocument {
    const document = parseStateDocument(row.document, this.description);
    if (row.records.length === 0) return document;
    const source = `${this.description} (journal)`;
    const folded = foldJournal(document, `${row.records.join('\n')}\n`, source);
    if (!folded.ok || folded.document.serial !== Number(row.serial)) {
      const reached = folded.ok ? folded.document.serial : folded.expected - 1;
      throw corruptJournal(source, `its records reach serial ${reached}, the workspace is at serial ${row.serial}`);
    }
    return folded.document;
  }

  write(next: StateDocument): Promise<void> {
    return this.replace(next, { lineage: next.lineage, serial: next.serial - 1 });
  }

  /**
   * One transaction: lock the workspace row, compare it with what the writer read, store, keep history. Two
   * writers from the same serial queue on the row lock and the second then sees the first's serial and is refused,
   * with or without the advisory lock. A failure anywhere rolls back: nothing is half-written.
   */
  replace(next: StateDocument, expected: ExpectedState): Promise<void> {
    return this.withClient((client) => this.replaceOn(client, next, expected));
  }

  private async replaceOn(client: pg.Client, next: StateDocument, expected: ExpectedState): Promise<void> {
    const document = serializeState(next);
    await client.query('BEGIN');
    try {
      const current = await client.query<{ lineage: string; serial: string }>(
        `SELECT lineage, serial FROM ${this.tables.state} WHERE workspace = $1 FOR UPDATE`,
        [this.workspace],
      );
      const row = current.rows[0];
      checkExpectedState(row && { lineage: row.lineage, serial: Number(row.serial) }, expected, this.description);
      await this.storeDocument(client, next, document, row !== undefined);
      await client.query('COMMIT');
      this.written += 2 * Buffer.byteLength(document, 'utf8');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /**
   * `write`, storing only the entries at `changed` as one journal row while the journal stays smaller than the
   * document; otherwise the document is written whole, which empties the journal. Either way the serial is checked
   * on the locked workspace row in the transaction that writes.
   */
  writeChanges(next: StateDocument, changed: readonly string[]): Promise<void> {
    const record = journalLine(next, changed).trimEnd();
    const recordBytes = Buffer.byteLength(record, 'utf8');
    return this.withClient(async (client) => {
      if (await this.appendRecord(client, next, record, recordBytes)) {
        this.written += recordBytes;
        return;
      }
      // Refused by the serial check (said so below, from the row as it was), or the journal would outgrow the
      // document: the whole document, in a transaction of its own that checks again.
      await this.replaceOn(client, next, { lineage: next.lineage, serial: next.serial - 1 });
    });
  }

  /**
   * One statement, so one round trip and its own transaction: lock the workspace row, and only if it is at the
   * serial before `next` and the journal stays smaller than the document, add the record and move the serial on.
   */
  private async appendRecord(
    client: pg.Client,
    next: StateDocument,
    record: string,
    recordBytes: number,
  ): Promise<boolean> {
    const { state, journal } = this.tables;
    const result = await client.query<{ appended: boolean }>(
      `WITH current AS (
         SELECT lineage, serial, document_bytes, journal_bytes FROM ${state} WHERE workspace = $1 FOR UPDATE
       ), appended AS (
         INSERT INTO ${journal} (workspace, lineage, serial, record)
         SELECT $1::text, $2::text, $3::bigint, $4::text FROM current
          WHERE current.lineage = $2::text AND current.serial = $3::bigint - 1
            AND current.document_bytes IS NOT NULL AND current.journal_bytes + $5::bigint <= current.document_bytes
         RETURNING serial
       ), moved AS (
         UPDATE ${state} SET serial = $3::bigint, journal_bytes = journal_bytes + $5::bigint, updated_at = now()
          WHERE workspace = $1 AND EXISTS (SELECT 1 FROM appended)
         RETURNING 1
       )
       SELECT EXISTS (SELECT 1 FROM moved) AS appended`,
      [this.workspace, next.lineage, next.serial, record, recordBytes],
    );
    return result.rows[0]?.appended === true;
  }

  /** Fold the journal into the workspace row's document; the serial stays. Nothing to do without journal rows. */
  compact(): Promise<void> {
    return this.withClient((client) => this.compactOn(client));
  }

  private async compactOn(client: pg.Client): Promise<void> {
    await client.query('BEGIN');
    try {
      const row = await this.readRow(client, ' FOR UPDATE OF s');
      if (row && row.records.length > 0) {
        const folded = this.fold(row);
        const document = serializeState(folded);
        await this.storeDocument(client, folded, document, true);
        this.written += 2 * Buffer.byteLength(document, 'utf8');
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /**
   * Inside a transaction that checked the row: `next` as the whole document (the journal rows it contains
   * removed), and into the history.
   */
  private async storeDocument(
    client: pg.Client,
    next: StateDocument,
    document: string,
    rowExists: boolean,
  ): Promise<void> {
    const { state, history, journal } = this.tables;
    const bytes = Buffer.byteLength(document, 'utf8');
    if (rowExists) {
      await client.query(
        `UPDATE ${state} SET lineage = $2, serial = $3, document = $4, document_serial = $3, document_bytes = $5,
           journal_bytes = 0, updated_at = now() WHERE workspace = $1`,
        [this.workspace, next.lineage, next.serial, document, bytes],
      );
      await client.query(`DELETE FROM ${journal} WHERE workspace = $1`, [this.workspace]);
    } else {
      const inserted = await client.query(
        `INSERT INTO ${state} (workspace, lineage, serial, document, document_serial, document_bytes)
         VALUES ($1, $2, $3, $4, $3, $5) ON CONFLICT (workspace) DO NOTHING`,
        [this.workspace, next.lineage, next.serial, document, bytes],
      );
      // Another first write got in between our empty read and our insert.
      if (inserted.rowCount === 0) {
        throw serialMismatchError(this.description, 'another writer stored the first serial meanwhile');
      }
    }
    await client.query(`INSERT INTO ${history} (workspace, lineage, serial, document) VALUES ($1, $2, $3, $4)`, [
      this.workspace,
      next.lineage,
      next.serial,
      document,
    ]);
    await client.query(
      `DELETE FROM ${history} WHERE workspace = $1 AND id <= (
         SELECT id FROM ${history} WHERE workspace = $1 ORDER BY id DESC OFFSET $2 LIMIT 1)`,
      [this.workspace, HISTORY_KEPT],
    );
  }

  readSerial(serial: number): Promise<StateDocument | undefined> {
    return this.withClient(async (client) => {
      const result = await client.query<{ document: string }>(
        `SELECT document FROM ${this.tables.history} WHERE workspace = $1 AND serial = $2 ORDER BY id DESC LIMIT 1`,
        [this.workspace, serial],
      );
      const row = result.rows[0];
      if (row) return parseStateDocument(row.document, `${this.description} (serial ${serial})`);
      // A serial stored only as a journal record, not folded yet: the document with the records up to it.
      const current = await this.readRow(client, '');
      if (!current) return undefined;
      const document = parseStateDocument(current.document, this.description);
      if (serial <= document.serial || serial > Number(current.serial)) return undefined;
      const upTo = current.records.slice(0, serial - document.serial);
      return this.fold({ ...current, serial: String(serial), records: upTo });
    });
  }

  lock(operation: string): Promise<HeldLock> {
    return this.withClient(async (client) => {
      // The advisory lock is re-entrant within a session; a second lock() through this backend is still a refusal.
      if (this.heldLock) throw lockedError(this.heldLock);
      const info = newLockInfo(operation);
      const taken = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS taken', [
        this.lockKey,
      ]);
      if (!taken.rows[0]?.taken) throw await this.refusal(client);
      try {
        await client.query(
          `INSERT INTO ${this.tables.locks} (workspace, lock_id, info, backend_pid) VALUES ($1, $2, $3, pg_backend_pid())
           ON CONFLICT (workspace) DO UPDATE
             SET lock_id = EXCLUDED.lock_id, info = EXCLUDED.info, backend_pid = EXCLUDED.backend_pid, taken_at = now()`,
          [this.workspace, info.id, JSON.stringify(info)],
        );
      } catch (err) {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [this.lockKey]).catch(() => undefined);
        throw err;
      }
      this.heldLock = info;
      this.lockLost = new AbortController();
      return { info, lost: this.lockLost.signal, release: () => this.releaseLock(info.id) };
    });
  }

  readLockInfo(): Promise<LockInfo | undefined> {
    return this.withClient(async (client) => (await this.currentHolder(client))?.info);
  }

  /**
   * A session advisory lock can only be released by its own session, so force-unlock terminates the holder's
   * backend (pg_terminate_backend) and clears its row. The holder, if it is still alive, finds its connection gone
   * at its next statement and stops; each of its writes is a transaction, so none is left half-done.
   */
  forceUnlock(lockId: string): Promise<void> {
    return this.withClient(async (client) => {
      const holder = await this.currentHolder(client);
      if (holder === undefined) {
        // The holder is gone but its row stayed: clearing it is all there is to do.
        const cleared = await client.query(`DELETE FROM ${this.tables.locks} WHERE workspace = $1 AND lock_id = $2`, [
          this.workspace,
          lockId,
        ]);
        if (cleared.rowCount === 0) throw notLockedError(this.description);
        return;
      }
      if (holder.info.id !== lockId) throw lockIdMismatchError(lockId, holder.info);
      if (this.heldLock?.id === lockId) {
        await this.unlockOwn(client, lockId);
        return;
      }
      const terminated = await client.query<{ done: boolean }>('SELECT pg_terminate_backend($1) AS done', [
        holder.backendPid,
      ]);
      if (!terminated.rows[0]?.done) {
        throw UserError.of(
          'state.force-unlock-denied',
          `could not end the session holding the lock (${describeHolder(holder.info)})`,
          'connect as the same role as the holder, or as a role with pg_signal_backend',
        );
      }
      await client.query(`DELETE FROM ${this.tables.locks} WHERE workspace = $1 AND lock_id = $2`, [
        this.workspace,
        lockId,
      ]);
      await this.waitUntilAdvisoryLockFree(client, holder.backendPid);
    });
  }

  close(): Promise<void> {
    this.closing = true;
    return this.queue.run(async () => {
      const client = this.client;
      this.client = undefined;
      this.connecting = undefined;
      if (!client) return;
      if (this.heldLock && !this.connectionLost) {
        await this.compactOn(client).catch(() => undefined);
        await this.unlockOwn(client, this.heldLock.id).catch(() => undefined);
      }
      this.heldLock = undefined;
      await client.end().catch(() => undefined);
    });
  }

  private releaseLock(lockId: string): Promise<void> {
    return this.queue.run(async () => {
      if (this.heldLock?.id !== lockId) return;
      // A lost connection has already released the lock on the server.
      if (!this.client || this.connectionLost) {
        this.heldLock = undefined;
        return;
      }
      // While the lock is still ours. A failure leaves the journal, which every read folds.
      await this.compactOn(this.client).catch(() => undefined);
      await this.unlockOwn(this.client, lockId).catch((err: unknown) => this.translate(err));
    });
  }

  private async unlockOwn(client: pg.Client, lockId: string): Promise<void> {
    await client.query(`DELETE FROM ${this.tables.locks} WHERE workspace = $1 AND lock_id = $2`, [
      this.workspace,
      lockId,
    ]);
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [this.lockKey]);
    this.heldLock = undefined;
  }

  /** The refused user is told who holds the lock; a holder still writing its row is waited for briefly. */
  private async refusal(client: pg.Client): Promise<UserError> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const holder = await this.currentHolder(client);
      if (holder) return lockedError(holder.info);
      await delay(50);
    }
    return UserError.of(
      'state.locked',
      `${this.description} is locked by another session that left no holder information`,
      'wait for it to finish, or end that session in PostgreSQL if it is stale',
    );
  }

  /** The lock row, only if its session still holds the advisory lock. */
  private async currentHolder(client: pg.Client): Promise<{ info: LockInfo; backendPid: number } | undefined> {
    const result = await client.query<{ info: string; backend_pid: number }>(
      `SELECT l.info, l.backend_pid FROM ${this.tables.locks} l
        WHERE l.workspace = $1 AND EXISTS (
          SELECT 1 FROM pg_locks p
           WHERE p.locktype = 'advisory' AND p.granted AND p.pid = l.backend_pid AND p.objsubid = 1
             AND ((p.classid::bigint << 32) | p.objid::bigint) = $2::bigint)`,
      [this.workspace, this.lockKey],
    );
    const row = result.rows[0];
    const info = row && parseLockInfo(row.info);
    return info ? { info, backendPid: row.backend_pid } : undefined;
  }

  private async waitUntilAdvisoryLockFree(client: pg.Client, backendPid: number): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const result = await client.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [backendPid]);
      if (result.rowCount === 0) return;
      await delay(50);
    }
  }

  /** Every operation: one at a time, on the connection, with driver failures turned into one-line user errors. */
  private withClient<T>(task: (client: pg.Client) => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      try {
        return await task(await this.connection());
      } catch (err) {
        return this.translate(err);
      }
    });
  }

  private connection(): Promise<pg.Client> {
    if (this.connectionLost) return Promise.reject(this.connectionLost);
    this.connecting ??= this.connect().catch((err: unknown) => {
      this.connecting = undefined;
      throw err;
    });
    return this.connecting;
  }

  private async connect(): Promise<pg.Client> {
    const statementTimeout = this.options.statementTimeoutMs ?? 30_000;
    const client = new pg.Client({
      connectionString: this.target.url,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 10_000,
      statement_timeout: statementTimeout,
      // The client-side limit catches a server that stopped answering altogether.
      query_timeout: statementTimeout + 5_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 30_000,
      application_name: 'imageform',
    });
    // Without a listener a dropped connection would crash the process; remember it and fail the next call.
    client.on('error', (err) => this.markConnectionLost(err));
    client.on('end', () => {
      if (!this.closing && this.client === client) this.markConnectionLost(new Error('the connection ended'));
    });
    try {
      await client.connect();
      // A holder that vanishes from the network (not just exits) frees the lock within about a minute, not hours.
      await client.query(
        'SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 3',
      );
      await this.createTables(client);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
    return client;
  }

  private async createTables(client: pg.Client): Promise<void> {
    const { schema, state, history, journal, locks } = this.tables;
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [SETUP_LOCK_KEY]);
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${state} (
        workspace text PRIMARY KEY,
        lineage text NOT NULL,
        serial bigint NOT NULL,
        document text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        document_serial bigint,
        document_bytes bigint,
        journal_bytes bigint NOT NULL DEFAULT 0)`);
      // A table made before the journal gets its columns once (ALTER TABLE locks the table, so not at every run);
      // a document without document_serial is at the row's serial.
      const journalColumn = await client.query(
        `SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'journal_bytes' AND NOT attisdropped`,
        [state],
      );
      if (journalColumn.rowCount === 0) {
        await client.query(`ALTER TABLE ${state}
          ADD COLUMN IF NOT EXISTS document_serial bigint,
          ADD COLUMN IF NOT EXISTS document_bytes bigint,
          ADD COLUMN IF NOT EXISTS journal_bytes bigint NOT NULL DEFAULT 0`);
      }
      await client.query(`CREATE TABLE IF NOT EXISTS ${journal} (
        workspace text NOT NULL,
        lineage text NOT NULL,
        serial bigint NOT NULL,
        record text NOT NULL,
        written_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace, serial))`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${history} (
        id bigserial PRIMARY KEY,
        workspace text NOT NULL,
        lineage text NOT NULL,
        serial bigint NOT NULL,
        document text NOT NULL,
        written_at timestamptz NOT NULL DEFAULT now())`);
      await client.query(
        `CREATE INDEX IF NOT EXISTS imageform_state_history_by_serial ON ${history} (workspace, serial)`,
      );
      await client.query(`CREATE TABLE IF NOT EXISTS ${locks} (
        workspace text PRIMARY KEY,
        lock_id text NOT NULL,
        info text NOT NULL,
        backend_pid integer NOT NULL,
        taken_at timestamptz NOT NULL DEFAULT now())`);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /**
   * The connection is never reopened once lost: the session lock went with it, and writing on without the lock is
   * what must not happen. A held lock reports the loss at once, so the apply stops starting operations.
   */
  private markConnectionLost(err: Error): void {
    this.connectionLost ??= err;
    if (!this.heldLock || !this.lockLost || this.lockLost.signal.aborted) return;
    const message = scrubSecrets(err.message.split('\n')[0]!, this.target);
    const where = this.target.display;
    this.lockLost.abort(
      new Error(`lost the state lock: the PostgreSQL session holding it at ${where} ended (${message})`),
    );
  }

  /** One line for the user: where (host and database, never the URL), what went wrong, what to do. */
  private translate(err: unknown): never {
    if (isUserError(err)) throw err;
    const where = this.target.display;
    const code = (err as { code?: unknown } | undefined)?.code;
    const message = scrubSecrets(err instanceof Error ? err.message.split('\n')[0]! : String(err), this.target);
    if (this.connectionLost || code === '57P01' || /Connection terminated|connection.*closed/i.test(message)) {
      this.markConnectionLost(err instanceof Error ? err : new Error(message));
      throw UserError.of(
        'state.postgres-connection-lost',
        `lost the connection to PostgreSQL at ${where} (${message}); nothing more is written, no write was left half-done`,
        'run the command again: it settles what was in flight',
      );
    }
    if (typeof code === 'string' && code.startsWith('28')) {
      throw UserError.of(
        'state.postgres-auth',
        `PostgreSQL at ${where} refused the login: ${message}`,
        'check the user and password in the URL',
      );
    }
    if (code === '3D000') {
      throw UserError.of(
        'state.postgres-no-database',
        `PostgreSQL at ${where}: ${message}`,
        'create the database, or fix the URL',
      );
    }
    if (code === '57014' || /timeout/i.test(message)) {
      throw UserError.of(
        'state.postgres-timeout',
        `PostgreSQL at ${where} did not answer in time (${message}); nothing was written`,
        'check the server and the network, then run the command again',
      );
    }
    if (typeof code === 'string' && /^[A-Z]+$/.test(code)) {
      // A system error code (ECONNREFUSED, ENOTFOUND, ...): the server cannot be reached at all.
      throw UserError.of(
        'state.postgres-unreachable',
        `cannot reach PostgreSQL at ${where} (${code})`,
        'check that the server is running and the host and port in the URL',
      );
    }
    throw UserError.of(
      'state.postgres-error',
      `PostgreSQL at ${where}: ${message}`,
      'nothing was written; fix the cause and run the command again',
    );
  }
}

function tableNames(schema: string | undefined): TableNames {
  const prefix = schema ? `${quoteIdentifier(schema)}.` : '';
  return {
    ...(schema ? { schema: quoteIdentifier(schema) } : {}),
    state: `${prefix}imageform_state`,
    history: `${prefix}imageform_state_history`,
    journal: `${prefix}imageform_state_journal`,
    locks: `${prefix}imageform_locks`,
  };
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A 62-bit key from schema and workspace: positive, so it splits into the (classid, objid) pair pg_locks shows
 * without sign trouble.
 */
export function advisoryLockKey(schema: string, workspace: string): string {
  const digest = createHash('sha256').update(`imageform\0${schema}\0${workspace}`).digest();
  return (digest.readBigUInt64BE(0) & 0x3fffffffffffffffn).toString();
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
