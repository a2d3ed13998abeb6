import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let library: typeof Yaml | undefined;

/**
 * The `yaml` library, loaded on first use: importing it costs ~60 ms at every start, and a file in the plain
 * subset (plain-subset.ts) needs it only when a diagnostic asks where a node is. Loaded synchronously (it is
 * CommonJS) because locating is synchronous.
 */
export function yamlLibrary(): typeof Yaml {
  library ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return library;
}
