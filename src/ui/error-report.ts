import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { formatLocation, type Diagnostic } from '../core/diagnostic.js';
import { counted } from './action-words.js';
import { formatErrorLine, renderErrorsText } from './error-text.js';
import { fitToWidth, LOG_HANG, wrapLine } from './wrap.js';
import { lineToText, segment, type StyledLine } from './styled-text.js';

/** Larger files are not read again for a caret: the loader refuses them anyway. */
const MAX_SOURCE_BYTES = 1024 * 1024;

export interface ErrorReportOptions {
  /** A person at a terminal: the source line and a caret under each error, and the count. */
  interactive: boolean;
  color?: boolean;
  columns?: number;
  /** The text of a file as named in a diagnostic; undefined when it cannot be read. */
  readSource?: (file: string) => string | undefined;
}

/**
 * Errors for a person: the same line each as in CI (`file:line:col: message (hint)`), then the offending source
 * line with a caret under the column, then how many. Everywhere else (CI logs, pipes) the lines alone.
 */
export function renderErrors(diagnostics: readonly Diagnostic[], options: ErrorReportOptions): string {
  if (!options.interactive) return renderErrorsText(diagnostics);
  const color = options.color ?? true;
  const columns = options.columns ?? 80;
  const lines: StyledLine[] = [];
  for (const diagnostic of diagnostics) {
    // Wrapped under a small indent, as Terraform wraps its diagnostics, so no row starts at column 0.
    lines.push(...wrapLine(headline(diagnostic), columns, LOG_HANG));
    const place = diagnostic.location;
    const source = place ? sourceLine(place, options.readSource) : undefined;
    if (place && source !== undefined) lines.push(...excerpt(source, place.line, place.col, columns));
  }
  lines.push([segment(countLine(diagnostics), 'heading')]);
  return lines.map((line) => `${lineToText(line, color)}\n`).join('');
}

export function writeErrors(
  stream: Writable & { columns?: number },
  diagnostics: readonly Diagnostic[],
  options: { interactive: boolean; cwd?: string; color?: boolean },
): void {
  const cwd = options.cwd ?? process.cwd();
  const sources = new Map<string, string | undefined>();
  const readSource = (file: string): string | undefined => {
    if (!sources.has(file)) sources.set(file, readText(resolve(cwd, file)));
    return sources.get(file);
  };
  stream.write(
    renderErrors(diagnostics, {
      interactive: options.interactive,
      columns: stream.columns || 80,
      readSource,
      ...(options.color !== undefined ? { color: options.color } : {}),
    }),
  );
}

/** The CI line, with the place in bold and the word that says how bad in colour. */
function headline(diagnostic: Diagnostic): StyledLine {
  const text = formatErrorLine(diagnostic);
  const warning = diagnostic.severity === 'warning';
  const where = diagnostic.location ? `${formatLocation(diagnostic.location)}: ` : '';
  if (!where || !text.startsWith(where)) return [segment(text, warning ? 'warning' : 'error')];
  const rest = segment(text.slice(where.length), warning ? 'warning' : undefined);
  return [segment(where.slice(0, -2), 'heading'), segment(': '), rest];
}

/**
 * `  7 | source line` and `    |      ^` under it. A line wider than the terminal is cut around the column, so the
 * caret always lands on the character it points at.
 */
export function excerpt(source: string, line: number, col: number, columns: number): StyledLine[] {
  // Tabs and control characters become one visible character each, so the caret's offset stays right.
  const text = source.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  const gutter = `${String(line).padStart(4)} | `;
  const room = Math.max(10, columns - gutter.length - 1);
  const index = Math.max(0, col - 1);
  let offset = index;
  let shown = text;
  if (index >= room - 1) {
    // The ellipsis stands for everything before `start`; the column lands in the middle of what is shown.
    const start = index - Math.floor(room / 2);
    shown = `…${text.slice(start + 1)}`;
    offset = index - start;
  }
  return [
    [segment(gutter, 'muted'), segment(fitToWidth(shown.trimEnd(), room))],
    [segment(`${' '.repeat(gutter.length - 2)}| `, 'muted'), segment(' '.repeat(offset)), segment('^', 'error')],
  ];
}

function countLine(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const parts: string[] = [];
  if (errors > 0 || warnings === 0) parts.push(counted(errors, 'error'));
  if (warnings > 0) parts.push(counted(warnings, 'warning'));
  return parts.join(', ');
}

function sourceLine(
  location: { file: string; line: number },
  readSource: ErrorReportOptions['readSource'],
): string | undefined {
  const text = readSource?.(location.file);
  if (text === undefined) return undefined;
  const lines = text.split(/\r\n|\r|\n/);
  return location.line >= 1 && location.line <= lines.length ? lines[location.line - 1] : undefined;
}

function readText(path: string): string | undefined {
  try {
    // Only regular files: a FIFO or device named in an error must not hang the report.
    const info = statSync(path);
    if (!info.isFile() || info.size > MAX_SOURCE_BYTES) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
