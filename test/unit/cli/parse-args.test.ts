import { describe, expect, it } from 'vitest';
import { SPECS } from '../../../src/cli/command-specs.js';
import { normalizeFlags, parseCommandArgs } from '../../../src/cli/parse-args.js';

/** The flag rules e2e runs do not reach cheaply: `--`, values that start with a dash, `-` for stdin. */
describe('parseCommandArgs', () => {
  it("reads Terraform's single-dash spellings as the double-dash ones", () => {
    const parsed = parseCommandArgs(SPECS.plan, [
      '-out=p.plan',
      '-target',
      'image.a',
      '-target=image.b',
      '-detailed-exitcode',
      'infra',
    ]);
    expect(parsed.values).toEqual({ out: 'p.plan', target: ['image.a', 'image.b'], 'detailed-exitcode': true });
    expect(parsed.positionals).toEqual(['infra']);
  });

  it('takes a value that starts with a dash, unless it is one of the flags', () => {
    expect(parseCommandArgs(SPECS.apply, ['--parallelism', '-1']).values).toEqual({ parallelism: '-1' });
    expect(parseCommandArgs(SPECS.drift, ['--reason', '-x-', '--baseline']).values).toEqual({
      reason: '-x-',
      baseline: true,
    });
    expect(() => parseCommandArgs(SPECS.plan, ['--out', '--json'])).toThrow('plan: --out needs a value');
  });

  it('leaves everything after -- and a lone - alone', () => {
    expect(normalizeFlags(SPECS.statePush, ['-', '--', '-auto-aprove'])).toEqual(['-', '--', '-auto-aprove']);
    expect(parseCommandArgs(SPECS.statePush, ['-']).positionals).toEqual(['-']);
  });

  it('refuses an unknown flag with the nearest declared one, and names of Object.prototype are not flags', () => {
    expect(() => parseCommandArgs(SPECS.apply, ['--paralelism=3'])).toThrow(
      'apply: unknown flag "--paralelism"; did you mean "--parallelism"?',
    );
    expect(() => parseCommandArgs(SPECS.apply, ['--constructor'])).toThrow('apply: unknown flag "--constructor"');
  });
});
