import type { ResourceState, StateDocument } from './state.js';

/**
 * The one textual form of a state document, shared by every backend and by `state pull`: fixed key order at the
 * top and in each resource, resources by address, attribute keys sorted. The same document always gives the same
 * bytes, so state files diff cleanly and a migration between backends round-trips byte for byte.
 */
export function serializeState(document: StateDocument): string {
  const resources: Record<string, unknown> = {};
  for (const address of Object.keys(document.resources).sort()) {
    resources[address] = orderResource(document.resources[address]!);
  }
  const ordered = {
    version: document.version,
    lineage: document.lineage,
    serial: document.serial,
    resources,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
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
