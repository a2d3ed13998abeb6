import { boundedMemo } from '../core/bounded-memo.js';
import type { Reference } from './model.js';

const WHOLE_REFERENCE = /^\$\{([^.{}\s]+)\.([^.{}\s]+)\.([^.{}\s]+)\}$/;

/** A whole-string `${kind.name.attribute}` reference, or undefined (partial interpolation is not a reference). */
export function parseReference(value: unknown): Reference | undefined {
  return typeof value === 'string' ? parseReferenceText(value) : undefined;
}

// Several rules read the image field of each document: each reference string is parsed once. Frozen: shared.
const parseReferenceText = boundedMemo(readReference);

function readReference(value: string): Reference | undefined {
  const match = WHOLE_REFERENCE.exec(value);
  if (!match) return undefined;
  const [, kind, name, attribute] = match as unknown as [string, string, string, string];
  return Object.freeze({ address: `${kind}.${name}`, kind, name, attribute });
}

/** A string that tries to be a reference but is not a whole, well-formed one. */
export function isMalformedReference(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${') && parseReference(value) === undefined;
}

/** Every whole-string reference inside a spec, with its path below spec, in document order. */
export function referencesIn(spec: unknown): readonly { path: (string | number)[]; reference: Reference }[] {
  return interpolationsIn(spec).references;
}

/** Every string below a spec that contains `${` without being a whole reference. */
export function malformedReferencesIn(spec: unknown): readonly { path: (string | number)[]; value: string }[] {
  return interpolationsIn(spec).malformed;
}

interface Interpolations {
  references: readonly { path: (string | number)[]; reference: Reference }[];
  malformed: readonly { path: (string | number)[]; value: string }[];
}

/**
 * Both lists from one walk, kept per spec object: several rules (and the planner) ask for each document's
 * references. A spec is never changed once read (the planner resolves a copy); the lists are frozen.
 */
function interpolationsIn(spec: unknown): Interpolations {
  const key = spec !== null && typeof spec === 'object' ? spec : undefined;
  const known = key && walked.get(key);
  if (known) return known;
  let references: { path: (string | number)[]; reference: Reference }[] | undefined;
  let malformed: { path: (string | number)[]; value: string }[] | undefined;
  walkStrings(spec, (value, path) => {
    const reference = parseReference(value);
    const at = Object.freeze([...path]) as (string | number)[];
    if (reference) (references ??= []).push(Object.freeze({ path: at, reference }));
    else (malformed ??= []).push(Object.freeze({ path: at, value }));
  });
  // Most specs hold no reference: they all share one frozen answer.
  const found =
    references || malformed
      ? { references: Object.freeze(references ?? []), malformed: Object.freeze(malformed ?? []) }
      : NONE;
  if (key) walked.set(key, found);
  return found;
}

/**
 * A spec whose document's text holds no `${` (the plain scan saw none): none of its strings is a reference, and no
 * rule need walk it to find out.
 */
export function withoutInterpolations(spec: object): void {
  walked.set(spec, NONE);
}

const NONE: Interpolations = Object.freeze({ references: Object.freeze([]), malformed: Object.freeze([]) });

const walked = new WeakMap<object, Interpolations>();

/**
 * Each string below a value with its path, in document order. One path array is reused for the whole walk (it is
 * run for every document by several rules): a visitor that keeps a path copies it.
 */
function walkStrings(root: unknown, visit: (value: string, path: readonly (string | number)[]) => void): void {
  const path: (string | number)[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      // Only a string with `${` can be a reference, whole or malformed.
      if (value.includes('${')) visit(value, path);
    } else if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        path.push(index);
        walk(value[index]);
        path.pop();
      }
    } else if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        path.push(key);
        walk((value as Record<string, unknown>)[key]);
        path.pop();
      }
    }
  };
  walk(root);
}
