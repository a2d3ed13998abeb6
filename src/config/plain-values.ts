/**
 * The value of one scalar or one-line flow collection that the plain subset's line pattern (plain-subset.ts) has
 * already matched: the match proved its shape, so reading it is only slicing and the core schema's few words.
 * The shapes it can be: a plain decimal, `~`, a quoted string without escapes, a flow list or mapping of those,
 * or a plain scalar that starts with a letter-like character (text, or a core null or boolean).
 */

/** What a flow mapping with a key twice reads as: the caller leaves the file to `yaml`, which words the error. */
export const REPEATED_KEY: unique symbol = Symbol('repeated key');

export function plainValue(text: string): unknown {
  switch (text.charCodeAt(0)) {
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
    default:
      return isNumberStart(text.charCodeAt(0)) ? Number(text) : plainWord(text);
  }
}

/** `-` or a digit: only the pattern's plain decimals start so (a plain scalar may not). */
function isNumberStart(code: number): boolean {
  return code === 0x2d || (code >= 0x30 && code <= 0x39);
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
  const reader = new FlowReader(text);
  while (reader.more()) list.push(plainValue(reader.item()));
  return list;
}

function flowMapping(text: string): Record<string, unknown> | typeof REPEATED_KEY {
  const mapping: Record<string, unknown> = {};
  const reader = new FlowReader(text);
  while (reader.more()) {
    const key = reader.key();
    if (Object.hasOwn(mapping, key)) return REPEATED_KEY;
    mapping[key] = plainValue(reader.item());
  }
  return mapping;
}

/** The entries of a flow collection between its brackets, in order: `a, "b", 'c'` or `k: v, l: w`. */
class FlowReader {
  private at = 1;
  private readonly end: number;

  constructor(private readonly text: string) {
    this.end = text.length - 1;
    this.skipSpaces();
  }

  more(): boolean {
    return this.at < this.end;
  }

  /** A mapping's key (plain: no spaces, no colon) and the `: ` after it. */
  key(): string {
    const colon = this.text.indexOf(':', this.at);
    const key = this.text.slice(this.at, colon);
    this.at = colon + 1;
    this.skipSpaces();
    return key;
  }

  /** One item's text (quoted, a number, `~` or plain words), and the `,` after it. */
  item(): string {
    const text = this.text;
    const start = this.at;
    let stop: number;
    if (text[start] === '"') {
      stop = text.indexOf('"', start + 1) + 1;
    } else if (text[start] === "'") {
      stop = start + 1;
      for (;;) {
        const quote = text.indexOf("'", stop);
        if (text[quote + 1] === "'") stop = quote + 2;
        else {
          stop = quote + 1;
          break;
        }
      }
    } else {
      const comma = text.indexOf(',', start);
      stop = comma < 0 || comma > this.end ? this.end : comma;
      while (text.charCodeAt(stop - 1) === 0x20) stop--;
    }
    this.at = stop;
    this.skipSpaces();
    if (text[this.at] === ',') {
      this.at++;
      this.skipSpaces();
    }
    return text.slice(start, stop);
  }

  private skipSpaces(): void {
    while (this.text.charCodeAt(this.at) === 0x20) this.at++;
  }
}
