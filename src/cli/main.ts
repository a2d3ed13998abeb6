import { formatErrorLine } from '../ui/error-text.js';
import { isUserError } from '../diagnostics/errors.js';
import { outputMode } from '../ui/output-mode.js';
import { CloudError } from '../provider/provider.js';
import { WaitTimeoutError } from '../provider/wait.js';
import type { Command, CommandContext } from './context.js';

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
  emulator: async () => (await import('./emulator.js')).emulator,
};

export const usage = `Usage: imageform <command> [options]

Commands:
  validate [DIR]                  check the files: syntax, schema, references, rules
  plan [DIR]                      show what must change (--out FILE, --detailed-exitcode, --refresh-only,
                                  --target ADDR, --json, --format text|json|markdown, --no-color)
  apply [DIR | PLANFILE]          make the cloud match (--auto-approve, --parallelism N, --json)
  destroy [DIR]                   delete everything in state (--auto-approve)
  drift [DIR]                     report changes made outside imageform (--format text|json|markdown, --baseline)
  import ADDR ID [DIR]            adopt an existing cloud object under ADDR
  state list|show|rm|pull|push    inspect and edit state
  force-unlock LOCK_ID [DIR]      release a stale lock (--force)
  emulator                        run the IBM VPC Images API emulator (--port, --data, --api-key, --time-scale)

Exit codes: 0 ok, 1 error, 2 changes or drift (plan --detailed-exitcode, drift).`;

export function processContext(argv: string[]): CommandContext {
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
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    // Asked for: stdout, exit 0. Not asked for (no command): stderr, exit 1.
    (name ? context.stdout : context.stderr).write(`${usage}\n`);
    return name ? 0 : 1;
  }
  if (name === '--version' || name === 'version') {
    context.stdout.write('imageform 0.1.0\n');
    return 0;
  }
  const load = commands[name];
  if (!load) {
    context.stderr.write(`error: unknown command "${name}" (run "imageform help" for the list)\n`);
    return 1;
  }
  try {
    const command = await load();
    return await command({ ...context, argv: rest });
  } catch (err) {
    return reportFailure(err, context);
  }
}

async function reportFailure(err: unknown, context: CommandContext): Promise<number> {
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
  if (isCloudFailure(err) && context.env.IMAGEFORM_DEBUG !== '1') {
    // The cloud said no, or could not be reached: the cloud's words, one line, not a bug report.
    context.stderr.write(`error: ${err.message.split('\n')[0]}\n`);
    return 1;
  }
  if (context.env.IMAGEFORM_DEBUG === '1') {
    context.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  } else {
    const message = err instanceof Error ? err.message : String(err);
    context.stderr.write(`error: ${message.split('\n')[0]} (this is a bug in imageform; IMAGEFORM_DEBUG=1 shows details)\n`);
  }
  return 1;
}

function isCloudFailure(err: unknown): err is Error {
  return err instanceof CloudError || err instanceof WaitTimeoutError;
}

export async function main(argv: string[]): Promise<number> {
  return run(processContext(argv));
}
