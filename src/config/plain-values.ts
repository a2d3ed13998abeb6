/**
 * The value of one scalar or one-line flow collection that the plain subset's line pattern (plain-subset.ts) has
 * already matched: the match proved its shape, so reading it is only slicing and the core schema's few words.
 * The shapes it can be: a plain decimal, `~`, a quoted string without escapes, a flow list or mapping of those,
 * or a plain scalar that starts with a letter-like character (text, or a core null or boolean).
 */

/** What a flow mapping with a key twice reads as: the caller leaves the file to `yaml`, which words the error. */
export const REPEATED_KEY: unique symbol = Symbol('repeated key');

export function plainValue(text: string): unknown {
  // Calls inlined: this runs for every value of every file, mostly in V8's interpreter, where a call is costly.
  const first = text.charCodeAt(0);
  switch (first) {
    case 0x22: // "
      return text.slice(1, -1);
    case 0x27: // '
      return singleQuoted(text);
    case 0x5b: // [
      return flowList(text);
    case 0x7b: // {
      return flowMapping(text);
    case 0x7e: // ~
      return null;
  }
  // `-` or a digit: only the pattern's plain decimals start so (a plain scalar may not).
  if (first === 0x2d || (first >= 0x30 && first <= 0x39)) return Number(text);
  // Most words are text: only one of four or five characters can be a core null or boolean.
  return text.length === 4 || text.length === 5 ? plainWord(text) : text;
}

/** The core schema's nulls and booleans (exactly these spellings); any other word is text. */
function plainWord(text: string): unknown {
  switch (text) {
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
    default:
      return text;
  }
}

function singleQuoted(text: string): string {
  const inner = text.slice(1, -1);
  return inner.includes("''") ? inner.replaceAll("''", "'") : inner;
}

function flowList(text: string): unknown[] {
  const list: unknown[] = [];
  FLOW_ENTRY.lastIndex = afterSpaces(text, 1);
  const end = text.length - 1;
  while (FLOW_ENTRY.lastIndex < end) list.push(plainValue(FLOW_ENTRY.exec(text)![2]!));
  return list;
}

function flowMapping(text: string): Record<string, unknown> | typeof REPEATED_KEY {
  const mapping: Record<string, unknown> = {};
  FLOW_ENTRY.lastIndex = afterSpaces(text, 1);
  const end = text.length - 1;
  while (FLOW_ENTRY.lastIndex < end) {
    const entry = FLOW_ENTRY.exec(text)!;
    const key = entry[1]!;
    if (Object.hasOwn(mapping, key)) return REPEATED_KEY;
    mapping[key] = plainValue(entry[2]!);
  }
  return mapping;
}

/**
 * One entry of a flow collection the line pattern matched, from `lastIndex`: a mapping's key (none in a list),
 * the item (quoted, or plain up to the next `,` or the closing bracket, without its trailing spaces), then the
 * `,` and spaces before the next entry. Quotes first: only they may hold `,`, `]` or `}`.
 */
const FLOW_ENTRY = /(?:([A-Za-z_][A-Za-z0-9_.-]*): +)?("[^"]*"|'(?:[^']|'')*'|[^,\]} ](?:[^,\]}]*[^,\]} ])?) *,? */y;

function afterSpaces(text: string, at: number): number {
  while (text.charCodeAt(at) === 0x20) at++;
  return at;
}
