import { EcsError, invalidParameter, missingParameter } from './errors.js';

/**
 * An RPC call's parameters (REF §1): the query string, plus an `application/x-www-form-urlencoded` body; lists
 * flattened as `Name.N` (1-based) and lists of structs as `Name.N.Field`. A parameter given empty counts as absent.
 */
export class Params {
  constructor(readonly map: ReadonlyMap<string, string>) {}

  static from(query: URLSearchParams, body: Buffer, contentType: string | undefined): Params {
    const map = new Map<string, string>();
    for (const [key, value] of query) map.set(key, value);
    if (body.length > 0 && /^application\/x-www-form-urlencoded/i.test(contentType ?? '')) {
      for (const [key, value] of new URLSearchParams(body.toString('utf8'))) map.set(key, value);
    }
    return new Params(map);
  }

  get(name: string): string | undefined {
    const value = this.map.get(name);
    return value === undefined || value === '' ? undefined : value;
  }

  required(name: string): string {
    const value = this.get(name);
    if (value === undefined) throw missingParameter(name);
    return value;
  }

  bool(name: string): boolean {
    const value = this.get(name);
    if (value === undefined) return false;
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    throw invalidParameter(name, 'must be true or false');
  }

  int(name: string, min: number, max: number, fallback: number): number {
    const value = this.get(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min || parsed > max)
      throw invalidParameter(name, `must be an integer from ${min} to ${max}`);
    return parsed;
  }

  /** One of `allowed`, matched without regard to case and returned in the allowed spelling. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined;
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T | undefined {
    const value = this.get(name);
    if (value === undefined) return fallback;
    const found = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
    if (!found) throw invalidParameter(name, `must be one of ${allowed.join(', ')}`);
    return found;
  }

  /** `Name.1`, `Name.2`, … in index order (gaps allowed). */
  list(prefix: string): string[] {
    const found: Array<[number, string]> = [];
    const pattern = new RegExp(`^${escape(prefix)}\\.(\\d+)$`);
    for (const [key, value] of this.map) {
      const match = pattern.exec(key);
      if (match && value !== '') found.push([Number(match[1]), value]);
    }
    return found.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
  }

  /** `Name.N.Field` as one record a N, in index order. */
  structs(prefix: string): Array<Record<string, string>> {
    const found = new Map<number, Record<string, string>>();
    const pattern = new RegExp(`^${escape(prefix)}\\.(\\d+)\\.(\\w+)$`);
    for (const [key, value] of this.map) {
      const match = pattern.exec(key);
      if (!match) continue;
      const index = Number(match[1]);
      let entry = found.get(index);
      if (!entry) found.set(index, (entry = {}));
      entry[match[2]!] = value;
    }
    return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([, entry]) => entry);
  }

  /** A comma-separated list (`ImageId=m-1,m-2`), at most `max` entries. */
  commaList(name: string, max: number): string[] | undefined {
    const value = this.get(name);
    if (value === undefined) return undefined;
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    if (items.length > max) throw invalidParameter(name, `at most ${max} values`);
    return items;
  }

  /** `Tag.N.Key`/`Tag.N.Value` as ordered pairs (REF §1); keys must be given. */
  tags(prefix = 'Tag'): Array<[string, string]> {
    return this.structs(prefix).map((entry) => {
      if (!entry.Key) throw new EcsError(400, 'InvalidTagKey.Malformed', `The specified ${prefix}.N.Key is empty.`);
      return [entry.Key, entry.Value ?? ''];
    });
  }

  /** What identifies a request for ClientToken idempotency: every parameter but signing and transport ones. */
  fingerprint(): string {
    const ignored = new Set([
      'Signature',
      'SignatureMethod',
      'SignatureVersion',
      'SignatureNonce',
      'SignatureType',
      'Timestamp',
      'AccessKeyId',
      'Format',
      'Version',
      'ClientToken',
      'DryRun',
    ]);
    return JSON.stringify([...this.map].filter(([key]) => !ignored.has(key)).sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
