import type { Document, Node as YamlNode } from 'yaml';
import type { Diagnostic, SourceLocation } from '../core/diagnostic.js';
import { error } from '../core/diagnostic.js';
import type { NodePath } from './model.js';
import { readPlainSource } from './plain-source.js';
import { yamlLibrary } from './yaml-library.js';
import { firstNodeProblem, unresolvedTag, type NodeProblem } from './yaml-nodes.js';

/** Aliases expanded per document before we call it a resource-exhaustion attack (billion laughs). */
export const MAX_ALIAS_COUNT = 100;
/**
 * Files larger than this are refused before they are read (1 MiB, some thousands of documents). The YAML parser
 * needs hundreds of times a file's size in memory for long flow lists: a 10 MiB file could exhaust the heap.
 */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Documents nested deeper than this are refused (nobody writes them; parsers recurse). */
export const MAX_DEPTH = 64;

/** One YAML document with its plain value and the means to find any node's line and column. */
export interface SourceDocument {
  /** Path as shown to the user. */
  file: string;
  /** 0-based position of the document in its file. */
  index: number;
  value: unknown;
  /** Where the document starts: its first key when it is a mapping. */
  start: SourceLocation;
  /** Position of a node: the key for `key: true` (unknown keys), else the value; nearest existing ancestor. */
  locate(path: NodePath, options?: { key?: boolean }): SourceLocation;
  /** False when no string of the value can be or hold a reference (no `${` in its text); unknown when absent. */
  interpolates?: boolean;
}

export interface ParsedFile {
  documents: SourceDocument[];
  diagnostics: Diagnostic[];
}

/**
 * Parse every document of one file's text; syntax errors become diagnostics, never exceptions. A file in the plain
 * subset is read by its own scan, its positions found by `yaml` when first asked for; any other by `yaml` at once.
 */
export function parseYamlText(text: string, file: string): ParsedFile {
  return readPlainSource(text, file, () => parseWithYaml(text, file)) ?? parseWithYaml(text, file);
}

/** The `yaml` library's reading, with every check imageform adds: what parseYamlText must equal on the fast path. */
export function parseWithYaml(text: string, file: string): ParsedFile {
  const { isMap, isScalar, LineCounter, parseAllDocuments } = yamlLibrary();
  const lineCounter = new LineCounter();
  const at = (offset: number): SourceLocation => ({ file, ...lineCounter.linePos(Math.max(0, offset)) });
  const diagnostics: Diagnostic[] = [];
  const documents: SourceDocument[] = [];
  const tooDeep = deepFlowOffset(text);
  if (tooDeep !== undefined) {
    const message = `flow collections are nested more than ${MAX_DEPTH} levels deep`;
    const before = text.slice(0, tooDeep);
    const line = before.split('\n').length;
    const location = { file, line, col: tooDeep - before.lastIndexOf('\n') };
    return { documents, diagnostics: [error('yaml.too-deep', message, location, 'flatten the document')] };
  }
  // The core schema whatever a `%YAML 1.1` directive says, and no YAML 1.1 tags (!!binary, !!set, !!timestamp):
  // plain data only, every other tag an error.
  const parsed = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
    schema: 'core',
    resolveKnownTags: false,
  });
  const list = Array.isArray(parsed) ? parsed : [];
  list.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      // Later errors in a broken document are mostly echoes of the first.
      const first = doc.errors[0]!;
      diagnostics.push(syntaxDiagnostic(first.code, first.message, at(first.pos[0])));
      return;
    }
    const contents = doc.contents as YamlNode | null;
    if (contents === null || (isScalar(contents) && contents.value === null && !hasContent(text, contents))) return;
    const depth = nestingDepth(contents);
    if (depth > MAX_DEPTH) {
      diagnostics.push(
        error(
          'yaml.too-deep',
          `document is nested ${depth} levels deep; the limit is ${MAX_DEPTH}`,
          at(nodeStart(contents)),
          'flatten the document',
        ),
      );
      return;
    }
    const refused = firstProblem(doc, contents);
    if (refused) {
      diagnostics.push(error(refused.code, refused.message, at(refused.offset), refused.hint));
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      const aliasBomb = err instanceof ReferenceError && /alias count/i.test(err.message);
      diagnostics.push(
        aliasBomb
          ? error(
              'yaml.alias-bomb',
              `document expands too many aliases (more than ${MAX_ALIAS_COUNT}); refused as a resource-exhaustion attack`,
              at(nodeStart(contents)),
              'write the values out instead of nesting aliases',
            )
          : error('yaml.syntax', err instanceof Error ? err.message : String(err), at(nodeStart(contents))),
      );
      return;
    }
    const locateNode = (path: NodePath, options?: { key?: boolean }): SourceLocation =>
      at(findOffset(doc, contents, path, options?.key ?? false));
    const firstKey = isMap(contents) && contents.items[0]?.key ? (contents.items[0].key as YamlNode) : contents;
    documents.push({ file, index, value, start: at(nodeStart(firstKey)), locate: locateNode });
  });
  return { documents, diagnostics };
}

