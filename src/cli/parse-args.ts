import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../diagnostics/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, with its errors turned into one-line user errors naming the command. */
export function parseCommandArgs<T extends Options>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw UserError.of('cli.bad-arguments', `${command}: ${message}`, `run "imageform help" for usage`);
  }
}
