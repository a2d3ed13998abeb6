import { sameValue } from '../state/same-value.js';
import type { ResourceState, StateBackend, StateDocument } from '../state/state.js';
import { idKey, ResourceDraft, type RecordedEntries } from './resource-draft.js';

/** What an updater is given: the resources to change in place, and a lookup of entries by kind and id. */
export type ResourcesUpdate = (resources: Record<string, ResourceState>, entries: RecordedEntries) => boolean;

/**
 * Serialises state writes. A record resolves once a write that contains it is durable, so an intent is stored
 * before its API call. Records made while a write is running join the next one: a large apply at parallelism 10
 * writes a fraction as often as it records. Each write names the addresses it changed, so a backend with a journal
 * stores just those entries rather than the whole (growing) document (DESIGN.md §9).
 *
 * A write costs what it changed, not the size of the state: updaters work on a draft that notes the addresses they
 * touch, only those are compared with what is recorded, and the recorded resources are one object updated in place
 * at those addresses once the backend has stored them. `current` is the state as recorded: entries are replaced,
 * never edited, so an entry read from it stays as it was; a document read from it earlier sees later records too
 * (copy its resources to keep a snapshot). Its resources are not kept in address order: whole documents are put in
 * order when they are serialised.
 */
export class StateWriter {
  private queued: { update: ResourcesUpdate; settle: (err?: unknown) => void }[] = [];
  private writing = false;
  private recorded: StateDocument;
  /** Addresses by kind and id, built at the first lookup and kept up to date at every write. */
  private byId: Map<string, Set<string>> | undefined;

  constructor(
    private readonly backend: StateBackend,
    initial: StateDocument,
  ) {
    // Copied once: the caller's document is never changed by the records made here.
    this.recorded = { ...initial, resources: { ...initial.resources } };
  }

  get current(): StateDocument {
    return this.recorded;
  }

  record(address: string, entry: ResourceState | undefined): Promise<void> {
    return this.recordAll((resources) => {
      if (entry) resources[address] = entry;
      else delete resources[address];
      return true;
    });
  }

  /**
   * Apply `update` to the resources and store them; `update` returns false when it changed nothing. It replaces
   * entries rather than editing them, and may look entries up by kind and id through `entries` without going
   * through every one.
   */
  recordAll(update: ResourcesUpdate): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ update, settle: (err) => (err === undefined ? resolve() : reject(err)) });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.queued.length) {
      const batch = this.queued.splice(0);
      const draft = new ResourceDraft(this.recorded.resources, () => this.index());
      let updated = false;
      try {
        for (const { update } of batch) updated = update(draft.resources, draft.entries) || updated;
        // A record that repeats what is stored is no write: the serial moves only when state does.
        const changed = updated ? changedAddresses(this.recorded.resources, draft) : [];
        if (changed.length) {
          const next: StateDocument = {
            ...this.recorded,
            serial: this.recorded.serial + 1,
            resources: draft.resources,
          };
          if (this.backend.writeChanges) await this.backend.writeChanges(next, changed);
          else await this.backend.write(next);
          this.commit(draft, changed);
        }
        for (const { settle } of batch) settle();
      } catch (err) {
        for (const { settle } of batch) settle(err ?? new Error('state write failed'));
      }
    }
    this.writing = false;
  }

  /** The stored draft becomes the recorded state: its changed addresses set in place, the index moved along. */
  private commit(draft: ResourceDraft, changed: readonly string[]): void {
    const resources = this.recorded.resources;
    for (const address of changed) {
      const before = resources[address];
      const after = draft.get(address);
      if (before?.id) this.byId?.get(idKey(before.kind, before.id))?.delete(address);
      if (after) {
        resources[address] = after;
        if (this.byId) addToIndex(this.byId, address, after);
      } else delete resources[address];
    }
    this.recorded = { ...this.recorded, serial: this.recorded.serial + 1, resources };
  }

  private index(): Map<string, Set<string>> {
    if (!this.byId) {
      this.byId = new Map();
      for (const [address, entry] of Object.entries(this.recorded.resources)) addToIndex(this.byId, address, entry);
    }
    return this.byId;
  }
}

/**
 * Addresses the draft added, removed or replaced by a different value. Only addresses an updater touched are
 * looked at; an entry set again to an equal value is no change.
 */
function changedAddresses(before: Record<string, ResourceState>, draft: ResourceDraft): string[] {
  const changed: string[] = [];
  for (const address of draft.touched()) {
    const old = Object.hasOwn(before, address) ? before[address] : undefined;
    const now = draft.get(address);
    if (old === now) continue;
    if (old === undefined || now === undefined || !sameValue(old, now)) changed.push(address);
  }
  return changed;
}

function addToIndex(index: Map<string, Set<string>>, address: string, entry: ResourceState): void {
  if (entry.id === null) return;
  const key = idKey(entry.kind, entry.id);
  let addresses = index.get(key);
  if (!addresses) index.set(key, (addresses = new Set()));
  addresses.add(address);
}
