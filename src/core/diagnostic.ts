/**
 * A diagnostic is a user-facing problem with a stable code, a place and a hint.
 * Diagnostics accumulate (validate reports every problem in one run); exceptions are for broken plumbing.
 */
export interface SourceLocation {
  /** Path as shown to the user (relative to the working directory when possible). */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  col: number;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** Stable identifier, e.g. `schema.unknown-field`; tests match it so wording can change. */
  code: string;
  severity: Severity;
  message: string;
  hint?: string;
  location?: SourceLocation;
}

export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.col}`;
}

/** One line: `file:line:col: message (hint)`. */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const where = diagnostic.location ? `${formatLocation(diagnostic.location)}: ` : '';
  const prefix = diagnostic.severity === 'warning' ? 'warning: ' : '';
  const hint = diagnostic.hint ? ` (${diagnostic.hint})` : '';
  return `${where}${prefix}${diagnostic.message}${hint}`;
}

/**
 * The line a user reads on stderr. With a place it starts with the place, as a compiler's does and as DESIGN.md
 * shows (`images/base.yaml:7:19: ...`); without one it starts with `error: `.
 */
export function formatReportLine(diagnostic: Diagnostic): string {
  const line = formatDiagnostic(diagnostic);
  return diagnostic.location || diagnostic.severity === 'warning' ? line : `error: ${line}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function error(code: string, message: string, location?: SourceLocation, hint?: string): Diagnostic {
  return { code, severity: 'error', message, ...(hint ? { hint } : {}), ...(location ? { location } : {}) };
}

export function warning(code: string, message: string, location?: SourceLocation, hint?: string): Diagnostic {
  return { code, severity: 'warning', message, ...(hint ? { hint } : {}), ...(location ? { location } : {}) };
}
