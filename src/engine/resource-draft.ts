import type { ResourceState } from '../state/state.js';

/** Entries looked up by kind and id, as the draft has them now (recorded, or changed earlier in the batch). */
export interface RecordedEntries {
  withId(kind: string, id: string): [address: string, entry: ResourceState][];
}

const REMOVED = Symbol('removed');

/** The key of the index of addresses by kind and id the writer keeps for `withId`. */
export function idKey(kind: string, id: string): string {
  return `${kind}\0${id}`;
}

/**
 * The recorded resources with a batch of records applied, without copying them: `resources` reads through to the
 * recorded object and keeps what updaters set or delete aside, so a write costs the addresses it touched. It looks
 * like a plain object to its readers (indexing, `in`, `delete`, Object.keys/entries, JSON.stringify); enumerating it
 * costs the whole state, as enumerating any copy would. It still agrees with the recorded
 * object once that has taken its changes, until a later batch is taken.
 */
export class ResourceDraft {
  private readonly changes = new Map<string, ResourceState | typeof REMOVED>();
  readonly resources: Record<string, ResourceState>;
  readonly entries: RecordedEntries;

  constructor(
    private readonly recorded: Readonly<Record<string, ResourceState>>,
    index: () => ReadonlyMap<string, ReadonlySet<string>>,
  ) {
    this.resources = new Proxy({} as Record<string, ResourceState>, {
      get: (_, key) => (typeof key === 'string' ? this.get(key) : undefined),
      set: (_, key, value: ResourceState) => this.set(key, value),
      defineProperty: (_, key, descriptor) => this.set(key, descriptor.value as ResourceState),
      deleteProperty: (_, key) => {
        if (typeof key === 'string') this.changes.set(key, REMOVED);
        return true;
      },
      has: (_, key) => typeof key === 'string' && this.get(key) !== undefined,
      ownKeys: () => this.addresses(),
      getOwnPropertyDescriptor: (_, key) => {
        const value = typeof key === 'string' ? this.get(key) : undefined;
        return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true };
      },
    });
    this.entries = {
      withId: (kind, id) => {
        const addresses = new Set(index().get(idKey(kind, id)));
        for (const address of this.changes.keys()) addresses.add(address);
        const found: [string, ResourceState][] = [];
        for (const address of addresses) {
          const entry = this.get(address);
          if (entry && entry.kind === kind && entry.id === id) found.push([address, entry]);
        }
        return found;
      },
    };
  }

  /** The entry at `address` as the batch leaves it. */
  get(address: string): ResourceState | undefined {
    const changed = this.changes.get(address);
    if (changed !== undefined) return changed === REMOVED ? undefined : changed;
    return Object.hasOwn(this.recorded, address) ? this.recorded[address] : undefined;
  }

  /** The addresses updaters set or deleted. */
  touched(): IterableIterator<string> {
    return this.changes.keys();
  }

  private set(key: string | symbol, value: ResourceState | undefined): boolean {
    if (typeof key !== 'string') return false;
    this.changes.set(key, value === undefined ? REMOVED : value);
    return true;
  }

  private addresses(): string[] {
    const addresses = Object.keys(this.recorded).filter((address) => !this.changes.has(address));
    for (const [address, entry] of this.changes) if (entry !== REMOVED) addresses.push(address);
    return addresses;
  }
}
