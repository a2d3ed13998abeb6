/**
 * The dependency graph between resource addresses: pure and deterministic (ties are broken by address),
 * so plans, applies and error messages come out the same on every run.
 */
export class DependencyGraph {
  private readonly dependencies: Map<string, string[]>;
  private readonly dependents: Map<string, string[]>;

  /** `dependencies` maps an address to the addresses it depends on; unknown targets become nodes too. */
  constructor(dependencies: ReadonlyMap<string, readonly string[]>) {
    this.dependencies = new Map();
    this.dependents = new Map();
    for (const [address, targets] of dependencies) {
      this.addNode(address);
      for (const target of targets) {
        this.addNode(target);
        const edges = this.dependencies.get(address)!;
        if (!edges.includes(target)) edges.push(target);
        const reverse = this.dependents.get(target)!;
        if (!reverse.includes(address)) reverse.push(address);
      }
    }
    for (const list of this.dependencies.values()) list.sort();
    for (const list of this.dependents.values()) list.sort();
  }

  private addNode(address: string): void {
    if (!this.dependencies.has(address)) this.dependencies.set(address, []);
    if (!this.dependents.has(address)) this.dependents.set(address, []);
  }

  /** Every address known to the graph, sorted. */
  addresses(): string[] {
    return [...this.dependencies.keys()].sort();
  }

  /** Direct dependencies of one address, sorted. */
  dependenciesOf(address: string): string[] {
    return [...(this.dependencies.get(address) ?? [])];
  }

  /** Dependencies first; ties broken by address so the order is deterministic. Throws if there is a cycle. */
  topologicalOrder(): string[] {
    const remaining = new Map<string, number>();
    for (const [address, targets] of this.dependencies) remaining.set(address, targets.length);
    const ready = [...remaining]
      .filter(([, count]) => count === 0)
      .map(([address]) => address)
      .sort();
    const order: string[] = [];
    while (ready.length > 0) {
      const address = ready.shift()!;
      order.push(address);
      for (const dependent of this.dependents.get(address) ?? []) {
        const count = remaining.get(dependent)! - 1;
        remaining.set(dependent, count);
        if (count === 0) insertSorted(ready, dependent);
      }
    }
    if (order.length !== this.dependencies.size) {
      const cycle = this.findCycle();
      throw new Error(`dependency cycle: ${(cycle ?? []).join(' -> ')}`);
    }
    return order;
  }

  /** A cycle as a path [a, b, ..., a], or undefined. The search starts at the smallest address for stability. */
  findCycle(): string[] | undefined {
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (address: string): string[] | undefined => {
      state.set(address, 'visiting');
      stack.push(address);
      for (const target of this.dependencies.get(address) ?? []) {
        const seen = state.get(target);
        if (seen === 'visiting') return [...stack.slice(stack.indexOf(target)), target];
        if (seen === undefined) {
          const found = visit(target);
          if (found) return found;
        }
      }
      stack.pop();
      state.set(address, 'done');
      return undefined;
    };
    for (const address of this.addresses()) {
      if (state.has(address)) continue;
      const found = visit(address);
      if (found) return found;
    }
    return undefined;
  }

  /** Direct dependents (reverse edges), sorted. */
  dependentsOf(address: string): string[] {
    return [...(this.dependents.get(address) ?? [])];
  }

  /** The given addresses plus everything they depend on, transitively (for --target). */
  withDependencies(addresses: Iterable<string>): Set<string> {
    return this.closure(addresses, this.dependencies);
  }

  /** The given addresses plus everything that depends on them, transitively (for replacement propagation). */
  withDependents(addresses: Iterable<string>): Set<string> {
    return this.closure(addresses, this.dependents);
  }

  private closure(start: Iterable<string>, edges: ReadonlyMap<string, readonly string[]>): Set<string> {
    const result = new Set<string>();
    const pending = [...start];
    while (pending.length > 0) {
      const address = pending.pop()!;
      if (result.has(address)) continue;
      result.add(address);
      pending.push(...(edges.get(address) ?? []));
    }
    return result;
  }
}

/** Insert `value` into the sorted `list`, keeping it sorted (a ready list of addresses, in their order). */
export function insertSorted(list: string[], value: string): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list[middle]! < value) low = middle + 1;
    else high = middle;
  }
  list.splice(low, 0, value);
}
