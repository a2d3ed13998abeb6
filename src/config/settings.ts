import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../core/diagnostic.js';
import { error } from '../core/diagnostic.js';
import { didYouMean } from '../core/did-you-mean.js';
import { cloudOfType, type CloudCatalog } from './catalog.js';
import { SETTINGS_FILE } from './discover.js';
import { displayFilePath } from './display-path.js';
import { DEFAULT_PROVIDER_NAME, type ProviderSettings, type Settings, type StateSettings } from './model.js';
import type { NodePath } from './model.js';
import { readYamlFile } from './read-source.js';
import { EMBEDDED_TYPE, NAME_PATTERN, STATE_SCHEMA, type JsonSchema } from './schema-assembly.js';
import { schemaDiagnostics } from './schema-diagnostics.js';
import { validateProviderEntry, validateSettingsEnvelope } from './schemas.js';
import { isSecretKey } from './secret-keys.js';
import type { SourceDocument } from './source-document.js';
import { has, isPlainObject } from './rules/rule.js';

export const DEFAULT_STATE_SETTINGS: StateSettings = {
  backend: 'local',
  url_env: 'IMAGEFORM_PG_URL',
  workspace: 'default',
};

/** No imageform.yaml, or one without providers: the embedded emulator of the default cloud, named default. */
export function defaultSettings(catalog: CloudCatalog): Settings {
  return {
    providers: [{ name: DEFAULT_PROVIDER_NAME, type: catalog.defaultType, embedded: true, options: {} }],
    state: { ...DEFAULT_STATE_SETTINGS },
  };
}

/** imageform.yaml only; defaults when it is absent. Never throws for the user's mistakes. */
export async function loadSettings(
  dir: string,
  options: { cwd?: string; catalog: CloudCatalog },
): Promise<{ settings: Settings; diagnostics: Diagnostic[] }> {
  const cwd = options.cwd ?? process.cwd();
  const catalog = options.catalog;
  const path = join(resolve(cwd, dir), SETTINGS_FILE);
  const settings = defaultSettings(catalog);
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
  const value = document.value;
  if (!isPlainObject(value)) {
    diagnostics.push(
      error('settings.not-a-mapping', `${SETTINGS_FILE} must be a mapping with providers and state`, document.start),
    );
    return { settings, diagnostics };
  }
  const envelope = schemaDiagnostics(validateSettingsEnvelope(catalog, value), document, SETTINGS_FILE);
  diagnostics.push(...withSecretHints(envelope, document, ['state'], value.state, STATE_SCHEMA));
  const providers = readProviders(value, document, catalog, diagnostics);
  if (providers.length > 0) settings.providers = providers;
  mergeState(settings.state, value.state);
  return { settings, diagnostics: inFileOrder(diagnostics) };
}

/** `providers:` (named), or the single-provider form `provider:` (named default); none gives the default. */
function readProviders(
  value: Record<string, unknown>,
  document: SourceDocument,
  catalog: CloudCatalog,
  diagnostics: Diagnostic[],
): ProviderSettings[] {
  if (has(value, 'provider') && has(value, 'providers')) {
    diagnostics.push(
      error(
        'settings.provider-and-providers',
        `${SETTINGS_FILE} has both provider and providers`,
        document.locate(['providers'], { key: true }),
        'keep providers: and give the single provider a name there, or keep only provider:',
      ),
    );
  }
  const providers: ProviderSettings[] = [];
  if (isPlainObject(value.providers)) {
    for (const [name, entry] of Object.entries(value.providers)) {
      const path = ['providers', name];
      if (!new RegExp(NAME_PATTERN).test(name)) {
        diagnostics.push(
          error(
            'settings.provider-name',
            `provider name "${name}" must be 1-63 lowercase letters, digits and hyphens, start with a letter and not end with a hyphen`,
            document.locate(path, { key: true }),
          ),
        );
      }
      // Not a mapping: the envelope's schema said so.
      if (!isPlainObject(entry)) continue;
      // A provider whose type is wrong is still listed (its error fails the run), so documents naming it are not
      // reported a second time as naming an unknown provider.
      const asWritten = providerSettings(name, typeof entry.type === 'string' ? entry.type : '', false, entry);
      if (!has(entry, 'type')) {
        providers.push(asWritten);
        diagnostics.push(
          error(
            'schema.required',
            `providers.${name}.type is required in ${SETTINGS_FILE}`,
            document.locate(path, { key: true }),
            `one of ${catalog.clouds.map((cloud) => cloud.type).join(', ')}`,
          ),
        );
        continue;
      }
      const type = knownType(entry.type, [...path, 'type'], document, catalog, false, diagnostics);
      if (type === undefined) {
        providers.push(asWritten);
        continue;
      }
      diagnostics.push(...entryDiagnostics(entry, path, type, document, catalog));
      providers.push(providerSettings(name, type, entry.embedded === true, entry));
    }
  } else if (isPlainObject(value.provider)) {
    const entry = value.provider;
    const written = has(entry, 'type') ? entry.type : EMBEDDED_TYPE;
    const type = knownType(written, ['provider', 'type'], document, catalog, true, diagnostics);
    if (type !== undefined) {
      diagnostics.push(...entryDiagnostics(entry, ['provider'], type, document, catalog));
      const embedded = written === EMBEDDED_TYPE || entry.embedded === true;
      providers.push(providerSettings(DEFAULT_PROVIDER_NAME, type, embedded, entry));
    } else {
      providers.push(providerSettings(DEFAULT_PROVIDER_NAME, typeof written === 'string' ? written : '', false, entry));
    }
  }
  return providers;
}

