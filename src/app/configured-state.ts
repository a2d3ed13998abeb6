import { resolve } from 'node:path';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../core/diagnostic.js';
import { UserError } from '../core/errors.js';
import { loadSettings } from '../config/settings.js';
import { CATALOG } from './catalog.js';
import { openStateBackend } from '../state/open.js';
import type { StateBackend } from '../state/state.js';

export interface CommandSurroundings {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stderr: { write(text: string): unknown };
}

/**
 * The state backend of the configuration directory `dirArgument` (default `.`), as its imageform.yaml says, for
 * commands that need state but not the resource files. Settings warnings and backend notices go to stderr.
 */
export async function openConfiguredStateBackend(
  dirArgument: string | undefined,
  surroundings: CommandSurroundings,
): Promise<StateBackend> {
  const dir = resolve(surroundings.cwd, dirArgument ?? '.');
  const { settings, diagnostics } = await loadSettings(dir, { cwd: surroundings.cwd, catalog: CATALOG });
  if (hasErrors(diagnostics)) throw new UserError(diagnostics.filter((d: Diagnostic) => d.severity === 'error'));
  for (const warning of diagnostics) surroundings.stderr.write(`${formatDiagnostic(warning)}\n`);
  return openStateBackend(dir, settings.state, surroundings.env, {
    onNotice: (message) => surroundings.stderr.write(`note: ${message}\n`),
    cwd: surroundings.cwd,
  });
}
