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
      spec: { operating_system: 'ubuntu-24-04-amd64', deprecation_at: '2035-01-15T00:00:00Z', empty: null, list: ['a', 'b'] },
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
