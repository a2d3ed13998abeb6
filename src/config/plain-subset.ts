/**
 * The plain-data subset of YAML that the fast reader (js-yaml) may read instead of the `yaml` library: block
 * mappings and sequences indented with spaces, plain keys, one-line scalars whose type both libraries resolve
 * alike, and one-line flow collections of such scalars. The scan proves a text is inside the subset; anything it
 * cannot prove (anchors, aliases, tags, directives, block scalars, multi-line scalars, escapes, complex or quoted
 * keys, numbers other than plain decimals, tabs, CR, a BOM, unusual indentation...) makes it answer undefined, and
 * the file is read by `yaml` as before. Refusing costs only time; accepting wrongly would change a value.
 */

/** One document of a text in the subset: its text and where its first node starts (1-based, as diagnostics). */
export interface PlainDocument {
  /** 0-based position in the file, counted as the `yaml` library counts documents (empty ones included). */
  index: number;
  text: string;
  line: number;
  col: number;
}

/** Any character outside printable ASCII, newline and the plain Unicode planes (no BOM, no surrogates). */
const UNSAFE_CHARACTER = /[^\n\x20-\x7E\u00A0-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]/;
/** Deeper than this the `yaml` path checks the nesting limit itself (the scan stays far below MAX_DEPTH). */
const MAX_COLUMN = 48;
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*/;
/** Keys a schema resolves to something other than their text, and the one JavaScript treats specially. */
const RESERVED_KEY = /^(?:true|false|null|y|n|yes|no|on|off|__proto__)$/i;
/** The only numbers let through: plain decimals both libraries read alike (no -0, no exponent, no prefix). */
const PLAIN_NUMBER = /^(?:0|-?[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?$/;
/** First characters of a scalar that YAML gives a meaning (indicators) or that start a number-like word. */
const SPECIAL_START = /^[-+.0-9?:,[\]{}#&*!|>'"%@`<=~\\]/;
/** Inside a flow collection a plain scalar ends at these, and a `:` would make it a key. */
const FLOW_PLAIN = /^[^,[\]{}#:"']+$/;

interface Block {
  col: number;
  kind: 'map' | 'seq';
}

/** The documents of `text` when every line is inside the subset, else undefined. */
export function plainSubsetDocuments(text: string): PlainDocument[] | undefined {
  if (UNSAFE_CHARACTER.test(text)) return undefined;
  const documents: PlainDocument[] = [];
  const lines = text.split('\n');
  let index = 0;
  /** A document is open once it has content or a `---` started it (comments alone before `---` are its prelude). */
  let started = false;
  let first: { line: number; col: number; offset: number } | undefined;
  let stack: Block[] = [];
  let pending: { col: number; key: boolean } | undefined;
  let offset = 0;
  const close = (end: number): void => {
    if (first) documents.push({ index, text: text.slice(first.offset, end), line: first.line, col: first.col });
  };
  for (let number = 0; number < lines.length; number++) {
    const line = lines[number]!;
    const lineOffset = offset;
    offset += line.length + 1;
    if (line === '---') {
      close(lineOffset);
      if (started) index++;
      started = true;
      first = undefined;
      stack = [];
      pending = undefined;
      continue;
    }
    const indent = leadingSpaces(line);
    if (indent === line.length || line[indent] === '#') continue;
    if (indent === 0 && /^(?:---|\.\.\.|%)/.test(line)) return undefined;
    const parsed = parseLine(line, indent);
    if (!parsed || parsed.deepest > MAX_COLUMN) return undefined;
    const kind = parsed.markers.length > 0 ? 'seq' : 'map';
    const opens =
      pending !== undefined && (indent > pending.col || (indent === pending.col && pending.key && kind === 'seq'));
    pending = undefined;
    while (stack.length > 0 && stack[stack.length - 1]!.col > indent) stack.pop();
    const top = stack[stack.length - 1];
    if (opens || !first) {
      // A new block: below a `key:` or `-` that has no value on its line, or the document's root.
      if (!first && stack.length > 0) return undefined;
      if (top && (top.col > indent || (top.col === indent && !(top.kind === 'map' && kind === 'seq'))))
        return undefined;
      stack.push({ col: indent, kind });
    } else if (!top || top.col !== indent) {
      // More indented without a parent to nest in (a continuation line), or back to a column no block opened.
      return undefined;
    } else if (top.kind !== kind) {
      // Only a sequence written at its key's own column (`key:` then `- item`) ends where the mapping goes on.
      const below = stack[stack.length - 2];
      if (!(top.kind === 'seq' && kind === 'map' && below?.col === indent && below.kind === 'map')) return undefined;
      stack.pop();
    }
    for (const col of parsed.markers.slice(1)) stack.push({ col, kind: 'seq' });
    if (parsed.markers.length > 0 && parsed.key !== undefined) stack.push({ col: parsed.key, kind: 'map' });
    if (parsed.open) pending = parsed.open;
    started = true;
    first ??= { line: number + 1, col: indent + 1, offset: lineOffset };
  }
  close(text.length);
  return documents;
}

interface ParsedLine {
  /** Columns (0-based) of the `- ` sequence markers the line starts with. */
  markers: number[];
  /** Column of the mapping key, if the line holds an entry. */
  key?: number;
  /** The line ends in `key:` with no value: what follows, more indented, is its value. */
  open?: { col: number; key: boolean };
  deepest: number;
}

/** One content line: `- ` markers, then `key:` with or without a value, or a value after a marker. */
function parseLine(line: string, indent: number): ParsedLine | undefined {
  const markers: number[] = [];
  let at = indent;
  while (line[at] === '-' && (at + 1 === line.length || line[at + 1] === ' ')) {
    markers.push(at);
    at = skipSpaces(line, at + 1);
  }
  // A `-` with nothing after it: js-yaml puts the items of a less indented sequence that follows into it.
  if (at === line.length) return undefined;
  const key = KEY.exec(line.slice(at))?.[0];
  const colon = at + (key?.length ?? 0);
  if (key !== undefined && line[colon] === ':' && (colon + 1 === line.length || line[colon + 1] === ' ')) {
    if (RESERVED_KEY.test(key)) return undefined;
    const valueAt = skipSpaces(line, colon + 1);
    if (valueAt === line.length || (line[valueAt] === '#' && valueAt > colon + 1)) {
      return { markers, key: at, open: { col: at, key: true }, deepest: at };
    }
    return blockValueEnds(line, valueAt) ? { markers, key: at, deepest: at } : undefined;
  }
  if (markers.length === 0) return undefined;
  return blockValueEnds(line, at) ? { markers, deepest: at } : undefined;
}

/** Whether a block value at `at` is in the subset and the rest of the line only spaces and a comment. */
function blockValueEnds(line: string, at: number): boolean {
  const char = line[at];
  if (char === '"' || char === "'" || char === '[' || char === '{') {
    const end = char === '[' || char === '{' ? flowEnd(line, at) : quotedEnd(line, at);
    return end !== undefined && /^(?: +#.*)? *$/.test(line.slice(end));
  }
  const comment = line.indexOf(' #', at);
  const scalar = line.slice(at, comment < 0 ? line.length : comment).trimEnd();
  return !scalar.includes(': ') && !scalar.endsWith(':') && plainScalarIsSafe(scalar);
}

/** The end (exclusive) of a one-line quoted scalar without escapes, or undefined. */
function quotedEnd(line: string, at: number): number | undefined {
  const quote = line[at]!;
  let i = at + 1;
  for (;;) {
    const close = line.indexOf(quote, i);
    if (close < 0) return undefined;
    if (quote === '"') return line.slice(at + 1, close).includes('\\') ? undefined : close + 1;
    // In single quotes '' is one quote.
    if (line[close + 1] === "'") i = close + 2;
    else return close + 1;
  }
}

/** The end (exclusive) of a one-line flow sequence or mapping of scalars, no nesting, or undefined. */
function flowEnd(line: string, at: number): number | undefined {
  const mapping = line[at] === '{';
  const closing = mapping ? '}' : ']';
  let i = skipSpaces(line, at + 1);
  if (line[i] === closing) return i + 1;
  for (;;) {
    if (mapping) {
      const key = KEY.exec(line.slice(i))?.[0];
      if (
        key === undefined ||
        RESERVED_KEY.test(key) ||
        line[i + key.length] !== ':' ||
        line[i + key.length + 1] !== ' '
      )
        return undefined;
      i = skipSpaces(line, i + key.length + 1);
    }
    const end = flowScalarEnd(line, i);
    if (end === undefined) return undefined;
    i = skipSpaces(line, end);
    if (line[i] === closing) return i + 1;
    if (line[i] !== ',') return undefined;
    i = skipSpaces(line, i + 1);
  }
}

function flowScalarEnd(line: string, at: number): number | undefined {
  if (line[at] === '"' || line[at] === "'") return quotedEnd(line, at);
  let end = at;
  while (end < line.length && !',]}'.includes(line[end]!)) end++;
  const scalar = line.slice(at, end).trimEnd();
  return FLOW_PLAIN.test(scalar) && plainScalarIsSafe(scalar) ? end : undefined;
}

/**
 * A plain scalar both libraries resolve alike: text that starts with a letter (or another character YAML gives
 * no meaning), the core schema's booleans and nulls, and plain decimals. Prefixed, signed, exponent, special
 * float and underscore numbers, and anything starting with an indicator, are left to `yaml`.
 */
function plainScalarIsSafe(scalar: string): boolean {
  if (scalar === '' || scalar === '~') return scalar === '~';
  if (SPECIAL_START.test(scalar)) return /^[-0-9]/.test(scalar) && PLAIN_NUMBER.test(scalar);
  return true;
}

function leadingSpaces(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  return i;
}

function skipSpaces(line: string, at: number): number {
  let i = at;
  while (line.charCodeAt(i) === 32) i++;
  return i;
}
