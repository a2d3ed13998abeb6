import { isDeepStrictEqual } from 'node:util';
import deepDiff from 'deep-diff';
import { KNOWN_AFTER_APPLY, type FieldChange } from '../core/plan-types.js';
import { isUnknown } from '../core/unknown.js';

/**
 * Nested values (maps of properties, buckets, tags) diffed leaf by leaf with deep-diff (DESIGN.md §7), so the plan
 * names the key that changed (`storage_bucket.name: "a" -> "b"`) instead of repeating the whole value.
 */
export interface LeafOptions {
  /** Dotted paths (as in the changes, e.g. `properties.tags`) of lists compared as sets: order alone is no change. */
  sets?: readonly string[];
}

type Segments = readonly string[];

/**
 * One change per changed leaf below `path`, sorted by path: an added key has `before: null`, a removed one
 * `after: null`. A list is one leaf (its whole value), a map is never one unless its type changed. A leaf whose
 * new value is UNKNOWN is always a change, shown as known after apply: two unknowns are not known to be equal.
 */
export function leafChanges(path: string, before: unknown, after: unknown, options: LeafOptions = {}): FieldChange[] {
  const sets = new Set(options.sets ?? []);
  const unknownLeaves = new Map<string, Segments>();
  collectUnknownLeaves([], after, unknownLeaves);
  if (unknownLeaves.has(keyOf([]))) return [unknownChange(path, before)];

  const changed = new Map<string, FieldChange>();
  const record = (segments: Segments, change: FieldChange): void => {
    changed.set(keyOf(segments), change);
  };
  for (const difference of deepDiff.diff(before, after) ?? []) {
    const segments = upToFirstList((difference.path ?? []).map(String), before, after);
    const key = keyOf(segments);
    if (changed.has(key)) continue;
    const was = valueAt(before, segments);
    const now = valueAt(after, segments);
    const dotted = joinPath(path, segments);
    if (Array.isArray(was) || Array.isArray(now)) {
      if (!(sets.has(dotted) && sameSet(was, now))) record(segments, wholeChange(dotted, was, now));
    } else if (isMap(now) && (was === undefined || was === null)) {
      for (const [leaf, value] of leavesOf(segments, now)) record(leaf, wholeChange(joinPath(path, leaf), null, value));
    } else if (isMap(was) && (now === undefined || now === null)) {
      for (const [leaf, value] of leavesOf(segments, was)) record(leaf, wholeChange(joinPath(path, leaf), value, null));
    } else {
      record(segments, wholeChange(dotted, was, now));
    }
  }
  // deep-diff calls two UNKNOWNs equal; they are not known to be, so every unknown leaf is a change.
  for (const segments of unknownLeaves.values()) {
    record(segments, unknownChange(joinPath(path, segments), valueAt(before, segments)));
  }
  return (
    [...changed.entries()]
      .filter(([key]) => !hasChangedAncestor(key, changed))
      // `undefined` and `null` both read as "not set": a key set to null that went away changed nothing.
      .filter(([, change]) => change.known_after_apply || !isDeepStrictEqual(change.before, change.after))
      .map(([, change]) => change)
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  );
}

/** A list of tags and the like, compared as a set: the change of the whole list, or none when only the order moved. */
export function setChanges(path: string, before: unknown, after: unknown): FieldChange[] {
  return leafChanges(path, before, after, { sets: [path] });
}

/** Same members, whatever their order and however often each is repeated. */
export function sameSet(before: unknown, after: unknown): boolean {
  if (!Array.isArray(before) || !Array.isArray(after)) return isDeepStrictEqual(before, after);
  const covers = (a: unknown[], b: unknown[]): boolean =>
    a.every((item) => b.some((other) => isDeepStrictEqual(item, other)));
  return covers(before, after) && covers(after, before);
}

/** Where the new value holds UNKNOWN: at a key of a map, or anywhere in a list (which then is unknown as a whole). */
function collectUnknownLeaves(segments: Segments, value: unknown, found: Map<string, Segments>): void {
  if (isUnknown(value) || (Array.isArray(value) && containsUnknown(value))) found.set(keyOf(segments), segments);
  else if (isMap(value))
    for (const [key, item] of Object.entries(value)) collectUnknownLeaves([...segments, key], item, found);
}

function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  return isMap(value) && Object.values(value).some(containsUnknown);
}

/** A difference inside a list is a change of the list: cut its path at the first list on either side. */
function upToFirstList(segments: Segments, before: unknown, after: unknown): Segments {
  for (let length = 0; length < segments.length; length++) {
    const prefix = segments.slice(0, length);
    if (Array.isArray(valueAt(before, prefix)) || Array.isArray(valueAt(after, prefix))) return prefix;
  }
  return segments;
}

/** The leaves of a map that appeared or went away: each key down to a value that is not a map with keys. */
function leavesOf(segments: Segments, value: unknown): [Segments, unknown][] {
  if (!isMap(value) || Object.keys(value).length === 0) return [[segments, value]];
  return Object.entries(value).flatMap(([key, item]) => leavesOf([...segments, key], item));
}

function wholeChange(path: string, before: unknown, after: unknown): FieldChange {
  if (containsUnknown(after)) return unknownChange(path, before);
  return { path, before: before ?? null, after: after ?? null };
}

function unknownChange(path: string, before: unknown): FieldChange {
  return { path, before: before ?? null, after: KNOWN_AFTER_APPLY, known_after_apply: true };
}

function hasChangedAncestor(key: string, changed: Map<string, FieldChange>): boolean {
  const segments = JSON.parse(key) as string[];
  for (let length = 0; length < segments.length; length++) {
    if (changed.has(keyOf(segments.slice(0, length)))) return true;
  }
  return false;
}

function valueAt(root: unknown, segments: Segments): unknown {
  let value = root;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** A plain map (what YAML and JSON give), not a list, a date or another object with a type of its own. */
function isMap(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** `storage_bucket.name`; a key that is not a plain word is JSON-quoted, so `properties."a.b"` stays one key. */
function joinPath(path: string, segments: Segments): string {
  return [path, ...segments.map((key) => (/^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key)))].join('.');
}

function keyOf(segments: Segments): string {
  return JSON.stringify(segments);
}
