import { createServer, type Server } from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StateSettings } from '../../src/config/model.js';
import { openPostgresBackend, type PostgresStateBackend } from '../../src/state/postgres.js';
import { serializeState } from '../../src/state/serialize.js';
import { startPostgres, type StartedPostgres } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';
import type { StateDocument } from '../../src/state/state.js';
import { sampleState, spawnLockHolder, userErrorOf, type LockHolderProcess } from './helpers.js';
import { largeState, withEntry } from './journal-helpers.js';

let server: StartedPostgres;
let env: NodeJS.ProcessEnv;
const opened: PostgresStateBackend[] = [];
const holders: LockHolderProcess[] = [];

function settings(workspace: string, schema?: string): StateSettings {
  return { backend: 'postgres', url_env: 'IMAGEFORM_PG_URL', workspace, ...(schema ? { schema } : {}) };
}

async function open(workspace: string, schema?: string): Promise<PostgresStateBackend> {
  const backend = await openPostgresBackend(settings(workspace, schema), env);
  opened.push(backend);
  return backend;
}

async function holdInChild(workspace: string): Promise<LockHolderProcess> {
  const holder = await spawnLockHolder('/nonexistent', settings(workspace), env);
  holders.push(holder);
  return holder;
}

/** The server notices a killed client's closed socket at once, but its backend exits a moment later. */
function lockEventually(workspace: string) {
  return waitFor(
    async () => {
      const backend = await open(workspace);
      try {
        return await backend.lock('apply');
      } catch (err) {
        if ((err as { code?: string }).code === 'state.locked') return undefined;
        throw err;
      }
    },
    { what: `the lock of workspace ${workspace} to be free`, intervalMs: 100 },
  );
}

beforeAll(async () => {
  server = await startPostgres();
  env = { ...process.env, IMAGEFORM_PG_URL: server.url };
});

afterEach(async () => {
  for (const holder of holders.splice(0)) await holder.kill();
  for (const backend of opened.splice(0)) await backend.close();
});

afterAll(async () => {
  await server?.stop();
});

