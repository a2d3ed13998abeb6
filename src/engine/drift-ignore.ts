import { error, type Diagnostic } from '../core/diagnostic.js';
import { didYouMean } from '../core/did-you-mean.js';
import { UserError } from '../core/errors.js';
import type { DriftEntry } from '../core/plan-types.js';

/**
 * `.imageform-driftignore`: drift the team has accepted, one rule a line, each with a reason and maybe an expiry.
 *
 *     # ADDRESS  FIELD  [until=DATE]  # reason: why this drift is fine
 *     image.web  name   until=2027-01-01  # reason: renamed by the ops team
 *     image.*    deprecation_at           # reason: the catalog team schedules these
 *     image.tmp  gone                     # reason: held by a private catalog
 *
 * ADDRESS and FIELD take `*` wildcards; FIELD `gone` matches an object that could no longer be read, FIELD `*`
 * matches every field and `gone`; a field also covers its sub-fields (`storage_bucket` covers `storage_bucket.name`).
 * `until=2027-01-01` keeps the rule through that day (UTC); a full timestamp keeps it until that instant.
 * Pure: the caller reads the file and passes the cloud's current time.
 */
export const DRIFT_IGNORE_FILE = '.imageform-driftignore';

export interface IgnoreRule {
  address: string;
  field: string;
  reason: string;
  /** As written after `until=`. */
  expires?: string;
  /** 1-based line in the file. */
  line: number;
}

export interface IgnoreResult {
  /** Drift left to report: entries whose every field was ignored are gone from the list. */
  drift: DriftEntry[];
  /** How many field changes (and unreadable objects) the rules hid. */
  ignored: number;
  /** Rules past their date: they no longer hide anything and the report should say so. */
  expired: IgnoreRule[];
}

const ADDRESS_PATTERN = /^(\*|[a-z_*]+\.[a-z0-9*-]+)$/;
const FIELD_PATTERN = /^[a-z0-9_*]+(\.[a-z0-9_*]+)*$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const OPTIONS = ['until'];

/** Parses the file text; every problem is reported at once as one UserError with file:line:col for each. */
export function parseIgnoreRules(
  text: string,
  kinds: readonly string[],
  file: string = DRIFT_IGNORE_FILE,
): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  const diagnostics: Diagnostic[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const problem = (code: string, message: string, col: number, hint?: string): void => {
      diagnostics.push(error(`drift-ignore.${code}`, message, { file, line, col }, hint));
    };
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const hash = raw.search(/\s#/);
    const body = hash < 0 ? raw : raw.slice(0, hash);
    const comment = hash < 0 ? '' : raw.slice(hash).trim().slice(1).trim();
    const reason = comment.replace(/^reason:\s*/i, '').trim();
    const tokens = [...body.matchAll(/\S+/g)].map((match) => ({ text: match[0], col: (match.index ?? 0) + 1 }));
    const [address, field, ...options] = tokens;
    if (!address || !field) {
      problem(
        'syntax',
        'a rule needs an address and a field',
        address?.col ?? 1,
        'write e.g. "image.web  name  # reason: renamed by the ops team"',
      );
      return;
    }
    let valid = true;
    if (!ADDRESS_PATTERN.test(address.text)) {
      problem(
        'address',
        `"${address.text}" is not a resource address`,
        address.col,
        'write KIND.NAME, e.g. image.web, with * as a wildcard',
      );
      valid = false;
    } else {
      const kind = address.text.split('.')[0]!;
      if (address.text !== '*' && !kind.includes('*') && !kinds.includes(kind)) {
        const guess = didYouMean(kind, kinds);
        problem(
          'address',
          `unknown kind "${kind}" in "${address.text}"`,
          address.col,
          guess ? `did you mean "${guess}"?` : `kinds are ${kinds.join(', ')}`,
        );
        valid = false;
      }
    }
    if (!FIELD_PATTERN.test(field.text)) {
      problem(
        'field',
        `"${field.text}" is not a field path`,
        field.col,
        'write a spec field such as deprecation_at, "gone" or *',
      );
      valid = false;
    }
    let expires: string | undefined;
    for (const option of options) {
      const [key, value] = option.text.split('=', 2) as [string, string | undefined];
      if (key !== 'until' || value === undefined) {
        const guess = didYouMean(key, OPTIONS);
        problem(
          'option',
          `unknown option "${option.text}"`,
          option.col,
          guess ? `did you mean "${guess}=YYYY-MM-DD"?` : 'the only option is until=YYYY-MM-DD',
        );
        valid = false;
      } else if (expiryInstant(value) === undefined) {
        problem(
          'until',
          `"${value}" is not a date`,
          option.col + key.length + 1,
          'write until=YYYY-MM-DD or a full ISO 8601 timestamp with offset',
        );
        valid = false;
      } else {
        expires = value;
      }
    }
    if (reason === '') {
      problem(
        'missing-reason',
        'every ignore rule needs a reason',
        raw.trimEnd().length + 1,
        'end the line with "# reason: why this drift is accepted"',
      );
      valid = false;
    }
    if (valid) rules.push({ address: address.text, field: field.text, reason, ...(expires ? { expires } : {}), line });
  });
  if (diagnostics.length > 0) throw new UserError(diagnostics);
  return rules;
}

