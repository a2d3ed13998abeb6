import type { Diagnostic } from './diagnostic.js';
import { formatDiagnostic } from './diagnostic.js';

/**
 * The user's problem: bad input, a refused plan, a held lock. Printed as one line each, exit 1, no stack.
 * Anything else that escapes to the top is a bug and shows its stack only with IMAGEFORM_DEBUG=1.
 */
export class UserError extends Error {
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: Diagnostic | readonly Diagnostic[]) {
    const list = Array.isArray(diagnostics) ? (diagnostics as readonly Diagnostic[]) : [diagnostics as Diagnostic];
    super(list.map(formatDiagnostic).join('\n'));
    this.name = 'UserError';
    this.diagnostics = list;
  }

  static of(code: string, message: string, hint?: string): UserError {
    return new UserError({ code, severity: 'error', message, ...(hint ? { hint } : {}) });
  }
}

export function isUserError(value: unknown): value is UserError {
  return value instanceof UserError;
}
