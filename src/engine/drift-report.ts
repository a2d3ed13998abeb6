import { summarize, type DriftEntry, type Plan, type ResourceChange } from '../core/plan-types.js';
import { applyIgnoreRules, baselineRules, type IgnoreRule } from './drift-ignore.js';

/**
 * The drift report: what changed outside imageform since the last apply, and what the files would change, less
 * what the team's ignore rules accept. Pure; the command reads the rules file and refreshes.
 */
export interface DriftReportResult {
  plan: Plan;
  ignored: number;
  expired: IgnoreRule[];
}

/** A change seen as drift-shaped entries, so one set of rules filters both. Field-less changes match `gone`. */
function changeAsEntry(change: ResourceChange): DriftEntry {
  return change.fields.length
    ? { address: change.address, fields: change.fields }
    : { address: change.address, fields: [], gone: true };
}

/** An object a cut-off apply left unfinished is awaited by the next apply: nothing changed outside imageform. */
function differing(plan: Plan): ResourceChange[] {
  return plan.changes.filter((change) => change.action !== 'await');
}

export function driftReport(plan: Plan, rules: readonly IgnoreRule[], now: Date): DriftReportResult {
  const drift = applyIgnoreRules(plan.drift, rules, now);
  const changeEntries = applyIgnoreRules(differing(plan).map(changeAsEntry), rules, now);
  const goneIgnored = new Set(plan.drift.filter((entry) => entry.gone).map((entry) => entry.address));
  for (const entry of drift.drift) goneIgnored.delete(entry.address);
  const kept = new Map(changeEntries.drift.map((entry) => [entry.address, entry]));
  const changes: ResourceChange[] = [];
  for (const change of differing(plan)) {
    const entry = kept.get(change.address);
    // A create that only recreates an object whose disappearance is accepted is accepted with it.
    if (!entry || (goneIgnored.has(change.address) && change.action === 'create')) continue;
    changes.push(change.fields.length ? { ...change, fields: entry.fields } : change);
  }
  return {
    plan: { ...plan, drift: drift.drift, changes, summary: summarize(changes) },
    ignored: drift.ignored + changeEntries.ignored,
    expired: [...new Map([...drift.expired, ...changeEntries.expired].map((rule) => [rule.line, rule])).values()],
  };
}

/** Rules that accept everything the report shows today. */
export function baselineFor(plan: Plan, now: Date, reason: string): string {
  return baselineRules([...plan.drift, ...differing(plan).map(changeAsEntry)], now, reason);
}
