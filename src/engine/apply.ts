import type { ResourceDocument } from '../core/document.js';
import type { Action, ResourceChange } from '../core/plan-types.js';
import { insertSorted } from '../core/graph.js';
import { SlotLease, Slots } from './slots.js';
import { StateWriter } from './state-writer.js';
import { type ResourceState, type StateBackend, type StateDocument, recordedLifecycle } from '../state/state.js';
import type { CloudClient } from './cloud.js';
import type { ApplyCounts, EngineHost } from './events.js';
import { asideStep, nameOrder } from './name-order.js';
import { refused, settleOperationIntents, withOperationIntent, withoutOperationIntent } from './operation-intents.js';
import { documentDependencies, resolveSpec, type PlanResult } from './plan.js';
import type { OperationContext, ResourceKind } from './resource-kind.js';
import type { ApplyStop, StopReason } from './stop.js';
import { entryProvider, kindOf, type ApplyWorld, type World } from './world.js';

/**
 * Carry out a plan. Removals run first in reverse dependency order, then creates and updates in dependency
 * order, each phase with at most `parallelism` operations at once. State is written after every operation,
 * and a create records its intent before the API call, so an interrupted apply loses nothing and makes no twin.
 */
export interface ApplyOptions {
  /** Every provider of the plan, with its open client and what its refresh saw. */
  world: ApplyWorld;
  backend: StateBackend;
  state: StateDocument;
  host: EngineHost;
  parallelism: number;
  /** What the closing line calls it. */
  operation?: 'apply' | 'destroy';
  timeouts?: Partial<OperationContext['timeouts']>;
  /** Set on an interrupt or a lost lock: nothing new starts, running operations finish and are recorded. */
  stop?: ApplyStop;
}

export interface ApplyResult {
  counts: ApplyCounts;
  failures: { address: string; message: string }[];
  state: StateDocument;
  /** Why the apply stopped early, and the operations it never started. */
  stopped?: { reason: StopReason; notStarted: string[] };
}

const DEFAULT_TIMEOUTS = { createMs: 10 * 60_000, deleteMs: 10 * 60_000, exportMs: 60 * 60_000 };

/**
 * Bring state up to what the refresh saw before acting: adopt objects of interrupted creates, and record the
 * current cloud attributes of managed objects (so drift is measured from this apply on). Each kind knows its own.
 */
export function refreshedResources(
  resources: Record<string, ResourceState>,
  world: World,
  documents: ReadonlyMap<string, ResourceDocument>,
): boolean {
  let changed = false;
  for (const [address, entry] of Object.entries(resources)) {
    const provider = entryProvider(world, entry);
    const view = world.get(provider);
    const kind = kindOf(world, provider, entry.kind);
    if (!view || !kind) continue;
    if (kind.refreshEntry) {
      changed = kind.refreshEntry(entry, view.snapshot, address, documents.get(address)) || changed;
      continue;
    }
    const adopted = view.snapshot.adoptedIntents.get(address);
    if (!entry.id && adopted) {
      entry.id = adopted;
      delete entry.intent;
      changed = true;
    }
  }
  return changed;
}

interface Step {
  change: ResourceChange;
  phase: 'remove' | 'make';
  /** Steps of the same phase that must finish first. */
  after: Set<string>;
  /** This step only moves the resource to this temporary name (the first half of a swap of names). */
  aside?: string;
}

function buildSteps(
  changes: readonly ResourceChange[],
  state: StateDocument,
  documents: ReadonlyMap<string, ResourceDocument>,
  world: World,
) {
  const removals = new Map<string, Step>();
  const makes = new Map<string, Step>();
  for (const change of changes) {
    if (change.action === 'delete' || change.action === 'forget' || change.action === 'replace') {
      removals.set(change.address, { change, phase: 'remove', after: new Set() });
    }
    if (
      change.action === 'create' ||
      change.action === 'update' ||
      change.action === 'replace' ||
      change.action === 'await'
    ) {
      makes.set(change.address, { change, phase: 'make', after: new Set() });
    }
  }
  // Remove dependents before what they depend on (an export job before its image).
  for (const address of removals.keys()) {
    const dependsOn = state.resources[address]?.dependencies ?? [];
    for (const dependency of dependsOn) removals.get(dependency)?.after.add(address);
  }
  // Make dependencies before dependents.
  for (const [address, step] of makes) {
    const document = documents.get(address);
    const dependsOn = document ? documentDependencies(document) : [];
    for (const dependency of dependsOn) if (makes.has(dependency)) step.after.add(dependency);
  }
  // Names are unique: the rename that frees a name goes before whatever takes it; a swap goes through a temporary name.
  const names = nameOrder(changes, state, world);
  for (const [address, temporary] of names.aside) {
    makes.set(asideStep(address), {
      change: makes.get(address)!.change,
      phase: 'make',
      after: new Set(),
      aside: temporary,
    });
  }
  for (const [address, first] of names.after) makes.get(address)?.after.add(first);
  return { removals, makes };
}

