import { randomUUID } from 'node:crypto';
import { STATE_VERSION, type StateDocument } from './state.js';

/** What a backend with nothing stored yet reads as: serial 0 and a lineage of its own. */
export function freshState(): StateDocument {
  return { version: STATE_VERSION, lineage: randomUUID(), serial: 0, resources: {} };
}
