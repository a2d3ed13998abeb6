import { isDeepStrictEqual } from 'node:util';
import { formatValue } from './field-values.js';
import { segment, type StyledLine, type Tone } from './styled-text.js';

/**
 * Maps and lists in the plan as nested lines, as Terraform prints them, instead of one line of JSON:
 *
 *       + storage_bucket: {
 *           + name: "exports"
 *         }
 *
 * Keys are aligned within their map; an update shows only the keys that changed.
 */
export interface Mark {
  symbol: '+' | '-' | '~';
  tone: Tone;
}

const ADD: Mark = { symbol: '+', tone: 'create' };
const REMOVE: Mark = { symbol: '-', tone: 'delete' };
const CHANGE: Mark = { symbol: '~', tone: 'update' };

/** A map or list with something in it: worth its own lines. Empty ones print inline (`{}`, `[]`). */
export function isNestable(value: unknown): value is Record<string, unknown> | unknown[] {
  if (value === null || typeof value !== 'object') return false;
  return Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0;
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `label` is `name: ` padded for alignment, or '' for a list item; `indent` is the column of the mark. */
export function valueLines(indent: number, mark: Mark, label: string, value: unknown, comma = ''): StyledLine[] {
  const head = markLine(indent, mark, label);
  if (!isNestable(value)) return [[...head, segment(`${formatValue(value)}${comma}`)]];
  const close: StyledLine = [segment(`${' '.repeat(indent + 2)}${Array.isArray(value) ? ']' : '}'}${comma}`)];
  if (Array.isArray(value)) {
    return [[...head, segment('[')], ...value.flatMap((item) => valueLines(indent + 4, mark, '', item, ',')), close];
  }
  const keys = Object.keys(value);
  const width = Math.max(...keys.map((key) => keyText(key).length));
  return [
    [...head, segment('{')],
    ...keys.flatMap((key) => valueLines(indent + 4, mark, labelFor(key, width), value[key])),
    close,
  ];
}

/** An update of one map to another: the added, removed and changed keys, and how many were left as they were. */
export function mapDiffLines(
  indent: number,
  label: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): StyledLine[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changed = keys.filter((key) => !isDeepStrictEqual(before[key], after[key]));
  const width = Math.max(0, ...changed.map((key) => keyText(key).length));
  const inner = indent + 4;
  const lines: StyledLine[] = [markLine(indent, CHANGE, `${label}{`)];
  for (const key of changed) {
    const was = before[key];
    const now = after[key];
    const keyLabel = labelFor(key, width);
    if (was === undefined) lines.push(...valueLines(inner, ADD, keyLabel, now));
    else if (now === undefined) lines.push(...valueLines(inner, REMOVE, keyLabel, was));
    else if (isMap(was) && isMap(now)) lines.push(...mapDiffLines(inner, keyLabel, was, now));
    else lines.push(markLine(inner, CHANGE, `${keyLabel}${formatValue(was)} -> ${formatValue(now)}`));
  }
  const unchanged = keys.length - changed.length;
  if (unchanged > 0) {
    const hidden = `# (${unchanged} unchanged ${unchanged === 1 ? 'key' : 'keys'} hidden)`;
    lines.push([segment(' '.repeat(inner + 2)), segment(hidden, 'muted')]);
  }
  lines.push([segment(`${' '.repeat(indent + 2)}}`)]);
  return lines;
}

/** `    ~ text`: the mark in its colour at `indent`. */
function markLine(indent: number, mark: Mark, text: string): StyledLine {
  return [segment(' '.repeat(indent)), segment(mark.symbol, mark.tone), segment(` ${text}`)];
}

/** `name:` and the spaces that align the values of one map. */
export function labelFor(name: string, width: number): string {
  return padded(keyText(name), width);
}

/** The same for a field path of the plan (see pathText). */
export function pathLabel(path: string, width: number): string {
  return padded(pathText(path), width);
}

function padded(text: string, width: number): string {
  return `${text}:${' '.repeat(width - text.length + 1)}`;
}

const PATH_SEGMENT = String.raw`(?:[A-Za-z0-9_/-]+|"(?:[^"\\\x00-\x1f\x7f]|\\[^\x00-\x1f\x7f])*")`;
const FIELD_PATH = new RegExp(`^${PATH_SEGMENT}(?:\\.${PATH_SEGMENT})*$`);

/**
 * A field path as the plan gives it, `storage_bucket.name` or `properties."os.distro"`, whose segments are plain words
 * or JSON-quoted keys (so already escaped): printed as it is. Any other path is quoted whole, as a key is.
 */
export function pathText(path: string): string {
  return FIELD_PATH.test(path) ? path : keyText(path);
}

/** A key as written in YAML when it is a plain word; quoted (and so escaped) when it is anything else. */
export function keyText(key: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(key) ? key : JSON.stringify(key);
}
