import type { Node as YamlNode } from 'yaml';
import { yamlLibrary } from './yaml-library.js';

/** The tags of YAML 1.2's core schema: everything imageform reads. Any other tag is refused, never ignored. */
const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`),
);

/** A node the parser accepted that imageform refuses, at `offset` in the file's text. */
export interface NodeProblem {
  code: string;
  message: string;
  hint: string;
  offset: number;
}

/**
 * The first node, in document order, that would make the document's value something other than plain data: an
 * alias without an anchor before it, an alias inside its own anchor (a value that contains itself), a tag outside
 * the core schema, a list or mapping used as a key. One pass over the tree as written, aliases not followed, no
 * recursion: it runs before the value is built, so a hostile document never reaches code that recurses.
 */
export function firstNodeProblem(root: YamlNode): NodeProblem | undefined {
  const { isAlias, isCollection, isMap, isSeq, isScalar } = yamlLibrary();
  const anchors = new Map<string, YamlNode>();
  /** Nodes whose subtree the walk is inside: an alias to one of them makes the value contain itself. */
  const open = new Set<YamlNode>();
  const pending: { node: unknown; leave?: true; key?: true }[] = [{ node: root }];
  while (pending.length > 0) {
    const { node, leave, key } = pending.pop()!;
    if (leave) {
      open.delete(node as YamlNode);
      continue;
    }
    // Checked here, not with the mapping: an alias key's anchor may sit in an earlier value of the same mapping.
    if (key && isCollection(isAlias(node) ? anchors.get(node.source) : node)) {
      return problem(
        'yaml.complex-key',
        'a key is a list or a mapping',
        'write the key as plain text',
        node as YamlNode,
      );
    }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) {
        return problem(
          'yaml.unknown-alias',
          `alias *${node.source} refers to no anchor`,
          `define &${node.source} before the alias`,
          node,
        );
      }
      if (open.has(target)) {
        return problem(
          'yaml.recursive-alias',
          `alias *${node.source} is inside its own anchor, so the value would contain itself`,
          'an alias can repeat a value only after that value ends',
          node,
        );
      }
      continue;
    }
    if (!isScalar(node) && !isCollection(node)) continue;
    if (node.tag !== undefined && node.tag !== '!' && !CORE_TAGS.has(node.tag)) return unknownTag(node.tag, node);
    if (node.anchor) anchors.set(node.anchor, node);
    if (!isCollection(node)) continue;
    open.add(node);
    pending.push({ node, leave: true });
    // Children go on the stack last-first, so they come off in document order (anchors before their aliases).
    const children: { node: unknown; key?: true }[] = [];
    if (isMap(node)) for (const pair of node.items) children.push({ node: pair.key, key: true }, { node: pair.value });
    else if (isSeq(node)) for (const item of node.items) children.push({ node: item });
    for (let i = children.length - 1; i >= 0; i--) if (children[i]!.node) pending.push(children[i]!);
  }
  return undefined;
}

/**
 * A tag the parser could not resolve, as the warning it gave names it (e.g. `tag:yaml.org,2002:js/function`): one
 * outside the core schema, or a core tag on a value it does not fit (`!!int abc`, `!!map x`).
 */
export function unresolvedTag(tag: string, at: number): NodeProblem {
  if (CORE_TAGS.has(tag)) {
    return problem(
      'yaml.tag-mismatch',
      `the value is not a valid ${shownTag(tag)}`,
      'write a value of that type, or remove the tag',
      at,
    );
  }
  return unknownTag(tag, at);
}

function unknownTag(tag: string, at: YamlNode | number): NodeProblem {
  return problem(
    'yaml.unknown-tag',
    `tag ${shownTag(tag)} is not supported`,
    'remove the tag; imageform reads only the core tags !!str, !!int, !!float, !!bool, !!null, !!map and !!seq',
    at,
  );
}

/** As the user wrote it: `!!binary` for the YAML tag namespace, `!foo` for a local tag, `!<...>` otherwise. */
function shownTag(tag: string): string {
  if (tag.startsWith('tag:yaml.org,2002:')) return `!!${tag.slice('tag:yaml.org,2002:'.length)}`;
  return tag.startsWith('!') ? tag : `!<${tag}>`;
}

function problem(code: string, message: string, hint: string, at: YamlNode | number): NodeProblem {
  const offset = typeof at === 'number' ? at : (at.range?.[0] ?? 0);
  return { code, message, hint, offset };
}
