import type { Action, DriftEntry, FieldChange, Plan, PlanSummary, ResourceChange } from '../core/plan-types.js';
import { displayAfter, displayBefore, isKnownAfterApply, isSensitive } from './field-values.js';
import { isMap, isNestable, mapDiffLines, pathLabel, pathText, valueLines, type Mark } from './nested-lines.js';
import { segment, type StyledLine, type Tone } from './styled-text.js';

/** A group of lines printed together; blocks are separated by one blank line. */
export type Block = StyledLine[];

export const NO_CHANGES = 'No changes. The cloud matches the files.';

const SYMBOL: Record<Action, string> = {
  create: '  +',
  update: '  ~',
  replace: '-/+',
  delete: '  -',
  forget: 'forget',
  await: 'await',
};
const TONE: Record<Action, Tone> = {
  create: 'create',
  update: 'update',
  replace: 'replace',
  delete: 'delete',
  forget: 'forget',
  await: 'update',
};
const LEGEND: Record<Action, string> = {
  create: 'create',
  update: 'update in place',
  replace: 'replace (delete, then create again)',
  delete: 'destroy',
  forget: 'removed from state only; the cloud object stays as it is',
  await: 'wait for an object an earlier apply left unfinished; fails if it ends failed',
};
const WILL: Record<Action, string> = {
  create: 'will be created',
  update: 'will be updated in place',
  replace: 'must be replaced',
  delete: 'will be destroyed',
  forget: 'will be forgotten: removed from state, the cloud object stays',
  await: 'will be awaited',
};
const ACTION_ORDER: Action[] = ['create', 'update', 'replace', 'delete', 'forget', 'await'];

/** The whole plan as blocks: drift first, then notes, then the actions and the closing count. */
export function planBlocks(plan: Plan): Block[] {
  const blocks: Block[] = [...driftBlocks(plan.drift)];
  if (plan.notes && plan.notes.length > 0)
    blocks.push(plan.notes.map((note) => [segment('Note: ', 'warning'), segment(note)]));
  if (plan.changes.length === 0) {
    if (plan.refresh_only && plan.drift.length > 0) {
      blocks.push([
        [
          segment(
            'This is a refresh-only plan: applying it records the changes above in state; the cloud is not touched.',
          ),
        ],
      ]);
    } else if (plan.refresh_only) {
      // A refresh-only plan never compares with the files, so it cannot say they match.
      blocks.push([
        [
          segment(
            'No drift. The cloud is as the last apply left it (refresh-only: the files were not compared).',
            'heading',
          ),
        ],
      ]);
    } else {
      blocks.push([[segment(NO_CHANGES, 'heading')]]);
    }
    return blocks;
  }
  blocks.push(legendBlock(plan.changes));
  blocks.push([[segment('imageform will perform the following actions:')]]);
  for (const change of plan.changes) blocks.push(changeBlock(change));
  blocks.push([[segment(closingLine(plan.summary), 'heading')]]);
  return blocks;
}

/** The "changed outside imageform" section; empty when nothing drifted. */
export function driftBlocks(drift: readonly DriftEntry[]): Block[] {
  const changed = drift.filter((entry) => entry.gone || entry.fields.length > 0);
  const due = drift.filter((entry) => entry.due?.length);
  const blocks: Block[] = [];
  if (changed.length) {
    blocks.push([
      [segment('Changed outside imageform since the last apply:', 'heading')],
      [segment('(the cloud objects below no longer match what imageform last recorded)', 'muted')],
    ]);
    for (const entry of changed) blocks.push(driftEntryBlock(entry));
  }
  if (due.length) {
    blocks.push([
      [segment('Due: dates that have passed, for the next apply to enact:', 'heading')],
      [segment('(their cloud has no schedule of its own; this is not drift)', 'muted')],
    ]);
    for (const entry of due)
      blocks.push(
        entry.due!.map((item) => [
          segment('  # '),
          segment(entry.address, 'heading'),
          segment(`: ${item.path} ${item.at} has passed; the next apply enacts it`),
        ]),
      );
  }
  return blocks;
}

