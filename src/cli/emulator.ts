import { resolve } from 'node:path';
import { DEFAULT_EMULATOR_CLOUD, EMULATORS, type EmulatorStarter } from '../app/emulators.js';
import { didYouMean } from '../core/did-you-mean.js';
import { UserError } from '../core/errors.js';
import { SPECS } from './command-specs.js';
import type { CommandContext } from './context.js';
import { helpHint, parseCommandArgs } from './parse-args.js';

/** The flags are listed once, in command-specs.ts; errors point at --help. */
const usage = helpHint('emulator');

function numberFlag(
  value: string | undefined,
  flag: string,
  valid: (n: number) => boolean,
  rule: string,
): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || !valid(parsed)) {
    throw UserError.of('cli.bad-arguments', `emulator: --${flag} ${value} must be ${rule}`, usage);
  }
  return parsed;
}

/** The starter of `--cloud`'s emulator: a misspelt cloud gets a guess. */
function emulatorOf(cloud: string): EmulatorStarter {
  const clouds = Object.keys(EMULATORS);
  if (!clouds.includes(cloud)) {
    const guess = didYouMean(cloud, clouds);
    throw UserError.of(
      'cli.bad-arguments',
      `emulator: unknown cloud "${cloud}"`,
      `${guess ? `did you mean "${guess}"? ` : ''}clouds: ${clouds.join(', ')}`,
    );
  }
  const start = EMULATORS[cloud]!;
  return start;
}

/** `imageform emulator`: runs one cloud's emulator as a server until SIGINT or SIGTERM. */
export async function emulator(context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(SPECS.emulator, context.argv);
  if (positionals.length > 0)
    throw UserError.of('cli.bad-arguments', `emulator: unexpected argument "${positionals[0]}"`, usage);
  const startEmulator = emulatorOf(values.cloud ?? DEFAULT_EMULATOR_CLOUD);
  const port = numberFlag(
    values.port,
    'port',
    (n) => Number.isInteger(n) && n >= 0 && n <= 65535,
    'an integer from 0 to 65535',
  );
  const timeScale = numberFlag(
    values['time-scale'],
    'time-scale',
    (n) => n >= 0,
    'a number >= 0 (0.1 runs ten times faster)',
  );
  const tokenTtlSeconds = numberFlag(
    values['token-ttl'],
    'token-ttl',
    (n) => Number.isInteger(n) && n > 0,
    'a whole number of seconds > 0',
  );
  // Read from the environment too, so the key need not appear in the process list.
  const apiKey = values['api-key'] ?? context.env.IMAGEFORM_EMULATOR_API_KEY;
  if (apiKey === '') throw UserError.of('cli.bad-arguments', 'emulator: --api-key must not be empty', usage);

  let running;
  try {
    running = await startEmulator({
      ...(port !== undefined ? { port } : {}),
      ...(values.host ? { host: values.host } : {}),
      ...(values.data ? { dataFile: resolve(context.cwd, values.data) } : {}),
      ...(apiKey ? { apiKey } : {}),
      ...(timeScale !== undefined ? { timeScale } : {}),
      ...(tokenTtlSeconds !== undefined ? { tokenTtlSeconds } : {}),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw UserError.of(
        'emulator.port-in-use',
        `emulator: port ${port} is already in use`,
        'pick another --port, or 0 for a free one',
      );
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL')
      throw UserError.of(
        'emulator.cannot-listen',
        `emulator: cannot listen on ${values.host ?? '127.0.0.1'}:${port ?? 0} (${code})`,
        'check --host and --port',
      );
    if (err instanceof Error && /cloud file|JSON/.test(err.message))
      throw UserError.of(
        'emulator.bad-data-file',
        `emulator: ${err.message}`,
        'point --data at a file this emulator wrote, or a new path',
      );
    throw err;
  }
  context.stdout.write(`listening on ${running.url}\n`);
  // The emulator's own throwaway key: printed only when we made it up, so the user can use it.
  if (!apiKey) context.stdout.write(`api key: ${running.apiKey}\n`);

  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await running.stop();
  return 0;
}
