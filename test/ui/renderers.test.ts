import { describe, expect, it } from 'vitest';
import { summarize, type DriftEntry, type Plan, type ResourceChange } from '../../src/core/plan-types.js';
import { renderErrorsText, formatErrorLine } from '../../src/ui/error-text.js';
import { planToJson, planToJsonObject } from '../../src/ui/json.js';
import { renderDriftMarkdown, renderPlanMarkdown } from '../../src/ui/markdown.js';
import { outputMode } from '../../src/ui/output-mode.js';
import { renderDriftText, renderPlanText } from '../../src/ui/plan-text.js';
import { excerpt, renderErrors } from '../../src/ui/error-report.js';
import { lineToText } from '../../src/ui/styled-text.js';
import { fitToWidth, outputWidth, wrapText } from '../../src/ui/wrap.js';
import { emptyPlan, everyKindPlan } from './fixtures.js';
import { unstyled } from './render-helpers.js';

const ESC = '\u001b';
const SECRETS = ['c2VjcmV0LWtleS1tYXRlcmlhbA==', 'b2xkLWtleQ==', 'bmV3LWtleQ=='];

describe('renderPlanText', () => {
  it('writes no escape codes without colour and the same words with it', () => {
    const plain = renderPlanText(everyKindPlan, { color: false });
    const coloured = renderPlanText(everyKindPlan, { color: true });
    expect(plain).not.toContain(ESC);
    expect(coloured).toContain(`${ESC}[32m  +${ESC}[39m image.web`);
    expect(coloured).toContain(`${ESC}[35m-/+${ESC}[39m image.legacy`);
    expect(coloured).toContain(`${ESC}[31m  -${ESC}[39m image.old`);
    expect(unstyled(coloured)).toBe(
      plain
        .trimEnd()
        .split('\n')
        .map((line) => line.trimEnd())
        .join('\n') + '\n',
    );
  });

  it('shows the DESIGN field line with its predicted status, and marks replacements', () => {
    const text = renderPlanText(everyKindPlan, { color: false });
    expect(text).toContain(
      '      ~ obsolescence_at: "2026-03-01T00:00:00Z" -> null   (status obsolete -> deprecated)\n',
    );
    expect(text).toContain('   # forces replacement\n');
    expect(text).toContain('~ image: "r006-2222" -> (known after apply)');
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'Plan: 1 to add, 1 to change, 2 to replace, 1 to destroy, 1 to forget.',
    );
  });

  it('never prints a secret, even when the engine forgot the sensitive flag', () => {
    const text = renderPlanText(everyKindPlan, { color: false });
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).toContain('+ encrypted_data_key: (sensitive)');
    expect(text).toContain('~ encrypted_data_key: (sensitive) -> (sensitive)');
  });

  it('puts drift before the actions and calls an unreadable object unreadable, not deleted', () => {
    const text = renderPlanText(everyKindPlan, { color: false });
    expect(text.indexOf('Changed outside imageform')).toBeLessThan(text.indexOf('Note: '));
    expect(text.indexOf('Note: ')).toBeLessThan(text.indexOf('will perform the following actions'));
    expect(text).toContain('# image.catalog could no longer be read (404)');
    expect(renderDriftText(everyKindPlan.drift)).not.toMatch(/deleted/);
  });

  it('omits "to forget" when nothing is forgotten and says "No changes" for an empty plan', () => {
    const changes = everyKindPlan.changes.filter((change) => change.action !== 'forget');
    const plan: Plan = { ...everyKindPlan, changes, summary: summarize(changes) };
    expect(renderPlanText(plan, { color: false })).toContain(
      'Plan: 1 to add, 1 to change, 2 to replace, 1 to destroy.\n',
    );
    expect(renderPlanText(emptyPlan, { color: false })).toBe('No changes. The cloud matches the files.\n');
    expect(renderDriftText([])).toBe('');
  });

  it('escapes control characters that come from the cloud', () => {
    const drift: DriftEntry[] = [
      { address: 'image.web', fields: [{ path: 'name', before: 'web', after: `evil${ESC}[2Jname\nnext` }] },
    ];
    const text = renderDriftText(drift);
    expect(text).not.toContain(ESC);
    expect(text).toContain('~ name: "web" -> "evil\\u001b[2Jname\\nnext"');
  });
});

