import type { DriftEntry, FieldChange, Plan, ResourceChange } from '../core/plan-types.js';
import { displayAfter, displayBefore } from './field-values.js';
import { closingLine, NO_CHANGES } from './plan-lines.js';
import { renderPlanText } from './plan-text.js';

/** GitHub refuses comments over 65,535 characters; stay a little under so a caller can add a line. */
export const DEFAULT_MAX_CHARS = 65_000;
const ADDRESSES_PER_ROW = 3;
const FIELDS_PER_CELL = 5;
const MAX_CELL_VALUE = 120;
const DRIFT_HINT = '`imageform drift --format json` lists everything';
const PLAN_HINT = '`imageform plan --json` lists everything';

export interface MarkdownOptions {
  maxChars?: number;
}

export interface DriftReport {
  drift: DriftEntry[];
  changes: ResourceChange[];
}

/**
 * The drift report for a pull-request comment or an issue: identical drift grouped by cause (same field, same
 * before and after is one row with a count), largest groups first, and whatever does not fit summarised with
 * counts so the whole text always fits one comment.
 */
export function renderDriftMarkdown(report: DriftReport, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const driftGroups = groupDrift(report.drift);
  const changeGroups = groupChanges(report.changes);
  const head = ['## imageform drift', '', driftSummary(report)];
  if (driftGroups.length === 0 && changeGroups.length === 0) return finish(head, maxChars);

  const driftTable = driftGroupsTable('### Changed outside imageform since the last apply', driftGroups, DRIFT_HINT);
  const changesTable: Table = {
    title: '### Differs from the files (what `imageform apply` would do)',
    header: ['Action', 'Changes', 'Resources', 'Count'],
    align: ['---', '---', '---', '---:'],
    rows: changeGroups.map((group) => ({
      cells: [group.action, group.description, addressList(group.addresses), String(group.addresses.length)],
      weight: group.addresses.length,
    })),
    unit: 'resources',
    fullListHint: DRIFT_HINT,
  };
  const tables = [driftTable, changesTable].filter((table) => table.rows.length > 0);
  return finish([...head, '', ...fitTables(tables, maxChars - joined(head).length - 2)], maxChars);
}

/** A plan for a pull-request comment: the closing count first, drift, one row per resource, the full text folded. */
export function renderPlanMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const headline = plan.changes.length === 0 ? NO_CHANGES : closingLine(plan.summary);
  const head = ['### imageform plan', '', `**${escapeText(headline)}**`];
  if (plan.notes && plan.notes.length > 0) head.push('', ...plan.notes.map((note) => `> ${escapeText(note)}`));

  const tables: Table[] = [];
  const driftGroups = groupDrift(plan.drift);
  if (driftGroups.length > 0) {
    tables.push(driftGroupsTable('#### Changed outside imageform since the last apply', driftGroups, PLAN_HINT));
  }
  if (plan.changes.length > 0) {
    tables.push({
      title: '#### Actions',
      header: ['Action', 'Resource', 'Changes'],
      align: ['---', '---', '---'],
      rows: plan.changes.map((change) => ({
        cells: [actionCell(change), code(change.address), fieldsCell(change.fields, change.reason, change.action)],
        weight: 1,
      })),
      unit: 'resources',
      fullListHint: PLAN_HINT,
    });
  }
  const body = fitTables(tables, maxChars - joined(head).length - 2);
  const text = [...head, '', ...body];
  const planText = renderPlanText(plan, { color: false });
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(planText) + 1));
  const details = [
    '',
    '<details><summary>Full plan</summary>',
    '',
    `${fence}text`,
    planText.trimEnd(),
    fence,
    '',
    '</details>',
  ];
  if (joined([...text, ...details]).length + 1 <= maxChars) text.push(...details);
  else text.push('', '_The full plan text is too long for one comment; run `imageform plan` to read it._');
  return finish(text, maxChars);
}

interface Row {
  cells: string[];
  /** How many resources the row stands for, for the "not shown" count. */
  weight: number;
}

interface Table {
  title: string;
  header: string[];
  align: string[];
  rows: Row[];
  unit: string;
  /** Where the reader finds the rows left out. */
  fullListHint: string;
}

