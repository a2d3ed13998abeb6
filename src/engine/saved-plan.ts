import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ResourceDocument } from '../config/model.js';
import { stableJson } from '../core/stable-json.js';
import { UserError } from '../core/errors.js';
import { writeFileAtomic } from '../state/atomic-file.js';
import type { StateDocument } from '../state/state.js';
import { fingerprint } from './plan.js';
import type { Plan, ResourceChange } from '../core/plan-types.js';

/**
 * A saved plan (`plan --out FILE`) is the plan value plus how it was made. It holds no secret: sensitive values
 * are already "(sensitive)" in the plan, and apply reads them again from the files.
 */
export const SAVED_PLAN_FORMAT = 'imageform-plan/1';

export interface SavedPlan {
  format: typeof SAVED_PLAN_FORMAT;
  created_at: string;
  options: { refresh_only: boolean; destroy: boolean; targets: string[] };
  plan: Plan;
  /** A digest of every document as reviewed (secrets included, as hashes only): the files must not move either. */
  files: Record<string, string>;
}

/** Per address, a digest of what the document says; a changed secret changes it without being written down. */
export function documentDigests(documents: Iterable<ResourceDocument>): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const document of documents) {
    digests[document.address] = createHash('sha256')
      .update(stableJson({ spec: document.spec, lifecycle: document.lifecycle }))
      .digest('hex');
  }
  return digests;
}

/** Refuse to apply a plan whose files changed after it was reviewed, sensitive values included. */
export function checkSameFiles(saved: SavedPlan, documents: Iterable<ResourceDocument>): void {
  const now = documentDigests(documents);
  const addresses = [...new Set([...Object.keys(saved.files), ...Object.keys(now)])].sort();
  const changed = addresses.filter((address) => saved.files[address] !== now[address]);
  if (!changed.length) return;
  throw UserError.of(
    'plan.saved-files-changed',
    `the files changed since the plan was saved: ${changed.join(', ')}`,
    'run "imageform plan --out FILE" again and review the new plan',
  );
}

/**
 * Always a new file of mode 0600, even over an existing plan: writeFile's mode applies only to a file it creates,
 * so writing over a 0644 plan kept it readable by all. A new file renamed over the old one also means a reader
 * never sees half a plan.
 */
export async function writeSavedPlan(file: string, saved: SavedPlan): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(saved, null, 2)}\n`, 0o600);
}

/** Whether a path names a saved plan rather than a configuration directory. */
export async function readSavedPlan(file: string): Promise<SavedPlan | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw UserError.of(
      'plan.saved-unreadable',
      `${file} is not a saved plan (not JSON)`,
      'pass a directory, or a file written by "imageform plan --out FILE"',
    );
  }
  const saved = parsed as Partial<SavedPlan>;
  if (saved?.format !== SAVED_PLAN_FORMAT || !saved.plan?.prior_state || !saved.plan.dir || !saved.files) {
    throw UserError.of(
      'plan.saved-unreadable',
      `${file} is not a saved plan of this imageform version`,
      'make a new one with "imageform plan --out FILE"',
    );
  }
  return saved as SavedPlan;
}

/** Refuse a plan whose state has moved on, naming what moved (Terraform only says "stale"). */
export function checkNotStale(saved: SavedPlan, state: StateDocument): void {
  const prior = saved.plan.prior_state!;
  if (prior.serial > 0 && prior.lineage !== state.lineage) {
    throw UserError.of(
      'plan.saved-other-state',
      `the saved plan was made against another state (lineage ${prior.lineage}, now ${state.lineage})`,
      'run "imageform plan --out FILE" again',
    );
  }
  // An empty state gets a new lineage at every read: serial 0 on both sides means nothing moved.
  if (prior.serial === state.serial && (prior.lineage === state.lineage || state.serial === 0)) return;
  const moved: string[] = [];
  const addresses = new Set([...Object.keys(prior.resources), ...Object.keys(state.resources)]);
  for (const address of [...addresses].sort()) {
    const now = state.resources[address];
    const then = prior.resources[address];
    if (!now) moved.push(`${address} (removed)`);
    else if (!then) moved.push(`${address} (added)`);
    else if (fingerprint(now) !== then) moved.push(`${address} (changed)`);
  }
  throw UserError.of(
    'plan.saved-stale',
    `the saved plan is stale: state moved from serial ${prior.serial} to ${state.serial} since it was made${moved.length ? `; moved: ${moved.join(', ')}` : ''}`,
    'run "imageform plan --out FILE" again and review the new plan',
  );
}

function comparable(change: ResourceChange): string {
  return JSON.stringify({
    address: change.address,
    action: change.action,
    fields: change.fields.map((f) => [f.path, f.before, f.after]),
  });
}

/** Refuse to apply anything other than what was reviewed: the fresh plan must equal the saved one. */
export function checkSamePlan(saved: Plan, fresh: Plan): void {
  const before = new Map(saved.changes.map((change) => [change.address, comparable(change)]));
  const after = new Map(fresh.changes.map((change) => [change.address, comparable(change)]));
  const differing = [...new Set([...before.keys(), ...after.keys()])]
    .filter((address) => before.get(address) !== after.get(address))
    .sort();
  if (!differing.length) return;
  throw UserError.of(
    'plan.saved-outdated',
    `the cloud changed since the plan was saved; it would now do something else for ${differing.join(', ')}`,
    'run "imageform plan --out FILE" again and review the new plan',
  );
}