describe('nested leaves', () => {
  const bucketMoved: ResourceChange = {
    address: 'image_export_job.nightly',
    kind: 'image_export_job',
    action: 'replace',
    id: 'r006-job',
    fields: [
      { path: 'storage_bucket.name', before: 'old', after: 'new', forces_replacement: true },
      { path: 'properties."os.distro"', before: 'ubuntu', after: 'debian' },
      { path: 'properties.os_version', before: null, after: '24.04' },
    ],
  };
  const plan: Plan = { format_version: '1', summary: summarize([bucketMoved]), drift: [], changes: [bucketMoved] };

  it('prints each dotted leaf on its own line, aligned, a quoted key as it is, with # forces replacement', () => {
    const lines = renderPlanText(plan, { color: false }).split('\n');
    expect(lines).toContain('      ~ storage_bucket.name:    "old" -> "new"   # forces replacement');
    expect(lines).toContain('      ~ properties."os.distro": "ubuntu" -> "debian"');
    expect(lines).toContain('      ~ properties.os_version:  null -> "24.04"');
    expect(lines.filter((line) => line.includes('storage_bucket'))).toHaveLength(1);
  });

  it('quotes a path whole, escaped, when it is not made of plain or quoted keys', () => {
    const odd: ResourceChange = {
      ...bucketMoved,
      fields: [{ path: `properties.evil${ESC}[2J`, before: 'a', after: 'b' }],
    };
    const text = renderPlanText({ ...plan, changes: [odd] }, { color: false });
    expect(text).not.toContain(ESC);
    expect(text).toContain('~ "properties.evil\\u001b[2J": "a" -> "b"');
  });

  it('gives the leaf its own entry in the markdown table and the JSON plan', () => {
    const markdown = renderPlanMarkdown(plan);
    expect(markdown).toContain('`storage_bucket.name`: `"old"` → `"new"` **forces replacement**<br>');
    expect(markdown).toContain('~ storage_bucket.name:    "old" -> "new"   # forces replacement\n');
    assertValidTables(markdown);
    expect(planToJsonObject(plan).changes[0]!.fields[0]).toEqual({
      path: 'storage_bucket.name',
      before: 'old',
      after: 'new',
      forces_replacement: true,
    });
  });
});

describe('planToJson', () => {
  it('is exactly the DESIGN §4 object for the example plan', () => {
    const change: ResourceChange = {
      address: 'image.web',
      kind: 'image',
      action: 'update',
      fields: [{ path: 'deprecation_at', before: '2026-12-01T00:00:00Z', after: null }],
      status: { before: 'deprecated', after: 'available' },
      dependencies: [],
    };
    const plan: Plan = {
      format_version: '1',
      summary: { add: 1, change: 1, replace: 0, destroy: 0 },
      drift: [
        { address: 'image.web', fields: [{ path: 'deprecation_at', before: null, after: '2026-12-01T00:00:00Z' }] },
      ],
      changes: [change],
      prior_state: { lineage: 'l', serial: 3, resources: {} },
      cloud_time: '2026-06-01T00:00:00Z',
      dir: '/somewhere',
    };
    expect(JSON.parse(planToJson(plan))).toEqual({
      format_version: '1',
      summary: { add: 1, change: 1, replace: 0, destroy: 0 },
      drift: [
        { address: 'image.web', fields: [{ path: 'deprecation_at', before: null, after: '2026-12-01T00:00:00Z' }] },
      ],
      changes: [
        {
          address: 'image.web',
          kind: 'image',
          action: 'update',
          actions: ['update'],
          fields: [{ path: 'deprecation_at', before: '2026-12-01T00:00:00Z', after: null }],
          status: { before: 'deprecated', after: 'available' },
        },
      ],
    });
    expect(Object.keys(planToJsonObject(plan))).toEqual(['format_version', 'summary', 'drift', 'changes']);
  });

  it('redacts secrets, marks unknowns, keeps gone, forget and notes under their own names', () => {
    const text = planToJson(everyKindPlan);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const json = JSON.parse(text);
    expect(json.summary).toEqual({ add: 1, change: 1, replace: 2, destroy: 1, forget: 1 });
    expect(json.drift[1]).toEqual({ address: 'image.catalog', fields: [], gone: true });
    expect(json.changes[0].fields[2]).toEqual({
      path: 'encrypted_data_key',
      before: null,
      after: '(sensitive)',
      sensitive: true,
    });
    expect(json.changes[2].fields[1]).toEqual({
      path: 'encrypted_data_key',
      before: '(sensitive)',
      after: '(sensitive)',
      forces_replacement: true,
      sensitive: true,
    });
    expect(json.changes[3].fields[0]).toEqual({
      path: 'image',
      before: 'r006-2222',
      after: '(known after apply)',
      known_after_apply: true,
    });
    expect(json.changes.map((change: { action: string }) => change.action)).toEqual([
      'create',
      'update',
      'replace',
      'replace',
      'delete',
      'forget',
    ]);
    // Terraform's list form (DESIGN.md §4): a replace is a delete too; one provider, so no `provider` key.
    expect(json.changes.map((change: { actions: string[] }) => change.actions)).toEqual([
      ['create'],
      ['update'],
      ['delete', 'create'],
      ['delete', 'create'],
      ['delete'],
      ['forget'],
    ]);
    for (const change of json.changes) expect(change).not.toHaveProperty('provider');
    expect(json.notes).toEqual(everyKindPlan.notes);
  });
});

