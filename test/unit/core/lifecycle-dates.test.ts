import { describe, expect, it } from 'vitest';
import { canonicalDate, sameDate } from '../../../src/core/dates.js';
import { predictStatus, statusForDates } from '../../../src/core/lifecycle-dates.js';

const now = new Date('2030-06-01T00:00:00Z');
const past = '2030-01-01T00:00:00Z';
const earlier = '2029-01-01T00:00:00Z';
const future = '2031-01-01T00:00:00Z';

describe('dates as instants', () => {
  it.each([
    ['2027-01-15T00:00:00Z', '2027-01-15T00:00:00.000Z'],
    ['2027-01-15T00:00:00Z', '2027-01-15T01:00:00+01:00'],
    [null, undefined],
  ])('%s equals %s', (a, b) => expect(sameDate(a, b)).toBe(true));

  it.each([
    ['2027-01-15T00:00:00Z', '2027-01-15T00:00:01Z'],
    ['2027-01-15T00:00:00Z', null],
    [null, '2027-01-15T00:00:00Z'],
  ])('%s differs from %s', (a, b) => expect(sameDate(a, b)).toBe(false));

  it('canonicalises to UTC seconds', () => {
    expect(canonicalDate('2027-01-15T01:00:00+01:00')).toBe('2027-01-15T00:00:00Z');
    expect(canonicalDate('2027-01-15T00:00:00.250Z')).toBe('2027-01-15T00:00:00.250Z');
  });
});

describe('status for dates (seed 000)', () => {
  it.each([
    [{}, 'available'],
    [{ deprecation_at: future }, 'available'],
    [{ deprecation_at: past }, 'deprecated'],
    [{ deprecation_at: earlier, obsolescence_at: past }, 'obsolete'],
    [{ deprecation_at: past, obsolescence_at: future }, 'deprecated'],
    [{ obsolescence_at: past }, 'obsolete'],
  ])('%j -> %s', (dates, status) => expect(statusForDates(dates, now)).toBe(status));
});

describe('predicted reverts', () => {
  it('obsolescence_at null on an obsolete image with a deprecation in effect returns it to deprecated', () => {
    expect(predictStatus('obsolete', { deprecation_at: earlier, obsolescence_at: null }, now)).toBe('deprecated');
  });
  it('obsolescence_at null on an obsolete image without deprecation returns it to available', () => {
    expect(predictStatus('obsolete', { deprecation_at: null, obsolescence_at: null }, now)).toBe('available');
  });
  it('deprecation_at null on a deprecated image returns it to available', () => {
    expect(predictStatus('deprecated', { deprecation_at: null }, now)).toBe('available');
  });
  it('leaves statuses outside the lifecycle alone', () => {
    expect(predictStatus('pending', { deprecation_at: past }, now)).toBe('pending');
    expect(predictStatus('failed', {}, now)).toBe('failed');
  });
});
