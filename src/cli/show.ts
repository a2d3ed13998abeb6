import { resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { readSavedPlan } from '../engine/saved-plan.js';
import { planToJson } from '../ui/json.js';
import { SPECS } from './command-specs.js';
import type { CommandContext } from './context.js';
import { hostFor } from './output.js';
import { parseCommandArgs } from './parse-args.js';

/**
 * `imageform show PLANFILE [--json]`: a saved plan, through the same renderer plan used (text on the same host,
 * or the same `--json` object), so what a reviewer reads later is what was printed then. No cloud, no state.
 */
export async function show(context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(SPECS.show, context.argv);
  const [file, extra] = positionals;
  if (!file || extra !== undefined) {
    throw UserError.of(
      'cli.bad-arguments',
      file ? `show: unexpected argument "${extra}"` : 'show: needs the plan file',
      `usage: imageform show PLANFILE [--json]; "imageform plan --out FILE" writes one`,
    );
  }
  const saved = await readSavedPlan(resolve(context.cwd, file)).catch((err: NodeJS.ErrnoException) => {
    if (err instanceof UserError) throw err;
    throw UserError.of(
      'cli.not-found',
      `show: cannot read ${file} (${err.code ?? err.message})`,
      'give the path of a file written by "imageform plan --out FILE"',
    );
  });
  if (!saved)
    throw UserError.of(
      'plan.saved-unreadable',
      `show: ${file} is a directory, not a saved plan`,
      'give the path of a file written by "imageform plan --out FILE"',
    );
  if (values.json) {
    context.stdout.write(planToJson(saved.plan));
    return 0;
  }
  const host = await hostFor(context, { noColor: values['no-color'] ?? false });
  try {
    host.notify({ type: 'plan-ready', plan: saved.plan });
  } finally {
    await host.finish();
  }
  return 0;
}
