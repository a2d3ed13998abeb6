import { resolve } from 'node:path';
import { refreshAndPlan, withSession } from '../engine/session.js';
import { SAVED_PLAN_FORMAT, writeSavedPlan } from '../engine/saved-plan.js';
import { planToJson } from '../ui/json.js';
import type { CommandContext } from './context.js';
import { dirArgument, hostFor, silentHost } from './output.js';
import { parseCommandArgs } from './parse-args.js';

export async function plan(context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('plan', context.argv, {
    out: { type: 'string' },
    'detailed-exitcode': { type: 'boolean' },
    'refresh-only': { type: 'boolean' },
    target: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    'no-color': { type: 'boolean' },
  });
  const dir = dirArgument(positionals, 'plan');
  const host = values.json ? silentHost : hostFor(context, { noColor: values['no-color'] ?? false });
  try {
    const options = { refreshOnly: values['refresh-only'] ?? false, targets: values.target ?? [] };
    const { result } = await withSession(dir, { cwd: context.cwd, env: context.env, host }, (session) =>
      refreshAndPlan(session, host, options),
    );
    const planned = result.plan;
    if (values.out) {
      await writeSavedPlan(resolve(context.cwd, values.out), {
        format: SAVED_PLAN_FORMAT,
        created_at: new Date().toISOString(),
        options: { refresh_only: options.refreshOnly, destroy: false, targets: options.targets },
        plan: planned,
      });
    }
    if (values.json) {
      context.stdout.write(planToJson(planned));
    } else {
      host.notify({ type: 'plan-ready', plan: planned });
      if (values.out) {
        host.notify({ type: 'notice', level: 'info', message: `Saved the plan to ${values.out}. To carry it out exactly: imageform apply ${values.out}` });
      } else if (planned.changes.length) {
        host.notify({ type: 'notice', level: 'info', message: 'This plan was not saved: "imageform apply" will plan again before acting.' });
      }
    }
    const pending = options.refreshOnly ? planned.drift.length : planned.changes.length;
    return values['detailed-exitcode'] && pending > 0 ? 2 : 0;
  } finally {
    await host.finish();
  }
}
