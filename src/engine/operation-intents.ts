import { CloudError } from '../core/cloud-error.js';
import type { ResourceState } from '../state/state.js';
import { entryProvider, kindOf, type World } from './world.js';

/**
 * Intents of deletes and updates (DESIGN.md §5): recorded before the API call, as a create's is, and dropped once
 * the operation is confirmed. An apply stopped or killed in between leaves the intent for the next run.
 */
export function withOperationIntent(entry: ResourceState, action: 'delete' | 'update'): ResourceState {
  return { ...entry, operation: { action, started_at: new Date().toISOString() } };
}

export function withoutOperationIntent(entry: ResourceState): ResourceState {
  const { operation: _done, ...rest } = entry;
  return rest;
}

/**
 * The cloud answered the call with a refusal (a 4xx other than a timeout or a throttle): the operation did not happen,
 * so its intent is dropped at once rather than hiding the resource's drift until the next apply settles it.
 */
export function refused(err: unknown): boolean {
  return err instanceof CloudError && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429;
}

/**
 * Settle intents left by an earlier run against what the refresh saw. An update's result is what the refresh just
 * recorded, and the plan redoes whatever is still wanted. A delete whose object is still there and not being
 * deleted never reached the cloud; one whose object is gone or going stays recorded until the delete step (or a
 * create replacing it) settles it.
 */
export function settleOperationIntents(resources: Record<string, ResourceState>, world: World): boolean {
  let changed = false;
  for (const [address, entry] of Object.entries(resources)) {
    const operation = entry.operation;
    if (!operation) continue;
    const settled = operation.action === 'update' || stillThere(entry, world);
    if (!settled) continue;
    const rest = withoutOperationIntent(entry);
    // The update that ends a swap of names ends its temporary-name intent too, whether its answer came or not.
    if (operation.action === 'update' && rest.intent?.action === 'rename' && !rest.intent.key) delete rest.intent;
    resources[address] = rest;
    changed = true;
  }
  return changed;
}

/** The object a delete intent names is still there and not being deleted: that delete never reached the cloud. */
function stillThere(entry: ResourceState, world: World): boolean {
  if (!entry.id) return false;
  const provider = entryProvider(world, entry);
  const snapshot = world.get(provider)?.snapshot;
  return snapshot !== undefined && kindOf(world, provider, entry.kind)?.objectExists?.(entry, snapshot) === true;
}

/**
 * Drift that an unconfirmed operation of our own explains is not drift: an update whose answer was lost changed
 * what the cloud shows, and a delete in flight may have removed the object.
 */
export function explainedByOwnOperation(entry: ResourceState, found: { gone?: boolean }): boolean {
  if (entry.operation?.action === 'delete') return true;
  return entry.operation?.action === 'update' && !found.gone;
}
