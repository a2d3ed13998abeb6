import { createInterface } from 'node:readline';
import { UserError } from '../core/errors.js';
import { openConfiguredStateBackend } from '../app/configured-state.js';
import { describeHolder } from '../state/lock-info.js';
import { SPECS } from './command-specs.js';
import type { CommandContext } from './context.js';
import { parseCommandArgs } from './parse-args.js';

/**
 * `imageform force-unlock LOCK_ID [DIR] [--force]`: release a lock whose holder is gone. The ID is a nonce from the
 * refusal message, so a stale-looking lock cannot be released by accident; on a terminal it also asks.
 */
export async function forceUnlock(context: CommandContext): Promise<number> {
  const { positionals, values } = parseCommandArgs(SPECS.forceUnlock, context.argv);
  const [lockId, dir, extra] = positionals;
  if (!lockId || extra !== undefined) {
    throw UserError.of(
      'cli.bad-arguments',
      lockId ? `force-unlock: unexpected argument "${extra}"` : 'force-unlock: needs the lock ID',
      'usage: imageform force-unlock LOCK_ID [DIR] [--force]; the ID is printed by the command that was refused',
    );
  }
  const backend = await openConfiguredStateBackend(dir, context);
  try {
    const holder = await backend.readLockInfo?.();
    if (holder?.id === lockId && values.force !== true) {
      if (!context.stdin.isTTY) {
        throw UserError.of(
          'force-unlock.needs-confirmation',
          `force-unlock asks before releasing the lock held by ${describeHolder(holder)}, but stdin is not a terminal; nothing was changed`,
          'pass --force if you are sure that run is gone',
        );
      }
      context.stdout.write(
        `The state of ${backend.description} is locked by ${describeHolder(holder)}.\n` +
          'Releasing a lock whose run is still going lets two runs write state at once.\n' +
          'Only "yes" releases it.\n\nRelease the lock? ',
      );
      const answer = await readAnswer(context.stdin);
      if (answer !== 'yes') {
        context.stdout.write('\nforce-unlock cancelled; the lock is kept.\n');
        return 1;
      }
    }
    // Also the path for a wrong ID or no lock at all: the backend says which, naming the real holder.
    await backend.forceUnlock(lockId);
    context.stdout.write(`Lock ${lockId} released: ${backend.description} is unlocked.\n`);
    return 0;
  } finally {
    await backend.close();
  }
}

async function readAnswer(input: NodeJS.ReadableStream): Promise<string> {
  const lines = createInterface({ input, terminal: false });
  try {
    for await (const line of lines) return line.trim();
    return '';
  } finally {
    lines.close();
  }
}
