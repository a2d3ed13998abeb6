import type { Diagnostic } from '../core/diagnostic.js';

/** One diagnostic as `--json` prints it: every key always there, null where a diagnostic has no place or hint. */
export interface DiagnosticJson {
  file: string | null;
  line: number | null;
  column: number | null;
  code: string;
  severity: Diagnostic['severity'];
  message: string;
  hint: string | null;
}

export function diagnosticToJson(diagnostic: Diagnostic): DiagnosticJson {
  return {
    file: diagnostic.location?.file ?? null,
    line: diagnostic.location?.line ?? null,
    column: diagnostic.location?.col ?? null,
    code: diagnostic.code,
    severity: diagnostic.severity,
    message: diagnostic.message,
    hint: diagnostic.hint ?? null,
  };
}

/** `{"diagnostics": [...]}` and a newline: what every command prints on stdout for its errors under --json. */
export function diagnosticsToJson(diagnostics: readonly Diagnostic[], extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ ...extra, diagnostics: diagnostics.map(diagnosticToJson) })}\n`;
}
