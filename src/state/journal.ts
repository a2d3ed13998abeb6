import { UserError } from '../core/errors.js';
import { checkStateDocument } from './parse.js';
import type { ResourceState, StateDocument } from './state.js';

/**
 * One record of a state journal: the entries one write changed, as one JSON line. `set` holds each changed entry
 * as it now is, `removed` the addresses it dropped. A record applies to the document of `serial - 1` of its lineage.
 */
export interface JournalRecord {
  lineage: string;
  serial: number;
  set: Record<string, ResourceState>;
  removed: string[];
}

/** The line that records `next` where it differs from the previous serial only at `changed`. */
export function journalLine(next: StateDocument, changed: readonly string[]): string {
  const set: Record<string, ResourceState> = {};
  const removed: string[] = [];
  for (const address of changed) {
    const entry = next.resources[address];
    if (entry) set[address] = entry;
    else removed.push(address);
  }
  const record: JournalRecord = { lineage: next.lineage, serial: next.serial, set, removed };
  return `${JSON.stringify(record)}\n`;
}

export type FoldResult =
  | { ok: true; document: StateDocument; records: number }
  /** A record further on than the document's next serial: the document was replaced while the journal was read. */
  | { ok: false; expected: number; found: number };

/**
 * `document` with the journal's records applied in order. Records the document already contains (a serial not
 * above its own: left by a compaction that stopped between its two steps) or of another lineage (left before the
 * document was replaced) are skipped. A last line without its newline is a record whose write never finished, and
 * never acknowledged: it is ignored.
 */
export function foldJournal(document: StateDocument, text: string, source: string): FoldResult {
  const lines = text.split('\n');
  // After the last newline: empty, or a torn record.
  lines.pop();
  let resources: Record<string, ResourceState> | undefined;
  let serial = document.serial;
  let records = 0;
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const record = parseRecord(line);
    if (record === undefined) {
      // A complete line that is not a record can only be the tail of an interrupted write if nothing follows it.
      if (lines.slice(index + 1).every((rest) => rest.trim() === '')) break;
      throw corruptJournal(source, `line ${index + 1} is not a journal record`);
    }
    if (record.lineage !== document.lineage || record.serial <= serial) continue;
    if (record.serial !== serial + 1) return { ok: false, expected: serial + 1, found: record.serial };
    resources ??= { ...document.resources };
    for (const [address, entry] of Object.entries(record.set)) resources[address] = entry;
    for (const address of record.removed) delete resources[address];
    serial = record.serial;
    records++;
  }
  if (resources === undefined) return { ok: true, document, records };
  const folded = checkStateDocument(
    { version: document.version, lineage: document.lineage, serial, resources: sortByAddress(resources) },
    source,
  );
  return { ok: true, document: folded, records };
}

function parseRecord(line: string): JournalRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const { lineage, serial, set, removed } = value as Partial<JournalRecord>;
  if (typeof lineage !== 'string' || !Number.isInteger(serial)) return undefined;
  if (set === null || typeof set !== 'object' || Array.isArray(set)) return undefined;
  if (!Array.isArray(removed) || removed.some((address) => typeof address !== 'string')) return undefined;
  return { lineage, serial: serial!, set, removed };
}

/** Readers see resources by address, as a document read from its file has them. */
export function sortByAddress<T>(resources: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(resources).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function corruptJournal(source: string, reason: string): UserError {
  return UserError.of(
    'state.corrupt',
    `${source}: not a valid imageform state journal: ${reason}`,
    'restore the state from a backup or from "imageform state pull" of a good copy',
  );
}
