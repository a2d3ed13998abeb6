import { error } from '../../core/diagnostic.js';
import { DependencyGraph } from '../../core/graph.js';
import type { ResourceDocument } from '../model.js';
import { referencesIn } from '../references.js';
import type { ConfigurationRule } from './rule.js';

/**
 * The dependencies of each defined document (by address, the first wins): the defined addresses it refers to; the
 * graph a cycle is found and shown in.
 */
export function dependencyMap(defined: ReadonlyMap<string, ResourceDocument>): Map<string, readonly string[]> {
  const dependencies = new Map<string, readonly string[]>();
  for (const document of defined.values()) {
    const references = referencesIn(document.spec);
    const targets = references.map(({ reference }) => reference.address).filter((address) => defined.has(address));
    dependencies.set(document.address, [...new Set(targets)]);
  }
  return dependencies;
}

/** References may not go round in a circle; the error shows the whole path. */
export const noCycles: ConfigurationRule = {
  name: 'no-cycles',
  check(documents, context) {
    const defined = context.addresses(documents);
    if (acyclic(documents, defined)) return [];
    const cycle = new DependencyGraph(dependencyMap(defined)).findCycle();
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
 * Whether the defined documents (the first of each address) refer to each other in no circle, by a depth-first
 * walk that keeps one state per document visited: linear, and without the graph of every document that finding
 * and showing a cycle needs, which a valid configuration never does. A document that refers to no defined one is
 * in no cycle and is not visited (most documents refer to nothing).
 */
function acyclic(documents: readonly ResourceDocument[], defined: ReadonlyMap<string, ResourceDocument>): boolean {
  /** ON_PATH while a document's references are being walked, DONE after. */
  const state = new Map<ResourceDocument, number>();
  const path: ResourceDocument[] = [];
  const next: number[] = [];
  for (let i = 0; i < documents.length; i++) {
    const start = documents[i]!;
    if (referencesIn(start.spec).length === 0 || state.has(start) || defined.get(start.address) !== start) continue;
    state.set(start, ON_PATH);
    path.push(start);
    next.push(0);
    while (path.length > 0) {
      const top = path.length - 1;
      const references = referencesIn(path[top]!.spec);
      const at = next[top]!;
      if (at === references.length) {
        state.set(path.pop()!, DONE);
        next.pop();
        continue;
      }
      next[top] = at + 1;
      const target = defined.get(references[at]!.reference.address);
      if (target === undefined) continue;
      const seen = state.get(target);
      if (seen === ON_PATH) return false;
      if (seen === DONE || referencesIn(target.spec).length === 0) continue;
      state.set(target, ON_PATH);
      path.push(target);
      next.push(0);
    }
  }
  return true;
}

const ON_PATH = 1;
const DONE = 2;