/** The earliest of an unresolved tag (the parser warns, at the tag itself) and a node imageform refuses. */
function firstProblem(doc: Document, contents: YamlNode): NodeProblem | undefined {
  const tagWarning = doc.warnings.find((warning) => warning.code === 'TAG_RESOLVE_FAILED');
  const fromTag = tagWarning
    ? unresolvedTag(/^Unresolved tag: (\S+)/.exec(tagWarning.message)?.[1] ?? '?', tagWarning.pos[0])
    : undefined;
  const fromNodes = firstNodeProblem(contents);
  if (!fromTag || !fromNodes) return fromTag ?? fromNodes;
  return fromTag.offset <= fromNodes.offset ? fromTag : fromNodes;
}

const SYNTAX_HINTS: Record<string, string> = {
  BAD_INDENT: 'indent nested keys with spaces, the same amount at each level',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  MULTILINE_IMPLICIT_KEY: 'check the indentation of this line and the one before',
  BLOCK_AS_IMPLICIT_KEY: 'check the indentation of this line and the one before',
  MISSING_CHAR: 'a quote or bracket is not closed',
  BAD_ALIAS: 'an alias (*name) must refer to an anchor (&name) defined before it',
};

function syntaxDiagnostic(code: string, message: string, location: SourceLocation): Diagnostic {
  const firstLine = message
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+.*$/, '')
    .replace(/:$/, '');
  const text = firstLine.charAt(0).toLowerCase() + firstLine.slice(1);
  if (code === 'DUPLICATE_KEY') return error('yaml.duplicate-key', text, location, 'remove or rename one of the keys');
  return error('yaml.syntax', text, location, SYNTAX_HINTS[code]);
}

/** A null scalar written explicitly (`~`, `null`) is a document; an empty one (only comments) is not. */
function hasContent(text: string, node: YamlNode): boolean {
  const range = node.range;
  return range !== undefined && range !== null && range[1] > range[0] && text.slice(range[0], range[1]).trim() !== '';
}

function nodeStart(node: unknown): number {
  const range = (node as YamlNode | null)?.range;
  return range ? range[0] : 0;
}

/**
 * The parser itself runs out of memory on a few thousand nested `[`: find too-deep flow nesting first.
 * Quotes and comments are skipped; brackets in block scalars may over-count, which only matters past the limit.
 */
function deepFlowOffset(text: string): number | undefined {
  let depth = 0;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (quote === '"' && char === '\\') i++;
      else if (char === quote) quote = undefined;
    } else if (char === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end;
    } else if (char === '"' || char === "'") {
      // A quote inside a plain scalar (don't) is not a string start.
      if (i === 0 || /[\s[{,:]/.test(text[i - 1]!)) quote = char;
    } else if (char === '[' || char === '{') {
      if (++depth > MAX_DEPTH) return i;
    } else if ((char === ']' || char === '}') && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

function nestingDepth(root: YamlNode): number {
  const { isMap, isSeq } = yamlLibrary();
  let deepest = 0;
  const pending: [unknown, number][] = [[root, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (depth > deepest) deepest = depth;
    if (depth > MAX_DEPTH) break;
    if (isMap(node)) for (const pair of node.items) pending.push([pair.value, depth + 1]);
    else if (isSeq(node)) for (const item of node.items) pending.push([item, depth + 1]);
  }
  return deepest;
}

/** Walk a path through the node tree (following aliases); the offset of the deepest node reached. */
function findOffset(doc: Document, root: YamlNode, path: NodePath, wantKey: boolean): number {
  const { isAlias, isMap, isScalar, isSeq } = yamlLibrary();
  let node: unknown = root;
  let offset = nodeStart(root);
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return offset;
      offset = nodeStart(pair.key);
      if (last && wantKey) return offset;
      // An empty value (`key:` and nothing) has no useful position: stay on the key.
      if (pair.value && !(isScalar(pair.value) && pair.value.value === null && rangeEmpty(pair.value))) {
        offset = nodeStart(pair.value);
      }
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      node = node.items[segment];
      offset = nodeStart(node);
    } else {
      return offset;
    }
  }
  return offset;
}

function rangeEmpty(node: YamlNode): boolean {
  return !node.range || node.range[1] <= node.range[0];
}