/** Lays out the tables within budget; rows that do not fit are counted in one line under their table. */
function fitTables(tables: readonly Table[], budget: number): string[] {
  const rendered = tables.map((table) => table.rows.map((row) => tableRow(row.cells)));
  const fullSizes = tables.map((table, index) => tableSize(table, rendered[index]!, table.rows.length));
  let remaining = budget;
  const out: string[] = [];
  tables.forEach((table, index) => {
    const later = fullSizes.slice(index + 1);
    // Leave each later table at least a fair share so one huge section cannot hide the others entirely.
    const reserveForLater = later.reduce(
      (sum, size) => sum + Math.min(size, Math.floor(budget / (tables.length + 1))),
      0,
    );
    const allowance = Math.max(0, remaining - reserveForLater);
    const lines = renderTable(table, rendered[index]!, allowance);
    const size = joined(lines).length + 2;
    remaining -= size;
    out.push(...lines, '');
  });
  return out;
}

function tableSize(table: Table, rows: readonly string[], count: number): number {
  return joined([table.title, '', tableRow(table.header), tableRow(table.align), ...rows.slice(0, count)]).length + 2;
}

function renderTable(table: Table, rows: readonly string[], allowance: number): string[] {
  const lines = [table.title, '', tableRow(table.header), tableRow(table.align)];
  const omittedNoteRoom = 200;
  let size = joined(lines).length;
  let shown = 0;
  const everything = size + rows.reduce((sum, row) => sum + row.length + 1, 0);
  const limit = everything <= allowance ? allowance : allowance - omittedNoteRoom;
  for (const row of rows) {
    if (size + row.length + 1 > limit) break;
    lines.push(row);
    size += row.length + 1;
    shown++;
  }
  if (shown === 0 && rows.length > 0) lines.splice(2);
  if (shown < rows.length) {
    const hidden = table.rows.slice(shown);
    const weight = hidden.reduce((sum, row) => sum + row.weight, 0);
    const note = `_…and ${hidden.length} more ${hidden.length === 1 ? 'row' : 'rows'} (${weight} ${table.unit}) not shown to fit one comment; ${table.fullListHint}._`;
    if (joined(lines).length + note.length + 2 <= allowance) lines.push('', note);
  }
  return lines;
}

interface DriftGroup {
  field: string;
  before: string;
  after: string;
  addresses: string[];
}

/** One row per group of identical drift: field, before, after, the first few addresses, and how many. */
function driftGroupsTable(title: string, groups: DriftGroup[], fullListHint: string): Table {
  return {
    title,
    header: ['Field', 'Last applied', 'In the cloud now', 'Resources', 'Count'],
    align: ['---', '---', '---', '---', '---:'],
    rows: groups.map((group) => ({
      cells: [group.field, group.before, group.after, addressList(group.addresses), String(group.addresses.length)],
      weight: group.addresses.length,
    })),
    unit: 'resources',
    fullListHint,
  };
}
/** Same field, same before and after: one cause, one row. Objects that could not be read form their own group. */
export function groupDrift(drift: readonly DriftEntry[]): DriftGroup[] {
  const groups = new Map<string, DriftGroup>();
  const add = (field: string, before: string, after: string, address: string): void => {
    const key = JSON.stringify([field, before, after]);
    const group = groups.get(key) ?? { field, before, after, addresses: [] };
    if (!group.addresses.includes(address)) group.addresses.push(address);
    groups.set(key, group);
  };
  for (const entry of drift) {
    if (entry.gone) add('(whole object)', '—', 'could no longer be read (404)', entry.address);
    for (const due of entry.due ?? [])
      add(code(due.path), code(due.at), 'due: the next apply enacts it', entry.address);
    for (const field of entry.fields)
      add(code(field.path), code(displayBefore(field)), code(displayAfter(field)), entry.address);
  }
  return sortGroups([...groups.values()]);
}

interface ChangeGroup {
  action: string;
  description: string;
  addresses: string[];
}

function groupChanges(changes: readonly ResourceChange[]): ChangeGroup[] {
  const groups = new Map<string, ChangeGroup>();
  for (const change of changes) {
    const action = actionCell(change);
    const description = fieldsCell(change.fields, change.reason, change.action);
    const key = JSON.stringify([action, description]);
    const group = groups.get(key) ?? { action, description, addresses: [] };
    group.addresses.push(change.address);
    groups.set(key, group);
  }
  return sortGroups([...groups.values()]);
}

