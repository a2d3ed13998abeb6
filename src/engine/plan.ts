import type { ResourceDocument } from '../core/document.js';
import { referencesIn } from '../config/references.js';
import { createHash } from 'node:crypto';
import { error, type Diagnostic } from '../core/diagnostic.js';
import { didYouMean } from '../core/did-you-mean.js';
import type { ResourceState, StateDocument } from '../state/state.js';
import { DependencyGraph } from '../core/graph.js';
import { summarize, type DriftEntry, type Plan, type ResourceChange } from '../core/plan-types.js';
import { UNKNOWN } from '../core/unknown.js';
import { deriveAction, redactSensitive } from './impact.js';
import { nameDependencies, nameOrder } from './name-order.js';
import { explainedByOwnOperation } from './operation-intents.js';
import { preventDestroy } from './plan-rules.js';
import type { KindPlan, PlannedResource } from './resource-kind.js';
import { entryProvider, kindOf, type World } from './world.js';
import { entriesByProvider } from './entries-by-provider.js';

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
  const references = referencesIn(document.spec);
  return references.length ? [...new Set(references.map((found) => found.reference.address))].sort() : [];
}

/** Replace every whole-string reference with the referenced attribute, or UNKNOWN while it is not known. */
export function resolveSpec(
  spec: Record<string, unknown>,
  attributesOf: (address: string) => Record<string, unknown> | undefined,
): Record<string, unknown> {
  const references = referencesIn(spec);
  // A spec without references is read as it is: kinds never write to a spec.
  if (!references.length) return spec;
  const resolved = structuredClone(spec);
  for (const { path, reference } of references) {
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
  world: World,
  options: PlanOptions = {},
): PlanResult {
  const now = firstClock(world);
  const byAddress = new Map(documents.map((document) => [document.address, document]));
  const planned = new Map<string, PlannedResource>();
  const diagnostics: Diagnostic[] = [];
  // referencesIn walks each spec once and keeps the result: dependencies and resolving below share that walk.
  const dependencies = new Map<string, string[]>();
  for (const document of documents) dependencies.set(document.address, documentDependencies(document));
  // Every pass below reads state's entries from this one list (10,000 of them at scale), in state's order.
  const entries = Object.entries(state.resources);

  if (!options.destroy) {
    for (const address of planningOrder(dependencies)) {
      const document = byAddress.get(address);
      if (!document) continue;
      const spec = resolveSpec(document.spec, (dependency) => planned.get(dependency)?.attributes);
      planned.set(address, planDocument(world, document, spec, state.resources[address]));
    }
  }

  // Resources in state without a document (or all of them, for destroy): delete, or forget under orphan.
  for (const [address, entry] of entries) {
    if (planned.has(address)) continue;
    const orphan = (byAddress.get(address)?.lifecycle ?? entry.lifecycle).deletion_policy === 'orphan';
    const provider = entryProvider(world, entry);
    const hasObject = entry.id !== null || world.get(provider)?.snapshot.adoptedIntents.has(address) === true;
    planned.set(address, {
      address,
      kind: entry.kind,
      provider,
      action: !hasObject ? 'forget' : orphan ? 'forget' : 'delete',
      fields: [],
      ...(entry.id ? { id: entry.id } : {}),
      ...(orphan ? { reason: 'deletion_policy is orphan: forgotten, the cloud object stays' } : {}),
      ...(!hasObject ? { reason: 'an interrupted create left no object in the cloud' } : {}),
      attributes: {},
      diagnostics: [],
    });
  }

  for (const result of planned.values()) {
    if (result.action !== 'delete') continue;
    const entry = state.resources[result.address];
    if (!entry) continue;
    const provider = world.get(result.provider);
    kindOf(world, result.provider, result.kind)?.planRemoval?.({
      result,
      entry,
      planned,
      snapshot: provider!.snapshot,
    });
  }

  const drift: DriftEntry[] = [];
  const owned = fieldsOwnedElsewhere(world, entries);
  for (const [address, entry] of [...entries].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const provider = entryProvider(world, entry);
    const kind = kindOf(world, provider, entry.kind);
    if (!kind) continue;
    const ownedElsewhere = (owned.size && entry.id && owned.get(`${provider}\u0000${entry.id}`)) || NOTHING_OWNED;
    const found = kind.drift({ address, entry, snapshot: world.get(provider)!.snapshot, ownedElsewhere });
    if (!found || explainedByOwnOperation(entry, found)) continue;
    drift.push({
      address,
      fields: found.fields,
      ...(found.gone ? { gone: true } : {}),
      ...(found.due?.length ? { due: found.due } : {}),
    });
  }

  const notes: string[] = [];
  for (const result of planned.values()) {
    // Most have neither: a spread call each is a cost at 10,000.
    if (result.diagnostics.length) diagnostics.push(...result.diagnostics);
    if (result.notes?.length) notes.push(...result.notes);
  }
  diagnostics.push(...preventDestroy({ planned, documents: byAddress, state }));
  diagnostics.push(...unknownProviders(world, entries));
  const entriesOf = entriesByProvider(world, state.resources);
  const plannedOf = plannedByProvider(planned);
  for (const [name, { cloud, snapshot }] of world) {
    if (!cloud.planRules) continue;
    const found = cloud.planRules({
      planned: plannedOf.get(name) ?? new Map(),
      documents: byAddress,
      entries: entriesOf.get(name) ?? {},
      snapshot,
      destroy: options.destroy ?? false,
    });
    diagnostics.push(...found.diagnostics);
    notes.push(...found.notes);
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
    const changing = selected.filter((result) => result.action !== 'none').map((result) => toChange(result, [], true));
    for (const [address, freer] of nameDependencies(changing, state, world))
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
            world.size > 1,
          ),
        );

  if (!options.refreshOnly) notes.push(...nameOrder(changes, state, world).notes);

  const plan: Plan = {
    format_version: '1',
    summary: summarize(changes),
    drift,
    changes,
    ...(notes.length ? { notes } : {}),
    prior_state: priorState(state),
    cloud_time: now.toISOString(),
    ...(options.refreshOnly ? { refresh_only: true } : {}),
    ...(options.targets?.length ? { targets: [...options.targets] } : {}),
    ...(options.dir ? { dir: options.dir } : {}),
  };
  return { plan, planned, documents: byAddress, diagnostics };
}

