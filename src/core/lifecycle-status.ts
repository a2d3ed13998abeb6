/**
 * One lifecycle vocabulary (DESIGN.md §8.5): plans, state and output say `available`, `deprecated`, `obsolete`,
 * `pending`, `failed` and `deleting` on every cloud, with the cloud's own term beside it where it differs.
 */
export type LifecycleWord = 'pending' | 'available' | 'deprecated' | 'obsolete' | 'failed' | 'deleting';

export interface CloudStatus {
  status: LifecycleWord;
  /** The cloud's own word for it, where it is not the same: `os_hidden`, `deactivated`, `CreateFailed`. */
  cloudTerm?: string;
  /** Why, when the cloud says (a failed import's reason). */
  reason?: string;
}

/** `deprecated (os_hidden)`, `obsolete (deactivated)`, or the word alone. */
export function describeStatus(status: CloudStatus): string {
  return status.cloudTerm === undefined ? status.status : `${status.status} (${status.cloudTerm})`;
}
