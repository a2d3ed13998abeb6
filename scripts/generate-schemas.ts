/**
 * Writes schemas/ from the clouds' declarations (src/app/catalog.ts): schemas/<cloud>/<kind>.schema.json,
 * defs.schema.json, document.schema.json and imageform.schema.json, and removes schema files no cloud declares.
 * A unit test fails when the committed files differ from what this writes.
 * Run: node --import tsx scripts/generate-schemas.ts (npm run schemas)
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import { CATALOG } from '../src/app/catalog.js';
import { schemaFiles } from '../src/config/schema-files.js';
import { SCHEMA_DIRECTORY } from '../src/config/schemas.js';

const directory = fileURLToPath(SCHEMA_DIRECTORY);

/** Each file's text by its path below schemas/, formatted as the repository's prettier settings say. */
export async function renderedSchemas(): Promise<Map<string, string>> {
  const options = await prettier.resolveConfig(join(directory, 'defs.schema.json'));
  const rendered = new Map<string, string>();
  for (const [path, schema] of schemaFiles(CATALOG)) {
    rendered.set(path, await prettier.format(JSON.stringify(schema), { ...options, parser: 'json' }));
  }
  return rendered;
}

/** The *.schema.json files below schemas/ now, by path below it. */
export async function committedSchemaPaths(): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true });
  return entries.filter((entry) => entry.endsWith('.schema.json')).map((entry) => entry.split('\\').join('/'));
}

async function main(): Promise<void> {
  const rendered = await renderedSchemas();
  for (const stale of (await committedSchemaPaths()).filter((path) => !rendered.has(path))) {
    await rm(join(directory, stale));
    console.log(`removed schemas/${stale}`);
  }
  for (const [path, text] of rendered) {
    await mkdir(dirname(join(directory, path)), { recursive: true });
    await writeFile(join(directory, path), text);
  }
  console.log(`wrote ${rendered.size} files to schemas/`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
