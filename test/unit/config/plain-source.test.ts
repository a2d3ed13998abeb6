import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPlainSource } from '../../../src/config/plain-source.js';
import { parseWithYaml, parseYamlText } from '../../../src/config/source-document.js';
import type { NodePath } from '../../../src/config/model.js';

/**
 * The fast path (the plain subset's own reading) against the `yaml` library on the same text: documents, indexes,
 * starts, values (Object.is on every leaf, so -0 and NaN count), diagnostics and the location of every node.
 */
function expectSameReading(text: string): void {
  const fast = parseYamlText(text, 'f.yaml');
  const slow = parseWithYaml(text, 'f.yaml');
  expect(fast.diagnostics, JSON.stringify(text)).toEqual(slow.diagnostics);
  expect(
    fast.documents.map(({ index, start }) => ({ index, start })),
    JSON.stringify(text),
  ).toEqual(slow.documents.map(({ index, start }) => ({ index, start })));
  fast.documents.forEach((document, i) => {
    const other = slow.documents[i]!;
    expect(document.value, JSON.stringify(text)).toStrictEqual(other.value);
    for (const path of pathsIn(other.value)) {
      for (const key of [false, true]) {
        expect(document.locate(path, { key }), `${JSON.stringify(text)} ${path.join('.')}`).toEqual(
          other.locate(path, { key }),
        );
      }
    }
    expect(document.locate(['absent', 0])).toEqual(other.locate(['absent', 0]));
    // A document said to hold no `${` holds no string with one: the rules skip looking for references in it.
    if (document.interpolates === false) expect(stringsIn(other.value).filter((s) => s.includes('${'))).toEqual([]);
  });
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return (Array.isArray(value) ? value : Object.values(value)).flatMap(stringsIn);
}

function pathsIn(value: unknown, prefix: NodePath = []): NodePath[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((item, i) => [i, item] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, item]) => pathsIn(item, [...prefix, key]))];
}

/** Whether the fast path reads the text (the subset's scan lets it through). */
const accepted = (text: string): boolean =>
  readPlainSource(text, 'f.yaml', () => parseWithYaml(text, 'f.yaml')) !== undefined;

const SCALARS = [
  // Numbers in every spelling the two schemas might read apart.
  ...['0o14', '0x1F', '0X1f', '0b101', '1_000', '1__0', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '+1', '-1', '1e3'],
  ...['1E3', '1e+3', '1.0e-5', '010', '00', '0', '-0', '0.0', '-0.0', '1.5', '1.50', '.5', '+.5', '5.', '-12'],
  ...['123456789012345678901', '9007199254740993', '3.14159', '0.000000000000001', '1.', '-.5', '12e'],
  // Booleans and nulls in every spelling.
  ...['true', 'True', 'TRUE', 'tRue', 'false', 'False', 'FALSE', 'yes', 'Yes', 'YES', 'no', 'No', 'on', 'On', 'ON'],
  ...['off', 'Off', 'y', 'Y', 'n', 'N', 'null', 'Null', 'NULL', 'nUll', '~', '~x', ''],
  // Dates, quoted and not.
  ...['2035-01-15', '2035-01-15T00:00:00Z', '"2035-01-15"', "'2035-01-15T00:00:00+01:00'", '12:30:00', '1:30'],
  ...['2001-12-14t21:59:43.10-05:00', '2035-01-15 00:00:00'],
  // Strings, quoting and indicators.
  ...['hello', 'hello world', 'a#b', 'a #b', "'it''s'", '"say \\"hi\\""', '"a\\tb"', '"a\\\\b"', '""', "''"],
  ...['${image.web.id}', 'cos://us-south/b/x.qcow2', 'a: b', 'a:b', '-a', '- a', '?a', ':a', '@a', '`a', '%a'],
  ...['&a', '*a', '!a', '!!str a', '|', '>', '[a]', '{a: 1}', '[a, b,]', '[]', '{}', '[ ]', '<', '<<', '=', 'a,b'],
  ...['a]', 'a}', '"é"', 'été', '日本', '\u{1F600}', 'a\u00A0b', '"a"b', "'a'#c", '"a" #c', 'a  ', "'a\"b'"],
  ...['[a, [b]]', '[a, {b: c}]', '{a: [b]}', '[a: b]', '{a: b, a: c}', '{a: 1, b: 2}', '[1, 2.5, true, ~]'],
  ...['[ "x" , \'y\' ]', '{a: "x"}', '{"a": 1}', '[a #c]', '[a, b] #c', '[a, b]x', '{a: }', '[,]', '[a,,b]'],
  // Flow items that hold the flow's own separators, quotes doubled, words with inner spaces.
  ...['["a, b", \'c, d\']', "['it''s', 'x''''', '''']", "{a: 'x, y', b: \"p: q\", c: '{}'}", '[a  b ,c d  , e]'],
  ...['{a: ~, b: null, c: True, d: FALSE, e: -12.5}', '[0, -1, 0.5, 12.25]', '[ ]', '{ }', '{ a: 1 , b: 2 }'],
  ...["'a '' b'", '"a \' b"', "'#'", '"#"', '["]"]', "['[']", '{a: "}"}', '["", \'\']', '{a: \'\', b: ""}'],
];

