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
  const positions = new FilePositions(readWithYaml);
  const documents: SourceDocument[] = [];
  for (let i = 0; i < plain.length; i++) {
    const document = plain[i]!;
    documents.push(
      new PlainSourceDocument(
        file,
        document.index,
        document.value,
        { file, line: document.line, col: document.col },
        document.interpolates,
        positions,
      ),
    );
  }
  return { documents, diagnostics: [] };
}

/** The positions of one file's nodes, read with `yaml` once for all its documents, when one is first asked for. */
class FilePositions {
  #read: (() => ParsedFile) | undefined;
  #located: ParsedFile | undefined;

  constructor(read: () => ParsedFile) {
    this.#read = read;
  }

  located(): ParsedFile {
    if (!this.#located) {
      this.#located = this.#read!();
      this.#read = undefined;
    }
    return this.#located;
  }
}

/**
 * One document of a plain file. A class, not an object with a closure: a configuration holds thousands, and a
 * closure a document (with its context) was a good part of what the garbage collector copied.
 */
class PlainSourceDocument implements SourceDocument {
  // Declared, not class fields: a field is defined (as undefined) before the constructor assigns it, twice the work.
  declare readonly file: string;
  declare readonly index: number;
  declare readonly value: unknown;
  declare readonly start: SourceLocation;
  declare readonly interpolates: boolean;
  readonly #positions: FilePositions;

  constructor(
    file: string,
    index: number,
    value: unknown,
    start: SourceLocation,
    interpolates: boolean,
    positions: FilePositions,
  ) {
    this.file = file;
    this.index = index;
    this.value = value;
    this.start = start;
    this.interpolates = interpolates;
    this.#positions = positions;
  }

  locate(path: NodePath, options?: { key?: boolean }): SourceLocation {
    const same = this.#positions.located().documents.find((candidate) => candidate.index === this.index);
    return same ? same.locate(path, options) : this.start;
  }
}
