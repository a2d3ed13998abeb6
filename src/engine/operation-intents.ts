import type { ResourceState } from '../state/state.js';
import type { CloudSnapshot } from './snapshot.js';

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
 * Settle intents left by an earlier run against what the refresh saw. An update's result is what the refresh just
 * recorded, and the plan redoes whatever is still wanted. A delete whose image is still there and not being
 * deleted never reached the cloud; one whose image is gone or going stays recorded until the delete step (or a
 * create replacing it) settles it.
 */
export function settleOperationIntents(resources: Record<string, ResourceState>, snapshot: CloudSnapshot): boolean {
  let changed = false;
  for (const [address, entry] of Object.entries(resources)) {
    const operation = entry.operation;
    if (!operation) continue;
    const image = entry.kind === 'image' && entry.id ? snapshot.images.get(entry.id) : undefined;
    const settled = operation.action === 'update' || (image !== undefined && image.status !== 'deleting');
    if (!settled) continue;
    resources[address] = withoutOperationIntent(entry);
    changed = true;
  }
  return changed;
}

/**
 * Drift that an unconfirmed operation of our own explains is not drift: an update whose answer was lost changed
 * what the cloud shows, and a delete in flight may have removed the object.
 */
export function explainedByOwnOperation(entry: ResourceState, found: { gone?: boolean }): boolean {
  if (entry.operation?.action === 'delete') return true;
  return entry.operation?.action === 'update' && !found.gone;
}
