import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateWriter } from '../../src/engine/state-writer.js';
import { LocalStateBackend } from '../../src/state/local.js';
import { makeTempDir } from './helpers.js';
import { imageEntry, largeState } from './journal-helpers.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let backend: LocalStateBackend;

beforeEach(async () => {
  temp = await makeTempDir();
  backend = new LocalStateBackend(temp.dir);
});

afterEach(async () => {
  await backend.close();
  await temp.remove();
});

/** A writer over a large stored state, so its writes go to the journal. */
async function writerOverLargeState(): Promise<StateWriter> {
  const document = largeState((await backend.read()).lineage, 1);
  await backend.write(document);
  return new StateWriter(backend, document);
}

function journalRecords(text: string): { serial: number; set: Record<string, unknown>; removed: string[] }[] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { serial: number; set: Record<string, unknown>; removed: string[] });
}

describe('StateWriter over a backend with a journal', () => {
  it('writes only the entries each record changed; documents read back are in address order', async () => {
    const writer = await writerOverLargeState();
    await writer.record('image.zz-new', imageEntry('zz-new'));
    await writer.record('image.aa-new', imageEntry('aa-new'));
    await writer.record('image.base-003', undefined);

    const records = journalRecords(await readFile(join(temp.dir, '.imageform', 'state.journal'), 'utf8'));
    expect(records.map((record) => [record.serial, Object.keys(record.set), record.removed])).toEqual([
      [2, ['image.zz-new'], []],
      [3, ['image.aa-new'], []],
      [4, [], ['image.base-003']],
    ]);
    const read = await backend.read();
    expect(Object.keys(read.resources)).toEqual(Object.keys(read.resources).sort());
    expect(read).toEqual(writer.current);
  });

  it('a record that repeats what is stored writes nothing and leaves the serial alone', async () => {
    const writer = await writerOverLargeState();
    const bytes = backend.bytesWritten;
    const entry = writer.current.resources['image.base-000']!;
    await writer.record('image.base-000', structuredClone(entry));
    await writer.recordAll(() => false);
    expect(writer.current.serial).toBe(1);
    expect(backend.bytesWritten).toBe(bytes);
    await expect(stat(join(temp.dir, '.imageform', 'state.journal'))).rejects.toThrow();
    expect((await backend.read()).serial).toBe(1);
  });

  it('records made while a write runs join the next write: one record for the batch', async () => {
    const writer = await writerOverLargeState();
    await Promise.all(['b1', 'b2', 'b3', 'b4'].map((name) => writer.record(`image.${name}`, imageEntry(name))));
    const records = journalRecords(await readFile(join(temp.dir, '.imageform', 'state.journal'), 'utf8'));
    // The first write starts alone; the three made during it are one record.
    expect(records.map((record) => Object.keys(record.set).sort())).toEqual([
      ['image.b1'],
      ['image.b2', 'image.b3', 'image.b4'],
    ]);
    expect(writer.current.serial).toBe(3);
    expect(await backend.read()).toEqual(writer.current);
  });

  it('leaves the document it started from as it was, and replaces entries rather than editing them', async () => {
    const document = largeState((await backend.read()).lineage, 1);
    await backend.write(document);
    const before = structuredClone(document);
    const writer = new StateWriter(backend, document);
    const first = writer.current.resources['image.base-001']!;
    await writer.record('image.base-001', imageEntry('base-1', 'deprecated'));
    await writer.record('image.base-002', undefined);
    expect(document).toEqual(before);
    expect(first.attributes.status).toBe('available');
    expect(writer.current.resources['image.base-001']!.attributes.status).toBe('deprecated');
    expect('image.base-002' in writer.current.resources).toBe(false);
    expect(writer.current.serial).toBe(3);
  });

  it('a write the backend refuses changes nothing recorded, and the next one goes on from there', async () => {
    const writer = await writerOverLargeState();
    // Another writer moves the stored serial on: this writer's next write is refused by the serial check.
    const other = new LocalStateBackend(temp.dir);
    const stored = await other.read();
    await other.write({ ...stored, serial: stored.serial + 1 });
    await other.close();
    await expect(writer.record('image.refused', imageEntry('refused'))).rejects.toThrow(/serial/);
    expect(writer.current.serial).toBe(1);
    expect(writer.current.resources['image.refused']).toBeUndefined();
  });

  it('finds entries by kind and id, as recorded and as changed earlier in the same write', async () => {
    const writer = await writerOverLargeState();
    const seen: string[][] = [];
    const lookUp = (id: string) =>
      writer.recordAll((_, entries) => {
        seen.push(entries.withId('image', id).map(([address]) => address));
        return false;
      });
    await lookUp('r006-base-5');
    await Promise.all([
      writer.record('image.moved', imageEntry('base-5')),
      writer.record('image.other', imageEntry('other')),
      writer.recordAll((resources, entries) => {
        // Made while the first write runs, in one batch with image.other: that record is seen already.
        seen.push(entries.withId('image', 'r006-other').map(([address]) => address));
        delete resources['image.base-005'];
        return true;
      }),
    ]);
    await lookUp('r006-base-5');
    expect(seen).toEqual([['image.base-005'], ['image.other'], ['image.moved']]);
  });

  it('enumerating the resources inside an update sees the batch, as a copy would', async () => {
    const writer = await writerOverLargeState();
    const count = Object.keys(writer.current.resources).length;
    let seen: string[] = [];
    await writer.recordAll((resources) => {
      resources['image.added'] = imageEntry('added');
      delete resources['image.base-000'];
      seen = Object.keys(resources);
      return true;
    });
    expect(seen).toHaveLength(count);
    expect(seen).toContain('image.added');
    expect(seen).not.toContain('image.base-000');
    expect(JSON.parse(JSON.stringify(writer.current.resources))).toEqual((await backend.read()).resources);
  });
});
