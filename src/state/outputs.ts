import type { ResourceState } from './state.js';

/**
 * What `imageform output` shows of a managed resource: exactly the attributes a `${KIND.NAME.ATTR}` reference can
 * read (its kind's declaration says which), as state last recorded them (null where the cloud object has none, e.g. no deprecation date). State holds
 * no secret, and these names hold none either: write-only inputs (under `inputs`) are never among them.
 */
export function resourceOutputs(
  resource: ResourceState,
  referenceAttributes: readonly string[],
): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const attribute of referenceAttributes.length ? referenceAttributes : ['id']) {
    outputs[attribute] = attribute === 'id' ? resource.id : (resource.attributes[attribute] ?? null);
  }
  return outputs;
}