/**
 * The order documents are planned in: dependencies first (a reference resolves to what its target planned). With
 * no reference between them, as in most repositories, that is the order of their addresses: no graph to build.
 */
function planningOrder(dependencies: ReadonlyMap<string, readonly string[]>): string[] {
  for (const targets of dependencies.values()) {
    if (targets.length) return new DependencyGraph(dependencies).topologicalOrder();
  }
  return [...dependencies.keys()].sort();
}

/** Planned resources by provider; when all are of one provider, that provider gets `planned` itself. */
function plannedByProvider(planned: Map<string, PlannedResource>): Map<string, Map<string, PlannedResource>> {
  const split = new Map<string, Map<string, PlannedResource>>();
  const first = planned.values().next().value?.provider;
  if (first === undefined) return split;
  let several = false;
  for (const result of planned.values()) if (result.provider !== first) several = true;
  if (!several) return split.set(first, planned);
  for (const [address, result] of planned) {
    const ofProvider = split.get(result.provider) ?? new Map<string, PlannedResource>();
    split.set(result.provider, ofProvider.set(address, result));
  }
  return split;
}

const NOTHING_OWNED: ReadonlySet<string> = new Set();

/** Fields of cloud objects that other managed resources change (a status action owns its image's date). */
function fieldsOwnedElsewhere(world: World, entries: readonly [string, ResourceState][]): Map<string, Set<string>> {
  const owned = new Map<string, Set<string>>();
  for (const [, entry] of entries) {
    const provider = entryProvider(world, entry);
    const fields = kindOf(world, provider, entry.kind)?.ownsImageFields;
    if (!entry.id || !fields?.length) continue;
    const key = `${provider}\u0000${entry.id}`;
    const set = owned.get(key) ?? new Set<string>();
    for (const field of fields) set.add(field);
    owned.set(key, set.add('status'));
  }
  return owned;
}

/**
 * What a planned resource keeps of its kind's findings besides fields, attributes and diagnostics: every KindPlan
 * member but those the engine only reads (the type below fails to compile when a new member is missing here). Set
 * one by one: a rest-and-spread copy ({ ...rest, address, ... }) cost ~13 µs a resource, 130 ms at 10,000.
 */
