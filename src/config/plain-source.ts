import type { SourceLocation } from '../core/diagnostic.js';
import type { NodePath } from './model.js';
import { plainSubsetDocuments } from './plain-subset.js';
import type { ParsedFile, SourceDocument } from './source-document.js';

/**
 * A file in the plain subset (plain-subset.ts), its values built by the subset's own scan, identical to the `yaml`
 * library's (test/unit/config/plain-source.test.ts). Undefined when the text is outside the subset: the caller
 * then reads it with `yaml`, so every diagnostic stays as `yaml` words it. Locations come from `readWithYaml`,
 * called once, on the first node asked for.
 */
export function readPlainSource(text: string, file: string, readWithYaml: () => ParsedFile): ParsedFile | undefined {
  const plain = plainSubsetDocuments(text);
  if (!plain) return undefined;
  let located: ParsedFile | undefined;
  const documents = plain.map((document): SourceDocument => {
    const start: SourceLocation = { file, line: document.line, col: document.col };
    return {
      file,
      index: document.index,
      value: document.value,
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
