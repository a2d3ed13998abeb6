import { hasErrors, type Diagnostic } from '../core/diagnostic.js';
import { UserError } from '../core/errors.js';
import { CATALOG } from '../app/catalog.js';
import { loadConfiguration } from '../config/load.js';
import { SPECS } from './command-specs.js';
import type { CommandContext } from './context.js';
import { parseCommandArgs } from './parse-args.js';

/** `imageform validate [DIR] [--json]`: parse, schema, references and every rule that needs no cloud. */
export async function validate(context: CommandContext): Promise<number> {
  const { positionals, values } = parseCommandArgs(SPECS.validate, context.argv);
  if (positionals.length > 1) {
    throw UserError.of(
      'cli.bad-arguments',
      `validate: expected one directory, got ${positionals.length} arguments`,
      'imageform validate [DIR]',
    );
  }
  const dir = positionals[0] ?? '.';
  const { configuration, diagnostics } = await loadConfiguration(dir, { cwd: context.cwd, catalog: CATALOG });
  if (diagnostics.length > 0) await writeDiagnostics(context, diagnostics);
  const valid = !hasErrors(diagnostics);
  if (values.json) {
    const { diagnosticsToJson } = await import('../ui/diagnostics-json.js');
    context.stdout.write(diagnosticsToJson(diagnostics, { valid }));
  } else if (valid) context.stdout.write(`${configuration.documents.length} resources valid\n`);
  return valid ? 0 : 1;
}

/**
 * As main reports a failure: the source line and a caret on a terminal, one line each elsewhere. Loaded only when
 * there is something to say: a valid configuration needs none of it.
 */
async function writeDiagnostics(context: CommandContext, diagnostics: readonly Diagnostic[]): Promise<void> {
  const { outputMode } = await import('../ui/output-mode.js');
  if (context.stderr.isTTY === true && outputMode({ stdout: context.stderr }, context.env).interactive) {
    const { writeErrors } = await import('../ui/error-report.js');
    writeErrors(context.stderr, diagnostics, { interactive: true, cwd: context.cwd });
  } else {
    const { formatErrorLine } = await import('../ui/error-text.js');
    for (const diagnostic of diagnostics) context.stderr.write(`${formatErrorLine(diagnostic)}\n`);
  }
}