const CONTEXTS = [
  (x: string) => `v: ${x}\n`,
  (x: string) => `v: ${x} # c\n`,
  (x: string) => `- ${x}\n`,
  (x: string) => `v: [${x}]\n`,
  (x: string) => `v: [a, ${x}]\n`,
  (x: string) => `v: {k: ${x}}\n`,
  (x: string) => `${x}: 1\n`,
  (x: string) => `- ${x}: 1\n  b: ${x}\n`,
  (x: string) => `a:\n  b: ${x}\nc: ${x}\n`,
];

const STRUCTURES = [
  // Multi-line scalars, folded and literal blocks.
  'a: hello\n  world\n',
  '- x\n  y\n',
  'a: hello\n  - world\n',
  'a: hello\n  b: c\n',
  'a: >\n  x\n  y\n',
  'a: |\n  x\n',
  'a: |-\n  x\n',
  'a: >+\n  x\n\n',
  'a: "x\n  y"\n',
  "a: 'x\n\n  y'\n",
  'a: [x,\n  y]\n',
  // Empty documents and document markers.
  '',
  '\n',
  '# c\n',
  '---\n',
  '---\n---\n',
  'a: 1\n---\n',
  '---\na: 1\n',
  '# c\n---\na: 1\n',
  'a: 1\n...\n',
  'a: 1\n--- \nb: 2\n',
  '--- a: 1\n',
  '---\n# c\n---\nb: 1\n',
  'a: 1\n# c\n---\n\n---\nb: 2\n---\n- c\n',
  '---\n---\n---\na: 1\n',
  // Duplicate keys.
  'a: 1\na: 2\n',
  'a: {x: 1, x: 2}\n',
  'a:\n  x: 1\n  x: 2\n',
  '- a: 1\n  a: 2\n',
  'a: 1\nb:\n  a: 2\n',
  // Merge keys.
  '<<: {x: 1}\n',
  'a: &b {x: 1}\nc:\n  <<: *b\n',
  'a:\n  <<: {x: 1}\n  y: 2\n',
  // Comments.
  'a: 1 # c\n# c\nb: 2 #c\n',
  'a: 1#c\n',
  'a: #c\n  b: 1\n',
  'a:\n# c\n  b: 1\n',
  'a:\n  # c\n  b: 1\n    # c\n',
  '- # c\n  a: 1\n',
  // CR, BOM, tabs.
  'a: 1\r\nb: 2\r\n',
  'a: 1\rb: 2\n',
  '\uFEFFa: 1\n',
  'a:\t1\n',
  'a:\n\tb: 1\n',
  "a: 'x\ty'\n",
  'a: 1\t# c\n',
  // Indentation.
  'a:\n  b: 1\n c: 2\n',
  'a:\n    b: 1\n  c: 2\n',
  '  a: 1\n  b: 2\n',
  '  a: 1\nb: 2\n',
  'a:\n- 1\n- 2\nb: 3\n',
  'a:\n- 1\n  - 2\n',
  'a:\n  - 1\n  - 2\n',
  '- - a\n  - b\n- c\n',
  '- - - a\n    - b\n  - c\n',
  '- a: 1\n  b: 2\n- c\n',
  '- a:\n  - 1\n',
  '- a:\n    - 1\n  b:\n  - 2\n',
  '-\n  a: 1\n',
  '-\n- 1\n',
  '- a: 1\n   b: 2\n',
  'a: 1\n  b: 2\n',
  'a:\n  b:\n  c: 1\n',
  'a:\n  b:\nc:\n',
  'a:\n   b: 1\n   c:\n    - x\n    - y\nd: [1]\n',
  'a:\n  b: 1\n\n\n  c: 2\n',
  `${Array.from({ length: 70 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1\n`,
  `${Array.from({ length: 30 }, (_, i) => `${' '.repeat(i * 2)}a:`).join('\n')} 1\n`,
  // Root scalars and flow roots.
  'hello\n',
  '~\n',
  'null\n',
  '[a, b]\n',
  '{a: 1}\n',
  '- [a, b]\n- {c: d}\n',
  // Directives, anchors, tags.
  '%YAML 1.2\n---\na: 1\n',
  '%YAML 1.1\n---\na: yes\n',
  'a: &x 1\nb: *x\n',
  'a: !!str 1\n',
  'a: !local x\n',
  // Keys.
  '"a": 1\n',
  "'a': 1\n",
  '? a\n: 1\n',
  '[a]: 1\n',
  '1: a\n',
  'true: a\n',
  'null: a\n',
  'a b: 1\n',
  'a.b: 1\nc-d: 2\n_e: 3\n',
  '__proto__: 1\n',
  'constructor: 1\ntoString: 2\n',
  'a : 1\n',
  'a:1\n',
  'a::\n',
  'a: b: c\n',
  // A document as the generator of the validate bench writes it.
  'kind: image\nname: image-1\nspec:\n  file: cos://us-south/b/image-1.qcow2\n  operating_system: ubuntu-24-04-amd64\n' +
    '  deprecation_at: "2035-01-15T00:00:00Z"\nlifecycle:\n  ignore_changes: [name]\n---\nkind: image_export_job\n' +
    'name: export-1\nspec:\n  image: ${image.image-1.id}\n  storage_bucket: {name: imageform-exports}\n  format: qcow2\n',
];

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name === '.imageform' ? [] : filesBelow(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

const root = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = [...filesBelow(join(root, 'test/fixtures')), ...filesBelow(join(root, 'examples'))];

/** A small seeded generator (mulberry32), so a failure is reproducible. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Texts of random lines: indents, markers, keys, values and comments, most of them near the subset's edges. */
function randomTexts(count: number): string[] {
  const next = random(12);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const values = [...SCALARS, '', '', 'x', 'web', '1', '[a, b]', '{k: v}', '"q"', "'s'"];
  return Array.from({ length: count }, () => {
    const lines = Array.from({ length: 1 + Math.floor(next() * 8) }, () => {
      const roll = next();
      if (roll < 0.05) return '---';
      if (roll < 0.1) return `${' '.repeat(Math.floor(next() * 4))}# c`;
      const indent = ' '.repeat(pick([0, 0, 0, 2, 2, 4, 1, 3, 6]));
      const marker = pick(['', '', '', '- ', '- - ', '-']);
      const entry = next() < 0.75 ? `${pick(['a', 'b', 'c', 'name', 'a.b', 'x-y'])}:` : '';
      const value = marker === '-' ? '' : pick(values);
      const comment = next() < 0.1 ? ' # c' : '';
      return `${indent}${marker}${entry}${entry && value ? ' ' : ''}${value}${comment}`.replace(/^(\s*)-$/, '$1-');
    });
    return `${lines.join('\n')}\n`;
  });
}

/** Nested block mappings and sequences at random indents, now and then a line one column off or a null value. */
function treeTexts(count: number): string[] {
  const next = random(34);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const keys = ['a', 'b', 'c', 'name', 'spec', 'x-y', 'a.b'];
  const PLAIN = ['x', 'web', 'a b', '1', '-2.5', '0', 'true', 'False', '~', 'null', '"q"', "'s'", '[a, 1]', '{k: v}'];
  /** `lead` replaces the first line's indent: `- ` written before a mapping's first key (the compact form). */
  const node = (indent: number, depth: number, out: string[], lead?: string): void => {
    const sequence = next() < 0.35;
    const step = pick([1, 2, 2, 3, 4]);
    const used = new Set<string>();
    for (let i = 0, n = 1 + Math.floor(next() * 4); i < n; i++) {
      const skew = next() < 0.04 ? pick([-1, 1]) : 0;
      const pad = i === 0 && lead !== undefined ? lead : ' '.repeat(Math.max(0, indent + skew));
      let key = pick(keys);
      if (used.has(key) && next() < 0.9) key = `${key}${i}`;
      used.add(key);
      const head = sequence ? `${pad}-` : `${pad}${key}:`;
      const roll = next();
      if (next() < 0.05) out.push(`${pad}# c`);
      if (depth < 4 && roll < 0.35) {
        if (sequence && next() < 0.7) {
          node(indent + 2, depth + 1, out, `${pad}- `);
        } else {
          out.push(head);
          node(sequence ? indent + step : indent + (next() < 0.2 && !sequence ? 0 : step), depth + 1, out);
        }
      } else if (roll < 0.4) {
        out.push(head);
      } else {
        const value = next() < 0.05 ? pick(SCALARS) : pick(PLAIN);
        out.push(`${head} ${value}${next() < 0.1 ? ' # c' : ''}`);
      }
    }
  };
  return Array.from({ length: count }, () => {
    const out: string[] = [];
    for (let d = 0, n = 1 + Math.floor(next() * 2); d < n; d++) {
      if (d > 0 || next() < 0.2) out.push('---');
      node(next() < 0.1 ? 2 : 0, 0, out);
    }
    return `${out.join('\n')}\n`;
  });
}

describe('the plain subset read by its own scan', () => {
  it('reads every fixture and example as the yaml library does', () => {
    expect(FIXTURES.length).toBeGreaterThan(50);
    for (const file of FIXTURES) expectSameReading(readFileSync(file, 'utf8'));
    // Most of them are plain data: the fast path is the common one, not an exception.
    expect(FIXTURES.filter((file) => accepted(readFileSync(file, 'utf8'))).length).toBeGreaterThan(FIXTURES.length / 2);
  });

  it('reads every scalar spelling in every context as the yaml library does', () => {
    for (const scalar of SCALARS) for (const context of CONTEXTS) expectSameReading(context(scalar));
  });

  it('reads multi-line, empty, duplicate, merge, commented, CR, BOM, tab and indentation cases alike', () => {
    for (const text of STRUCTURES) expectSameReading(text);
  });

  it('reads random texts near the edges of the subset alike', () => {
    const texts = randomTexts(2500);
    for (const text of texts) expectSameReading(text);
    expect(texts.filter(accepted).length).toBeGreaterThan(100);
  });

  it('reads random nested mappings and sequences alike', () => {
    const texts = treeTexts(2000);
    for (const text of texts) expectSameReading(text);
    expect(texts.filter(accepted).length).toBeGreaterThan(500);
  });

  it('takes the fast path for plain data and leaves to yaml what it cannot prove equivalent', () => {
    for (const text of ['v: 12\n', 'v: -1.5\n', 'v: true\n', 'v: Null\n', 'v: ~\n', "v: 'it''s'\n", 'v: [a, "b"]\n']) {
      expect(accepted(text), text).toBe(true);
    }
    for (const scalar of ['0o14', '0x1F', '1_000', '.inf', '-.Inf', '.nan', '+1', '1e3', '010', '-0', '2035-01-15']) {
      expect(accepted(`v: ${scalar}\n`), scalar).toBe(false);
    }
    for (const text of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', '%YAML 1.2\n---\na: 1\n', '? a\n: 1\n', 'a: |\n  x\n']) {
      expect(accepted(text), text).toBe(false);
    }
    expect(accepted(`a: ${'x'.repeat(990)}\n`)).toBe(true);
    expect(accepted(`a: ${'x'.repeat(1000)}\n`)).toBe(false);
    for (const text of ['a: hello\n  world\n', '<<: {x: 1}\n', 'a: 1\r\n', '\uFEFFa: 1\n', 'a:\t1\n', '"a": 1\n']) {
      expect(accepted(text), text).toBe(false);
    }
  });

  it('keeps the hardened refusals of duplicate keys with the same diagnostics', () => {
    const { documents, diagnostics } = parseYamlText('a: 1\nb: 2\na: 3\n', 'dup.yaml');
    expect(documents).toEqual([]);
    expect(diagnostics.map((d) => [d.code, d.location?.line, d.location?.col])).toEqual([['yaml.duplicate-key', 3, 1]]);
  });

  it('tells each document whether `${` occurs in its lines', () => {
    const text = 'a: 1\n---\nb: ${image.x.id}\n---\n# ${not a value}\nc: [x, "${y}"]\n---\nd: 2\n';
    expect(parseYamlText(text, 'r.yaml').documents.map((d) => d.interpolates)).toEqual([false, true, true, false]);
  });

  it('counts documents as yaml does, empty ones included, and starts each at its first key', () => {
    const text = '# prelude\n---\nkind: image\n---\n# only a comment\n---\n\n  - a\n  - b\n---\nx: 1\n';
    expect(accepted(text)).toBe(true);
    const { documents } = parseYamlText(text, 'i.yaml');
    expect(documents.map((d) => [d.index, d.start.line, d.start.col])).toEqual([
      [0, 3, 1],
      [2, 8, 3],
      [3, 11, 1],
    ]);
  });
});
