import type { ResourceDocument } from '../core/document.js';
import { error, type Diagnostic } from '../core/diagnostic.js';
import type { StateDocument } from '../state/state.js';
import type { PlannedResource } from './resource-kind.js';

/** Rules every cloud's plans obey (each cloud adds its own through Cloud.planRules). */
export interface RuleInput {
  planned: ReadonlyMap<string, PlannedResource>;
  documents: ReadonlyMap<string, ResourceDocument>;
  state: StateDocument;
}

const REMOVING = new Set(['delete', 'replace']);

function lifecycleOf(input: RuleInput, address: string) {
  return input.documents.get(address)?.lifecycle ?? input.state.resources[address]?.lifecycle;
}

/** lifecycle.prevent_destroy: the plan fails instead of deleting or replacing the resource (DESIGN.md §2). */
export function preventDestroy(input: RuleInput): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const result of input.planned.values()) {
    if (!REMOVING.has(result.action) || !lifecycleOf(input, result.address)?.prevent_destroy) continue;
    const verb = result.action === 'replace' ? 'replace' : 'delete';
    found.push(
      error(
        'plan.prevent-destroy',
        `${result.address} has lifecycle.prevent_destroy set, and this plan would ${verb} it${result.reason ? ` (${result.reason})` : ''}`,
        input.documents.get(result.address)?.locate(['lifecycle', 'prevent_destroy']),
        input.documents.has(result.address)
          ? 'set lifecycle.prevent_destroy: false and apply first, if this is really wanted'
          : 'the protection is recorded in state: restore the document with prevent_destroy: false and apply it first',
      ),
    );
  }
  return found;
}
