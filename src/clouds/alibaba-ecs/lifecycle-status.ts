import type { CloudStatus } from '../../core/lifecycle-status.js';

/**
 * An ECS image's `Status` in imageform's words (DESIGN.md §8.5; reference §3): `Creating`/`Waiting` are pending,
 * `CreateFailed` and `UnAvailable` failed; ECS has no obsolete status.
 */
export function ecsLifecycle(status: string): CloudStatus {
  switch (status) {
    case 'Available':
      return { status: 'available' };
    case 'Deprecated':
      return { status: 'deprecated' };
    case 'Creating':
    case 'Waiting':
      return { status: 'pending', cloudTerm: status };
    case 'CreateFailed':
      return { status: 'failed', cloudTerm: 'CreateFailed', reason: 'ECS could not create the image (CreateFailed)' };
    case 'UnAvailable':
      return { status: 'failed', cloudTerm: 'UnAvailable', reason: 'ECS marks the image UnAvailable' };
    default:
      return { status: 'pending', cloudTerm: status };
  }
}
