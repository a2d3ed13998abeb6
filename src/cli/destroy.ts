import { runApplyWorkflow, type ApplyWorkflowResult } from '../engine/apply-workflow.js';
import { exitCode, parseParallelism } from './apply.js';
import type { CommandContext } from './context.js';
import { dirArgument, hostFor } from './output.js';
import { parseCommandArgs } from './parse-args.js';

export async function destroy(context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('destroy', context.argv, {
    'auto-approve': { type: 'boolean' },
    parallelism: { type: 'string' },
    json: { type: 'boolean' },
    'no-color': { type: 'boolean' },
  });
  const host = await hostFor(context, { json: values.json ?? false, noColor: values['no-color'] ?? false });
  let outcome: ApplyWorkflowResult;
  try {
    outcome = await runApplyWorkflow({
      dir: dirArgument(positionals, 'destroy'),
      cwd: context.cwd,
      env: context.env,
      host,
      destroy: true,
      autoApprove: values['auto-approve'] ?? false,
      canAsk: context.stdin.isTTY === true && !values.json,
      parallelism: parseParallelism(values.parallelism),
    });
  } finally {
    await host.finish();
  }
  return exitCode(context, outcome, 'Destroy');
}
