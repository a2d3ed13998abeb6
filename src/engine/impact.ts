import { factsOf, type FieldEffect, type KindDeclaration } from '../core/kind-declaration.js';
import { SENSITIVE, type Action, type FieldChange } from '../core/plan-types.js';
import type { KindPlan } from './resource-kind.js';

/**
 * The action of a change, derived once, here, from what the kind found and its declared field facts: the worst
 * field decides (replace > update > none), so no kind decides "replace" on its own (DESIGN.md §7).
 */
const RANK: Record<FieldEffect, number> = { none: 0, update: 1, replace: 2 };

/** The worst effect of these field changes on an existing object. */
export function impactOf(declaration: Pick<KindDeclaration, 'fields'>, fields: readonly FieldChange[]): FieldEffect {
  let worst: FieldEffect = 'none';
  for (const field of fields) {
    const effect = factsOf(declaration, field.path).effect;
    if (RANK[effect] > RANK[worst]) worst = effect;
  }
  return worst;
}

/** The action for a kind's findings; marks the fields that force the replacement. */
export function deriveAction(declaration: Pick<KindDeclaration, 'fields'>, found: KindPlan): Action | 'none' {
  if (!found.exists) return 'create';
  for (const field of found.fields) {
    if (factsOf(declaration, field.path).effect === 'replace') field.forces_replacement = true;
    else delete field.forces_replacement;
  }
  const impact = impactOf(declaration, found.fields);
  if (found.replaceReason !== undefined || impact === 'replace') return 'replace';
  if (impact === 'update') return 'update';
  if (found.unfinished !== undefined) return 'await';
  return 'none';
}

/**
 * Whatever a kind put in a sensitive field's change, the plan shows it as (sensitive): redaction reads the same
 * declaration as the diff, so a kind cannot leak a secret into a plan by forgetting to hide it.
 */
export function redactSensitive(declaration: Pick<KindDeclaration, 'fields'>, fields: FieldChange[]): void {
  for (const field of fields) {
    if (!factsOf(declaration, field.path).sensitive) continue;
    field.sensitive = true;
    if (field.before !== null) field.before = SENSITIVE;
    if (field.after !== null) field.after = SENSITIVE;
  }
}
