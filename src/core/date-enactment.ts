import { canonicalDate } from './dates.js';
import { scheduled, statusForDates, type LifecycleDates, type LifecycleStatus } from './lifecycle-dates.js';

export type DateField = 'deprecation_at' | 'obsolescence_at';
const DATE_FIELDS: readonly DateField[] = ['deprecation_at', 'obsolescence_at'];

/**
 * Dates on a cloud that cannot schedule them (DESIGN.md §8.4: Glance, ECS): imageform writes each date onto the
 * object where others can see it (a Glance property, an ECS tag: the "marks") and enacts it at the first apply
 * after it has passed, by the cloud's clock. The marks then say what status the object must have, so a status
 * is always the one its marks give at the cloud's now: `null` in the files removes the mark and so reverts.
 */
export interface DateEnactment {
  /** The marks the object must carry after the apply (a field absent: no mark). */
  marks: LifecycleDates;
  /** The status the object must have after the apply. */
  status: LifecycleStatus;
  /** Dates still to come after the apply: the plan shows them as `scheduled (enacted by the first apply after …)`. */
  scheduled: { field: DateField; at: string }[];
}

/**
 * What an apply at `now` makes of the files' dates (`desired`: a field absent is not managed, and keeps the mark
 * the object has) and the marks the object carries.
 */
export function planDateEnactment(desired: LifecycleDates, marks: LifecycleDates, now: Date): DateEnactment {
  const after: LifecycleDates = {};
  for (const field of DATE_FIELDS) {
    const value = field in desired ? desired[field] : marks[field];
    if (typeof value === 'string') after[field] = canonicalDate(value);
  }
  return {
    marks: after,
    status: statusForDates(after, now),
    scheduled: DATE_FIELDS.filter((field) => scheduled(after[field], now)).map((field) => ({
      field,
      at: after[field]!,
    })),
  };
}

/**
 * The dates whose time has passed but whose status the object does not have yet: `drift` reports them as due,
 * not as drift (exit 2, so the scheduled job knows to apply).
 */
export function dueDates(marks: LifecycleDates, status: LifecycleStatus, now: Date): DateField[] {
  const owed = statusForDates(marks, now);
  if (owed === status) return [];
  if (owed === 'obsolete') return status === 'deprecated' ? ['obsolescence_at'] : dueFields(marks, now);
  if (owed === 'deprecated' && status === 'available') return ['deprecation_at'];
  return [];
}

function dueFields(marks: LifecycleDates, now: Date): DateField[] {
  return DATE_FIELDS.filter((field) => {
    const value = marks[field];
    return typeof value === 'string' && !scheduled(value, now);
  });
}

/** How a plan shows a date the cloud cannot schedule. */
export function scheduledByApply(at: string): string {
  return `scheduled (enacted by the first apply after ${at})`;
}