/**
 * Runs one phase; returns the steps it never started because `stop` was set. At most `parallelism` operations
 * talk to the cloud at once; one that waits for the cloud gives its slot back meanwhile (slots.ts), so another
 * starts, and a dependent starts as soon as what it depends on is done.
 */
async function runPhase(
  steps: Map<string, Step>,
  parallelism: number,
  run: (step: Step, lease: SlotLease) => Promise<boolean>,
  skipped: (step: Step, because: string) => void,
  stop?: ApplyStop,
): Promise<string[]> {
  // Each step counts what it still waits for; a step whose count reaches 0 joins `ready`, kept in address order so
  // operations start in the order the plan lists them. Every event costs what it touches, not the whole phase.
  const waitsFor = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  const ready: string[] = [];
  for (const [address, step] of steps) {
    const waits = [...step.after].filter((other) => steps.has(other));
    waitsFor.set(address, waits.length);
    for (const other of waits) dependents.set(other, [...(dependents.get(other) ?? []), address]);
    if (waits.length === 0) ready.push(address);
  }
  ready.sort();
  const pending = new Set(steps.keys());
  const running = new Set<string>();
  const slots = new Slots(parallelism);
  // The loop sleeps until an operation ends or a slot comes back: one promise to wait on, not one per running
  // operation (a race over a thousand waiting creates, at every event, is quadratic in time and in reactions).
  let wake: (() => void) | undefined;
  let broke: { error: unknown } | undefined;

  const finish = (address: string, ok: boolean): void => {
    pending.delete(address);
    for (const dependent of dependents.get(address) ?? []) {
      if (!pending.has(dependent)) continue;
      if (!ok) {
        // What depends on a failed step is skipped, naming it; and so on down the chain.
        skipped(steps.get(dependent)!, address);
        finish(dependent, false);
        continue;
      }
      const left = waitsFor.get(dependent)! - 1;
      waitsFor.set(dependent, left);
      if (left === 0) insertSorted(ready, dependent);
    }
  };

  while ((pending.size > running.size && !stop?.stopped) || running.size) {
    while (ready.length && !stop?.stopped && slots.tryTake()) {
      const address = ready.shift()!;
      const lease = new SlotLease(slots);
      running.add(address);
      void run(steps.get(address)!, lease).then(
        (ok) => {
          running.delete(address);
          finish(address, ok);
          lease.end();
          if (stop) stop.inFlight = running.size;
          wake?.();
        },
        (error: unknown) => {
          broke ??= { error };
          wake?.();
        },
      );
      if (stop) stop.inFlight = running.size;
    }
    if (running.size) {
      const ended = new Promise<void>((resolve) => (wake = resolve));
      await Promise.race([ended, slots.nextRelease()]);
      wake = undefined;
      // An operation's own failures are results; only a fault of the engine itself ends the phase.
      if (broke) throw broke.error;
    } else if (pending.size && !stop?.stopped) {
      // Everything left waits on something that will never finish: only possible with a cycle, refused earlier.
      for (const address of [...pending].sort()) skipped(steps.get(address)!, 'an unresolved dependency');
      return [];
    }
  }
  return [...pending].filter((address) => !running.has(address)).sort();
}

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!;
}

