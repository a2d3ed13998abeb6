import type { ResourceState } from '../state/state.js';

/**
 * A rename through a temporary name (a swap of unique names) records an intent with that name, so a run after a
 * crash midway knows the name for its own; once the final name is set, the intent is history.
 */
export function withoutRenameIntent(entry: ResourceState): ResourceState {
  if (entry.intent?.action !== 'rename') return entry;
  const { intent: _done, ...rest } = entry;
  return rest;
}
