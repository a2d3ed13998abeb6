import { plainValue, REPEATED_KEY } from './plain-values.js';

/**
 * The plain-data subset of YAML that imageform reads itself instead of with the `yaml` library: block mappings
 * and sequences indented with spaces, plain keys, one-line scalars whose type the core schema resolves without
 * doubt, and one-line flow collections of such scalars. The scan proves a text is inside the subset and builds
 * the values from the lines as it classifies them; anything it cannot prove (anchors, aliases, tags, directives,
 * block scalars, multi-line scalars, escapes, complex or quoted keys, a key twice, numbers other than plain
 * decimals, tabs, CR, a BOM, unusual indentation...) makes it answer undefined, and the file is read by `yaml`
 * as before. Refusing costs only time; accepting wrongly would change a value.
 */

/** One document of a text in the subset: its value and where its first node starts (1-based, as diagnostics). */
export interface PlainDocument {
  /** 0-based position in the file, counted as the `yaml` library counts documents (empty ones included). */
  index: number;
  value: unknown;
  line: number;
  col: number;
  /** Whether `${` occurs in its lines: when it does not, none of its strings is or holds a reference. */
  interpolates: boolean;
}

/** Any character outside printable ASCII, newline and the plain Unicode planes (no BOM, no surrogates). */
const UNSAFE_CHARACTER = /[^\n\x20-\x7E\u00A0-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]/;
/** Deeper than this the `yaml` path checks the nesting limit itself (the scan stays far below MAX_DEPTH). */
const MAX_COLUMN = 48;
const MAX_LINE = 1000;

// One regular expression a line: it runs as native code from the first file on, where the same checks written
// as JavaScript cost as much as a YAML library's reading (a cold start runs them in the interpreter). Every run of spaces
// is followed by a lookahead that a shorter run cannot pass, so a hostile line costs linear time, not polynomial;
// lines longer than MAX_LINE are left to `yaml` all the same.
/** A plain key that no schema resolves to something else (`true:`, `null:`), nor JavaScript (`__proto__`). */
const KEY = String.raw`(?!(?:true|false|null|y|n|yes|no|on|off|__proto__):)[A-Za-z_][A-Za-z0-9_.-]*`;
/** The only numbers let through: plain decimals both libraries read alike (no -0, no exponent, no prefix). */
const NUMBER = String.raw`(?:0|-?[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?`;
/** A first character YAML gives no meaning (no indicator) and that starts no number-like word. */
const PLAIN_START = String.raw`[^-+.0-9?:,[\]{}#&*!|>'"%@${'`'}<=~\\ ]`;
/** A block plain scalar: no `: ` and no ` #` inside, no `:` at its end, no trailing spaces. */
const BLOCK_PLAIN = String.raw`${PLAIN_START}(?:[^: ]|:(?=[^ ])| +(?=[^ #]))*`;
/** Inside a flow collection a plain scalar ends at these (and a `:` would make it a key); no trailing spaces. */
const FLOW_PLAIN = String.raw`${PLAIN_START}(?:[^,[\]{}#:"' ]| +(?=[^,[\]{}#:"' ]))*`;
/** One line, no escapes; in single quotes '' is a quote. */
const QUOTED = String.raw`"[^"\\]*"|'(?:[^']|'')*'`;
const FLOW_ITEM = String.raw`(?:${NUMBER}|~|${QUOTED}|${FLOW_PLAIN})`;
const FLOW = String.raw`\[ *(?:${FLOW_ITEM}(?: *, *${FLOW_ITEM})*)? *\]|\{ *(?:${KEY}: +${FLOW_ITEM}(?: *, *${KEY}: +${FLOW_ITEM})*)? *\}`;
/** A value: a scalar both libraries resolve alike (text, core booleans and nulls, plain decimals) or a flow one. */
const VALUE = String.raw`${NUMBER}|~|${QUOTED}|${FLOW}|${BLOCK_PLAIN}`;
/** Indent, `- ` markers, `key:`, value, comment. Anything else (block scalars, anchors, tags...) does not match. */
const CONTENT_LINE = new RegExp(
  String.raw`^( *)(?=[^ ])((?:- +(?=[^ ]))*)(?:(${KEY}):(?= |$))?(?: +(?=[^ ]))?(${VALUE})?(?: +(?:#.*)?)?$`,
  'i',
);