export function driftEntryBlock(entry: DriftEntry): Block {
  if (entry.gone) {
    return [[segment('  # '), segment(entry.address, 'heading'), segment(' could no longer be read (404)', 'delete')]];
  }
  return [
    [segment('  # '), segment(entry.address, 'heading'), segment(' was changed outside imageform')],
    ...fieldsLines(entry.fields, 'update'),
  ];
}

export function closingLine(summary: PlanSummary): string {
  const forget = summary.forget ? `, ${summary.forget} to forget` : '';
  const awaited = summary.await ? `, ${summary.await} to await` : '';
  return `Plan: ${summary.add} to add, ${summary.change} to change, ${summary.replace} to replace, ${summary.destroy} to destroy${forget}${awaited}.`;
}

function legendBlock(changes: readonly ResourceChange[]): Block {
  const used = new Set(changes.map((change) => change.action));
  return [
    [segment('Resource actions are indicated with the following symbols:')],
    ...ACTION_ORDER.filter((action) => used.has(action)).map((action) => [
      segment(SYMBOL[action].padStart(3), TONE[action]),
      segment(` ${LEGEND[action]}`),
    ]),
  ];
}

function changeBlock(change: ResourceChange): Block {
  const tone = TONE[change.action];
  const reason = change.reason ? ` (${change.reason})` : '';
  const lines: Block = [
    [segment('  # '), segment(change.address, 'heading'), segment(` ${WILL[change.action]}${reason}`)],
    [
      segment(SYMBOL[change.action], tone),
      segment(` ${change.address}`),
      segment(change.id ? `  id=${change.id}` : '', 'muted'),
    ],
  ];
  lines.push(...fieldsLines(change.fields, change.action));
  const status = change.status;
  const fieldsShowStatus = change.fields.some((field) => field.status);
  if (status && status.before !== null && status.before !== status.after && !fieldsShowStatus) {
    lines.push([segment('        '), segment(`(status ${status.before} -> ${status.after})`, 'update')]);
  }
  return lines;
}

/** The fields of one resource, their values aligned as Terraform aligns `=`. */
export function fieldsLines(fields: readonly FieldChange[], action: Action): StyledLine[] {
  const width = Math.max(0, ...fields.map((field) => pathText(field.path).length));
  return fields.flatMap((field) => fieldLines(field, action, width));
}

/**
 * `      ~ path: before -> after   (status a -> b)   # forces replacement`; a map or list that is created, removed
 * or changed key by key takes nested lines. `nameWidth` pads the path so the values of a block line up.
 */
export function fieldLines(field: FieldChange, action: Action, nameWidth = 0): StyledLine[] {
  const kind = fieldSymbol(field, action);
  const label = pathLabel(field.path, Math.max(nameWidth, pathText(field.path).length));
  // Secrets and unknowns are never expanded: they print as their placeholder.
  const shown = !isSensitive(field) && !isKnownAfterApply(field);
  let lines: StyledLine[];
  if (shown && kind.symbol === '+' && isNestable(field.after)) lines = valueLines(6, kind, label, field.after);
  else if (shown && kind.symbol === '-' && isNestable(field.before)) lines = valueLines(6, kind, label, field.before);
  else if (shown && kind.symbol === '~' && isMap(field.before) && isMap(field.after)) {
    lines = mapDiffLines(6, label, field.before, field.after);
  } else {
    let value = `${displayBefore(field)} -> ${displayAfter(field)}`;
    if (kind.symbol === '+') value = displayAfter(field);
    else if (kind.symbol === '-') value = displayBefore(field);
    lines = [[segment('      '), segment(kind.symbol, kind.tone), segment(` ${label}${value}`)]];
  }
  const first = lines[0]!;
  if (field.status) first.push(segment(`   (status ${field.status.before} -> ${field.status.after})`, 'update'));
  if (field.forces_replacement) first.push(segment('   # forces replacement', 'replace'));
  return lines;
}

function fieldSymbol(field: FieldChange, action: Action): Mark {
  if (action === 'create' || (field.before === undefined && action !== 'delete'))
    return { symbol: '+', tone: 'create' };
  if (action === 'delete' || action === 'forget' || field.after === undefined) return { symbol: '-', tone: 'delete' };
  return { symbol: '~', tone: 'update' };
}
