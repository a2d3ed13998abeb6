/** Reading what a cloud answered, where the answer may not be what its API promises (a proxy's page, a cut body). */

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The answer's JSON object, or {} when it is not one. */
export function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : {};
  } catch {
    return {};
  }
}

/** A cloud's words on one line, for a one-line error message. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
