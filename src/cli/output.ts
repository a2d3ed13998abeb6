import { UserError } from '../diagnostics/errors.js';
import type { EngineHost } from '../engine/events.js';
import { createHost, outputMode, type Host } from '../ui/host.js';
import type { CommandContext } from './context.js';

/** The renderer for a command: ink on a terminal, plain lines elsewhere, JSON lines for --json. */
export function hostFor(context: CommandContext, flags: { json?: boolean; noColor?: boolean }): Host & { color: boolean } {
  const mode = outputMode(context, context.env, { noColor: flags.noColor === true });
  const host = createHost({
    stdout: context.stdout,
    stderr: context.stderr,
    stdin: context.stdin,
    interactive: mode.interactive && !flags.json,
    color: mode.color && !flags.json,
    json: flags.json === true,
  });
  return Object.assign(host, { color: mode.color && !flags.json });
}

/** A host that shows nothing and answers every question with its default: for output that must be one document. */
export const silentHost: Host = {
  notify: () => undefined,
  confirm: async (_question: string, defaultAnswer: false) => defaultAnswer,
  finish: async () => undefined,
};

export function dirArgument(positionals: string[], command: string, max = 1): string {
  if (positionals.length > max) {
    throw UserError.of('cli.bad-arguments', `${command}: unexpected argument "${positionals[max]}"`, `run "imageform help" for usage`);
  }
  return positionals[0] ?? '.';
}

export type { EngineHost };
