import { isAscii } from 'node:buffer';

/**
 * An answer's text, kept in pieces when it is large. V8 puts a string over 128 KB in its large-object space, on
 * memory fresh from the system each time: on the 2-core VM of the benches, decoding a page of 100 images (160 KB)
 * into one string cost 1.4 ms, twice what parsing it does. A large JSON object is therefore cut, in its bytes,
 * into the elements of its top-level arrays (an image each, ~1.6 KB) and the rest (the outline: the links and
 * counts), each decoded and parsed on its own; the result is the same value JSON.parse gives for the whole text,
 * and a text that is not valid JSON fails to parse as it would whole.
 */
export interface AnswerText {
  /** The text outside the elements of the top-level arrays (all of it when it is not cut). */
  readonly outline: string;
  /** The whole text. */
  text(): string;
  /** JSON.parse of the whole text; throws as it does. */
  parse(): unknown;
}

/** Below this, a text is one piece: a regular V8 string, parsed at once. */
const CUT_FROM_BYTES = 64 * 1024;

export function wholeText(text: string): AnswerText {
  return { outline: text, text: () => text, parse: () => JSON.parse(text) };
}

/**
 * The body's text: cut when it is a large ASCII JSON object, else decoded whole. Keeps no reference to `body`,
 * which the caller may reuse once this returns.
 */
export function answerText(body: Buffer): AnswerText {
  // The same text either way for ASCII (an API's JSON nearly always is), but JSON.parse reads a page decoded as
  // latin1 two to three times faster than the same page decoded as UTF-8 (Node 20, pages of 50-200 KB).
  if (!isAscii(body)) return wholeText(body.toString('utf8'));
  return (body.length >= CUT_FROM_BYTES && cutJsonObject(body)) || wholeText(body.toString('latin1'));
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

interface CutArray {
  key: string;
  /** The texts between its commas: one of only spaces when the array has no element ("[ ]"). */
  elements: string[];
}

/**
 * An ASCII JSON object cut into its outline and the elements of its top-level arrays, or undefined when its
 * structure is not one the cut can vouch for (the text is then parsed whole, as before).
 */
function cutJsonObject(body: Buffer): AnswerText | undefined {
  const end = body.length;
  let i = 0;
  while (i < end && isSpace(body[i]!)) i++;
  if (body[i] !== OPEN_OBJECT) return undefined;
  // The outline, in parts: each but the last ends with the "[" of a cut array, the next starts with its "]".
  const parts: string[] = [];
  const arrays: CutArray[] = [];
  let partStart = 0;
  let depth = 0;
  let lastKey: [number, number] | undefined;
  let array: CutArray | undefined;
  let elementStart = 0;
  while (i < end) {
    const byte = body[i]!;
    if (byte === QUOTE) {
      const close = closingQuote(body, i + 1);
      if (close < 0) return undefined;
      if (depth === 1) lastKey = [i + 1, close];
      i = close + 1;
      continue;
    }
    if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      depth++;
      if (byte === OPEN_ARRAY && depth === 2 && lastKey) {
        array = { key: body.toString('latin1', lastKey[0], lastKey[1]), elements: [] };
        parts.push(body.toString('latin1', partStart, i + 1));
        elementStart = i + 1;
      }
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      if (byte === CLOSE_ARRAY && depth === 2 && array) {
        array.elements.push(body.toString('latin1', elementStart, i));
        arrays.push(array);
        array = undefined;
        partStart = i;
      }
      depth--;
      if (depth < 0) return undefined;
    } else if (byte === COMMA && depth === 2 && array) {
      array.elements.push(body.toString('latin1', elementStart, i));
      elementStart = i + 1;
    }
    i++;
  }
  if (depth !== 0 || !arrays.length) return undefined;
  parts.push(body.toString('latin1', partStart, end));
  const outline = parts.join('');
  const text = (): string => parts.map((part, k) => part + (arrays[k]?.elements.join(',') ?? '')).join('');
  return {
    outline,
    text,
    parse: () => {
      const value = JSON.parse(outline) as Record<string, unknown>;
      const keys = new Set<string>();
      for (const { key: raw, elements } of arrays) {
        const key = JSON.parse(`"${raw}"`) as string;
        const placed = value[key];
        // A key given twice: JSON.parse keeps the last, which the cut cannot tell apart. Parsed whole instead.
        if (keys.has(key) || !Array.isArray(placed) || placed.length) return JSON.parse(text());
        keys.add(key);
        // "[]" and "[ ]" have no element; "[1,]" has an empty one, which fails to parse as the whole would.
        const none = elements.length === 1 && elements[0]!.trim() === '';
        value[key] = none ? [] : elements.map((element) => JSON.parse(element) as unknown);
      }
      return value;
    },
  };
}

/** The index of the quote that closes a string whose text starts at `from`, or -1. */
function closingQuote(body: Buffer, from: number): number {
  for (let at = from; ; at++) {
    at = body.indexOf(QUOTE, at);
    if (at < 0) return -1;
    let backslashes = 0;
    while (body[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
