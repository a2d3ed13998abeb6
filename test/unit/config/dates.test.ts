import { describe, expect, it } from 'vitest';
import { describeBadDate, exampleDate, parseInstant } from '../../../src/config/dates.js';

describe('RFC 3339 dates', () => {
  it('compares equal instants as equal whatever the spelling', () => {
    const a = parseInstant('2027-01-15T00:00:00Z');
    expect(a).toBe(Date.UTC(2027, 0, 15));
    expect(parseInstant('2027-01-15T00:00:00.000Z')).toBe(a);
    expect(parseInstant('2027-01-15T01:00:00+01:00')).toBe(a);
    expect(parseInstant('2027-01-14t19:00:00-05:00')).toBe(a);
  });

  it.each([
    ['2035-01-15', 'is a date without a time and offset'],
    ['2035-01-15T00:00:00', 'has no UTC offset'],
    ['2035-01-15 00:00:00Z', 'must separate date and time with "T"'],
    ['2035-02-30T00:00:00Z', 'is not a real date and time'],
    ['2035-01-15T24:00:00Z', 'is not a real date and time'],
    ['2035-01-15T00:00:00+0100', 'is not an RFC 3339 date-time'],
    ['next tuesday', 'is not an RFC 3339 date-time'],
  ])('refuses %s (%s)', (text, why) => {
    expect(parseInstant(text)).toBeUndefined();
    expect(describeBadDate(text)).toBe(why);
  });

  it('accepts leap days only in leap years', () => {
    expect(parseInstant('2036-02-29T00:00:00Z')).toBeDefined();
    expect(parseInstant('2035-02-29T00:00:00Z')).toBeUndefined();
  });

  it('suggests an example on the same day when it can', () => {
    expect(exampleDate('2036-03-04')).toBe('2036-03-04T00:00:00Z');
    expect(exampleDate('2035-02-30T00:00:00Z')).toBe('2035-01-15T00:00:00Z');
    expect(exampleDate('soon')).toBe('2035-01-15T00:00:00Z');
  });
});