export async function applyPlan(result: PlanResult, options: ApplyOptions): Promise<ApplyResult> {
  const { host, world } = options;
  // A cloud may hand apply a client of its own (one that queues what the cloud limits).
  const clients = new Map<string, CloudClient>();
  for (const [name, view] of world)
    clients.set(name, view.cloud.clientForApply?.(view.client, view.snapshot) ?? view.client);
  const writer = new StateWriter(options.backend, options.state);
  await writer.recordAll((resources) => recordRefresh(resources, world, result.documents));

  const counts: ApplyCounts = { added: 0, changed: 0, replaced: 0, destroyed: 0, forgotten: 0, awaited: 0 };
  const failures: { address: string; message: string }[] = [];
  const changes = result.plan.changes;
  const deleting = new Set(
    changes.filter((c) => c.action === 'delete' || c.action === 'replace').map((c) => c.address),
  );
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const { removals, makes } = buildSteps(changes, writer.current, result.documents, world);
  const started = new Map<string, number>();

  /** The provider an operation acts in: the document's for a make, the recorded entry's for a removal. */
  const providerOf = (address: string, phase: 'remove' | 'make'): string => {
    const document = result.documents.get(address);
    const entry = writer.current.resources[address];
    if (phase === 'make' && document) return document.provider;
    return entry ? entryProvider(world, entry) : (document?.provider ?? [...world.keys()][0]!);
  };
  const kindFor = (change: ResourceChange, phase: 'remove' | 'make'): ResourceKind => {
    const provider = providerOf(change.address, phase);
    const kind = kindOf(world, provider, change.kind);
    if (!kind) throw new Error(`${change.address}: provider "${provider}" has no kind ${change.kind}`);
    return kind;
  };

  const context = (
    address: string,
    phase: 'remove' | 'make',
    lease: SlotLease,
    spec?: Record<string, unknown>,
  ): OperationContext => {
    const provider = providerOf(address, phase);
    // A poller reports every waiting object at every sweep: only a change of what it says is news for the view.
    let lastProgress: { message: string; fraction: number | undefined } | undefined;
    return {
      address,
      client: clients.get(provider),
      ...(spec ? { spec } : {}),
      ...(result.documents.get(address) ? { document: result.documents.get(address)! } : {}),
      ...(writer.current.resources[address] ? { entry: writer.current.resources[address]! } : {}),
      // Dependencies are recorded from the document, so removal order survives the document's deletion. A state
      // write is no API request (DESIGN.md §9): the lease hands the slot on while a record is stored.
      record: (entry) => {
        const document = result.documents.get(address);
        const recorded =
          entry && document ? { ...entry, provider, dependencies: documentDependencies(document) } : entry;
        return lease.lend(() => writer.record(address, recorded));
      },
      recordOther: (kind, id, update) =>
        lease.lend(() =>
          writer.recordAll((resources, entries) => {
            const owner = entries.withId(kind, id).find(([, entry]) => entryProvider(world, entry) === provider);
            if (!owner) return false;
            resources[owner[0]] = update(owner[1]);
            return true;
          }),
        ),
      progress: (message, fraction) => {
        if (lastProgress?.message === message && lastProgress.fraction === fraction) return;
        lastProgress = { message, fraction };
        host.notify({ type: 'resource-progress', address, message, ...(fraction !== undefined ? { fraction } : {}) });
      },
      idle: (wait, options) => lease.idle(wait, options),
      deleting,
      timeouts,
    };
  };

  const begin = (change: ResourceChange, action: Action): void => {
    if (!started.has(change.address)) started.set(change.address, performance.now());
    host.notify({ type: 'resource-started', address: change.address, action, ...(change.id ? { id: change.id } : {}) });
  };
  const elapsed = (address: string): number =>
    Math.round(performance.now() - (started.get(address) ?? performance.now()));
  const dropRefusedIntent = async (address: string, err: unknown): Promise<void> => {
    const entry = writer.current.resources[address];
    if (entry?.operation && refused(err))
      await writer.record(address, withoutOperationIntent(entry)).catch(() => undefined);
  };
  const fail = (change: ResourceChange, err: unknown): false => {
    // A swap's temporary-name step and its final step share an address: report its first failure, not a skip.
    if (failures.some((failure) => failure.address === change.address)) return false;
    const message = oneLine(err);
    failures.push({ address: change.address, message });
    host.notify({
      type: 'resource-failed',
      address: change.address,
      action: change.action,
      message,
      elapsedMs: elapsed(change.address),
    });
    return false;
  };

  if (options.stop) options.stop.applying = true;
  const notStarted = await runPhase(
    removals,
    options.parallelism,
    async ({ change }, lease) => {
      const entry = writer.current.resources[change.address];
      const orphan =
        (result.documents.get(change.address)?.lifecycle ?? entry?.lifecycle)?.deletion_policy === 'orphan';
      const forgetOnly = change.action === 'forget' || (orphan && change.action !== 'delete') || !entry?.id;
      begin(change, change.action === 'replace' ? 'replace' : forgetOnly ? 'forget' : 'delete');
      try {
        if (!forgetOnly) {
          const operation = context(change.address, 'remove', lease);
          await writer.record(change.address, withOperationIntent(entry!, 'delete'));
          await kindFor(change, 'remove').delete(operation);
        }
        await writer.record(change.address, undefined);
        if (change.action === 'replace') return true;
        if (forgetOnly) counts.forgotten++;
        else counts.destroyed++;
        host.notify({
          type: 'resource-finished',
          address: change.address,
          action: change.action,
          elapsedMs: elapsed(change.address),
        });
        return true;
      } catch (err) {
        await dropRefusedIntent(change.address, err);
        return fail(change, err);
      }
    },
    (step, because) => fail(step.change, new Error(`skipped: ${because} failed first`)),
    options.stop,
  );

  const failedRemovals = new Set(failures.map((f) => f.address));
  const notMade = await runPhase(
    makes,
    options.parallelism,
    async ({ change, aside }, lease) => {
      if (failedRemovals.has(change.address)) return false;
      if (aside !== undefined) {
        begin(change, change.action);
        try {
          await kindFor(change, 'make').renameAside!(context(change.address, 'make', lease), aside);
          host.notify({
            type: 'resource-progress',
            address: change.address,
            message: `renamed to the temporary name "${aside}"`,
          });
          return true;
        } catch (err) {
          return fail(change, err);
        }
      }
      const document = result.documents.get(change.address)!;
      const spec = resolveSpec(document.spec, (dependency) => {
        const entry = writer.current.resources[dependency];
        return entry ? { ...entry.attributes, id: entry.id } : undefined;
      });
      begin(change, change.action);
      try {
        const handler = kindFor(change, 'make');
        // Built before the update's intent is recorded, so the handler's own record of the result drops it.
        const operation = context(change.address, 'make', lease, spec);
        if (change.action === 'update') {
          await writer.record(change.address, withOperationIntent(writer.current.resources[change.address]!, 'update'));
          await handler.update(operation);
          const updated = writer.current.resources[change.address];
          if (updated?.operation) await writer.record(change.address, withoutOperationIntent(updated));
        } else if (change.action === 'await') await handler.await?.(operation);
        else await handler.create(operation);
        const entry = writer.current.resources[change.address];
        if (change.action === 'create') counts.added++;
        else if (change.action === 'update') counts.changed++;
        else if (change.action === 'replace') counts.replaced++;
        else if (change.action === 'await') counts.awaited++;
        host.notify({
          type: 'resource-finished',
          address: change.address,
          action: change.action,
          ...(entry?.id ? { id: entry.id } : {}),
          elapsedMs: elapsed(change.address),
        });
        return true;
      } catch (err) {
        await dropRefusedIntent(change.address, err);
        return fail(change, err);
      }
    },
    (step, because) => fail(step.change, new Error(`skipped: ${because} failed first`)),
    options.stop,
  );
  if (options.stop) options.stop.applying = false;

  const reason = options.stop?.reason;
  if (reason) {
    // Not "complete" and not "failed": the caller says why it stopped and what the next run will do.
    const never = [...notStarted, ...notMade.filter((address) => !notStarted.includes(address))];
    return { counts, failures, state: writer.current, stopped: { reason, notStarted: never } };
  }
  host.notify({ type: 'apply-finished', counts, failed: failures.length, operation: options.operation ?? 'apply' });
  return { counts, failures, state: writer.current };
}

