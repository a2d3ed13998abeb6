import { spawn } from 'node:child_process';
import { appendFile, copyFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LocalStateBackend } from '../../src/state/local.js';
import { serializeState } from '../../src/state/serialize.js';
import type { StateDocument } from '../../src/state/state.js';
import { useLocalBackends, userErrorOf } from './helpers.js';
import { imageEntry, largeState, withEntry } from './journal-helpers.js';

const local = useLocalBackends();
const backend = (): LocalStateBackend => local.backend();
const paths = () => ({
  state: join(local.dir(), '.imageform', 'state.json'),
  journal: join(local.dir(), '.imageform', 'state.journal'),
});

/** A backend that has written a large state of its own, so its next writes can go to the journal. */
async function largeStored(): Promise<{ state: LocalStateBackend; document: StateDocument }> {
  const state = backend();
  const document = largeState((await state.read()).lineage, 1);
  await state.write(document);
  return { state, document };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

const writerScript = fileURLToPath(new URL('./fixtures/journal-writer.ts', import.meta.url));

/** A separate process that writes `records` journal records, then exits by process.exit or is killed. */
async function journalWriter(records: number, ending: 'exit' | 'kill'): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', writerScript, local.dir(), String(records), ending === 'exit' ? 'exit' : 'hold'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('written') && resolve());
    void exited.then(() => reject(new Error(`the journal writer exited before writing: ${stderr}`)));
  }).catch((err: unknown) => {
    if (ending === 'exit' && child.exitCode === 0) return;
    throw err;
  });
  if (ending === 'kill') child.kill('SIGKILL');
  await exited;
}