function providerSettings(
  name: string,
  type: string,
  embedded: boolean,
  entry: Record<string, unknown>,
): ProviderSettings {
  const options = Object.fromEntries(Object.entries(entry).filter(([key]) => key !== 'type' && key !== 'embedded'));
  return { name, type, embedded, options };
}

/** The cloud type an entry names (`embedded` in the single-provider form is the default cloud's emulator). */
function knownType(
  type: unknown,
  path: NodePath,
  document: SourceDocument,
  catalog: CloudCatalog,
  single: boolean,
  diagnostics: Diagnostic[],
): string | undefined {
  const field = path.join('.');
  // Only a problem needs the place; locating reads the file's positions.
  const at = () => document.locate(path);
  if (typeof type !== 'string') {
    diagnostics.push(error('schema.type', `${field} must be a string`, at()));
    return undefined;
  }
  if (single && type === EMBEDDED_TYPE) return catalog.defaultType;
  if (cloudOfType(catalog, type)) return type;
  const allowed = [...(single ? [EMBEDDED_TYPE] : []), ...catalog.clouds.map((cloud) => cloud.type)];
  const guess = didYouMean(type, allowed);
  const hint =
    guess !== undefined
      ? `did you mean "${guess}"?`
      : type === EMBEDDED_TYPE
        ? `write the cloud's type with embedded: true, e.g. type: ${catalog.defaultType}`
        : undefined;
  diagnostics.push(error('schema.enum', `${field} "${type}" must be one of ${allowed.join(', ')}`, at(), hint));
  return undefined;
}

/** A provider entry against its cloud's settings schema, placed in the file. */
function entryDiagnostics(
  entry: Record<string, unknown>,
  path: string[],
  type: string,
  document: SourceDocument,
  catalog: CloudCatalog,
): Diagnostic[] {
  const prefix = path.map((part) => `/${part.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  const errors = validateProviderEntry(catalog, type, entry).map((e): ErrorObject => ({
    ...e,
    instancePath: prefix + e.instancePath,
  }));
  const diagnostics = schemaDiagnostics(errors, document, SETTINGS_FILE);
  return withSecretHints(diagnostics, document, path, entry, cloudOfType(catalog, type)!.settingsSchema);
}

/**
 * Someone put a secret in the file: say which key names the variable it belongs in instead (the key of the
 * section's schema ending in `_env` that matches it, or its only such key; the noun is that key's title).
 */
function withSecretHints(
  diagnostics: Diagnostic[],
  document: SourceDocument,
  path: string[],
  section: unknown,
  schema: JsonSchema,
): Diagnostic[] {
  if (!isPlainObject(section)) return diagnostics;
  const properties = (schema.properties ?? {}) as Record<string, { title?: string }>;
  const secrets = new Map<string, string>();
  for (const key of Object.keys(section)) {
    if (!isSecretKey(key) || has(properties, key)) continue;
    const at = document.locate([...path, key], { key: true });
    secrets.set(`${at.line}:${at.col}`, secretHint(key, path.join('.'), properties));
  }
  return diagnostics.map((diagnostic) => {
    const at = diagnostic.location;
    const hint = at && diagnostic.code === 'schema.unknown-field' ? secrets.get(`${at.line}:${at.col}`) : undefined;
    return hint ? { ...diagnostic, hint } : diagnostic;
  });
}

function secretHint(key: string, section: string, properties: Record<string, { title?: string }>): string {
  const variables = Object.keys(properties).filter((name) => name.endsWith('_env'));
  const bare = (name: string) => name.replace(/_env$/, '');
  const squashed = (name: string) => name.toLowerCase().replace(/_/g, '');
  const guess = didYouMean(key, variables.map(bare));
  const variable =
    variables.find((name) => squashed(bare(name)) === squashed(key)) ??
    (guess !== undefined ? `${guess}_env` : variables.length === 1 ? variables[0] : undefined);
  if (variable === undefined) {
    const named = variables.length > 0 ? ` named by one of ${variables.map((v) => `${section}.${v}`).join(', ')}` : '';
    return `secrets never go in files: put it in an environment variable${named}`;
  }
  const noun = properties[variable]?.title ?? bare(variable).replace(/_/g, ' ');
  return `secrets never go in files: put the ${noun} in the variable named by ${section}.${variable}`;
}

/** By line and column (the envelope and each provider entry are checked apart); placeless ones first. */
function inFileOrder(diagnostics: Diagnostic[]): Diagnostic[] {
  const rank = (d: Diagnostic) => (d.location ? d.location.line * 1e6 + d.location.col : -1);
  return diagnostics
    .map((d, index) => ({ d, index }))
    .sort((a, b) => rank(a.d) - rank(b.d) || a.index - b.index)
    .map(({ d }) => d);
}

/** Copy well-typed values over the defaults; a wrongly typed value keeps the default (its error is reported). */
function mergeState(state: StateSettings, value: unknown): void {
  if (!isPlainObject(value)) return;
  if (value.backend === 'local' || value.backend === 'postgres') state.backend = value.backend;
  for (const key of ['url_env', 'workspace', 'schema'] as const) {
    const field = value[key];
    if (typeof field === 'string') state[key] = field;
  }
}
