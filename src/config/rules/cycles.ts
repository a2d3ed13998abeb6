import { error } from '../../core/diagnostic.js';
import { DependencyGraph } from '../../core/graph.js';
import type { ResourceDocument } from '../model.js';
import { referencesIn } from '../references.js';
import type { ConfigurationRule } from './rule.js';

const NO_DEPENDENCIES: readonly string[] = Object.freeze([]);

/** The dependencies of each defined document (by address, the first wins): the defined addresses it refers to. */
export function dependencyMap(defined: ReadonlyMap<string, ResourceDocument>): Map<string, readonly string[]> {
  const dependencies = new Map<string, readonly string[]>();
  for (const document of defined.values()) {
    const references = referencesIn(document.spec);
    let targets: string[] | undefined;
    for (let i = 0; i < references.length; i++) {
      const address = references[i]!.reference.address;
      if (!defined.has(address)) continue;
      targets ??= [];
      if (!targets.includes(address)) targets.push(address);
    }
    dependencies.set(document.address, targets ?? NO_DEPENDENCIES);
  }
  return dependencies;
}

/** References may not go round in a circle; the error shows the whole path. */
export const noCycles: ConfigurationRule = {
  name: 'no-cycles',
  check(documents, context) {
    const defined = context.addresses(documents);
    const dependencies = dependencyMap(defined);
    if (acyclic(dependencies)) return [];
    const cycle = new DependencyGraph(dependencies).findCycle();
    if (!cycle) return [];
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
 * Whether the graph has no cycle, by a depth-first walk that keeps only a state per visited node: linear, and
 * without the sorted graph that finding and showing a cycle needs, which a valid configuration never does. A node
 * without dependencies is in no cycle and is not visited (most documents refer to nothing).
 */
function acyclic(dependencies: ReadonlyMap<string, readonly string[]>): boolean {
  /** ON_PATH while a node's dependencies are being walked, DONE after. */
  const state = new Map<string, number>();
  const path: string[] = [];
  const next: number[] = [];
  for (const [start, targets] of dependencies) {
    if (targets.length === 0 || state.has(start)) continue;
    state.set(start, ON_PATH);
    path.push(start);
    next.push(0);
    while (path.length > 0) {
      const top = path.length - 1;
      const outgoing = dependencies.get(path[top]!)!;
      const at = next[top]!;
      if (at === outgoing.length) {
        state.set(path.pop()!, DONE);
        next.pop();
        continue;
      }
      next[top] = at + 1;
      const target = outgoing[at]!;
      const seen = state.get(target);
      if (seen === ON_PATH) return false;
      if (seen === DONE || dependencies.get(target)!.length === 0) continue;
      state.set(target, ON_PATH);
      path.push(target);
      next.push(0);
    }
  }
  return true;
}

const ON_PATH = 1;
const DONE = 2;