/** A GitHub table is valid when every row has as many unescaped cell separators as the header. */
function assertValidTables(markdown: string): number {
  const lines = markdown.split('\n');
  let tables = 0;
  for (let index = 0; index < lines.length; index++) {
    if (!lines[index]!.startsWith('| ') || !lines[index + 1]?.startsWith('| ---')) continue;
    tables++;
    const columns = separators(lines[index]!);
    expect(separators(lines[index + 1]!)).toBe(columns);
    for (index += 2; index < lines.length && lines[index]!.startsWith('|'); index++) {
      expect(separators(lines[index]!), lines[index]).toBe(columns);
      expect(lines[index]!.endsWith(' |')).toBe(true);
    }
  }
  return tables;
}

/** Counts cell separators the way GitHub's table scanner does: a backslash escapes the next character. */
function separators(row: string): number {
  let count = 0;
  for (let index = 0; index < row.length; index++) {
    if (row[index] === '\\') index++;
    else if (row[index] === '|') count++;
  }
  return count;
}

function manyDriftedImages(count: number): { drift: DriftEntry[]; changes: ResourceChange[] } {
  const drift: DriftEntry[] = Array.from({ length: count }, (_, index) => ({
    address: `image.img-${index}`,
    fields: [
      // 40 distinct causes for the date, one per image for the name: both grouping and the cap are exercised.
      { path: 'deprecation_at', before: null, after: `2026-12-${String((index % 40) + 1).padStart(2, '0')}T00:00:00Z` },
      { path: 'name', before: `img-${index}`, after: `renamed|by hand\n${index}` },
    ],
  }));
  const changes: ResourceChange[] = drift.map((entry) => ({
    address: entry.address,
    kind: 'image',
    action: 'update',
    fields: entry.fields.map((field) => ({ ...field, before: field.after, after: field.before })),
  }));
  return { drift, changes };
}

