import { CORE_SCHEMA, load } from 'js-yaml';
import type { SourceLocation } from '../core/diagnostic.js';
import type { NodePath } from './model.js';
import { plainSubsetDocuments } from './plain-subset.js';
import type { ParsedFile, SourceDocument } from './source-document.js';

/**
 * A file in the plain subset (plain-subset.ts) read by js-yaml, ~4x faster than the `yaml` library, values
 * identical (test/unit/config/plain-source.test.ts). Undefined when the text is outside the subset or js-yaml
 * finds anything wrong: the caller then reads it with `yaml`, so every diagnostic stays as `yaml` words it.
 * Locations come from `readWithYaml`, called once, on the first node asked for.
 */
export function readPlainSource(text: string, file: string, readWithYaml: () => ParsedFile): ParsedFile | undefined {
  const plain = plainSubsetDocuments(text);
  if (!plain) return undefined;
  let values: unknown[];
  try {
    values = plain.map((document) => load(document.text, { schema: CORE_SCHEMA }));
  } catch {
    return undefined;
  }
  let located: ParsedFile | undefined;
  const documents = plain.map((document, i): SourceDocument => {
    const start: SourceLocation = { file, line: document.line, col: document.col };
    return {
      file,
      index: document.index,
      value: values[i],
      start,
      locate(path: NodePath, options?: { key?: boolean }): SourceLocation {
        located ??= readWithYaml();
        const same = located.documents.find((candidate) => candidate.index === document.index);
        return same ? same.locate(path, options) : start;
      },
    };
  });
  return { documents, diagnostics: [] };
}
