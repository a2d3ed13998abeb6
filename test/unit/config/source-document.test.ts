import { describe, expect, it } from 'vitest';
import { parseYamlText } from '../../../src/config/source-document.js';

describe('parseYamlText', () => {
  const text = `# comment
kind: image
name: web
spec:
  operating_system: ubuntu-24-04-amd64
  deprecation_at: "2035-01-15T00:00:00Z"
  empty:
  list: [a, b]
---
# only a comment: not a document
---
kind: image_deprecate
`;

  it('reads every document with its plain value and index', () => {
    const { documents, diagnostics } = parseYamlText(text, 'images/base.yaml');
    expect(diagnostics).toEqual([]);
    expect(documents.map((d) => d.index)).toEqual([0, 2]);
    expect(documents[0]!.value).toEqual({
      kind: 'image',
      name: 'web',
      spec: {
        operating_system: 'ubuntu-24-04-amd64',
        deprecation_at: '2035-01-15T00:00:00Z',
        empty: null,
        list: ['a', 'b'],
      },
    });
  });

  it('locates values, keys, list items, empty values and missing paths', () => {
    const [first, second] = parseYamlText(text, 'images/base.yaml').documents;
    expect(first!.start).toEqual({ file: 'images/base.yaml', line: 2, col: 1 });
    expect(first!.locate(['spec', 'deprecation_at'])).toEqual({ file: 'images/base.yaml', line: 6, col: 19 });
    expect(first!.locate(['spec', 'deprecation_at'], { key: true })).toMatchObject({ line: 6, col: 3 });
    expect(first!.locate(['spec', 'list', 1])).toMatchObject({ line: 8, col: 13 });
    expect(first!.locate(['spec', 'empty'])).toMatchObject({ line: 7, col: 3 });
    expect(first!.locate(['spec', 'absent'])).toMatchObject({ line: 5, col: 3 });
    expect(second!.start).toMatchObject({ line: 12, col: 1 });
  });

  it('keeps dates as strings (YAML 1.2 core schema)', () => {
    const [doc] = parseYamlText('at: 2035-01-15T00:00:00Z\n', 'a.yaml').documents;
    expect(doc!.value).toEqual({ at: '2035-01-15T00:00:00Z' });
  });

  it('follows aliases when locating', () => {
    const [doc] = parseYamlText('base: &b\n  os: x\ncopy: *b\n', 'a.yaml').documents;
    expect(doc!.locate(['copy', 'os'])).toMatchObject({ line: 2, col: 7 });
  });

  it('reports the first syntax error of a broken document, then goes on with the next', () => {
    const { documents, diagnostics } = parseYamlText('a: [1, 2\nb: c\n---\nkind: image\n', 'bad.yaml');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.code).toBe('yaml.syntax');
    expect(diagnostics[0]!.location).toMatchObject({ file: 'bad.yaml', line: 2 });
    expect(documents.map((d) => d.value)).toEqual([{ kind: 'image' }]);
  });

  it('refuses duplicate keys', () => {
    const { diagnostics } = parseYamlText('a: 1\nb: 2\na: 3\n', 'dup.yaml');
    expect(diagnostics.map((d) => [d.code, d.location?.line, d.location?.col])).toEqual([['yaml.duplicate-key', 3, 1]]);
  });

  it('refuses a billion-laughs alias bomb without expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) {
      const previous = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    // Expanded, it would never finish; bench/validate.ts prints how long the refusal takes.
    const { documents, diagnostics } = parseYamlText(`${levels.join('\n')}\n`, 'bomb.yaml');
    expect(documents).toEqual([]);
    expect(diagnostics.map((d) => d.code)).toEqual(['yaml.alias-bomb']);
  });

  it('allows a few honest aliases', () => {
    const { documents, diagnostics } = parseYamlText('x: &x {a: 1}\ny: [*x, *x, *x]\n', 'ok.yaml');
    expect(diagnostics).toEqual([]);
    expect(documents[0]!.value).toEqual({ x: { a: 1 }, y: [{ a: 1 }, { a: 1 }, { a: 1 }] });
  });

  it('lets an alias repeat a value after it ends, and the latest anchor of a name win', () => {
    const { documents, diagnostics } = parseYamlText('a: &x [1]\nb: *x\nc: &x 2\nd: [*x]\n', 'ok.yaml');
    expect(diagnostics).toEqual([]);
    expect(documents[0]!.value).toEqual({ a: [1], b: [1], c: 2, d: [2] });
  });

  it('refuses an alias inside its own anchor (a value that contains itself), in a list or a mapping', () => {
    const where = (text: string) =>
      parseYamlText(text, 'r.yaml').diagnostics.map((d) => [d.code, d.location?.line, d.location?.col]);
    expect(where('a: &x [*x]\n')).toEqual([['yaml.recursive-alias', 1, 8]]);
    expect(where('a: &x\n  b:\n    c: [1, *x]\n')).toEqual([['yaml.recursive-alias', 3, 12]]);
    expect(where('&top\nself: *top\n')).toEqual([['yaml.recursive-alias', 2, 7]]);
  });

  it('refuses an alias to no anchor (or to one defined after it) at the alias, not as a bomb', () => {
    const where = (text: string) =>
      parseYamlText(text, 'u.yaml').diagnostics.map((d) => [d.code, d.location?.line, d.location?.col]);
    expect(where('a: 1\nb: *nope\n')).toEqual([['yaml.unknown-alias', 2, 4]]);
    expect(where('a: *later\nb: &later 1\n')).toEqual([['yaml.unknown-alias', 1, 4]]);
  });

  it('refuses every tag outside the core schema at the tag, and reads the core tags', () => {
    const refused = [
      '!!js/function "f"',
      '!foo x',
      '!!binary aGk=',
      '!!set {a}',
      '!!timestamp 2035-01-15',
      '!<tag:x.org,1:y> z',
    ];
    for (const value of refused) {
      const { documents, diagnostics } = parseYamlText(`a: 1\nb: ${value}\n`, 't.yaml');
      expect(documents).toEqual([]);
      expect(diagnostics.map((d) => [d.code, d.location?.line, d.location?.col])).toEqual([['yaml.unknown-tag', 2, 4]]);
    }
    const { documents, diagnostics } = parseYamlText('a: !!str 1\nb: !!int "2"\nc: ! 3\nd: !!seq [x]\n', 'ok.yaml');
    expect(diagnostics).toEqual([]);
    expect(documents[0]!.value).toEqual({ a: '1', b: 2, c: '3', d: ['x'] });
  });

  it('refuses a core tag on a value it does not fit, saying so rather than "not supported"', () => {
    for (const value of ['!!int abc', '!!map x', '!!seq {b: 1}', '!!bool yes']) {
      const { diagnostics } = parseYamlText(`a: ${value}\n`, 't.yaml');
      expect(diagnostics.map((d) => [d.code, d.location?.line, d.location?.col])).toEqual([
        ['yaml.tag-mismatch', 1, 4],
      ]);
    }
  });

  it('reads a %YAML 1.1 document with the core schema: no merge keys, no timestamps, no binary', () => {
    const { documents, diagnostics } = parseYamlText('%YAML 1.1\n---\n<<: {x: 1}\nat: 2035-01-15\n', 'old.yaml');
    expect(diagnostics).toEqual([]);
    expect(documents[0]!.value).toEqual({ '<<': { x: 1 }, at: '2035-01-15' });
    expect(parseYamlText('%YAML 1.1\n---\na: !!binary aGk=\n', 'old.yaml').diagnostics.map((d) => d.code)).toEqual([
      'yaml.unknown-tag',
    ]);
  });

  it('refuses a list or a mapping as a key, an alias to one included', () => {
    const where = (text: string) =>
      parseYamlText(text, 'k.yaml').diagnostics.map((d) => [d.code, d.location?.line, d.location?.col]);
    expect(where('? [a]\n: 1\n')).toEqual([['yaml.complex-key', 1, 3]]);
    expect(where('x: &k {a: 1}\n*k : 2\n')).toEqual([['yaml.complex-key', 2, 1]]);
  });

  it('refuses deep flow nesting before the parser sees it', () => {
    const { diagnostics } = parseYamlText(`x: ${'['.repeat(100_000)}\n`, 'deep.yaml');
    expect(diagnostics.map((d) => [d.code, d.location?.line, d.location?.col])).toEqual([['yaml.too-deep', 1, 68]]);
  });

  it('does not count brackets inside quotes and comments', () => {
    const text = `a: "${'['.repeat(100)}"\nb: '${'{'.repeat(100)}'\n# ${'['.repeat(100)}\n`;
    expect(parseYamlText(text, 'q.yaml').diagnostics).toEqual([]);
  });

  it('refuses deep block nesting', () => {
    const lines = Array.from({ length: 80 }, (_, i) => `${' '.repeat(i * 2)}k${i}:`);
    const { diagnostics } = parseYamlText(`${lines.join('\n')} 1\n`, 'deep.yaml');
    expect(diagnostics.map((d) => d.code)).toEqual(['yaml.too-deep']);
  });

  it('treats an empty file as no documents', () => {
    expect(parseYamlText('', 'e.yaml')).toEqual({ documents: [], diagnostics: [] });
    expect(parseYamlText('# nothing\n', 'e.yaml')).toEqual({ documents: [], diagnostics: [] });
  });
});
