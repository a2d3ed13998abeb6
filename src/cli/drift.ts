import { CATALOG } from '../app/catalog.js';
import { catalogKinds } from '../config/catalog.js';
import { appendFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { DRIFT_IGNORE_FILE, describeExpiredRule, parseIgnoreRules } from '../engine/drift-ignore.js';
import { baselineFor, driftReport } from '../engine/drift-report.js';
import { readRegularFile, refusalDiagnostic } from '../config/read-source.js';
import { refreshAndPlan, withSession } from '../app/session.js';
import { planToJson } from '../ui/json.js';
import { DEFAULT_MAX_CHARS, escapeText, renderDriftMarkdown } from '../ui/markdown.js';
import { counted } from '../ui/action-words.js';
import { renderPlanText } from '../ui/plan-text.js';
import { outputWidth, wrapText } from '../ui/wrap.js';
import { SPECS } from './command-specs.js';
import type { CommandContext } from './context.js';
import { dirArgument, silentHost } from './output.js';
import { outputMode } from '../ui/output-mode.js';
import { parseCommandArgs } from './parse-args.js';

const FORMATS = ['text', 'json', 'markdown'] as const;

async function readRules(dir: string, cwd: string) {
  const file = join(dir, DRIFT_IGNORE_FILE);
  // Read like the YAML files: a named pipe in its place would otherwise hang drift.
  const read = await readRegularFile(file);
  if (!('text' in read) && read.reason !== 'missing')
    throw new UserError(refusalDiagnostic(read, displayPath(cwd, file)));
  const text = 'text' in read ? read.text : undefined;
  return {
    file,
    rules: text === undefined ? [] : parseIgnoreRules(text, catalogKinds(CATALOG), displayPath(cwd, file)),
    text,
  };
}

function displayPath(cwd: string, file: string): string {
  return file.startsWith(`${cwd}/`) ? file.slice(cwd.length + 1) : file;
}

/** The text report's last lines: how much drifted, and the two ways out. */
function driftClosing(plan: { drift: unknown[]; changes: unknown[] }, rulesFile: string): string {
  const parts: string[] = [];
  if (plan.drift.length) parts.push(`${counted(plan.drift.length, 'resource', 'resources')} changed outside imageform`);
  if (plan.changes.length)
    parts.push(`${counted(plan.changes.length, 'resource differs', 'resources differ')} from the files`);
  return [
    `Drift: ${parts.join('; ')}.`,
    '  To make the cloud match the files again: imageform apply',
    `  To accept the drift instead: a rule in ${rulesFile}, or imageform drift --baseline`,
    '',
  ].join('\n');
}

/** `imageform drift`: refresh only, report, exit 0 clean / 2 drift / 1 error. Nothing is changed. */
export async function drift(context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(SPECS.drift, context.argv);
  const format = (values.format ?? 'text') as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) {
    throw UserError.of('cli.bad-arguments', `drift: --format must be text, json or markdown, not "${values.format}"`);
  }
  const dir = resolve(context.cwd, dirArgument(positionals, 'drift'));
  const { file, rules, text } = await readRules(dir, context.cwd);
  const { result } = await withSession(dir, { cwd: context.cwd, env: context.env, host: silentHost }, (session) =>
    refreshAndPlan(session, silentHost, {}),
  );

  // The cloud's clock, as the plan read it (the first provider's, when there are several).
  const now = new Date(result.plan.cloud_time ?? Date.now());
  const report = driftReport(result.plan, rules, now);
  if (values.baseline) {
    const reason = values.reason ?? `accepted as baseline on ${now.toISOString().slice(0, 10)}`;
    const added = report.plan.drift.length + report.plan.changes.length;
    if (added) {
      const rulesText = baselineFor(report.plan, now, reason);
      await writeFile(file, text ? `${text.endsWith('\n') ? text : `${text}\n`}${rulesText}` : rulesText);
    }
    context.stdout.write(
      added
        ? `Wrote ignore rules for today's drift to ${displayPath(context.cwd, file)}; "imageform drift" now reports only new drift.\n`
        : 'Nothing drifted: no rules written.\n',
    );
    return 0;
  }

  const drifted = report.plan.drift.length + report.plan.changes.length > 0;
  const notes = report.expired.map((rule) => describeExpiredRule(rule, displayPath(context.cwd, file)));
  // Expired rules are said in the markdown too: an issue or a job summary is where the team reads the report.
  const notesMarkdown = notes.map((note) => `\n> **Warning:** ${escapeText(note)}\n`).join('');
  const markdown =
    format === 'markdown' || context.env.GITHUB_STEP_SUMMARY
      ? `${renderDriftMarkdown({ drift: report.plan.drift, changes: report.plan.changes }, { maxChars: DEFAULT_MAX_CHARS - notesMarkdown.length })}${notesMarkdown}`
      : '';
  if (format === 'json') {
    context.stdout.write(planToJson(report.plan));
  } else if (format === 'markdown') {
    context.stdout.write(markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  } else {
    const mode = outputMode(context, context.env, { noColor: values['no-color'] ?? false });
    const width = outputWidth(context.stdout);
    const closing = wrapText(driftClosing(report.plan, displayPath(context.cwd, file)), width);
    context.stdout.write(
      drifted
        ? `${renderPlanText(report.plan, { color: mode.color, width })}\n${closing}`
        : 'No drift. The cloud matches the files and the last apply.\n',
    );
    if (report.ignored)
      context.stdout.write(
        `${report.ignored} drifted ${report.ignored === 1 ? 'field is' : 'fields are'} accepted by ${displayPath(context.cwd, file)}.\n`,
      );
  }
  for (const note of notes) context.stderr.write(`warning: ${note}\n`);
  if (context.env.GITHUB_STEP_SUMMARY) await appendFile(context.env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
  return drifted ? 2 : 0;
}
