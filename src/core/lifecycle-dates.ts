import { toInstant } from './dates.js';

/**
 * An image's lifecycle (DESIGN.md §2; seed 000): available -> deprecated -> obsolete, driven by two dates, on every
 * cloud (a cloud that schedules them enacts them itself; on the others imageform does, §8.4). A date at or before
 * the cloud's now is "in effect"; a later one is "scheduled".
 */
export type LifecycleStatus = 'available' | 'deprecated' | 'obsolete';

export interface LifecycleDates {
  deprecation_at?: string | null;
  obsolescence_at?: string | null;
}

const LIFECYCLE_STATUSES = new Set(['available', 'deprecated', 'obsolete']);

export function isLifecycleStatus(status: string): status is LifecycleStatus {
  return LIFECYCLE_STATUSES.has(status);
}

export function inEffect(date: string | null | undefined, now: Date): boolean {
  const ms = toInstant(date);
  return ms !== undefined && ms <= now.getTime();
}

export function scheduled(date: string | null | undefined, now: Date): boolean {
  const ms = toInstant(date);
  return ms !== undefined && ms > now.getTime();
}

/**
 * The status an image settles in with these dates at `now`, for an image that is past creation.
 * It also describes reverts: with obsolescence_at removed an obsolete image returns to deprecated when its
 * deprecation date is in effect, else to available; with both removed it is available.
 */
export function statusForDates(dates: LifecycleDates, now: Date): LifecycleStatus {
  if (inEffect(dates.obsolescence_at, now)) return 'obsolete';
  if (inEffect(dates.deprecation_at, now)) return 'deprecated';
  return 'available';
}

/**
 * Predict the status after changing the dates of an image whose current status is `status`.
 * Statuses outside the lifecycle (pending, failed, deleting, unusable...) are left as they are.
 */
export function predictStatus(status: string, after: LifecycleDates, now: Date): string {
  if (!isLifecycleStatus(status)) return status;
  return statusForDates(after, now);
}
