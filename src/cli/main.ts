import type { CloudError } from '../clouds/ibm-vpc/api-types.js';
import type { WaitTimeoutError } from '../engine/wait.js';
import { endQuietlyWhenClosed } from './closed-pipe.js';
import type { Command, CommandContext } from './context.js';
import { error, type Diagnostic } from '../core/diagnostic.js';
import { didYouMean } from '../core/did-you-mean.js';
import { isUserError, UserError } from '../core/errors.js';
import { findSpec, type CommandSpec } from './command-specs.js';
import { HELP_FLAGS } from './parse-args.js';

/** Commands load lazily so `imageform validate` never pays for ink or the HTTP client. */
const commands: Record<string, () => Promise<Command>> = {
  validate: async () => (await import('./validate.js')).validate,
  plan: async () => (await import('./plan.js')).plan,
  apply: async () => (await import('./apply.js')).apply,
  destroy: async () => (await import('./destroy.js')).destroy,
  drift: async () => (await import('./drift.js')).drift,
  import: async () => (await import('./import.js')).importCommand,
  state: async () => (await import('./state.js')).state,
  'force-unlock': async () => (await import('./force-unlock.js')).forceUnlock,
  show: async () => (await import('./show.js')).show,
  output: async () => (await import('./output-command.js')).output,
  emulator: async () => (await import('./emulator.js')).emulator,
};

/** The help texts, loaded only when one is shown: a command that runs never pays for them. */
const helpTexts = () => import('./help.js');

export function processContext(argv: string[]): CommandContext {
  endQuietlyWhenClosed(process.stdout, 'stdout', process.stderr);
  endQuietlyWhenClosed(process.stderr, 'stderr', process.stdout);
  return {
    argv,
    cwd: process.cwd(),
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  };
}

export async function run(context: CommandContext): Promise<number> {
  const [name, ...rest] = context.argv;
  // Decided from the raw arguments, so that even a refused flag is reported as JSON to a caller that asked for it.
  const json = wantsJson(context.argv);
  try {
    if (!name) {
      // Not asked for: stderr, exit 1.
      context.stderr.write(`${(await helpTexts()).generalHelp().trimEnd()}\n`);
      return 1;
    }
    if (name === 'help' || HELP_FLAGS.includes(name)) {
      const { commandHelp, generalHelp } = await helpTexts();
      context.stdout.write(rest.length && name === 'help' ? commandHelp(specFor(rest[0]!, rest[1])) : generalHelp());
      return 0;
    }
    if (name === '--version' || name === 'version') {
      const { imageformVersion } = await import('../version.js');
      context.stdout.write(`imageform ${imageformVersion()}\n`);
      return 0;
    }
    const spec = specFor(name, rest[0]);
    if (wantsHelp(rest)) {
      context.stdout.write((await helpTexts()).commandHelp(spec));
      return 0;
    }
    const command = await commands[name]!();
    return await command({ ...context, argv: rest });
  } catch (err) {
    // validate --json always answers with its own shape, {valid, diagnostics}, even for a refused argument.
    return reportFailure(err, context, json ? (name === 'validate' ? { valid: false } : {}) : undefined);
  }
}

/** The spec of a command (or of a state subcommand), or the error for an unknown one, with the nearest name. */
function specFor(name: string, subcommand?: string): CommandSpec {
  const spec = Object.hasOwn(commands, name) ? findSpec(name, subcommand) : undefined;
  if (spec) return spec;
  const suggestion = didYouMean(name, Object.keys(commands));
  throw suggestion
    ? UserError.of('cli.unknown-command', `unknown command "${name}"; did you mean "${suggestion}"?`)
    : UserError.of('cli.unknown-command', `unknown command "${name}"`, 'run "imageform help" for the list');
}

/** Help asked for anywhere before `--`. */
function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((token) => HELP_FLAGS.includes(token));
}

/** `--json`, `-json` or `--format json` (in any of its spellings) before `--`. */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  return args.some(
    (token, index) =>
      /^--?json$/.test(token) ||
      /^--?format=json$/.test(token) ||
      (/^--?format$/.test(token) && args[index + 1] === 'json'),
  );
}

/**
 * What only a failure needs is loaded here, not at start: a run that succeeds never pays for the error texts, the
 * JSON form or the cloud's and the engine's error classes.
 */
async function reportFailure(err: unknown, context: CommandContext, json?: Record<string, unknown>): Promise<number> {
  const [{ formatErrorLine }, { outputMode }, { diagnosticsToJson }, { CloudError }, { WaitTimeoutError }] =
    await Promise.all([
      import('../ui/error-text.js'),
      import('../ui/output-mode.js'),
      import('../ui/diagnostics-json.js'),
      import('../clouds/ibm-vpc/api-types.js'),
      import('../engine/wait.js'),
    ]);
  const failures = { CloudError, WaitTimeoutError };
  // Under --json stdout is for machines: the errors go there too, as one JSON document; stderr keeps its lines.
  if (json) context.stdout.write(diagnosticsToJson(failureDiagnostics(err, failures), json));
  if (isUserError(err)) {
    // On a terminal: the source line, a caret and a count; one line each elsewhere (CI logs, pipes, NO_COLOR).
    const terminal = context.stderr.isTTY === true && outputMode({ stdout: context.stderr }, context.env).interactive;
    if (terminal) {
      const { writeErrors } = await import('../ui/error-report.js');
      writeErrors(context.stderr, err.diagnostics, { interactive: true, cwd: context.cwd });
    } else {
      for (const diagnostic of err.diagnostics) context.stderr.write(`${formatErrorLine(diagnostic)}\n`);
    }
    return 1;
  }
  if (isCloudFailure(err, failures) && context.env.IMAGEFORM_DEBUG !== '1') {
    // The cloud said no, or could not be reached: the cloud's words, one line, not a bug report.
    context.stderr.write(`error: ${err.message.split('\n')[0]}\n`);
    return 1;
  }
  if (context.env.IMAGEFORM_DEBUG === '1') {
    context.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  } else {
    const message = err instanceof Error ? err.message : String(err);
    context.stderr.write(
      `error: ${message.split('\n')[0]} (this is a bug in imageform; IMAGEFORM_DEBUG=1 shows details)\n`,
    );
  }
  return 1;
}

/** The error classes a failure is told apart by, loaded with the failure. */
interface FailureClasses {
  CloudError: typeof CloudError;
  WaitTimeoutError: typeof WaitTimeoutError;
}

/** What failed, as diagnostics: a user's error as it is, the cloud's refusal and a bug each under a stable code. */
function failureDiagnostics(err: unknown, classes: FailureClasses): readonly Diagnostic[] {
  if (isUserError(err)) return err.diagnostics;
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
  if (err instanceof classes.WaitTimeoutError) return [error('cloud.wait-timeout', message)];
  if (err instanceof classes.CloudError) return [error('cloud.request-failed', message)];
  return [error('internal.bug', message, undefined, 'this is a bug in imageform; IMAGEFORM_DEBUG=1 shows details')];
}

function isCloudFailure(err: unknown, classes: FailureClasses): err is Error {
  return err instanceof classes.CloudError || err instanceof classes.WaitTimeoutError;
}

export async function main(argv: string[]): Promise<number> {
  return run(processContext(argv));
}