/** When the rule stops applying: the end of a date-only day (UTC), or the instant given. */
export function expiryInstant(expires: string): number | undefined {
  if (DATE_ONLY.test(expires)) {
    const start = Date.parse(`${expires}T00:00:00Z`);
    // Date.parse accepts 2027-02-31; a round trip catches impossible days.
    if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== expires) return undefined;
    return start + 24 * 60 * 60 * 1000;
  }
  if (TIMESTAMP.test(expires)) {
    const instant = Date.parse(expires);
    return Number.isNaN(instant) ? undefined : instant;
  }
  return undefined;
}

export function isExpired(rule: IgnoreRule, now: Date): boolean {
  if (!rule.expires) return false;
  const instant = expiryInstant(rule.expires);
  return instant !== undefined && now.getTime() >= instant;
}

export function applyIgnoreRules(drift: readonly DriftEntry[], rules: readonly IgnoreRule[], now: Date): IgnoreResult {
  const expired = rules.filter((rule) => isExpired(rule, now));
  const active = rules.filter((rule) => !isExpired(rule, now)).map(compile);
  let ignored = 0;
  const kept: DriftEntry[] = [];
  for (const entry of drift) {
    const rulesForAddress = active.filter((rule) => rule.address.test(entry.address));
    if (entry.gone) {
      if (rulesForAddress.some((rule) => rule.matchesGone)) {
        ignored++;
        continue;
      }
      kept.push(entry);
      continue;
    }
    const fields = entry.fields.filter((field) => !rulesForAddress.some((rule) => rule.field.test(field.path)));
    ignored += entry.fields.length - fields.length;
    // A due date is no hand edit, and no rule silences it: the next apply enacts it.
    if (fields.length > 0 || entry.due?.length) kept.push({ ...entry, fields });
  }
  return { drift: kept, ignored, expired };
}

/** The ignore file text that accepts all of today's drift (for `imageform drift --baseline`). */
export function baselineRules(
  drift: readonly DriftEntry[],
  now: Date,
  reason: string,
  options: { expires?: string; header?: boolean } = {},
): string {
  const day = now.toISOString().slice(0, 10);
  const cleanReason = reason.replace(/\s+/g, ' ').trim() || `drift accepted as baseline on ${day}`;
  const pairs = new Map<string, [address: string, field: string]>();
  for (const entry of drift) {
    if (entry.gone) pairs.set(`${entry.address} gone`, [entry.address, 'gone']);
    for (const field of entry.fields) pairs.set(`${entry.address} ${field.path}`, [entry.address, field.path]);
  }
  const rows = [...pairs.values()].sort(([a1, f1], [a2, f2]) => compareText(a1, a2) || compareText(f1, f2));
  const addressWidth = Math.max(0, ...rows.map(([address]) => address.length));
  const fieldWidth = Math.max(0, ...rows.map(([, field]) => field.length));
  const until = options.expires ? `  until=${options.expires}` : '';
  const lines = rows.map(
    ([address, field]) =>
      `${address.padEnd(addressWidth)}  ${field.padEnd(fieldWidth)}${until}  # reason: ${cleanReason}`,
  );
  const header =
    options.header === false
      ? []
      : [
          '# imageform drift ignore rules: ADDRESS FIELD [until=YYYY-MM-DD] # reason: why this drift is accepted',
          `# Baseline of the drift present on ${day}, written by \`imageform drift --baseline\`.`,
        ];
  return `${[...header, ...lines].join('\n')}\n`;
}

/** One line for the report when a rule has run out. */
export function describeExpiredRule(rule: IgnoreRule, file: string = DRIFT_IGNORE_FILE): string {
  return `${file}:${rule.line}:1: ignore rule "${rule.address} ${rule.field}" expired (until=${rule.expires}) and no longer hides drift (its reason was: ${rule.reason})`;
}

interface CompiledRule {
  address: RegExp;
  field: RegExp;
  matchesGone: boolean;
}

function compile(rule: IgnoreRule): CompiledRule {
  return {
    address: new RegExp(`^${globToPattern(rule.address)}$`),
    // A field rule also covers the sub-fields below it.
    field: new RegExp(`^${globToPattern(rule.field)}(\\..*)?$`),
    matchesGone: rule.field === '*' || rule.field === 'gone',
  };
}

/** Code-point order, so the file is the same on every machine whatever its locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function globToPattern(glob: string): string {
  return glob
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
}
