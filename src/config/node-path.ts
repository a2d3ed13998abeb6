import type { NodePath } from './model.js';

/** `spec.storage_bucket.name`, `lifecycle.ignore_changes[1]`: how paths are shown to users. */
export function displayPath(path: NodePath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text ? `.${segment}` : segment;
  }
  return text;
}

/** An ajv instancePath (`/spec/list/0`) as a node path; digits become indexes. */
export function fromJsonPointer(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9]\d*)$/.test(part) ? Number(part) : part));
}
