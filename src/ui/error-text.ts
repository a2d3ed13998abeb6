import { formatDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { oneLine } from './safe-text.js';

/**
 * The plain form of an error: one line, `error: file:line:col: message (hint)`, matching what the CLI dispatcher
 * prints, with control characters neutralised so a hostile message cannot move the cursor in a CI log.
 */
export function formatErrorLine(diagnostic: Diagnostic): string {
  const label = diagnostic.severity === 'warning' ? '' : 'error: ';
  return oneLine(`${label}${formatDiagnostic(diagnostic)}`);
}

export function renderErrorsText(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((diagnostic) => `${formatErrorLine(diagnostic)}\n`).join('');
}
