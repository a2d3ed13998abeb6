import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { error, formatDiagnostic, warning } from '../core/diagnostic.js';
import { listResourceFiles } from './discover.js';
import { displayFilePath } from './display-path.js';
import type { LoadResult, ResourceDocument } from './model.js';
import { readYamlFileSync } from './read-source.js';
import type { CloudCatalog } from './catalog.js';
import { toResourceDocument, type DocumentContext } from './resource-document.js';
import { ruleContext, runRules } from './rules/index.js';
import type { RuleContext } from './rules/rule.js';
import { imageField } from './rules/targets.js';
import { defaultSettings, loadSettings } from './settings.js';

/**
 * Settings, every resource document, its schema and every rule that needs no cloud.
 * Never throws for the user's mistakes: they come back as diagnostics, sorted by file, line and column.
 */
export async function loadConfiguration(
  dir: string,
  options: { cwd?: string; catalog: CloudCatalog },
): Promise<LoadResult> {
  const cwd = options.cwd ?? process.cwd();
  const catalog = options.catalog;
  const absoluteDir = resolve(cwd, dir);
  const empty = (diagnostic: Diagnostic): LoadResult => ({
    configuration: { dir: absoluteDir, settings: defaultSettings(catalog), documents: [] },
    diagnostics: [diagnostic],
  });
  try {
    if (!(await stat(absoluteDir)).isDirectory()) {
      return empty(
        error(
          'load.not-a-directory',
          `${dir} is not a directory`,
          undefined,
          'name the directory that holds the YAML files',
        ),
      );
    }
  } catch {
    return empty(
      error(
        'load.no-directory',
        `directory ${dir} does not exist`,
        undefined,
        'name the directory that holds the YAML files',
      ),
    );
  }

  const { settings, diagnostics } = await loadSettings(absoluteDir, { cwd, catalog });
  const context: DocumentContext = { catalog, providers: settings.providers, cwd };
  const files = await listResourceFiles(absoluteDir);
  const shown = shownPaths(files, absoluteDir, cwd);
  const documents: ResourceDocument[] = [];
  // Reading is synchronous (read-source.ts): one file after the other, each file's documents checked once read.
  for (let i = 0; i < files.length; i++) {
    const parsed = readYamlFileSync(files[i]!, shown[i]!);
    for (const diagnostic of parsed.diagnostics) diagnostics.push(diagnostic);
    for (const source of parsed.documents) {
      const { document, diagnostics: problems } = toResourceDocument(source, context);
      for (const problem of problems) diagnostics.push(problem);
      if (document) documents.push(document);
    }
  }
  const rules = ruleContext(context);
  for (const diagnostic of runRules(documents, context, rules)) diagnostics.push(diagnostic);
  // Only a pattern the schema refused can be an image named where its reference was meant.
  if (diagnostics.some((diagnostic) => diagnostic.code === 'schema.pattern')) {
    suggestImageReferences(documents, diagnostics, rules);
  }
  if (files.length === 0) {
    diagnostics.push(warning('load.no-files', `no *.yaml or *.yml files below ${dir}`));
  }
  if (diagnostics.length === 0) return { configuration: { dir: absoluteDir, settings, documents }, diagnostics };
  const shownOrder = settings.file === undefined ? shown : [displayFilePath(settings.file, cwd), ...shown];
  return { configuration: { dir: absoluteDir, settings, documents }, diagnostics: ordered(diagnostics, shownOrder) };
}

/**
 * Each file's path as shown (displayFilePath), without working out a relative path per file: below a directory at
 * or under the working directory, a file's is the directory's followed by the file's own path below it.
 */
function shownPaths(files: readonly string[], dir: string, cwd: string): string[] {
  const prefix = relative(cwd, dir);
  const below = prefix === '' || (!prefix.startsWith('..') && !isAbsolute(prefix));
  if (!below || sep !== '/') return files.map((file) => displayFilePath(file, cwd));
  const start = dir.length + (dir.endsWith('/') ? 0 : 1);
  return files.map((file) => {
    const own = file.slice(start);
    const shown = prefix === '' ? own : `${prefix}/${own}`;
    // As displayFilePath words it (a name that starts with ".." is shown whole).
    return shown.startsWith('..') ? displayFilePath(file, cwd) : shown;
  });
}

/** `image: web` where `${image.web.id}` was meant: the schema says what is wrong, this says how to fix it. */
function suggestImageReferences(
  documents: readonly ResourceDocument[],
  diagnostics: Diagnostic[],
  rules: RuleContext,
): void {
  const images = new Set(documents.filter((d) => d.kind === 'image').map((d) => d.name));
  for (const document of documents) {
    const field = imageField(rules.declarationOf(document));
    const value = field === undefined ? undefined : document.spec[field];
    if (typeof value !== 'string' || !images.has(value)) continue;
    const at = document.locate(['spec', field!]);
    const index = diagnostics.findIndex(
      (d) =>
        d.code === 'schema.pattern' &&
        d.location?.file === at.file &&
        d.location.line === at.line &&
        d.location.col === at.col,
    );
    if (index >= 0) diagnostics[index] = { ...diagnostics[index]!, hint: `did you mean "\${image.${value}.id}"?` };
  }
}

/** By file (in the order they were read), line, column, without repeats; placeless ones first. */
function ordered(diagnostics: Diagnostic[], files: readonly string[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique = diagnostics.filter((diagnostic) => {
    const line = `${diagnostic.code} ${formatDiagnostic(diagnostic)}`;
    if (seen.has(line)) return false;
    seen.add(line);
    return true;
  });
  const fileOrder = new Map(files.map((file, index) => [file, index]));
  const rank = (diagnostic: Diagnostic): [number, number, number] =>
    diagnostic.location
      ? [fileOrder.get(diagnostic.location.file) ?? files.length, diagnostic.location.line, diagnostic.location.col]
      : [-1, 0, 0];
  return unique
    .map((diagnostic, index) => ({ diagnostic, index, rank: rank(diagnostic) }))
    .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.rank[2] - b.rank[2] || a.index - b.index)
    .map((entry) => entry.diagnostic);
}
