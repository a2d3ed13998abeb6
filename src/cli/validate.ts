import { hasErrors } from '../core/diagnostic.js';
import { formatErrorLine } from '../ui/error-text.js';
import { diagnosticsToJson } from '../ui/diagnostics-json.js';
import { writeErrors } from '../ui/error-report.js';
import { outputMode } from '../ui/output-mode.js';
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
  // As main reports a failure: the source line and a caret on a terminal, one line each elsewhere.
  const terminal = context.stderr.isTTY === true && outputMode({ stdout: context.stderr }, context.env).interactive;
  if (terminal && diagnostics.length > 0) {
    writeErrors(context.stderr, diagnostics, { interactive: true, cwd: context.cwd });
  } else {
    for (const diagnostic of diagnostics) context.stderr.write(`${formatErrorLine(diagnostic)}\n`);
  }
  const valid = !hasErrors(diagnostics);
  if (values.json) context.stdout.write(diagnosticsToJson(diagnostics, { valid }));
  else if (valid) context.stdout.write(`${configuration.documents.length} resources valid\n`);
  return valid ? 0 : 1;
}