describe('postgres state', () => {
  it('creates its tables on first use, stores, and reads back the exact document', async () => {
    const backend = await open('basics');
    expect(backend.description).toMatch(/^postgres workspace "basics" at 127\.0\.0\.1:\d+\/postgres$/);
    const fresh = await backend.read();
    expect(fresh.serial).toBe(0);
    const next = sampleState(fresh.lineage, 1, { b: 2, a: 1 });
    await backend.write(next);
    expect(await (await open('basics')).read()).toEqual(next);

    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const row = await client.query('SELECT lineage, serial, document FROM imageform_state WHERE workspace = $1', [
      'basics',
    ]);
    await client.end();
    expect(row.rows[0]).toEqual({ lineage: fresh.lineage, serial: '1', document: serializeState(next) });
  });

  it('refuses a racing write from the same serial and loses nothing, even without the lock', async () => {
    const first = await open('race');
    const second = await open('race');
    const { lineage } = await first.read();
    await first.write(sampleState(lineage, 1));
    const results = await Promise.allSettled([
      first.write(sampleState(lineage, 2, { by: 'first' })),
      second.write(sampleState(lineage, 2, { by: 'second' })),
    ]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    expect(fulfilled).toHaveLength(1);
    const winner = results[0]!.status === 'fulfilled' ? 'first' : 'second';
    const refused = await userErrorOf(
      Promise.reject((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason),
    );
    expect(refused.code).toBe('state.serial-mismatch');
    expect((await (await open('race')).read()).resources['image.web']!.attributes.by).toBe(winner);
  });

  it('lets only one of two first writes to an empty workspace through', async () => {
    const results = await Promise.allSettled([
      (await open('first-write')).write(sampleState('lineage-a', 1)),
      (await open('first-write')).write(sampleState('lineage-b', 1)),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('keeps earlier serials for recovery', async () => {
    const backend = await open('history');
    const { lineage } = await backend.read();
    for (let serial = 1; serial <= 3; serial++) await backend.write(sampleState(lineage, serial, { step: serial }));
    expect(await backend.readSerial(2)).toEqual(sampleState(lineage, 2, { step: 2 }));
    expect(await backend.readSerial(42)).toBeUndefined();
    expect((await backend.read()).serial).toBe(3);
  });

  it('keeps workspaces and schemas apart', async () => {
    const a = await open('team-a');
    const b = await open('team-b');
    const inSchema = await open('team-a', 'imageform ci');
    await a.write(sampleState('lineage-a', 1));
    await inSchema.write(sampleState('lineage-s', 1));
    expect((await b.read()).serial).toBe(0);
    expect((await a.read()).lineage).toBe('lineage-a');
    expect((await inSchema.read()).lineage).toBe('lineage-s');
  });
});

/** Runs `sql` on a connection of its own, as another tool looking at the tables would. */
async function query<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

describe('postgres state journal', () => {
  /** A backend that has stored a large document, so its changes go to the journal. */
  async function largeStored(workspace: string): Promise<{ backend: PostgresStateBackend; document: StateDocument }> {
    const backend = await open(workspace);
    const document = largeState((await backend.read()).lineage, 1);
    await backend.write(document);
    return { backend, document };
  }

  it('stores only the changed entries per write, folded by every reader, and compacted at lock release', async () => {
    const { backend, document } = await largeStored('journal');
    const held = await backend.lock('apply');
    const documentRow = await query<{ document: string }>('SELECT document FROM imageform_state WHERE workspace = $1', [
      'journal',
    ]);
    const bytesBefore = backend.bytesWritten;
    let current = document;
    for (const name of ['j1', 'j2', 'j3']) {
      current = withEntry(current, `image.${name}`);
      await backend.writeChanges(current, [`image.${name}`]);
    }
    const resources = { ...current.resources };
    delete resources['image.base-004'];
    current = { ...current, serial: current.serial + 1, resources };
    await backend.writeChanges(current, ['image.base-004']);

    const records = await query<{ serial: string; record: string }>(
      'SELECT serial, record FROM imageform_state_journal WHERE workspace = $1 ORDER BY serial',
      ['journal'],
    );
    expect(
      records.map((row) => [row.serial, Object.keys(JSON.parse(row.record).set), JSON.parse(row.record).removed]),
    ).toEqual([
      ['2', ['image.j1'], []],
      ['3', ['image.j2'], []],
      ['4', ['image.j3'], []],
      ['5', [], ['image.base-004']],
    ]);
    expect(backend.bytesWritten - bytesBefore).toBe(records.reduce((sum, row) => sum + row.record.length, 0));
    // The document itself was not rewritten; readers fold the journal into it.
    expect(await query('SELECT document FROM imageform_state WHERE workspace = $1', ['journal'])).toEqual(documentRow);
    expect(await (await open('journal')).read()).toEqual(current);
    expect(await (await open('journal')).readSerial(3)).toEqual(withEntry(withEntry(document, 'image.j1'), 'image.j2'));

    await held.release();
    expect(await query('SELECT 1 FROM imageform_state_journal WHERE workspace = $1', ['journal'])).toEqual([]);
    const [row] = await query<{ serial: string; document: string }>(
      'SELECT serial, document FROM imageform_state WHERE workspace = $1',
      ['journal'],
    );
    expect(row).toEqual({ serial: '5', document: serializeState(current) });
    expect(await (await open('journal')).readSerial(5)).toEqual(current);
  });

  it('refuses a racing journal write from the same serial, and one from an older read', async () => {
    const { backend, document } = await largeStored('journal-race');
    const other = await open('journal-race');
    const results = await Promise.allSettled([
      backend.writeChanges(withEntry(document, 'image.first'), ['image.first']),
      other.writeChanges(withEntry(document, 'image.second'), ['image.second']),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = await userErrorOf(
      Promise.reject((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason),
    );
    expect(refused.code).toBe('state.serial-mismatch');
    const stored = await (await open('journal-race')).read();
    expect(stored.serial).toBe(2);
    expect(Object.keys(stored.resources).filter((a) => a === 'image.first' || a === 'image.second')).toHaveLength(1);
  });

  it('keeps total bytes proportional to what changed: the document is rewritten when the journal outgrows it', async () => {
    const { backend, document } = await largeStored('journal-growth');
    const documentBytes = Buffer.byteLength(serializeState(document));
    const bytesBefore = backend.bytesWritten;
    let current = document;
    let recordBytes = 0;
    const count = 150;
    for (let i = 0; i < count; i++) {
      const address = `image.grown-${String(i).padStart(3, '0')}`;
      current = withEntry(current, address);
      recordBytes += JSON.stringify(current.resources[address]).length;
      await backend.writeChanges(current, [address]);
    }
    await backend.compact();
    const total = backend.bytesWritten - bytesBefore;
    // The whole document at each write (and in the history) would have been more than 2 × count × documentBytes.
    expect(total).toBeLessThan(count * documentBytes);
    const finalBytes = Buffer.byteLength(serializeState(current));
    // Each whole write (state row and history) is paid for by as many journal bytes.
    expect(total).toBeLessThan(4 * recordBytes + 4 * finalBytes);
    const [sizes] = await query<{ journal: string; document: string }>(
      `SELECT (SELECT coalesce(sum(length(record)), 0) FROM imageform_state_journal WHERE workspace = $1) AS journal,
              (SELECT length(document) FROM imageform_state WHERE workspace = $1) AS document`,
      ['journal-growth'],
    );
    expect(Number(sizes!.journal)).toBe(0);
    expect(Number(sizes!.document)).toBe(finalBytes);
    expect(await (await open('journal-growth')).read()).toEqual(current);
  });

  it('a whole write (state push) replaces document and journal alike', async () => {
    const { backend, document } = await largeStored('journal-push');
    let current = document;
    for (const name of ['p1', 'p2']) {
      current = withEntry(current, `image.${name}`);
      await backend.writeChanges(current, [`image.${name}`]);
    }
    // Same lineage, an older serial than the journal reached: none of its records may apply to it.
    const pushed: StateDocument = { ...document, serial: document.serial + 1, resources: {} };
    await backend.replace(pushed, { lineage: current.lineage, serial: current.serial });
    expect(await (await open('journal-push')).read()).toEqual(pushed);
    expect(await query('SELECT 1 FROM imageform_state_journal WHERE workspace = $1', ['journal-push'])).toEqual([]);
  });

  it('adds its columns to a state table made before the journal, and reads the rows there as they were', async () => {
    const schema = 'before journal';
    const stored = sampleState('old-lineage', 7);
    await query(`CREATE SCHEMA "${schema}"`);
    await query(`CREATE TABLE "${schema}".imageform_state (
      workspace text PRIMARY KEY, lineage text NOT NULL, serial bigint NOT NULL, document text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await query(
      `INSERT INTO "${schema}".imageform_state (workspace, lineage, serial, document) VALUES ($1, $2, $3, $4)`,
      ['old', stored.lineage, stored.serial, serializeState(stored)],
    );
    const backend = await open('old', schema);
    expect(await backend.read()).toEqual(stored);
    // Its size is not known: the first change is written whole, and the ones after it go to the journal.
    const next = withEntry(stored, 'image.new');
    await backend.writeChanges(next, ['image.new']);
    await backend.writeChanges(withEntry(next, 'image.newer'), ['image.newer']);
    expect(await (await open('old', schema)).read()).toEqual(withEntry(next, 'image.newer'));
  });
});

describe('postgres lock', () => {
  it('refuses a second process on the same workspace, naming the holder; other workspaces proceed', async () => {
    const holder = await holdInChild('locked');
    const refused = await userErrorOf((await open('locked')).lock('plan'));
    expect(refused.code).toBe('state.locked');
    expect(refused.message).toBe(
      `state is locked by ${holder.info.who} (pid ${holder.info.pid}) since ${holder.info.created} for "apply"; lock ID ${holder.info.id}`,
    );
    expect(refused.hint).toContain(`imageform force-unlock ${holder.info.id}`);
    expect(await (await open('locked')).readLockInfo()).toEqual(holder.info);

    const elsewhere = await (await open('not-locked')).lock('apply');
    expect(elsewhere.info.id).toBeTruthy();
  });

  it('refuses a second lock in the same process, and takes it after release', async () => {
    const first = await open('in-process');
    const held = await first.lock('apply');
    expect((await userErrorOf(first.lock('apply'))).code).toBe('state.locked');
    expect((await userErrorOf((await open('in-process')).lock('apply'))).message).toContain(held.info.id);
    await held.release();
    expect(await (await open('in-process')).readLockInfo()).toBeUndefined();
    await (await open('in-process')).lock('apply');
  });

  it('frees the lock when the holder process is killed', async () => {
    const holder = await holdInChild('killed');
    expect((await userErrorOf((await open('killed')).lock('apply'))).code).toBe('state.locked');
    await holder.kill();
    const held = await lockEventually('killed');
    expect((await (await open('killed')).readLockInfo())?.id).toBe(held.info.id);
  });

  it('force-unlocks only with the right ID, ending the holder session', async () => {
    const holder = await holdInChild('stale');
    const admin = await open('stale');
    const wrong = await userErrorOf(admin.forceUnlock('wrong-id'));
    expect(wrong.code).toBe('state.lock-id-mismatch');
    expect(wrong.message).toContain(holder.info.id);

    await admin.forceUnlock(holder.info.id);
    expect(await admin.readLockInfo()).toBeUndefined();
    await (await open('stale')).lock('apply');
    expect((await userErrorOf(admin.forceUnlock(holder.info.id))).code).toBe('state.lock-id-mismatch');
  });

  it('a holder whose session was ended fails its next write cleanly and writes nothing', async () => {
    const victim = await open('ended');
    const { lineage } = await victim.read();
    await victim.write(sampleState(lineage, 1));
    const held = await victim.lock('apply');
    await (await open('ended')).forceUnlock(held.info.id);

    const lost = await userErrorOf(victim.write(sampleState(lineage, 2, { late: true })));
    expect(lost.code).toBe('state.postgres-connection-lost');
    expect((await (await open('ended')).read()).serial).toBe(1);
    await held.release();
  });
});

describe('postgres connection problems', () => {
  const password = (): string => new URL(server.url).password;

  it('needs the URL variable', async () => {
    const missing = await userErrorOf(openPostgresBackend(settings('x'), {}));
    expect(missing.code).toBe('state.postgres-url-missing');
    expect(missing.message).toContain('IMAGEFORM_PG_URL');
    const invalid = await userErrorOf(
      openPostgresBackend(settings('x'), { IMAGEFORM_PG_URL: 'mysql://u:hunter22@h/db' }),
    );
    expect(invalid.code).toBe('state.postgres-url-invalid');
    expect(invalid.message).not.toContain('hunter22');
  });

  it('says in one line that nothing answers, without the URL', async () => {
    const url = new URL(server.url);
    url.port = String(await closedPort());
    const backend = await openPostgresBackend(settings('x'), { IMAGEFORM_PG_URL: url.toString() });
    opened.push(backend);
    const failure = await userErrorOf(backend.read());
    expect(failure.code).toBe('state.postgres-unreachable');
    expect(failure.message).toBe(`cannot reach PostgreSQL at 127.0.0.1:${url.port}/postgres (ECONNREFUSED)`);
  });

  it('gives up on a server that never answers', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = new URL(server.url);
      url.port = String(portOf(silent));
      const backend = await openPostgresBackend(
        settings('x'),
        { IMAGEFORM_PG_URL: url.toString() },
        { connectTimeoutMs: 300 },
      );
      opened.push(backend);
      const failure = await userErrorOf(backend.read());
      expect(failure.code).toBe('state.postgres-timeout');
      expect(failure.message).not.toContain(password());
    } finally {
      silent.close();
    }
  });

  it('reports a refused login without the password', async () => {
    const url = new URL(server.url);
    url.password = 'not-the-password';
    const backend = await openPostgresBackend(settings('x'), { IMAGEFORM_PG_URL: url.toString() });
    opened.push(backend);
    const failure = await userErrorOf(backend.read());
    expect(failure.code).toBe('state.postgres-auth');
    expect(failure.message).not.toContain('not-the-password');
    expect(failure.message).toContain('password authentication failed');
  });
});

function portOf(listening: Server): number {
  const address = listening.address();
  return typeof address === 'object' && address ? address.port : 0;
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = portOf(probe);
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
