import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { error } from '../core/diagnostic.js';
import { SETTINGS_FILE } from './discover.js';
import { displayFilePath } from './display-path.js';
import type { Settings, StateSettings } from './model.js';
import { readYamlFile } from './read-source.js';
import { schemaDiagnostics } from './schema-diagnostics.js';
import { validateAgainst } from './schemas.js';
import { isPlainObject } from './rules/rule.js';

export const DEFAULT_SETTINGS: Settings = {
  providers: [{ name: 'default', type: 'ibm-vpc', embedded: true, options: {} }],
  state: { backend: 'local', url_env: 'IMAGEFORM_PG_URL', workspace: 'default' },
};

function defaults(): Settings {
  return { providers: [{ ...DEFAULT_SETTINGS.providers[0]!, options: {} }], state: { ...DEFAULT_SETTINGS.state } };
}

/** imageform.yaml only; defaults when it is absent. Never throws for the user's mistakes. */
export async function loadSettings(
  dir: string,
  options: { cwd?: string } = {},
): Promise<{ settings: Settings; diagnostics: Diagnostic[] }> {
  const cwd = options.cwd ?? process.cwd();
  const path = join(resolve(cwd, dir), SETTINGS_FILE);
  const settings = defaults();
  try {
    await access(path);
  } catch {
    return { settings, diagnostics: [] };
  }
  const shown = displayFilePath(path, cwd);
  settings.file = path;
  const parsed = await readYamlFile(path, shown);
  const diagnostics = [...parsed.diagnostics];
  const [document, extra] = parsed.documents;
  if (extra) {
    diagnostics.push(
      error(
        'settings.multiple-documents',
        `${SETTINGS_FILE} holds more than one document`,
        extra.start,
        'keep one document',
      ),
    );
  }
  if (!document) return { settings, diagnostics };
  if (!isPlainObject(document.value)) {
    diagnostics.push(
      error('settings.not-a-mapping', `${SETTINGS_FILE} must be a mapping with provider and state`, document.start),
    );
    return { settings, diagnostics };
  }
  const problems = schemaDiagnostics(validateAgainst('imageform', document.value), document, SETTINGS_FILE).map(
    explainSecretKeys,
  );
  diagnostics.push(...problems);
  merge(settings, document.value);
  return { settings, diagnostics };
}

/** Someone tried to put the key in the file: say where it goes instead. */
function explainSecretKeys(diagnostic: Diagnostic): Diagnostic {
  if (diagnostic.code !== 'schema.unknown-field' || !/\b(api_?key|apikey|password|token)\b/i.test(diagnostic.message))
    return diagnostic;
  return {
    ...diagnostic,
    hint: 'secrets never go in files: put the API key in the variable named by provider.api_key_env',
  };
}

/** Copy well-typed values over the defaults; a wrongly typed value keeps the default (its error is reported). */
function merge(settings: Settings, value: Record<string, unknown>): void {
  const provider = isPlainObject(value.provider) ? value.provider : {};
  const state = isPlainObject(value.state) ? value.state : {};
  const only = settings.providers[0]!;
  if (provider.type === 'ibm-vpc') only.embedded = false;
  for (const key of ['region', 'endpoint', 'iam_endpoint', 'api_key_env'] as const) {
    const field = provider[key];
    if (typeof field === 'string') only.options[key] = field;
  }
  if (state.backend === 'local' || state.backend === 'postgres') settings.state.backend = state.backend;
  for (const key of ['url_env', 'workspace', 'schema'] as const) {
    const field = state[key];
    if (typeof field === 'string') (settings.state as StateSettings)[key] = field;
  }
}
