import { UserError } from '../core/errors.js';
import type { EngineHost } from '../engine/events.js';
import type { Host } from '../ui/host-types.js';
import { createJsonHost } from '../ui/json-host.js';
import { outputMode } from '../ui/output-mode.js';
import { createPlainHost } from '../ui/plain-host.js';
import type { CommandContext } from './context.js';
import { helpHint } from './parse-args.js';

/**
 * The renderer for a command: ink on a terminal, plain lines elsewhere, JSON lines for --json. ink (and React)
 * is loaded only for a terminal: it costs half a second of start-up that CI logs and pipes never need.
 */
export async function hostFor(
  context: CommandContext,
  flags: { json?: boolean; noColor?: boolean },
): Promise<Host & { color: boolean }> {
  const mode = outputMode(context, context.env, { noColor: flags.noColor === true });
  const color = mode.color && !flags.json;
  const streams = { stdout: context.stdout, stderr: context.stderr, stdin: context.stdin };
  let host: Host;
  if (flags.json) host = createJsonHost(streams);
  else if (mode.interactive) host = (await import('../ui/ink-host.js')).createInkHost(streams);
  else host = createPlainHost({ ...streams, color });
  return Object.assign(host, { color });
}

/** A host that shows nothing and answers every question with its default: for output that must be one document. */
export const silentHost: Host = {
  notify: () => undefined,
  confirm: async (_question: string, defaultAnswer: false) => defaultAnswer,
  finish: async () => undefined,
};

export function dirArgument(positionals: string[], command: string, max = 1): string {
  if (positionals.length > max) {
    throw UserError.of('cli.bad-arguments', `${command}: unexpected argument "${positionals[max]}"`, helpHint(command));
  }
  return positionals[0] ?? '.';
}

export type { EngineHost };
