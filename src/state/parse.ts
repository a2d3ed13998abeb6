import type { Kind } from '../core/document.js';
import { UserError } from '../core/errors.js';
import { STATE_VERSION, type ResourceState, type StateDocument } from './state.js';

/**
 * Read a state document from text, checking its shape so a hand-edited or truncated file fails here with the
 * place named, never later inside the engine. `source` is how the user knows the text (a path, or a backend).
 */
/** `kinds`: the kinds a document may hold (a pushed file is checked against the registered clouds'). */
export function parseStateDocument(text: string, source: string, kinds?: readonly string[]): StateDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw corrupt(source, `not valid JSON (${reason})`);
  }
  return checkStateDocument(value, source, kinds);
}

export function checkStateDocument(value: unknown, source: string, kinds?: readonly string[]): StateDocument {
  if (!isObject(value)) throw corrupt(source, 'the document must be a JSON object');
  const { version, lineage, serial, resources } = value;
  if (!Number.isInteger(version) || (version as number) < 1)
    throw corrupt(source, '"version" must be a positive integer');
  if ((version as number) > STATE_VERSION) {
    throw UserError.of(
      'state.newer-version',
      `${source}: state version ${String(version)} was written by a newer imageform (this one reads up to ${STATE_VERSION})`,
      'upgrade imageform',
    );
  }
  if (typeof lineage !== 'string' || lineage === '') throw corrupt(source, '"lineage" must be a non-empty string');
  if (!Number.isInteger(serial) || (serial as number) < 0)
    throw corrupt(source, '"serial" must be a non-negative integer');
  if (!isObject(resources)) throw corrupt(source, '"resources" must be an object keyed by address');
  const checked: Record<string, ResourceState> = {};
  for (const [address, resource] of Object.entries(resources)) {
    checked[address] = checkResource(resource, `${source}: resources["${address}"]`, kinds);
  }
  return { version: version as number, lineage, serial: serial as number, resources: checked };
}

function checkResource(value: unknown, where: string, kinds: readonly string[] | undefined): ResourceState {
  if (!isObject(value)) throw corruptAt(where, 'must be an object');
  const { kind, id, attributes, dependencies, lifecycle } = value;
  // Stored state may hold kinds of a cloud no longer configured: the plan says so; a pushed file is checked here.
  if (typeof kind !== 'string' || kind === '' || (kinds && !kinds.includes(kind))) {
    throw corruptAt(where, kinds ? `"kind" must be one of ${kinds.join(', ')}` : '"kind" must be a kind name');
  }
  if (id !== null && typeof id !== 'string') throw corruptAt(where, '"id" must be a string or null');
  if (!isObject(attributes)) throw corruptAt(where, '"attributes" must be an object');
  if (!Array.isArray(dependencies) || dependencies.some((d) => typeof d !== 'string')) {
    throw corruptAt(where, '"dependencies" must be a list of addresses');
  }
  // Documents written by hand or by an early version may lack lifecycle; the defaults are the safe reading.
  let checkedLifecycle: ResourceState['lifecycle'] = { prevent_destroy: false, deletion_policy: 'delete' };
  if (lifecycle !== undefined) {
    if (
      !isObject(lifecycle) ||
      typeof lifecycle.prevent_destroy !== 'boolean' ||
      (lifecycle.deletion_policy !== 'delete' && lifecycle.deletion_policy !== 'orphan')
    ) {
      throw corruptAt(where, '"lifecycle" must be { prevent_destroy: boolean, deletion_policy: delete | orphan }');
    }
    checkedLifecycle = { prevent_destroy: lifecycle.prevent_destroy, deletion_policy: lifecycle.deletion_policy };
  }
  return {
    ...(value as object),
    kind: kind as Kind,
    id,
    attributes,
    dependencies,
    lifecycle: checkedLifecycle,
  } as ResourceState;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function corrupt(source: string, reason: string): UserError {
  return corruptAt(source, reason);
}

function corruptAt(where: string, reason: string): UserError {
  return UserError.of(
    'state.corrupt',
    `${where}: not a valid imageform state document: ${reason}`,
    'restore it from a backup or from "imageform state pull" of a good copy',
  );
}