describe('renderDriftMarkdown', () => {
  it('groups identical drift into one row with a count and the first few addresses', () => {
    const drift: DriftEntry[] = ['a', 'b', 'c', 'd', 'e'].map((name) => ({
      address: `image.${name}`,
      fields: [{ path: 'deprecation_at', before: null, after: '2026-12-01T00:00:00Z' }],
    }));
    drift.push({ address: 'image.gone', fields: [], gone: true });
    const markdown = renderDriftMarkdown({ drift, changes: [] });
    expect(markdown).toMatchInlineSnapshot(`
      "## imageform drift

      **6 resources** changed outside imageform.

      ### Changed outside imageform since the last apply

      | Field | Last applied | In the cloud now | Resources | Count |
      | --- | --- | --- | --- | ---: |
      | \`deprecation_at\` | \`null\` | \`"2026-12-01T00:00:00Z"\` | \`image.a\`, \`image.b\`, \`image.c\` and 2 more | 5 |
      | (whole object) | — | could no longer be read (404) | \`image.gone\` | 1 |
      "
    `);
    expect(assertValidTables(markdown)).toBe(1);
  });

  it('fits 2,000 drifted images in one comment with valid tables and says what was left out', () => {
    const report = manyDriftedImages(2000);
    const markdown = renderDriftMarkdown(report);
    expect(markdown.length).toBeLessThanOrEqual(65_000);
    expect(assertValidTables(markdown)).toBe(2);
    expect(markdown).toContain(
      '**2000 resources** changed outside imageform; **2000 resources differ** from the files.',
    );
    // The 40 date groups of 50 images each come first, and everything not shown is counted.
    expect(markdown).toContain(
      '| `deprecation_at` | `null` | `"2026-12-01T00:00:00Z"` | `image.img-0`, `image.img-40`, `image.img-80` and 47 more | 50 |',
    );
    expect(markdown).toMatch(/_…and \d+ more rows \(\d+ resources\) not shown to fit one comment/);
    expect(markdown).toContain('`"renamed\\|by hand\\n1"`');
  });

  it('keeps the table valid whatever backslashes and pipes a value holds', () => {
    const drift: DriftEntry[] = [
      { address: 'image.a', fields: [{ path: 'name', before: 'x\\|y', after: 'a|b\\' }] },
      { address: 'image.b', fields: [{ path: 'name', before: '``|`', after: '\\\\|' }] },
    ];
    assertValidTables(renderDriftMarkdown({ drift, changes: [] }));
  });

  it('honours a smaller cap', () => {
    const markdown = renderDriftMarkdown(manyDriftedImages(300), { maxChars: 5_000 });
    expect(markdown.length).toBeLessThanOrEqual(5_000);
    assertValidTables(markdown);
  });

  it('says when there is no drift', () => {
    expect(renderDriftMarkdown({ drift: [], changes: [] })).toBe(
      '## imageform drift\n\nNo drift: the cloud matches the last apply and the files.\n',
    );
  });
});

describe('renderPlanMarkdown', () => {
  it('leads with the count, keeps secrets out, and folds the full plan', () => {
    const markdown = renderPlanMarkdown(everyKindPlan);
    for (const secret of SECRETS) expect(markdown).not.toContain(secret);
    expect(markdown.split('\n')[2]).toBe('**Plan: 1 to add, 1 to change, 2 to replace, 1 to destroy, 1 to forget.**');
    expect(assertValidTables(markdown)).toBe(2);
    expect(markdown).toContain('<details><summary>Full plan</summary>');
  });

  it('drops the folded text rather than exceed the cap', () => {
    const { changes } = manyDriftedImages(2000);
    const plan: Plan = { format_version: '1', summary: summarize(changes), drift: [], changes };
    const markdown = renderPlanMarkdown(plan);
    expect(markdown.length).toBeLessThanOrEqual(65_000);
    expect(markdown).not.toContain('<details>');
    expect(markdown).toContain('too long for one comment');
    assertValidTables(markdown);
  });
});

