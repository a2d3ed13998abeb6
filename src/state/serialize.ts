import type { ResourceState, StateDocument } from './state.js';

/**
 * The one textual form of a state document, shared by every backend and by `state pull`: fixed key order at the
 * top and in each resource, resources by address, attribute keys sorted. The same document always gives the same
 * bytes, so state files diff cleanly and a migration between backends round-trips byte for byte.
 */
export function serializeState(document: StateDocument): string {
  const addresses = Object.keys(document.resources).sort();
  const head = `{\n  "version": ${JSON.stringify(document.version)},\n  "lineage": ${JSON.stringify(document.lineage)},\n  "serial": ${JSON.stringify(document.serial)},\n  "resources": `;
  if (addresses.length === 0) return `${head}{}\n}\n`;
  const entries = addresses.map(
    (address) => `    ${JSON.stringify(address)}: ${entryText(document.resources[address]!)}`,
  );
  return `${head}{\n${entries.join(',\n')}\n  }\n}\n`;
}

/**
 * An entry's text as JSON.stringify(document, null, 2) prints it at its depth (under "resources"). Entries are
 * replaced, never edited (StateWriter), so the text of one is computed once: a large apply rewrites the document
 * several times, and each time only the entries that changed since are ordered and printed again.
 */
const entryTexts = new WeakMap<ResourceState, string>();

function entryText(entry: ResourceState): string {
  let text = entryTexts.get(entry);
  if (text === undefined) {
    text = JSON.stringify(orderResource(entry), null, 2).replaceAll('\n', '\n    ');
    entryTexts.set(entry, text);
  }
  return text;
}

function orderResource(resource: ResourceState): Record<string, unknown> {
  const { kind, id, attributes, dependencies, lifecycle, intent, ...rest } = resource;
  const ordered: Record<string, unknown> = {
    kind,
    id,
    attributes: sortKeys(attributes),
    dependencies: [...dependencies].sort(),
    lifecycle: sortKeys(lifecycle),
  };
  if (intent !== undefined) ordered.intent = sortKeys(intent);
  // Fields added by a later version are kept, not dropped.
  for (const key of Object.keys(rest).sort()) ordered[key] = sortKeys((rest as Record<string, unknown>)[key]);
  return ordered;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}
