import { UserError } from '../core/errors.js';
import { importResource } from '../app/import.js';
import { SPECS } from './command-specs.js';
import type { CommandContext } from './context.js';
import { hostFor } from './output.js';
import { parseCommandArgs } from './parse-args.js';

export async function importCommand(context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(SPECS.import, context.argv);
  const [address, id, dir = '.', extra] = positionals;
  if (!address || !id || extra !== undefined) {
    throw UserError.of(
      'cli.bad-arguments',
      'import takes ADDR ID [DIR]',
      'e.g. imageform import image.web r006-1234abcd infra/',
    );
  }
  const host = await hostFor(context, { noColor: values['no-color'] ?? false });
  try {
    const entry = await importResource({ dir, cwd: context.cwd, env: context.env, host, address, id });
    context.stdout.write(
      `Imported ${address} (${entry.id}).\nRun "imageform plan" to see how the cloud object differs from the files.\n`,
    );
    return 0;
  } finally {
    await host.finish();
  }
}
