import { runApplyWorkflow } from '../engine/apply-workflow.js';
import { parseParallelism } from './apply.js';
import { SPECS } from './command-specs.js';
import type { CommandContext } from './context.js';
import { dirArgument, hostFor } from './output.js';
import { parseCommandArgs } from './parse-args.js';

export async function destroy(context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(SPECS.destroy, context.argv);
  const host = await hostFor(context, { json: values.json ?? false, noColor: values['no-color'] ?? false });
  try {
    const outcome = await runApplyWorkflow({
      dir: dirArgument(positionals, 'destroy'),
      cwd: context.cwd,
      env: context.env,
      host,
      destroy: true,
      autoApprove: values['auto-approve'] ?? false,
      canAsk: context.stdin.isTTY === true && !values.json,
      parallelism: parseParallelism(values.parallelism),
    });
    return outcome.failed ? 1 : 0;
  } finally {
    await host.finish();
  }
}