function sortGroups<T extends { addresses: string[] }>(groups: T[]): T[] {
  return groups.sort((a, b) => b.addresses.length - a.addresses.length);
}

function driftSummary(report: DriftReport): string {
  const drifted = report.drift.length;
  const differing = report.changes.length;
  if (drifted === 0 && differing === 0) return 'No drift: the cloud matches the last apply and the files.';
  const parts: string[] = [];
  if (drifted > 0) parts.push(`**${drifted} ${drifted === 1 ? 'resource' : 'resources'}** changed outside imageform`);
  if (differing > 0)
    parts.push(`**${differing} ${differing === 1 ? 'resource differs' : 'resources differ'}** from the files`);
  return `${parts.join('; ')}.`;
}

const ACTION_LABEL: Record<ResourceChange['action'], string> = {
  create: '`+` create',
  update: '`~` update',
  replace: '`-/+` replace',
  delete: '`-` destroy',
  forget: 'forget',
  await: 'await',
};

function actionCell(change: ResourceChange): string {
  return ACTION_LABEL[change.action];
}

function fieldsCell(
  fields: readonly FieldChange[],
  reason: string | undefined,
  action: ResourceChange['action'],
): string {
  const parts = fields.slice(0, FIELDS_PER_CELL).map((field) => {
    const status = field.status ? ` (status ${field.status.before} → ${field.status.after})` : '';
    const forces = field.forces_replacement ? ' **forces replacement**' : '';
    // A create has nothing before it: its fields read as values, not as changes from null.
    const values =
      field.before === undefined || action === 'create'
        ? code(displayAfter(field))
        : `${code(displayBefore(field))} → ${code(displayAfter(field))}`;
    return `${code(field.path)}: ${values}${status}${forces}`;
  });
  if (fields.length > FIELDS_PER_CELL) parts.push(`and ${fields.length - FIELDS_PER_CELL} more fields`);
  if (reason) parts.unshift(`_${escapeText(reason)}_`);
  return parts.join('<br>') || '—';
}

function addressList(addresses: readonly string[]): string {
  const shown = addresses.slice(0, ADDRESSES_PER_ROW).map(code).join(', ');
  const more = addresses.length - ADDRESSES_PER_ROW;
  return more > 0 ? `${shown} and ${more} more` : shown;
}

/** An inline code span that survives any content: long values are cut, backticks get a longer fence. */
export function code(value: string): string {
  const flat = value.replace(/\r?\n|\r/g, ' ');
  const cut = flat.length > MAX_CELL_VALUE ? `${flat.slice(0, MAX_CELL_VALUE - 1)}…` : flat;
  const fence = '`'.repeat(longestBacktickRun(cut) + 1);
  const pad = cut.startsWith('`') || cut.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${cut}${pad}${fence}`;
}

/** Plain text for markdown: no accidental HTML, emphasis or table breaks. */
export function escapeText(value: string): string {
  return value.replace(/\r?\n|\r/g, ' ').replace(/[\\`*_[\]<>]/g, (char) => `\\${char}`);
}

/**
 * One table row. Every `|` inside a cell is escaped, code spans included: GitHub splits cells before it parses
 * code, reading `\x` pairs as escapes, so a value's own backslash before a pipe cannot swallow our escape.
 */
function tableRow(cells: readonly string[]): string {
  return `| ${cells.map((cell) => cell.replace(/\r?\n|\r/g, ' ').replace(/\|/g, '\\|')).join(' | ')} |`;
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const match of text.matchAll(/`+/g)) longest = Math.max(longest, match[0].length);
  return longest;
}

function joined(lines: readonly string[]): string {
  return lines.join('\n');
}

/** Last guard: whatever happened above, never hand back more than the cap. */
function finish(lines: readonly string[], maxChars: number): string {
  const text = `${joined(lines)
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
  if (text.length <= maxChars) return text;
  const notice = '\n\n_(cut to fit one comment)_\n';
  return `${text.slice(0, Math.max(0, maxChars - notice.length))}${notice}`;
}