describe('errors', () => {
  const diagnostic = {
    code: 'schema.date-order',
    severity: 'error' as const,
    message: 'spec.obsolescence_at must be after spec.deprecation_at',
    location: { file: 'images/base.yaml', line: 7, col: 19 },
    hint: 'move it later',
  };

  it('is one line in plain mode; on a terminal the same line, the source line with a caret, and a count', () => {
    expect(formatErrorLine(diagnostic)).toBe(
      'images/base.yaml:7:19: spec.obsolescence_at must be after spec.deprecation_at (move it later)',
    );
    expect(renderErrorsText([diagnostic, { ...diagnostic, message: `two\nlines${ESC}[2J` }])).toBe(
      'images/base.yaml:7:19: spec.obsolescence_at must be after spec.deprecation_at (move it later)\n' +
        'images/base.yaml:7:19: two lines (move it later)\n',
    );
    expect(renderErrors([diagnostic], { interactive: false })).toBe(`${formatErrorLine(diagnostic)}\n`);
    const source =
      'kind: image\nname: base\nspec:\n  file: cos://x\n  deprecation_at: 2027-01-15\n  # later\n  obsolescence_at: 2026-01-01\n';
    const unknownPlace = {
      code: 'cli.bad-arguments',
      severity: 'error' as const,
      message: 'plan: unexpected argument "x"',
    };
    const atValue = { ...diagnostic, location: { file: 'images/base.yaml', line: 7, col: 20 } };
    const report = renderErrors([atValue, unknownPlace], {
      interactive: true,
      columns: 60,
      readSource: (file) => (file === 'images/base.yaml' ? source : undefined),
    });
    expect(unstyled(report)).toMatchInlineSnapshot(`
      "images/base.yaml:7:20: spec.obsolescence_at must be after
          spec.deprecation_at (move it later)
         7 |   obsolescence_at: 2026-01-01
           |                    ^
      error: plan: unexpected argument "x"
      2 errors
      "
    `);
    // The place in bold, the caret in red: colour for a person, the same words as the CI line.
    expect(report).toContain(`${ESC}[1mimages/base.yaml:7:20${ESC}[22m: spec.obsolescence_at`);
    expect(report).toContain(`${ESC}[31m^${ESC}[39m`);
    expect(
      renderErrors([diagnostic], { interactive: true, color: false, columns: 120, readSource: () => undefined }),
    ).toBe(`${formatErrorLine(diagnostic)}\n1 error\n`);
  });

  it('cuts a source line wider than the terminal around the column, so the caret still points at it', () => {
    const long = `${'x'.repeat(70)}: ${'y'.repeat(40)}BAD${'z'.repeat(40)}`;
    const col = long.indexOf('BAD') + 1;
    const [shown, caret] = excerpt(long, 3, col, 60).map((line) => unstyled(lineToText(line, false)));
    expect(shown!.length).toBeLessThanOrEqual(59);
    expect(caret!.length).toBeLessThanOrEqual(59);
    expect(shown![caret!.indexOf('^')]).toBe('B');
    expect(shown).toMatch(/^ {3}3 \| …/);
  });
});

describe('wrapping to the terminal', () => {
  it('breaks at spaces, keeps words whole, indents continuations, and cuts mid-word only a word too long to fit', () => {
    const advice = '  To accept the drift instead: a rule in .imageform-driftignore, or imageform drift --baseline';
    expect(wrapText(advice, 40).split('\n')).toEqual([
      '  To accept the drift instead: a rule in',
      '    .imageform-driftignore, or imageform',
      '    drift --baseline',
    ]);
    const field = '      + file:   "cos://us-south/bucket/a-very-long-object-name-with-no-spaces.qcow2"';
    expect(wrapText(field, 40).split('\n')).toEqual([
      '      + file:   "cos://us-south/bucket/a',
      '                -very-long-object-name-w',
      '                ith-no-spaces.qcow2"',
    ]);
    expect(wrapText(field, undefined)).toBe(field);
    expect(fitToWidth('image_export_job.nightly: exporting', 20)).toBe('image_export_job.ni…');
  });

  it('knows the width only on a terminal: 80 when it reports none, no limit for a pipe', () => {
    expect(outputWidth({ isTTY: true, columns: 60 })).toBe(60);
    expect(outputWidth({ isTTY: true, columns: 0 })).toBe(80);
    expect(outputWidth({ isTTY: false, columns: 60 })).toBeUndefined();
  });
});

describe('outputMode', () => {
  const tty = { stdout: { isTTY: true } };
  it('is interactive only on a terminal with nothing forcing plain output', () => {
    expect(outputMode(tty, {})).toEqual({ interactive: true, color: true });
    expect(outputMode({ stdout: { isTTY: false } }, {})).toEqual({ interactive: false, color: false });
    expect(outputMode(tty, { NO_COLOR: '1' })).toEqual({ interactive: false, color: false });
    expect(outputMode(tty, { CI: 'true' })).toEqual({ interactive: false, color: false });
    expect(outputMode(tty, { CI: 'false' }).interactive).toBe(true);
    expect(outputMode(tty, {}, { noColor: true })).toEqual({ interactive: false, color: false });
    expect(outputMode({ stdout: {} }, { FORCE_COLOR: '1' })).toEqual({ interactive: false, color: true });
  });
});
