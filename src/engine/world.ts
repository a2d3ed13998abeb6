import { DEFAULT_PROVIDER_NAME } from '../config/model.js';
import type { ResourceState } from '../state/state.js';
import type { Cloud, CloudClient } from './cloud.js';
import type { ResourceKind } from './resource-kind.js';
import type { CloudSnapshot } from './snapshot.js';

/**
 * The providers a plan spans, by name: each with its cloud and what its refresh saw. The planner reads kinds and
 * cloud facts only through this.
 */
export interface ProviderView {
  // The engine treats every cloud alike; the variance of client and snapshot types ends at this boundary.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  cloud: Cloud<any, any>;
  snapshot: CloudSnapshot;
}

export type World = ReadonlyMap<string, ProviderView>;

/** Providers with their open clients, for apply. */
export interface ApplyProviderView extends ProviderView {
  client: CloudClient;
}

export type ApplyWorld = ReadonlyMap<string, ApplyProviderView>;

/**
 * The provider a state entry belongs to. Entries written before providers had names carry none: they belong to
 * the only provider when there is one, else to `default`.
 */
export function entryProvider(world: ReadonlyMap<string, unknown>, entry: Pick<ResourceState, 'provider'>): string {
  if (entry.provider) return entry.provider;
  if (world.size === 1) return world.keys().next().value!;
  return DEFAULT_PROVIDER_NAME;
}

export function kindOf(world: World, provider: string, kind: string): ResourceKind | undefined {
  return world.get(provider)?.cloud.kinds.find((candidate: ResourceKind) => candidate.kind === kind);
}
