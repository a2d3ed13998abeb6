import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/core/diagnostic.js';
import { isUserError } from '../../../src/core/errors.js';
import {
  applyIgnoreRules,
  baselineRules,
  describeExpiredRule,
  parseIgnoreRules as parseRules,
} from '../../../src/engine/drift-ignore.js';
import type { DriftEntry } from '../../../src/core/plan-types.js';
import { IBM_KINDS } from '../../../src/clouds/ibm-vpc/kinds/index.js';

/** The rules name the kinds of the configured clouds: here IBM's. */
const parseIgnoreRules = (text: string): ReturnType<typeof parseRules> =>
  parseRules(
    text,
    IBM_KINDS.map((kind) => kind.kind),
  );

const drift: DriftEntry[] = [
  {
    address: 'image.web',
    fields: [
      { path: 'name', before: 'web', after: 'web-renamed' },
      { path: 'deprecation_at', before: null, after: '2026-12-01T00:00:00Z' },
    ],
  },
  { address: 'image.db', fields: [{ path: 'deprecation_at', before: null, after: '2026-12-01T00:00:00Z' }] },
  { address: 'image_export_job.nightly', fields: [{ path: 'storage_bucket.name', before: 'a', after: 'b' }] },
  { address: 'image.catalog', fields: [], gone: true },
];

function errorsOf(text: string): string[] {
  try {
    parseIgnoreRules(text);
  } catch (err) {
    if (isUserError(err)) return err.diagnostics.map(formatDiagnostic);
    throw err;
  }
  return [];
}

describe('parseIgnoreRules', () => {
  it('reads rules with reasons, expiry dates, comments and blank lines', () => {
    const rules = parseIgnoreRules(
      [
        '# accepted drift',
        '',
        'image.web  name  until=2027-01-01  # reason: renamed by the ops team',
        'image.*    deprecation_at  # the catalog team schedules these',
      ].join('\n'),
    );
    expect(rules).toEqual([
      { address: 'image.web', field: 'name', reason: 'renamed by the ops team', expires: '2027-01-01', line: 3 },
      { address: 'image.*', field: 'deprecation_at', reason: 'the catalog team schedules these', line: 4 },
    ]);
  });

  it('refuses a rule without a reason, naming file, line and column', () => {
    expect(errorsOf('\nimage.web name until=2027-01-01\nimage.db name #   \n')).toEqual([
      '.imageform-driftignore:2:32: every ignore rule needs a reason (end the line with "# reason: why this drift is accepted")',
      '.imageform-driftignore:3:16: every ignore rule needs a reason (end the line with "# reason: why this drift is accepted")',
    ]);
  });

  it('reports bad addresses, unknown kinds, bad dates and unknown options all at once', () => {
    expect(
      errorsOf(
        [
          'imagee.web name # r',
          'image.web name until=2027-02-31 # r',
          'image.web name untill=2027-01-01 # r',
          'web # r',
        ].join('\n'),
      ),
    ).toEqual([
      '.imageform-driftignore:1:1: unknown kind "imagee" in "imagee.web" (did you mean "image"?)',
      '.imageform-driftignore:2:22: "2027-02-31" is not a date (write until=YYYY-MM-DD or a full ISO 8601 timestamp with offset)',
      '.imageform-driftignore:3:16: unknown option "untill=2027-01-01" (did you mean "until=YYYY-MM-DD"?)',
      '.imageform-driftignore:4:1: a rule needs an address and a field (write e.g. "image.web  name  # reason: renamed by the ops team")',
    ]);
  });
});

describe('applyIgnoreRules', () => {
  const now = new Date('2026-06-01T12:00:00Z');

  it('hides matching fields, keeps the rest, and drops entries left with nothing', () => {
    const rules = parseIgnoreRules(
      'image.web name # renamed by ops\nimage_export_job.* storage_bucket # moving buckets\n',
    );
    const result = applyIgnoreRules(drift, rules, now);
    expect(result.ignored).toBe(2);
    expect(result.expired).toEqual([]);
    expect(result.drift.map((entry) => [entry.address, entry.fields.map((field) => field.path)])).toEqual([
      ['image.web', ['deprecation_at']],
      ['image.db', ['deprecation_at']],
      ['image.catalog', []],
    ]);
  });

  it('matches unreadable objects only with the field "gone" or "*"', () => {
    const byField = applyIgnoreRules(drift, parseIgnoreRules('image.catalog name # no\n'), now);
    expect(byField.drift.some((entry) => entry.address === 'image.catalog')).toBe(true);
    const byGone = applyIgnoreRules(drift, parseIgnoreRules('image.catalog gone # held by a private catalog\n'), now);
    expect(byGone.drift.some((entry) => entry.address === 'image.catalog')).toBe(false);
    const everything = applyIgnoreRules(drift, parseIgnoreRules('* * # ignore everything\n'), now);
    expect(everything).toEqual({ drift: [], ignored: 5, expired: [] });
  });

  it('stops applying an expired rule and reports it: a date holds through that day (UTC)', () => {
    const rules = parseIgnoreRules('image.* deprecation_at until=2026-06-01 # scheduled by the catalog team\n');
    expect(applyIgnoreRules(drift, rules, new Date('2026-06-01T23:59:59Z')).ignored).toBe(2);
    const after = applyIgnoreRules(drift, rules, new Date('2026-06-02T00:00:00Z'));
    expect(after.ignored).toBe(0);
    expect(after.drift).toEqual(drift);
    expect(after.expired).toEqual(rules);
    expect(describeExpiredRule(after.expired[0]!)).toBe(
      '.imageform-driftignore:1:1: ignore rule "image.* deprecation_at" expired (until=2026-06-01) and no longer hides drift (its reason was: scheduled by the catalog team)',
    );
  });
});

describe('baselineRules', () => {
  it("writes one rule per drifted field that parses back and hides all of today's drift", () => {
    const now = new Date('2026-06-01T12:00:00Z');
    const text = baselineRules(drift, now, 'accepted during adoption', { expires: '2026-09-01' });
    expect(text).toMatchInlineSnapshot(`
      "# imageform drift ignore rules: ADDRESS FIELD [until=YYYY-MM-DD] # reason: why this drift is accepted
      # Baseline of the drift present on 2026-06-01, written by \`imageform drift --baseline\`.
      image.catalog             gone                 until=2026-09-01  # reason: accepted during adoption
      image.db                  deprecation_at       until=2026-09-01  # reason: accepted during adoption
      image.web                 deprecation_at       until=2026-09-01  # reason: accepted during adoption
      image.web                 name                 until=2026-09-01  # reason: accepted during adoption
      image_export_job.nightly  storage_bucket.name  until=2026-09-01  # reason: accepted during adoption
      "
    `);
    const result = applyIgnoreRules(drift, parseIgnoreRules(text), now);
    expect(result).toEqual({ drift: [], ignored: 5, expired: [] });
  });

  it('supplies a reason when none is given, so the file always parses', () => {
    const text = baselineRules(drift.slice(1, 2), new Date('2026-06-01T00:00:00Z'), '  \n ', { header: false });
    expect(text).toBe('image.db  deprecation_at  # reason: drift accepted as baseline on 2026-06-01\n');
    expect(parseIgnoreRules(text)).toHaveLength(1);
  });
});
