import { UserError } from '../core/errors.js';
import { applyPlan, applyRefreshOnly } from '../engine/apply.js';
import type { EngineHost } from '../engine/events.js';
import type { Plan } from '../core/plan-types.js';
import { checkNotStale, checkSameFiles, checkSamePlan, type SavedPlan } from '../engine/saved-plan.js';
import { refreshAndPlan, withSession } from './session.js';
import { ApplyStop } from '../engine/stop.js';

/**
 * apply and destroy: lock, refresh, plan, show, ask, act. With a saved plan the review already happened: the
 * plan is made again and must equal the saved one, against the same state serial.
 */
export interface ApplyWorkflowOptions {
  dir: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  host: EngineHost;
  destroy: boolean;
  autoApprove: boolean;
  /** Whether someone can answer the yes-prompt. */
  canAsk: boolean;
  parallelism: number;
  saved?: SavedPlan;
  /** Set by an interrupt (and by a lost lock): nothing new starts once it is set. */
  stop?: ApplyStop;
}

export interface ApplyWorkflowResult {
  plan: Plan;
  failed: number;
  /** An interrupt stopped the run (DESIGN.md §4: exit 130); a lost lock throws instead. */
  interrupted?: boolean;
  /** The question was answered with anything but "yes": nothing was changed. */
  cancelled?: boolean;
}

export async function runApplyWorkflow(options: ApplyWorkflowOptions): Promise<ApplyWorkflowResult> {
  const { host, saved } = options;
  const operation = options.destroy ? 'destroy' : 'apply';
  if (!saved && !options.autoApprove && !options.canAsk) {
    // Refused before anything is read or locked: without a terminal nobody can say yes.
    throw UserError.of(
      'apply.needs-approval',
      `${operation} needs approval, and stdin is not a terminal`,
      options.destroy
        ? 'review with "imageform plan", then run "imageform destroy --auto-approve"'
        : 'review with "imageform plan", then run "imageform apply --auto-approve", or save the plan with --out and apply that file',
    );
  }
  const stop = options.stop ?? new ApplyStop();
  const outcome = await withSession(options.dir, { cwd: options.cwd, env: options.env, host }, async (session) => {
    const lock = await session.lock(operation);
    stop.followLock(lock.lost);
    stop.onStop((reason) => {
      if (reason.kind !== 'lock-lost') return;
      host.notify({ type: 'notice', level: 'warning', message: `${reason.message}; starting no new operation` });
    });
    const planOptions = {
      refreshOnly: saved?.options.refresh_only ?? false,
      destroy: saved?.options.destroy ?? options.destroy,
      targets: saved?.options.targets ?? [],
    };
    if (saved) {
      // State first: "state moved, and here is what" says more than "the files changed".
      checkNotStale(saved, await session.backend.read());
      checkSameFiles(saved, session.configuration.documents);
    }
    const { state, world, result } = await refreshAndPlan(session, host, planOptions);
    if (saved) checkSamePlan(saved.plan, result.plan);
    host.notify({ type: 'plan-ready', plan: result.plan });

    if (planOptions.refreshOnly) {
      await applyRefreshOnly(world, session.backend, state, result.documents);
      host.notify({
        type: 'notice',
        level: 'info',
        message: 'State now records the cloud as refreshed; nothing in the cloud was changed.',
      });
      return { plan: result.plan, failed: 0 };
    }
    if (!result.plan.changes.length) {
      await applyRefreshOnly(world, session.backend, state, result.documents);
      host.notify({
        type: 'apply-finished',
        counts: { added: 0, changed: 0, replaced: 0, destroyed: 0, forgotten: 0, awaited: 0 },
        failed: 0,
        operation,
      });
      return { plan: result.plan, failed: 0 };
    }
    if (!saved && !options.autoApprove) {
      const question = options.destroy
        ? 'Do you really want to destroy these resources? Only "yes" will be accepted.'
        : 'Do you want to perform these actions? Only "yes" will be accepted.';
      // Not an error report: the user said no, and the command says so as Terraform does (exit 1).
      if (!(await host.confirm(question, false))) return { plan: result.plan, failed: 0, cancelled: true };
    }
    if (stop.stopped) return { plan: result.plan, failed: 0 };
    const outcome = await applyPlan(result, {
      world,
      backend: session.backend,
      state,
      host,
      parallelism: options.parallelism,
      operation,
      stop,
    });
    if (outcome.stopped) {
      const done = Object.values(outcome.counts).reduce((sum, count) => sum + count, 0);
      const counts = `${done} done, ${outcome.failures.length} failed, ${outcome.stopped.notStarted.length} not started`;
      host.notify({ type: 'notice', level: 'warning', message: `${operation} stopped: ${counts}` });
    }
    return { plan: result.plan, failed: outcome.failures.length };
  }).catch((err: unknown) => {
    // A write that failed because the lock's connection went is reported as the lost lock it is.
    if (stop.reason?.kind === 'lock-lost') throw lockLostError(operation, stop.reason.message);
    throw err;
  });
  if (stop.reason?.kind === 'lock-lost') throw lockLostError(operation, stop.reason.message);
  return stop.reason?.kind === 'interrupt' ? { ...outcome, interrupted: true } : outcome;
}

function lockLostError(operation: string, message: string): UserError {
  return UserError.of(
    'state.lock-lost',
    `${operation} stopped: ${message}; no operation was started after that, and each one started is recorded`,
    `run "imageform ${operation}" again: it settles what was in flight`,
  );
}
