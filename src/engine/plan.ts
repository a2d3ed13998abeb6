import type { ResourceDocument } from '../config/model.js';
import { referencesIn } from '../config/references.js';
import { createHash } from 'node:crypto';
import { error, type Diagnostic } from '../core/diagnostic.js';
import { didYouMean } from '../core/did-you-mean.js';
import { KIND_HANDLERS } from '../clouds/ibm-vpc/kinds/index.js';
import type { PlannedResource } from './resource-kind.js';
import type { StateDocument } from '../state/state.js';
import { planExportQueue } from '../clouds/ibm-vpc/export-queue.js';
import { DependencyGraph } from '../core/graph.js';
import { nameDependencies, nameOrder } from './name-order.js';
import { summarize, type DriftEntry, type Plan, type ResourceChange } from '../core/plan-types.js';
import { checkPlanRules } from './plan-rules.js';
import type { CloudSnapshot } from '../clouds/ibm-vpc/snapshot.js';
import { UNKNOWN } from '../core/unknown.js';
import { predictStatus } from '../clouds/ibm-vpc/lifecycle.js';
import { explainedByOwnOperation } from './operation-intents.js';

/**
 * The pure planner: files + state + what the refresh saw -> the plan. No I/O; every cloud fact comes in the
 * snapshot, including the cloud's clock.
 */
export interface PlanOptions {
  refreshOnly?: boolean;
  /** Plan only these addresses and what they depend on. */
  targets?: readonly string[];
  /** Plan the deletion of everything in state. */
  destroy?: boolean;
  dir?: string;
}

export interface PlanResult {
  plan: Plan;
  /** Every resource the planner looked at, including those with nothing to do. */
  planned: Map<string, PlannedResource>;
  /** Resolved specs (UNKNOWN where only apply will tell), by address. */
  documents: Map<string, ResourceDocument>;
  diagnostics: Diagnostic[];
}

export function documentDependencies(document: ResourceDocument): string[] {
  return [...new Set(referencesIn(document.spec).map((found) => found.reference.address))].sort();
}

/** Replace every whole-string reference with the referenced attribute, or UNKNOWN while it is not known. */
export function resolveSpec(
  spec: Record<string, unknown>,
  attributesOf: (address: string) => Record<string, unknown> | undefined,
): Record<string, unknown> {
  const resolved = structuredClone(spec);
  for (const { path, reference } of referencesIn(spec)) {
    const value = attributesOf(reference.address)?.[reference.attribute];
    setPath(resolved, path, value === undefined || value === null ? UNKNOWN : value);
  }
  return resolved;
}

function setPath(target: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = target;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
}