/**
 * prevent_destroy and deletion_policy are recorded at every apply (DESIGN.md §2), even one that changes nothing in
 * the cloud: that is how "apply it with prevent_destroy: false first" unprotects a resource before its removal.
 */
function recordLifecycle(
  resources: Record<string, ResourceState>,
  documents: ReadonlyMap<string, ResourceDocument>,
): boolean {
  let changed = false;
  for (const [address, entry] of Object.entries(resources)) {
    const document = documents.get(address);
    if (!document) continue;
    const lifecycle = recordedLifecycle(document.lifecycle);
    if (
      entry.lifecycle?.prevent_destroy === lifecycle.prevent_destroy &&
      entry.lifecycle?.deletion_policy === lifecycle.deletion_policy
    )
      continue;
    entry.lifecycle = lifecycle;
    changed = true;
  }
  return changed;
}

function recordRefresh(
  resources: Record<string, ResourceState>,
  world: World,
  documents: ReadonlyMap<string, ResourceDocument>,
): boolean {
  for (const [address, entry] of Object.entries(resources)) resources[address] = structuredClone(entry);
  const refreshed = refreshedResources(resources, world, documents);
  const protectedNow = recordLifecycle(resources, documents);
  const settled = settleOperationIntents(resources, world);
  return refreshed || protectedNow || settled;
}

/** Record the refreshed cloud in state without changing anything (a refresh-only or empty plan). */
export async function applyRefreshOnly(
  world: World,
  backend: StateBackend,
  state: StateDocument,
  documents: ReadonlyMap<string, ResourceDocument>,
): Promise<StateDocument> {
  const writer = new StateWriter(backend, state);
  await writer.recordAll((resources) => recordRefresh(resources, world, documents));
  return writer.current;
}