describe('local state journal', () => {
  it('rewrites a small document whole: no journal below the size where it pays', async () => {
    const state = backend();
    const { lineage } = await state.read();
    const first: StateDocument = { version: 1, lineage, serial: 1, resources: { 'image.a': imageEntry('a') } };
    await state.write(first);
    const second = withEntry(first, 'image.b');
    await state.writeChanges(second, ['image.b']);
    expect(await exists(paths().journal)).toBe(false);
    expect(await readFile(paths().state, 'utf8')).toBe(serializeState(second));
  });

  it('appends only the changed entries, mode 0600, and every reader folds them into the document', async () => {
    const { state, document } = await largeStored();
    const stateBefore = await readFile(paths().state, 'utf8');
    const bytesBefore = state.bytesWritten;
    let current = withEntry(document, 'image.new');
    await state.writeChanges(current, ['image.new']);
    current = withEntry(current, 'image.base-000', { ...imageEntry('base-000', 'deprecated') });
    await state.writeChanges(current, ['image.base-000']);
    current = withEntry(current, 'image.base-001', undefined);
    await state.writeChanges(current, ['image.base-001']);

    // The document is untouched; the journal holds three records, about one entry each.
    expect(await readFile(paths().state, 'utf8')).toBe(stateBefore);
    expect((await stat(paths().journal)).mode & 0o777).toBe(0o600);
    const journal = await readFile(paths().journal, 'utf8');
    expect(journal.trimEnd().split('\n')).toHaveLength(3);
    expect(state.bytesWritten - bytesBefore).toBe(Buffer.byteLength(journal));
    expect(journal.length).toBeLessThan(3 * JSON.stringify(imageEntry('x')).length + 1000);

    const read = await backend().read();
    expect(read).toEqual(current);
    expect(Object.keys(read.resources)).toEqual(Object.keys(read.resources).sort());
  });

  it('ignores a torn last line, and refuses a journal whose damage is followed by records', async () => {
    const { state, document } = await largeStored();
    const next = withEntry(document, 'image.kept');
    await state.writeChanges(next, ['image.kept']);
    const whole = await readFile(paths().journal, 'utf8');

    // A kill -9 in the middle of the next record's write.
    await appendFile(paths().journal, whole.slice(0, 40));
    expect(await backend().read()).toEqual(next);

    // Damage in the middle is not a torn write: the file is named.
    await writeFile(paths().journal, `{"not a record"\n${whole}`);
    const refused = await userErrorOf(backend().read());
    expect(refused.code).toBe('state.corrupt');
    expect(refused.message).toContain('state.journal');
  });

  it('skips records the document already holds (a compaction cut short between rename and removal)', async () => {
    const { state, document } = await largeStored();
    const next = withEntry(document, 'image.one');
    await state.writeChanges(next, ['image.one']);
    const journalCopy = join(local.dir(), 'journal-copy');
    await copyFile(paths().journal, journalCopy);
    await state.compact();
    expect(await exists(paths().journal)).toBe(false);
    await copyFile(journalCopy, paths().journal);
    const read = await backend().read();
    expect(read).toEqual(next);
  });

  it('moves the serial by one per write and refuses a writer working from an older read', async () => {
    const { state, document } = await largeStored();
    const other = backend();
    const seenByOther = await other.read();
    const next = withEntry(document, 'image.first');
    await state.writeChanges(next, ['image.first']);
    expect((await backend().read()).serial).toBe(document.serial + 1);

    const stale = withEntry(seenByOther, 'image.second');
    const refused = await userErrorOf(other.writeChanges(stale, ['image.second']));
    expect(refused.code).toBe('state.serial-mismatch');
    const skipped = await userErrorOf(state.writeChanges({ ...next, serial: next.serial + 2 }, []));
    expect(skipped.code).toBe('state.serial-mismatch');
    expect(await backend().read()).toEqual(next);
  });

  it('a journal owner whose document another writer replaced is refused, and nothing of the other is lost', async () => {
    const { state, document } = await largeStored();
    const mine = withEntry(document, 'image.mine');
    await state.writeChanges(mine, ['image.mine']);
    const other = backend();
    const theirs = withEntry(await other.read(), 'image.theirs');
    await other.writeChanges(theirs, ['image.theirs']);
    // The other writer folded our journal into its own document: our open journal has no name any more.
    const refused = await userErrorOf(state.writeChanges(withEntry(mine, 'image.late'), ['image.late']));
    expect(refused.code).toBe('state.serial-mismatch');
    expect(await backend().read()).toEqual(theirs);
  });

  it('keeps total bytes proportional to what changed: the document is rewritten only when the journal outgrows it', async () => {
    const { state, document } = await largeStored();
    const documentBytes = Buffer.byteLength(serializeState(document));
    const bytesBefore = state.bytesWritten;
    let current = document;
    let recordBytes = 0;
    const count = 400;
    for (let i = 0; i < count; i++) {
      const address = `image.grown-${String(i).padStart(3, '0')}`;
      current = withEntry(current, address);
      recordBytes += JSON.stringify(current.resources[address]).length;
      await state.writeChanges(current, [address]);
      // The journal never grows past the document it extends.
      const journal = await stat(paths().journal).catch(() => undefined);
      if (journal) expect(journal.size).toBeLessThanOrEqual((await stat(paths().state)).size);
    }
    await state.compact();
    const total = state.bytesWritten - bytesBefore;
    // Rewriting the whole document at each write would have cost more than count × documentBytes.
    expect(total).toBeLessThan(count * documentBytes);
    // Each rewrite is paid for by as many journal bytes: a small multiple of the records plus the final document.
    const finalBytes = Buffer.byteLength(serializeState(current));
    expect(total).toBeLessThan(4 * recordBytes + 2 * finalBytes);
    expect(await backend().read()).toEqual(current);
  });

  it('folds the journal into state.json when the lock is released, keeping the serial', async () => {
    const { state, document } = await largeStored();
    const held = await state.lock('apply');
    const next = withEntry(document, 'image.locked');
    await state.writeChanges(next, ['image.locked']);
    expect(await exists(paths().journal)).toBe(true);
    await held.release();
    expect(await exists(paths().journal)).toBe(false);
    expect(await readFile(paths().state, 'utf8')).toBe(serializeState(next));
    expect((await readdir(join(local.dir(), '.imageform'))).sort()).toEqual(['.gitignore', 'state.json']);
  });

  it('a run that takes the lock appends its first change too: a large unchanged document is not rewritten', async () => {
    const { document } = await largeStored();
    const stateBefore = await readFile(paths().state, 'utf8');
    const run = backend();
    const held = await run.lock('apply');
    const next = withEntry(document, 'image.one-change');
    await run.writeChanges(next, ['image.one-change']);
    expect(await readFile(paths().state, 'utf8')).toBe(stateBefore);
    const recordBytes = (await stat(paths().journal)).size;
    expect(run.bytesWritten).toBe(recordBytes);
    await held.release();
    // At rest: the one rewrite of the document is at the end.
    expect(run.bytesWritten).toBe(recordBytes + Buffer.byteLength(serializeState(next)));
    expect(await readFile(paths().state, 'utf8')).toBe(serializeState(next));
  });

  it('state push replaces document and journal, whatever serial it brings', async () => {
    const { state, document } = await largeStored();
    let current = document;
    for (const name of ['p1', 'p2', 'p3']) {
      current = withEntry(current, `image.${name}`);
      await state.writeChanges(current, [`image.${name}`]);
    }
    // Same lineage, older serial (push --force): no record of the old journal may apply to it.
    const pushed: StateDocument = { ...document, serial: document.serial + 1, resources: {} };
    await state.replace(pushed, { lineage: current.lineage, serial: current.serial });
    expect(await exists(paths().journal)).toBe(false);
    expect(await backend().read()).toEqual(pushed);
  });

  it('a process that exits mid-apply (process.exit, as a second Ctrl-C) leaves state.json whole', async () => {
    await journalWriter(3, 'exit');
    expect(await exists(paths().journal)).toBe(false);
    const read = await backend().read();
    expect(Object.keys(read.resources)).toEqual(expect.arrayContaining(['image.added-0', 'image.added-2']));
    expect(JSON.parse(await readFile(paths().state, 'utf8'))).toEqual(read);
  }, 30_000);

  it('after a kill -9 the journal is folded by every read, and by the next lock taken', async () => {
    await journalWriter(3, 'kill');
    expect(await exists(paths().journal)).toBe(true);
    const read = await backend().read();
    expect(read.serial).toBe(4);
    expect(Object.keys(read.resources)).toEqual(expect.arrayContaining(['image.added-0', 'image.added-2']));

    const next = backend();
    const held = await next.lock('apply');
    expect(await exists(paths().journal)).toBe(false);
    expect(JSON.parse(await readFile(paths().state, 'utf8'))).toEqual(read);
    // The next run's journal starts afresh on its own document.
    const more = withEntry(read, 'image.after');
    await next.writeChanges(more, ['image.after']);
    await next.writeChanges(withEntry(more, 'image.after2'), ['image.after2']);
    expect(await backend().read()).toEqual(withEntry(more, 'image.after2'));
    await held.release();
  }, 30_000);
});
