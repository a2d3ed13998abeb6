import { describe, expect, it } from 'vitest';
import { answerText } from '../../../../src/clouds/ibm-vpc/answer-text.js';

/** Long enough to be read in pieces. */
const PADDING = 'x'.repeat(70 * 1024);

/** JSON.parse's verdict on a text: its value, or that it throws. */
function verdict(parse: () => unknown): { value: unknown } | { throws: true } {
  try {
    return { value: parse() };
  } catch {
    return { throws: true };
  }
}

const TEXTS: Record<string, string> = {
  'a page': JSON.stringify({
    first: { href: '/v1/images?limit=2' },
    images: [
      { id: 'r1', tags: ['a', 'b'], note: 'say "hi" \\ [x], {y}' },
      { id: 'r2', nested: { list: [1, [2, 3]] } },
    ],
    padding: PADDING,
  }),
  'spaces and new lines': `{ "images" : [ {"id":"r1"} ,\n {"id":"r2"}\n ] , "padding": "${PADDING}" }`,
  'empty arrays': `{"images":[],"more":[ ],"padding":"${PADDING}"}`,
  'scalars and strings in arrays': `{"a":[1,"two,]",null,true,{"b":[]}],"padding":"${PADDING}"}`,
  'a backslash before a closing quote': `{"a":["x\\\\","y\\\\\\""],"padding":"${PADDING}"}`,
  'escaped keys': `{"im\\u0061ges":[1,2],"padding":"${PADDING}"}`,
  'a __proto__ member': `{"__proto__":[1,2],"padding":"${PADDING}"}`,
  'a key given twice, both arrays': `{"a":[1],"a":[2,3],"padding":"${PADDING}"}`,
  'a key given twice, the last not an array': `{"a":[1],"a":{"b":2},"padding":"${PADDING}"}`,
  'a key given twice, the last an empty array': `{"a":[1],"a":[],"padding":"${PADDING}"}`,
  'arrays nested in objects only': `{"a":{"b":[1,2]},"padding":"${PADDING}"}`,
  'a top-level array': `[{"a":1},{"b":2},"${PADDING}"]`,
  // Not JSON: each must fail as JSON.parse fails on it.
  'a missing comma': `{"a":[{"b":1}{"c":2}],"padding":"${PADDING}"}`,
  'a trailing comma': `{"a":[1,2,],"padding":"${PADDING}"}`,
  'a leading comma': `{"a":[,1],"padding":"${PADDING}"}`,
  'a lone comma': `{"a":[,],"padding":"${PADDING}"}`,
  'an unterminated string': `{"a":["b,1],"padding":"${PADDING}"}`,
  'an extra closing bracket': `{"a":[1]],"padding":"${PADDING}"}`,
  'an unclosed object': `{"a":[1,2],"padding":"${PADDING}"`,
  'trailing text': `{"a":[1,2],"padding":"${PADDING}"} x`,
  'two objects': `{"a":[1]}{"b":[2],"padding":"${PADDING}"}`,
  'a member array without a key': `{"a":"x",[1,2],"padding":"${PADDING}"}`,
  'not ASCII': `{"a":["Ungültig «web»", "名前"],"padding":"${PADDING}"}`,
  'a small text': '{"a":[1,2]}',
};

describe('an answer text read in pieces', () => {
  it.each(Object.entries(TEXTS))('gives what JSON.parse gives for %s, and the same text', (_name, text) => {
    const read = answerText(Buffer.from(text, 'utf8'));
    expect(read.text()).toBe(text);
    expect(verdict(() => read.parse())).toEqual(verdict(() => JSON.parse(text)));
  });

  it('keeps only the links and counts of a large page in its outline', () => {
    const page = JSON.stringify({
      next: { href: '/v1/images?start=abc' },
      total_count: 2,
      images: [{ id: 'r1', padding: PADDING }, { id: 'r2' }],
    });
    const read = answerText(Buffer.from(page));
    expect(read.outline).toBe('{"next":{"href":"/v1/images?start=abc"},"total_count":2,"images":[]}');
    expect(Object.getPrototypeOf(answerText(Buffer.from(TEXTS['a __proto__ member']!)).parse())).toBe(Object.prototype);
  });

  it('does not depend on the buffer it was read from once made', () => {
    const body = Buffer.from(TEXTS['a page']!);
    const read = answerText(body);
    body.fill(0x20);
    expect(read.parse()).toEqual(JSON.parse(TEXTS['a page']!));
  });
});