export function makePlan(
  documents: readonly ResourceDocument[],
  state: StateDocument,
  snapshot: CloudSnapshot,
  options: PlanOptions = {},
): PlanResult {
  const now = snapshot.now;
  const byAddress = new Map(documents.map((document) => [document.address, document]));
  const planned = new Map<string, PlannedResource>();
  const diagnostics: Diagnostic[] = [];
  const dependencies = new Map<string, string[]>();
  for (const document of documents) dependencies.set(document.address, documentDependencies(document));

  if (!options.destroy) {
    const graph = new DependencyGraph(dependencies);
    for (const address of graph.topologicalOrder()) {
      const document = byAddress.get(address);
      if (!document) continue;
      const spec = resolveSpec(document.spec, (dependency) => planned.get(dependency)?.attributes);
      const entry = state.resources[address];
      const handler = KIND_HANDLERS[document.kind];
      const result = handler.plan({ document, spec, entry, snapshot, now });
      planned.set(address, result);
    }
  }

  // Resources in state without a document (or all of them, for destroy): delete, or forget under orphan.
  for (const [address, entry] of Object.entries(state.resources)) {
    if (planned.has(address)) continue;
    const orphan = (byAddress.get(address)?.lifecycle ?? entry.lifecycle).deletion_policy === 'orphan';
    const hasObject = entry.id !== null || snapshot.adoptedIntents.has(address);
    planned.set(address, {
      address,
      kind: entry.kind,
      action: !hasObject ? 'forget' : orphan ? 'forget' : 'delete',
      fields: [],
      ...(entry.id ? { id: entry.id } : {}),
      ...(orphan ? { reason: 'deletion_policy is orphan: forgotten, the cloud object stays' } : {}),
      ...(!hasObject ? { reason: 'an interrupted create left no object in the cloud' } : {}),
      attributes: {},
      diagnostics: [],
    });
  }

  predictReverts(planned, state, snapshot);

  const drift: DriftEntry[] = [];
  const owned = fieldsOwnedByStatusActions(state);
  for (const [address, entry] of Object.entries(state.resources).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ownedElsewhere = (entry.kind === 'image' && entry.id && owned.get(entry.id)) || new Set<string>();
    const found = KIND_HANDLERS[entry.kind].drift({ address, entry, snapshot, ownedElsewhere });
    if (!found || explainedByOwnOperation(entry, found)) continue;
    drift.push({ address, fields: found.fields, ...(found.gone ? { gone: true } : {}) });
  }

  const notes: string[] = [];
  for (const result of planned.values()) {
    diagnostics.push(...result.diagnostics);
    notes.push(...(result.notes ?? []));
  }
  diagnostics.push(
    ...checkPlanRules({ planned, documents: byAddress, state, snapshot, destroy: options.destroy ?? false }),
  );
  if (!options.destroy) {
    const exports = planExportQueue({ planned, documents: byAddress, snapshot });
    diagnostics.push(...exports.diagnostics);
    notes.push(...exports.notes);
  }

  let selected = [...planned.values()];
  // A target naming nothing would plan nothing and say "No changes": a typo must never pass silently.
  for (const target of options.targets ?? []) {
    if (byAddress.has(target) || state.resources[target]) continue;
    const suggestion = didYouMean(target, [...byAddress.keys(), ...Object.keys(state.resources)]);
    diagnostics.push(
      error(
        'plan.unknown-target',
        `--target ${target}: no resource with this address in the files or in state`,
        undefined,
        suggestion
          ? `did you mean ${suggestion}?`
          : 'addresses are KIND.NAME, e.g. image.web; "imageform state list" shows those in state',
      ),
    );
  }
  if (options.targets?.length) {
    // A rename or create waits for the rename that frees its name: the target brings that along like a reference.
    const withNames = new Map([...dependencies].map(([address, targets]) => [address, [...targets]]));
    const changing = selected.filter((result) => result.action !== 'none').map((result) => toChange(result, []));
    for (const [address, freer] of nameDependencies(changing, state))
      withNames.set(address, [...(withNames.get(address) ?? []), freer]);
    const graph = new DependencyGraph(withNames);
    const wanted = graph.withDependencies(options.targets);
    selected = selected.filter((result) => wanted.has(result.address));
    notes.push(
      `targeting is in effect: only ${[...options.targets].join(', ')} and what they depend on are planned; the plan may be incomplete`,
    );
  }

  const changes: ResourceChange[] = options.refreshOnly
    ? []
    : selected
        .filter((result) => result.action !== 'none')
        .sort((a, b) => (a.address < b.address ? -1 : 1))
        .map((result) =>
          toChange(
            result,
            byAddress.get(result.address)
              ? dependencies.get(result.address)!
              : (state.resources[result.address]?.dependencies ?? []),
          ),
        );

  if (!options.refreshOnly) notes.push(...nameOrder(changes, state).notes);

  const plan: Plan = {
    format_version: '1',
    summary: summarize(changes),
    drift,
    changes,
    ...(notes.length ? { notes } : {}),
    prior_state: {
      lineage: state.lineage,
      serial: state.serial,
      resources: Object.fromEntries(
        Object.entries(state.resources).map(([address, entry]) => [address, fingerprint(entry)]),
      ),
    },
    cloud_time: now.toISOString(),
    ...(options.refreshOnly ? { refresh_only: true } : {}),
    ...(options.targets?.length ? { targets: [...options.targets] } : {}),
    ...(options.dir ? { dir: options.dir } : {}),
  };
  return { plan, planned, documents: byAddress, diagnostics };
}

/** The image fields that managed image_deprecate / image_obsolete resources change, by image id. */
function fieldsOwnedByStatusActions(state: StateDocument): Map<string, Set<string>> {
  const owned = new Map<string, Set<string>>();
  for (const entry of Object.values(state.resources)) {
    if (!entry.id || (entry.kind !== 'image_deprecate' && entry.kind !== 'image_obsolete')) continue;
    const fields = owned.get(entry.id) ?? new Set<string>();
    fields.add(entry.kind === 'image_deprecate' ? 'deprecation_at' : 'obsolescence_at').add('status');
    owned.set(entry.id, fields);
  }
  return owned;
}

/**
 * Removing an image_deprecate/image_obsolete reverts the image's status (unless orphaned, or the image goes too):
 * the plan predicts that status change like it does for a date set to null.
 */
function predictReverts(planned: Map<string, PlannedResource>, state: StateDocument, snapshot: CloudSnapshot): void {
  for (const result of planned.values()) {
    if (
      result.action !== 'delete' ||
      (result.kind !== 'image_deprecate' && result.kind !== 'image_obsolete') ||
      !result.id
    )
      continue;
    const imageAddress = state.resources[result.address]?.dependencies.find((dependency) =>
      dependency.startsWith('image.'),
    );
    const imageAction = imageAddress ? planned.get(imageAddress)?.action : undefined;
    if (imageAction === 'delete' || imageAction === 'replace') continue;
    const image = snapshot.images.get(result.id);
    if (!image) continue;
    const field = result.kind === 'image_deprecate' ? 'deprecation_at' : 'obsolescence_at';
    const after = predictStatus(
      image.status,
      { deprecation_at: image.deprecation_at ?? null, obsolescence_at: image.obsolescence_at ?? null, [field]: null },
      snapshot.now,
    );
    if (after !== image.status) result.status = { before: image.status, after };
  }
}

function toChange(result: PlannedResource, dependencies: string[]): ResourceChange {
  return {
    address: result.address,
    kind: result.kind,
    action: result.action as ResourceChange['action'],
    fields: result.fields,
    ...(result.status ? { status: result.status } : {}),
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.id ? { id: result.id } : {}),
    ...(dependencies.length ? { dependencies } : {}),
  };
}

/** A short digest of a state entry, so a refused stale plan can say which resources moved. */
export function fingerprint(entry: unknown): string {
  return createHash('sha256').update(JSON.stringify(entry)).digest('hex').slice(0, 16);
}
