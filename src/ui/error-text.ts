import { formatReportLine, type Diagnostic } from '../core/diagnostic.js';
import { oneLine } from './safe-text.js';

/**
 * The plain form of an error: one line, `file:line:col: message (hint)` (or `error: message (hint)` where there is
 * no place), with control characters neutralised so a hostile message cannot move the cursor in a CI log.
 */
export function formatErrorLine(diagnostic: Diagnostic): string {
  return oneLine(formatReportLine(diagnostic));
}

export function renderErrorsText(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((diagnostic) => `${formatErrorLine(diagnostic)}\n`).join('');
}
