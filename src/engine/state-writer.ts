import { sameValue } from '../state/same-value.js';
import type { ResourceState, StateBackend, StateDocument } from '../state/state.js';

/**
 * Serialises state writes. A record resolves once a write that contains it is durable, so an intent is stored
 * before its API call. Records made while a write is running join the next one: a large apply at parallelism 10
 * writes the (growing) document a fraction as often, instead of once per record.
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
      let changed = false;
      for (const { update } of batch) changed = update(resources) || changed;
      // A record that repeats what is stored is no write: the serial moves only when state does.
      if (changed && sameResources(this.current.resources, resources)) changed = false;
      try {
        if (changed) {
          const next: StateDocument = {
            ...this.current,
            serial: this.current.serial + 1,
            resources: sortByAddress(resources),
          };
          await this.backend.write(next);
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

/** Entries an updater did not replace are the same objects: only replaced ones are compared by value. */
function sameResources(before: Record<string, ResourceState>, after: Record<string, ResourceState>): boolean {
  const addresses = Object.keys(after);
  if (addresses.length !== Object.keys(before).length) return false;
  return addresses.every((address) => before[address] === after[address] || sameValue(before[address], after[address]));
}

function sortByAddress(resources: Record<string, ResourceState>): Record<string, ResourceState> {
  return Object.fromEntries(Object.entries(resources).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
