import type { Reference } from './model.js';

const WHOLE_REFERENCE = /^\$\{([^.{}\s]+)\.([^.{}\s]+)\.([^.{}\s]+)\}$/;

/** A whole-string `${kind.name.attribute}` reference, or undefined (partial interpolation is not a reference). */
export function parseReference(value: unknown): Reference | undefined {
  if (typeof value !== 'string') return undefined;
  const match = WHOLE_REFERENCE.exec(value);
  if (!match) return undefined;
  const [, kind, name, attribute] = match as unknown as [string, string, string, string];
  return { address: `${kind}.${name}`, kind, name, attribute };
}

/** A string that tries to be a reference but is not a whole, well-formed one. */
export function isMalformedReference(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${') && parseReference(value) === undefined;
}

/** Every whole-string reference inside a spec, with its path below spec, in document order. */
export function referencesIn(spec: unknown): { path: (string | number)[]; reference: Reference }[] {
  const found: { path: (string | number)[]; reference: Reference }[] = [];
  walkStrings(spec, (value, path) => {
    const reference = parseReference(value);
    if (reference) found.push({ path: [...path], reference });
  });
  return found;
}

/** Every string below a spec that contains `${` without being a whole reference. */
export function malformedReferencesIn(spec: unknown): { path: (string | number)[]; value: string }[] {
  const found: { path: (string | number)[]; value: string }[] = [];
  walkStrings(spec, (value, path) => {
    if (isMalformedReference(value)) found.push({ path: [...path], value });
  });
  return found;
}

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
