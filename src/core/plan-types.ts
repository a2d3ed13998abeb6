import type { Kind } from './document.js';

/**
 * The plan is one plain, serialisable value: `plan --json`, the saved plan file and every renderer use it.
 * The first four keys are the stable `--json` contract of DESIGN.md §4; the rest is what apply needs.
 */
export type Action = 'create' | 'update' | 'replace' | 'delete' | 'forget' | 'await';

/** Marker for a value that is only known once an earlier change has been applied. */
export const KNOWN_AFTER_APPLY = '(known after apply)';
/** What a sensitive value is shown as, everywhere. */
export const SENSITIVE = '(sensitive)';

export interface FieldChange {
  /** Dotted path below spec, e.g. `deprecation_at` or `storage_bucket.name`. */
  path: string;
  before: unknown;
  after: unknown;
  /** This field's change is what forces a replacement. */
  forces_replacement?: boolean;
  /** `after` is not known until apply (a reference to a resource being created or replaced). */
  known_after_apply?: boolean;
  /** before/after are both shown as (sensitive). */
  sensitive?: boolean;
  /** Predicted status change caused by this field, e.g. deprecation_at -> null turns deprecated into available. */
  status?: { before: string; after: string };
}

export interface ResourceChange {
  address: string;
  kind: Kind;
  /** The provider's name, when the repository has more than one (DESIGN.md §4). */
  provider?: string;
  action: Action;
  fields: FieldChange[];
  /** Predicted status of the cloud object, for images (and the image behind deprecate/obsolete). */
  status?: { before: string | null; after: string };
  /** Why this action, in a few words: "gone: could not be read", "export job ended failed", "orphan policy". */
  reason?: string;
  /** The cloud ID the change acts on (absent for a create). */
  id?: string;
  /** Addresses this resource depends on (for ordering the apply). */
  dependencies?: string[];
}

export interface DriftEntry {
  address: string;
  fields: FieldChange[];
  /** The object can no longer be read (404). Never called "deleted" without proof. */
  gone?: boolean;
  /**
   * Dates whose time has passed but which the cloud cannot enact itself (DESIGN.md §8.4): not drift, but the
   * next apply's to enact, so `drift` exits 2 for them too.
   */
  due?: { path: string; at: string }[];
}

export interface PlanSummary {
  add: number;
  change: number;
  replace: number;
  destroy: number;
  /** forgets are reported apart: they touch nothing in the cloud. */
  forget?: number;
  /** Unfinished objects an interrupted apply left behind, which apply waits for (DESIGN.md §5). */
  await?: number;
}

export interface Plan {
  format_version: '1';
  summary: PlanSummary;
  drift: DriftEntry[];
  changes: ResourceChange[];
  /** Notes for the reader: targeting in effect, imports adopted without replace, a gone object recreated... */
  notes?: string[];
  /** The state the plan was made against: apply PLANFILE refuses if it moved on. */
  prior_state?: { lineage: string; serial: number; resources: Record<string, string> };
  /** When the plan was made, by the cloud's clock. */
  cloud_time?: string;
  refresh_only?: boolean;
  targets?: string[];
  /** Absolute configuration directory the plan was made from. */
  dir?: string;
}

/** Counts from a list of changes: a replace counts in its own column. */
export function summarize(changes: readonly ResourceChange[]): PlanSummary {
  const summary: PlanSummary = { add: 0, change: 0, replace: 0, destroy: 0 };
  let forget = 0;
  let awaited = 0;
  for (const change of changes) {
    if (change.action === 'create') summary.add++;
    else if (change.action === 'update') summary.change++;
    else if (change.action === 'replace') summary.replace++;
    else if (change.action === 'delete') summary.destroy++;
    else if (change.action === 'await') awaited++;
    else forget++;
  }
  if (forget > 0) summary.forget = forget;
  if (awaited > 0) summary.await = awaited;
  return summary;
}
