/**
 * Whether two recorded values say the same thing, so that a refresh which read nothing new writes nothing (DESIGN.md
 * §5: an apply with nothing to do leaves the serial alone). Values are compared, not their text: key order never
 * matters (the cloud's JSON and state's sorted keys differ), an absent key equals an undefined one, and an `href`
 * is compared without its origin (the embedded cloud listens on a new random port every run, so its hrefs change
 * while the objects they name do not).
 */
export function sameValue(a: unknown, b: unknown, key?: string): boolean {
  if (a === b) return true;
  if (key === 'href' && typeof a === 'string' && typeof b === 'string') return withoutOrigin(a) === withoutOrigin(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => sameValue(item, b[index]));
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const name of keys) if (!sameValue(a[name], b[name], name)) return false;
  return true;
}

function withoutOrigin(href: string): string {
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? `${url.pathname}${url.search}` : href;
  } catch {
    return href;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}
