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
  it('writes only the entries each record changed, and keeps resources in address order', async () => {
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
    const addresses = Object.keys(writer.current.resources);
    expect(addresses).toEqual([...addresses].sort());
    expect(await backend.read()).toEqual(writer.current);
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
});
