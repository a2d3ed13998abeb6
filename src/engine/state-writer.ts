import { sameValue } from '../state/same-value.js';
import type { ResourceState, StateBackend, StateDocument } from '../state/state.js';

/**
 * Serialises state writes. A record resolves once a write that contains it is durable, so an intent is stored
 * before its API call. Records made while a write is running join the next one: a large apply at parallelism 10
 * writes a fraction as often as it records. Each write names the addresses it changed, so a backend with a journal
 * stores just those entries rather than the whole (growing) document (DESIGN.md §9).
 */
export class StateWriter {
  private queued: { update: (resources: Record<string, ResourceState>) => boolean; settle: (err?: unknown) => void }[] =
    [];
  private writing = false;

  constructor(
    private readonly backend: StateBackend,
    public current: StateDocument,
  ) {}

  record(address: string, entry: ResourceState | undefined): Promise<void> {
    return this.recordAll((resources) => {
      if (entry) resources[address] = entry;
      else delete resources[address];
      return true;
    });
  }

  /** Apply `update` to the resources and store them; `update` returns false when it changed nothing. */
  recordAll(update: (resources: Record<string, ResourceState>) => boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ update, settle: (err) => (err === undefined ? resolve() : reject(err)) });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.queued.length) {
      const batch = this.queued.splice(0);
      // Shallow: updaters replace entries rather than edit them (a deep copy per write would be O(n) each).
      const resources = { ...this.current.resources };
      let updated = false;
      for (const { update } of batch) updated = update(resources) || updated;
      // A record that repeats what is stored is no write: the serial moves only when state does.
      const changed = updated ? changedAddresses(this.current.resources, resources) : [];
      try {
        if (changed.length) {
          const next: StateDocument = {
            ...this.current,
            serial: this.current.serial + 1,
            resources: inAddressOrder(resources, this.current.resources, changed),
          };
          if (this.backend.writeChanges) await this.backend.writeChanges(next, changed);
          else await this.backend.write(next);
          this.current = next;
        }
        for (const { settle } of batch) settle();
      } catch (err) {
        for (const { settle } of batch) settle(err ?? new Error('state write failed'));
      }
    }
    this.writing = false;
  }
}

/**
 * Addresses whose entry was added, removed or replaced by a different value. Entries an updater did not replace are
 * the same objects: only replaced ones are compared by value.
 */
function changedAddresses(before: Record<string, ResourceState>, after: Record<string, ResourceState>): string[] {
  const changed: string[] = [];
  for (const address of Object.keys(after)) {
    const old = before[address];
    if (old !== after[address] && (old === undefined || !sameValue(old, after[address]))) changed.push(address);
  }
  for (const address of Object.keys(before)) if (!(address in after)) changed.push(address);
  return changed;
}

/**
 * `resources` by address, as readers expect. `before` is in order already, so when no address is new the order is
 * kept as it is; new ones are merged in rather than the whole set sorted again at every write.
 */
function inAddressOrder(
  resources: Record<string, ResourceState>,
  before: Record<string, ResourceState>,
  changed: readonly string[],
): Record<string, ResourceState> {
  const added = changed.filter((address) => !(address in before)).sort(byAddress);
  if (added.length === 0) return resources;
  const kept = Object.keys(before);
  // A document edited by hand may list them in any order: sorted once here, merged from then on.
  if (kept.some((address, index) => index > 0 && kept[index - 1]! > address)) {
    return Object.fromEntries(Object.entries(resources).sort(([a], [b]) => byAddress(a, b)));
  }
  const ordered: Record<string, ResourceState> = {};
  let next = 0;
  for (const address of Object.keys(resources)) {
    if (address in before) {
      while (next < added.length && added[next]! < address) ordered[added[next]!] = resources[added[next++]!]!;
      ordered[address] = resources[address]!;
    }
  }
  for (; next < added.length; next++) ordered[added[next]!] = resources[added[next]!]!;
  return ordered;
}

function byAddress(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
