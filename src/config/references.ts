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
  const walk = (value: unknown, path: (string | number)[]): void => {
    const reference = parseReference(value);
    if (reference) {
      found.push({ path, reference });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, [...path, index]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
    }
  };
  walk(spec, []);
  return found;
}

/** Every string below a spec that contains `${` without being a whole reference. */
export function malformedReferencesIn(spec: unknown): { path: (string | number)[]; value: string }[] {
  const found: { path: (string | number)[]; value: string }[] = [];
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (isMalformedReference(value)) found.push({ path, value: value as string });
    else if (Array.isArray(value)) value.forEach((item, index) => walk(item, [...path, index]));
    else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
    }
  };
  walk(spec, []);
  return found;
}
