import type { ResourceState, StateDocument } from '../../src/state/state.js';
import { JOURNAL_FROM_BYTES } from '../../src/state/local.js';

/** An image entry of about the size a real one has (a few KB of attributes). */
export function imageEntry(name: string, status = 'available'): ResourceState {
  return {
    kind: 'image',
    id: `r006-${name}`,
    attributes: { name, status, description: 'x'.repeat(2000), file: { checksums: { sha256: 'a'.repeat(64) } } },
    dependencies: [],
    lifecycle: { prevent_destroy: false, deletion_policy: 'delete' },
  };
}

/** A state large enough that writes go to the journal (above JOURNAL_FROM_BYTES). */
export function largeState(lineage: string, serial: number): StateDocument {
  const resources: Record<string, ResourceState> = {};
  const count = Math.ceil(JOURNAL_FROM_BYTES / 2000) + 2;
  for (let i = 0; i < count; i++) resources[`image.base-${String(i).padStart(3, '0')}`] = imageEntry(`base-${i}`);
  return { version: 1, lineage, serial, resources };
}

/** `document` one serial on, with `address` set (or removed, with `entry` undefined). */
export function withEntry(
  document: StateDocument,
  address: string,
  entry: ResourceState | undefined = imageEntry(address.slice('image.'.length)),
): StateDocument {
  const resources = { ...document.resources };
  if (entry) resources[address] = entry;
  else delete resources[address];
  const sorted = Object.fromEntries(Object.entries(resources).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { ...document, serial: document.serial + 1, resources: sorted };
}
