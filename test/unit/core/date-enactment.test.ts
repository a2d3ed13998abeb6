import { describe, expect, it } from 'vitest';
import { dueDates, planDateEnactment, scheduledByApply } from '../../../src/core/date-enactment.js';

const now = new Date('2030-06-01T00:00:00Z');
const past = '2030-01-01T00:00:00Z';
const earlier = '2029-01-01T00:00:00Z';
const future = '2031-01-01T00:00:00Z';
const later = '2032-01-01T00:00:00Z';

describe('dates imageform enacts (DESIGN.md §8.4)', () => {
  it('writes a future date as a mark and leaves the status; the plan shows it scheduled', () => {
    expect(planDateEnactment({ deprecation_at: future }, {}, now)).toEqual({
      marks: { deprecation_at: future },
      status: 'available',
      scheduled: [{ field: 'deprecation_at', at: future }],
    });
    expect(scheduledByApply(future)).toBe(`scheduled (enacted by the first apply after ${future})`);
  });

  it('enacts a date that has passed, by the cloud clock, whether it is new or was marked before', () => {
    expect(planDateEnactment({ deprecation_at: past }, {}, now).status).toBe('deprecated');
    expect(planDateEnactment({}, { deprecation_at: past, obsolescence_at: future }, now)).toEqual({
      marks: { deprecation_at: past, obsolescence_at: future },
      status: 'deprecated',
      scheduled: [{ field: 'obsolescence_at', at: future }],
    });
    expect(planDateEnactment({}, { deprecation_at: earlier, obsolescence_at: past }, now).status).toBe('obsolete');
  });

  it('reverts with null: the mark goes, and the status follows the marks left', () => {
    const marks = { deprecation_at: earlier, obsolescence_at: past };
    expect(planDateEnactment({ obsolescence_at: null }, marks, now)).toEqual({
      marks: { deprecation_at: earlier },
      status: 'deprecated',
      scheduled: [],
    });
    expect(planDateEnactment({ deprecation_at: null, obsolescence_at: null }, marks, now).status).toBe('available');
    expect(planDateEnactment({ deprecation_at: null }, { deprecation_at: past }, now)).toEqual({
      marks: {},
      status: 'available',
      scheduled: [],
    });
  });

  it('writes marks as canonical instants, so the same date in another form is no change', () => {
    expect(planDateEnactment({ deprecation_at: '2031-01-01T01:00:00+01:00' }, {}, now).marks).toEqual({
      deprecation_at: future,
    });
  });

  it('finds the dates that are due: passed, marked, and not yet enacted', () => {
    expect(dueDates({ deprecation_at: past }, 'available', now)).toEqual(['deprecation_at']);
    expect(dueDates({ deprecation_at: past }, 'deprecated', now)).toEqual([]);
    expect(dueDates({ deprecation_at: earlier, obsolescence_at: past }, 'deprecated', now)).toEqual([
      'obsolescence_at',
    ]);
    expect(dueDates({ deprecation_at: earlier, obsolescence_at: past }, 'available', now)).toEqual([
      'deprecation_at',
      'obsolescence_at',
    ]);
    expect(dueDates({ deprecation_at: future }, 'available', now)).toEqual([]);
    expect(dueDates({ obsolescence_at: later }, 'available', now)).toEqual([]);
  });
});
