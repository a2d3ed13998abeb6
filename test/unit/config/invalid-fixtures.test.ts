import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validate } from '../../../src/cli/validate.js';
import { runValidate } from './run-validate.js';

const fixtures = fileURLToPath(new URL('../../fixtures/invalid/', import.meta.url));
const cases = readdirSync(fixtures, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('test/fixtures/invalid', () => {
  it('holds at least 25 bad cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('%s: prints exactly the expected lines and exits 1', async (name) => {
    const expected = readFileSync(`${fixtures}${name}/expected.txt`, 'utf8');
    const { code, stdout, stderr } = await runValidate(validate, [name], fixtures);
    expect(stderr).toBe(expected);
    expect(stdout).toBe('');
    expect(code).toBe(1);
    expect(expected.trim()).not.toBe('');
  });
});
