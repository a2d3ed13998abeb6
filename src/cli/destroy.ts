import { runApplyWorkflow, type ApplyWorkflowResult } from '../app/apply-workflow.js';
import { ApplyStop } from '../engine/stop.js';
import { exitCode, parseParallelism } from './apply.js';
import { SPECS } from './command-specs.js';
import type { CommandContext } from './context.js';
import { handleInterrupts } from './interrupts.js';
import { dirArgument, hostFor } from './output.js';
import { parseCommandArgs } from './parse-args.js';

export async function destroy(context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(SPECS.destroy, context.argv);
  const host = await hostFor(context, { json: values.json ?? false, noColor: values['no-color'] ?? false });
  const stop = new ApplyStop();
  const stopHandling = handleInterrupts(stop, host, context.stderr);
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
      stop,
    });
  } finally {
    stopHandling();
    await host.finish();
  }
  return exitCode(context, outcome, 'Destroy');
}