/** A line with nothing to read: spaces, maybe a comment. */
const BLANK_OR_COMMENT = /^ *(?:#.*)?$/;

/** A block mapping or sequence still open, with the value it builds. */
type Block = { col: number; seq: false; value: Record<string, unknown> } | { col: number; seq: true; value: unknown[] };

/** The documents of `text`, with their values, when every line is inside the subset, else undefined. */
export function plainSubsetDocuments(text: string): PlainDocument[] | undefined {
  if (UNSAFE_CHARACTER.test(text)) return undefined;
  const documents: PlainDocument[] = [];
  const lines = text.split('\n');
  let index = 0;
  /** A document is open once it has content or a `---` started it (comments alone before `---` are its prelude). */
  let started = false;
  let first: { line: number; col: number } | undefined;
  let root: unknown;
  let stack: Block[] = [];
  /** A `key:` with nothing after it: null, unless the next line opens a block below it. */
  let pending: { col: number; mapping: Record<string, unknown>; key: string } | undefined;
  /** The next `${` of the text at or after the current line's start, and whether the document has had one. */
  let interpolation = text.indexOf('${');
  let interpolates = false;
  let lineEnd = -1;
  const close = (): void => {
    if (first) documents.push({ index, value: root, line: first.line, col: first.col, interpolates });
  };
  for (let number = 0; number < lines.length; number++) {
    const line = lines[number]!;
    lineEnd += line.length + 1;
    if (interpolation !== -1 && interpolation < lineEnd) {
      interpolates = true;
      interpolation = text.indexOf('${', lineEnd);
    }
    // Lengths before texts, booleans rather than words below: this loop runs for every line of every file, mostly
    // in V8's interpreter, where each comparison of strings is a call.
    if (line.length === 3 && line === '---') {
      close();
      if (started) index++;
      started = true;
      first = undefined;
      root = undefined;
      stack = [];
      pending = undefined;
      interpolates = false;
      continue;
    }
    if (line.length > MAX_LINE) return undefined;
    const match = CONTENT_LINE.exec(line);
    if (match === null) {
      // Nothing to read on a blank or comment line; any other line is outside the subset (a document marker
      // with more on its line, `...`, a directive: none starts a key, a value or a `- ` marker).
      if (BLANK_OR_COMMENT.test(line)) continue;
      return undefined;
    }
    const indent = match[1]!.length;
    const dashes = match[2]!;
    const key = match[3];
    const written = match[4];
    /** Where the key or the value starts, after the markers. */
    const col = indent + dashes.length;
    if (col > MAX_COLUMN) return undefined;
    const seq = dashes.length !== 0;
    // A bare value is a continuation line or a root scalar; a `-` alone (readers differ on the items of a less
    // indented sequence that follows it) is left to `yaml`, as the match's `- +` already leaves a trailing `-`.
    if (key === undefined && (!seq || written === undefined)) return undefined;
    const parent =
      pending !== undefined && (indent > pending.col || (indent === pending.col && seq)) ? pending : undefined;
    pending = undefined;
    while (stack.length > 0 && stack[stack.length - 1]!.col > indent) stack.pop();
    const top = stack[stack.length - 1];
    let block: Block;
    if (parent || !first) {
      // A new block: below a `key:` that has no value on its line, or the document's root.
      if (!first && stack.length > 0) return undefined;
      if (top && (top.col > indent || (top.col === indent && !(!top.seq && seq)))) return undefined;
      block = seq ? { col: indent, seq, value: [] } : { col: indent, seq, value: {} };
      if (parent) parent.mapping[parent.key] = block.value;
      else root = block.value;
      stack.push(block);
    } else if (!top || top.col !== indent) {
      // More indented without a parent to nest in (a continuation line), or back to a column no block opened.
      return undefined;
    } else if (top.seq !== seq) {
      // Only a sequence written at its key's own column (`key:` then `- item`) ends where the mapping goes on.
      const below = stack[stack.length - 2];
      if (!(top.seq && !seq && below?.col === indent && !below.seq)) return undefined;
      stack.pop();
      block = below;
    } else {
      block = top;
    }
    let mapping = block.seq ? undefined : block.value;
    let list = block.seq ? block.value : undefined;
    if (list) {
      // `- - key: value`: each further marker opens a list in the list before it, a key a mapping in the last.
      for (let i = dashes.length > 2 ? dashes.indexOf('-', 1) : -1; i > 0; i = dashes.indexOf('-', i + 1)) {
        const inner: unknown[] = [];
        list.push(inner);
        list = inner;
        stack.push({ col: indent + i, seq: true, value: inner });
      }
      if (key !== undefined) {
        mapping = {};
        list.push(mapping);
        stack.push({ col, seq: false, value: mapping });
      }
    }
    const value = written === undefined ? null : plainValue(written);
    if (value === REPEATED_KEY) return undefined;
    if (key !== undefined) {
      // A key twice: left to `yaml`, which reports it.
      if (Object.hasOwn(mapping!, key)) return undefined;
      mapping![key] = value;
      if (written === undefined) pending = { col, mapping: mapping!, key };
    } else {
      list!.push(value);
    }
    started = true;
    first ??= { line: number + 1, col: indent + 1 };
  }
  close();
  return documents;
}
