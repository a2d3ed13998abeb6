import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { runApplyWorkflow, type ApplyWorkflowResult } from '../app/apply-workflow.js';
import { ApplyStop } from '../engine/stop.js';
import { readSavedPlan, type SavedPlan } from '../engine/saved-plan.js';
import { SPECS } from './command-specs.js';
import type { CommandContext } from './context.js';
import { handleInterrupts, INTERRUPTED_EXIT_CODE } from './interrupts.js';
import { dirArgument, hostFor } from './output.js';
import { parseCommandArgs } from './parse-args.js';

export function parseParallelism(value: string | undefined): number {
  if (value === undefined) return 10;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw UserError.of('cli.bad-arguments', `--parallelism must be a whole number of at least 1, got "${value}"`);
  }
  return parsed;
}

/** `apply DIR` or `apply PLANFILE`: a regular file is a saved plan. */
async function savedPlanAt(cwd: string, argument: string): Promise<SavedPlan | undefined> {
  const path = resolve(cwd, argument);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw UserError.of('cli.not-found', `${argument}: no such directory or plan file`);
  return info.isFile() ? readSavedPlan(path) : undefined;
}

export async function apply(context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(SPECS.apply, context.argv);
  const argument = dirArgument(positionals, 'apply');
  const parallelism = parseParallelism(values.parallelism);
  const saved = await savedPlanAt(context.cwd, argument);
  const host = await hostFor(context, { json: values.json ?? false, noColor: values['no-color'] ?? false });
  const stop = new ApplyStop();
  const stopHandling = handleInterrupts(stop, host, context.stderr);
  let outcome: ApplyWorkflowResult;
  try {
    outcome = await runApplyWorkflow({
      dir: saved ? saved.plan.dir! : argument,
      cwd: context.cwd,
      env: context.env,
      host,
      destroy: false,
      autoApprove: values['auto-approve'] ?? false,
      canAsk: context.stdin.isTTY === true && !values.json,
      parallelism,
      stop,
      ...(saved ? { saved } : {}),
    });
  } finally {
    stopHandling();
    await host.finish();
  }
  return exitCode(context, outcome, 'Apply');
}

/** `Apply cancelled.` (or `Destroy cancelled.`) and exit 1 for a "no", as Terraform does; 1 for failures too. */
export function exitCode(
  context: CommandContext,
  outcome: ApplyWorkflowResult,
  operation: 'Apply' | 'Destroy',
): number {
  if (outcome.interrupted) return INTERRUPTED_EXIT_CODE;
  if (outcome.cancelled) {
    context.stdout.write(`${operation} cancelled.\n`);
    return 1;
  }
  return outcome.failed ? 1 : 0;
}
