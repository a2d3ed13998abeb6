import { access, constants, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { refreshAndPlan, withSession } from '../app/session.js';
import { documentDigests, SAVED_PLAN_FORMAT, writeSavedPlan } from '../engine/saved-plan.js';
import { UserError } from '../core/errors.js';
import { planToJson } from '../ui/json.js';
import { renderPlanMarkdown } from '../ui/markdown.js';
import { SPECS } from './command-specs.js';
import type { CommandContext } from './context.js';
import { dirArgument, hostFor, silentHost } from './output.js';
import { parseCommandArgs } from './parse-args.js';

const FORMATS = ['text', 'json', 'markdown'] as const;

/** `--json` is `--format json`; markdown is for a pull-request comment (it always fits one). */
function planFormat(format: string | undefined, json: boolean): (typeof FORMATS)[number] {
  if (format === undefined) return json ? 'json' : 'text';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw UserError.of('cli.bad-arguments', `plan: --format must be text, json or markdown, not "${format}"`);
  }
  if (json && format !== 'json')
    throw UserError.of(
      'cli.bad-arguments',
      `plan: --json and --format ${format} contradict each other`,
      'keep one of them',
    );
  return format as (typeof FORMATS)[number];
}

export async function plan(context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(SPECS.plan, context.argv);
  const dir = dirArgument(positionals, 'plan');
  const format = planFormat(values.format, values.json ?? false);
  const out = values.out === undefined ? undefined : resolve(context.cwd, values.out);
  // Found out before the refresh, not after it: the plan file's folder must exist and be writable.
  if (out) await checkWritable(out, values.out!);
  const host = format === 'text' ? await hostFor(context, { noColor: values['no-color'] ?? false }) : silentHost;
  try {
    const options = { refreshOnly: values['refresh-only'] ?? false, targets: values.target ?? [] };
    const { result } = await withSession(dir, { cwd: context.cwd, env: context.env, host }, (session) =>
      refreshAndPlan(session, host, options),
    );
    const planned = result.plan;
    if (out) {
      await writeSavedPlan(out, {
        format: SAVED_PLAN_FORMAT,
        created_at: new Date().toISOString(),
        options: { refresh_only: options.refreshOnly, destroy: false, targets: options.targets },
        plan: planned,
        files: documentDigests(result.documents.values()),
      }).catch((err: NodeJS.ErrnoException) => {
        throw UserError.of('plan.out-unwritable', `cannot write the plan to ${values.out}: ${err.code ?? err.message}`);
      });
    }
    if (format === 'json') {
      context.stdout.write(planToJson(planned));
    } else if (format === 'markdown') {
      context.stdout.write(renderPlanMarkdown(planned));
    } else {
      host.notify({ type: 'plan-ready', plan: planned });
      if (values.out) {
        host.notify({
          type: 'notice',
          level: 'info',
          message: `Saved the plan to ${values.out}. To carry it out exactly: imageform apply ${values.out}`,
        });
      } else if (planned.changes.length) {
        host.notify({
          type: 'notice',
          level: 'info',
          message: 'This plan was not saved: "imageform apply" will plan again before acting.',
        });
      }
    }
    const pending = options.refreshOnly ? planned.drift.length : planned.changes.length;
    return values['detailed-exitcode'] && pending > 0 ? 2 : 0;
  } finally {
    await host.finish();
  }
}

async function checkWritable(path: string, shown: string): Promise<void> {
  const folder = dirname(path);
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw UserError.of(
      'plan.out-unwritable',
      `cannot write the plan to ${shown}: the folder ${dirname(shown)} does not exist`,
      'create it first, or choose another path',
    );
  }
  await access(folder, constants.W_OK).catch(() => {
    throw UserError.of('plan.out-unwritable', `cannot write the plan to ${shown}: the folder is not writable`);
  });
}
