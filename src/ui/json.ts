import type { Action, DriftEntry, Plan, PlanSummary, ResourceChange } from '../core/plan-types.js';
import { redactField } from './field-values.js';

/** The stable `--json` object of DESIGN.md §4; `drift --format json` prints the same. */
export interface PlanJson {
  format_version: '1';
  summary: PlanSummary;
  drift: DriftEntry[];
  changes: ResourceChangeJson[];
  /** Outside the four contract keys, under its own name, only when there is something to say. */
  notes?: string[];
}

/** Builds the JSON object: sensitive values are always "(sensitive)", internals (state snapshot, dir) stay out. */
export function planToJsonObject(plan: Plan): PlanJson {
  const summary: PlanSummary = {
    add: plan.summary.add,
    change: plan.summary.change,
    replace: plan.summary.replace,
    destroy: plan.summary.destroy,
  };
  if (plan.summary.forget) summary.forget = plan.summary.forget;
  if (plan.summary.await) summary.await = plan.summary.await;
  const json: PlanJson = {
    format_version: '1',
    summary,
    drift: plan.drift.map(driftToJson),
    changes: plan.changes.map(changeToJson),
  };
  if (plan.notes && plan.notes.length > 0) json.notes = [...plan.notes];
  return json;
}

export function planToJson(plan: Plan): string {
  return `${JSON.stringify(planToJsonObject(plan), null, 2)}\n`;
}

export function driftToJson(entry: DriftEntry): DriftEntry {
  const json: DriftEntry = { address: entry.address, fields: entry.fields.map(redactField) };
  if (entry.gone) json.gone = true;
  if (entry.due?.length) json.due = entry.due.map((due) => ({ ...due }));
  return json;
}

/** Terraform's list form of an action: a policy written for Terraform's plan JSON finds a replace as a delete. */
export const TERRAFORM_ACTIONS: Record<Action, readonly string[]> = {
  create: ['create'],
  update: ['update'],
  replace: ['delete', 'create'],
  delete: ['delete'],
  forget: ['forget'],
  // Waiting for an object a cut-off apply left unfinished changes nothing in the files' terms.
  await: ['no-op'],
};

/**
 * A change as `--json` prints it. `provider` (DESIGN.md §4) is there when the repository configures more than one
 * provider (the planner sets it then); with one it is left out.
 */
export type ResourceChangeJson = Omit<ResourceChange, 'dependencies'> & { actions: string[] };

function changeToJson(change: ResourceChange): ResourceChangeJson {
  const json: ResourceChangeJson = {
    address: change.address,
    kind: change.kind,
    ...(change.provider ? { provider: change.provider } : {}),
    action: change.action,
    actions: [...TERRAFORM_ACTIONS[change.action]],
    fields: change.fields.map(redactField),
  };
  if (change.status) json.status = { before: change.status.before, after: change.status.after };
  if (change.reason) json.reason = change.reason;
  if (change.id) json.id = change.id;
  return json;
}