const CARRIED_OPTIONAL = ['reason', 'status', 'id', 'notes', 'effectiveDates', 'imageId'] as const;
type Uncarried = Exclude<
  keyof KindPlan,
  | (typeof CARRIED_OPTIONAL)[number]
  | 'fields'
  | 'attributes'
  | 'diagnostics'
  | 'exists'
  | 'replaceReason'
  | 'unfinished'
>;
const everyMemberCarried: [Uncarried] extends [never] ? true : never = true;
void everyMemberCarried;

/** One document through its kind; the engine derives the action (impact.ts) and notes a move between providers. */
function planDocument(
  world: World,
  document: ResourceDocument,
  spec: Record<string, unknown>,
  recorded: ResourceState | undefined,
): PlannedResource {
  const provider = world.get(document.provider)!;
  const kind = kindOf(world, document.provider, document.kind)!;
  const moved = recorded && entryProvider(world, recorded) !== document.provider ? recorded : undefined;
  const entry = moved ? undefined : recorded;
  const found = kind.plan({ document, spec, entry, snapshot: provider.snapshot, now: provider.snapshot.now });
  redactSensitive(kind, found.fields);
  const result: PlannedResource = {
    address: document.address,
    kind: document.kind,
    provider: document.provider,
    action: deriveAction(kind, found),
    fields: found.fields,
    attributes: found.attributes,
    diagnostics: found.diagnostics,
  };
  for (const field of CARRIED_OPTIONAL) {
    if (found[field] !== undefined) (result as unknown as Record<string, unknown>)[field] = found[field];
  }
  if (moved && moved.id !== null) {
    // The object lives under the other provider: the new one gets its own, and the old one goes (DESIGN.md §3).
    result.action = 'replace';
    result.id = moved.id;
    result.reason = `moves from provider "${entryProvider(world, moved)}" to "${document.provider}"`;
  }
  return result;
}

/** State held under a provider the settings no longer have: nothing can read or delete it. */
function unknownProviders(world: World, entries: readonly [string, ResourceState][]): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const [address, entry] of entries) {
    const provider = entryProvider(world, entry);
    if (kindOf(world, provider, entry.kind)) continue;
    found.push(
      error(
        'plan.unknown-provider',
        world.has(provider)
          ? `${address} is in state as a ${entry.kind}, a kind provider "${provider}" does not have`
          : `${address} is in state under provider "${provider}", which imageform.yaml no longer configures`,
        undefined,
        `restore provider "${provider}" in imageform.yaml, or drop the entry with "imageform state rm ${address}"`,
      ),
    );
  }
  return found;
}

/** The plan's clock: the first provider's (by name), each resource having been planned with its own. */
function firstClock(world: World): Date {
  const names = [...world.keys()].sort();
  return names.length ? world.get(names[0]!)!.snapshot.now : new Date();
}

function toChange(result: PlannedResource, dependencies: string[], withProvider: boolean): ResourceChange {
  return {
    address: result.address,
    kind: result.kind,
    ...(withProvider ? { provider: result.provider } : {}),
    action: result.action as ResourceChange['action'],
    fields: result.fields,
    ...(result.status ? { status: result.status } : {}),
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.id ? { id: result.id } : {}),
    ...(dependencies.length ? { dependencies } : {}),
  };
}

/**
 * What the plan was made from, for a saved plan to be checked against later. The digests are taken when first
 * read (saving the plan reads them): a plan that is only shown needs none, and at 10,000 entries they cost.
 */
function priorState(state: StateDocument): NonNullable<Plan['prior_state']> {
  let resources: Record<string, string> | undefined;
  return {
    lineage: state.lineage,
    serial: state.serial,
    get resources() {
      resources ??= Object.fromEntries(
        Object.entries(state.resources).map(([address, entry]) => [address, fingerprint(entry)]),
      );
      return resources;
    },
  };
}

/** A short digest of a state entry, so a refused stale plan can say which resources moved. */
export function fingerprint(entry: unknown): string {
  return createHash('sha256').update(JSON.stringify(entry)).digest('hex').slice(0, 16);
}
