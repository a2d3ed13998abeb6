import { error } from '../../core/diagnostic.js';
import { DependencyGraph } from '../../core/graph.js';
import type { ResourceDocument } from '../model.js';
import { referencesIn } from '../references.js';
import type { ConfigurationRule } from './rule.js';
import { byAddress } from './targets.js';

/** The dependencies of each document: the defined addresses its references point to. */
export function dependencyMap(documents: readonly ResourceDocument[]): Map<string, string[]> {
  const defined = byAddress(documents);
  const dependencies = new Map<string, string[]>();
  for (const document of defined.values()) {
    const targets = referencesIn(document.spec)
      .map(({ reference }) => reference.address)
      .filter((address) => defined.has(address));
    dependencies.set(document.address, [...new Set(targets)]);
  }
  return dependencies;
}

/** References may not go round in a circle; the error shows the whole path. */
export const noCycles: ConfigurationRule = {
  name: 'no-cycles',
  check(documents) {
    const dependencies = dependencyMap(documents);
    if (acyclic(dependencies)) return [];
    const cycle = new DependencyGraph(dependencies).findCycle();
    if (!cycle) return [];
    const defined = byAddress(documents);
    const referenceAt = (from: string, to: string) => {
      const document = defined.get(from)!;
      const edge = referencesIn(document.spec).find(({ reference }) => reference.address === to);
      return edge ? document.locate(['spec', ...edge.path]) : document.location;
    };
    // Both ends: where the cycle is reported, and where its last step refers back to the first.
    const [first, second] = cycle as [string, string];
    const last = cycle[cycle.length - 2]!;
    const back = referenceAt(last, first);
    return [
      error(
        'graph.cycle',
        `dependency cycle: ${cycle.join(' -> ')}${cycle.length > 2 ? `; ${last} refers back at ${back.file}:${back.line}:${back.col}` : ''}`,
        referenceAt(first, second),
        'remove one of the references',
      ),
    ];
  },
};

/**
 * Whether the graph has no cycle, by removing every node whose dependencies are all removed (Kahn): linear, and
 * without the sorted graph that finding and showing a cycle needs, which a valid configuration never does.
 */
function acyclic(dependencies: ReadonlyMap<string, readonly string[]>): boolean {
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  const ready: string[] = [];
  for (const [address, targets] of dependencies) {
    waiting.set(address, targets.length);
    if (targets.length === 0) ready.push(address);
    for (const target of targets) {
      const list = dependents.get(target);
      if (list) list.push(address);
      else dependents.set(target, [address]);
    }
  }
  let removed = 0;
  while (ready.length > 0) {
    const address = ready.pop()!;
    removed++;
    for (const dependent of dependents.get(address) ?? []) {
      const count = waiting.get(dependent)! - 1;
      waiting.set(dependent, count);
      if (count === 0) ready.push(dependent);
    }
  }
  return removed === dependencies.size;
}
