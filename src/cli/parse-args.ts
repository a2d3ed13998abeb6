import { parseArgs } from 'node:util';
import { didYouMean } from '../core/did-you-mean.js';
import { UserError } from '../core/errors.js';
import type { FlagSpecs } from './command-specs.js';

/** What asks for help, in any command: Terraform's `-help` too. */
export const HELP_FLAGS: readonly string[] = ['--help', '-h', '-help'];

/**
 * A command's arguments, parsed against its declared flags (command-specs.ts). Terraform's spellings are accepted
 * (`-auto-approve`, `-out=FILE`, `-out FILE`), and an unknown flag is refused with the nearest declared one.
 */
export function parseCommandArgs<T extends FlagSpecs>(spec: { name: string; flags: T }, argv: string[]) {
  const args = normalizeFlags(spec, argv);
  try {
    return parseArgs({ args, options: spec.flags, allowPositionals: true, strict: true });
  } catch (err) {
    // Only what normalizeFlags does not already catch reaches node's parser.
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw UserError.of('cli.bad-arguments', `${spec.name}: ${message}`, helpHint(spec.name));
  }
}

/**
 * Rewrites every flag to node's `--name` / `--name=value` form, checking it on the way: declared, a value where one
 * is needed, none where none is. A value may start with `-` (`--parallelism -1` is then refused by the command
 * with its own words), unless it is itself one of the command's flags.
 */
export function normalizeFlags(spec: { name: string; flags: FlagSpecs }, argv: readonly string[]): string[] {
  const args: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index]!;
    if (token === '--') {
      args.push(...argv.slice(index));
      break;
    }
    const flag = /^(--?)([^=]+)(=[\s\S]*)?$/.exec(token);
    if (!flag || token === '-') {
      args.push(token);
      continue;
    }
    const [, dashes, name, assigned] = flag as unknown as [string, string, string, string | undefined];
    const declared = Object.hasOwn(spec.flags, name) ? spec.flags[name] : undefined;
    if (!declared) throw unknownFlag(spec, dashes, name);
    if (declared.type === 'boolean') {
      if (assigned !== undefined) {
        throw UserError.of(
          'cli.bad-arguments',
          `${spec.name}: ${dashes}${name} takes no value`,
          `write just ${dashes}${name}`,
        );
      }
      args.push(`--${name}`);
      continue;
    }
    if (assigned !== undefined) {
      args.push(`--${name}${assigned}`);
      continue;
    }
    const next = argv[index + 1];
    if (next === undefined || next === '--' || isDeclaredFlag(spec.flags, next)) {
      throw UserError.of(
        'cli.bad-arguments',
        `${spec.name}: ${dashes}${name} needs a value`,
        `e.g. ${dashes}${name} ${declared.value ?? 'VALUE'}`,
      );
    }
    args.push(`--${name}=${next}`);
    index++;
  }
  return args;
}

function isDeclaredFlag(flags: FlagSpecs, token: string): boolean {
  const match = /^--?([^=]+)/.exec(token);
  return match !== null && (Object.hasOwn(flags, match[1]!) || HELP_FLAGS.includes(token));
}

function unknownFlag(spec: { name: string; flags: FlagSpecs }, dashes: string, name: string): UserError {
  const suggestion = didYouMean(name, Object.keys(spec.flags));
  const typed = `${dashes}${name}`;
  // Suggested in the spelling the user typed, so a Terraform habit gets a Terraform answer.
  return suggestion
    ? UserError.of('cli.unknown-flag', `${spec.name}: unknown flag "${typed}"; did you mean "${dashes}${suggestion}"?`)
    : UserError.of('cli.unknown-flag', `${spec.name}: unknown flag "${typed}"`, helpHint(spec.name));
}

export function helpHint(command: string): string {
  return `run "imageform ${command} --help" for its usage`;
}
