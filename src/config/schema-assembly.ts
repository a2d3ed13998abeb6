import type { KindDeclaration } from '../core/kind-declaration.js';
import { catalogKinds, type CloudCatalog, type CloudConfiguration } from './catalog.js';

/**
 * The JSON Schemas of a catalog, assembled from the clouds' declarations: what validation compiles and what
 * scripts/generate-schemas.ts writes to schemas/ for editors. Config adds the envelope every document shares (kind,
 * name, provider, lifecycle); each cloud brings its kinds' specs, its literal image ids and its settings.
 */
export type JsonSchema = Record<string, unknown>;

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/** Logical names (DESIGN.md §2) and provider names: they become file names (.imageform/cloud-NAME.json). */
export const NAME_PATTERN = '^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$';
const NAME_MESSAGE =
  'must be 1-63 lowercase letters, digits and hyphens, start with a letter and not end with a hyphen';

/** The type of the single-provider form's embedded default (DESIGN.md §3). */
export const EMBEDDED_TYPE = 'embedded';

/** Where a kind's schema lives below schemas/. */
export function kindSchemaPath(cloud: CloudConfiguration, kind: string): string {
  return `${cloud.type}/${kind}.schema.json`;
}

export function defsSchema(): JsonSchema {
  return {
    $schema: DRAFT_07,
    $id: 'defs.schema.json',
    title: 'imageform shared definitions',
    description: 'Building blocks shared by the imageform resource schemas of every cloud.',
    definitions: {
      logicalName: {
        type: 'string',
        description:
          'Logical name: the second part of the address (kind.name). Lowercase letters, digits and hyphens; starts with a letter; at most 63 characters.',
        pattern: NAME_PATTERN,
        patternErrorMessage: NAME_MESSAGE,
      },
      providerName: {
        type: 'string',
        description:
          "The provider this resource belongs to: a name from imageform.yaml's providers. Required when several are configured.",
        pattern: NAME_PATTERN,
        patternErrorMessage: NAME_MESSAGE,
      },
      date: {
        description:
          'An RFC 3339 date-time with an offset, e.g. 2035-01-15T00:00:00Z. null means the cloud must have no date (a scheduled change is cancelled, a status already reached is reverted). Leave the key out to leave the date unmanaged.',
        type: ['string', 'null'],
        format: 'date-time',
      },
    },
  };
}

/** A kind's whole document: the shared envelope around the kind's spec. `defs` is the path to defs.schema.json. */
export function kindSchema(cloud: CloudConfiguration, declaration: KindDeclaration, defs: string): JsonSchema {
  return {
    $schema: DRAFT_07,
    $id: `${declaration.kind}.schema.json`,
    title: `imageform ${declaration.kind} (${cloud.type})`,
    description: declaration.description,
    type: 'object',
    additionalProperties: false,
    required: ['kind', 'name', 'spec'],
    properties: {
      kind: { const: declaration.kind, description: 'The resource kind.' },
      name: { $ref: `${defs}#/definitions/logicalName` },
      provider: { $ref: `${defs}#/definitions/providerName` },
      spec: relocateDefs(specSchema(cloud, declaration), defs),
      lifecycle: lifecycleSchema(declaration),
    },
  };
}

/** The kind's spec, its image fields taking a reference or a literal id in this cloud's form. */
function specSchema(cloud: CloudConfiguration, declaration: KindDeclaration): JsonSchema {
  const spec = structuredClone(declaration.specSchema);
  const properties = (spec.properties ?? {}) as Record<string, JsonSchema>;
  for (const [field, facts] of Object.entries(declaration.fields)) {
    if (facts.imageReference) properties[field] = { ...imageReferenceSchema(cloud), ...properties[field] };
  }
  return spec;
}

function imageReferenceSchema(cloud: CloudConfiguration): JsonSchema {
  const { pattern, example } = cloud.literalImageId;
  return {
    type: 'string',
    description: `The image: a reference to a managed image, \${image.NAME.id}, or the ID of an image imageform does not manage, e.g. ${example}.`,
    pattern: `(\\$\\{|${pattern})`,
    patternErrorMessage: `must be a reference such as \${image.NAME.id} or an image ID such as ${example}`,
  };
}

/** Declarations refer to `defs.schema.json#...`; the kind's file may sit elsewhere. */
function relocateDefs(schema: JsonSchema, defs: string): JsonSchema {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        key === '$ref' && typeof item === 'string' && item.startsWith('defs.schema.json')
          ? defs + item.slice('defs.schema.json'.length)
          : walk(item),
      ]),
    );
  };
  return walk(schema) as JsonSchema;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `lifecycle`, its ignore_changes limited to the kind's fields (or a key below one, e.g. storage_bucket.name). */
function lifecycleSchema(declaration: KindDeclaration): JsonSchema {
  const fields = Object.keys(declaration.fields);
  return {
    type: 'object',
    description: 'How imageform treats this resource beyond its spec.',
    additionalProperties: false,
    properties: {
      prevent_destroy: {
        type: 'boolean',
        default: false,
        description:
          'The plan fails instead of deleting or replacing this resource. Recorded in state, so it holds after the document is removed.',
      },
      ignore_changes: {
        type: 'array',
        description: 'Spec fields that are never diffed.',
        items: {
          type: 'string',
          anyOf: [{ enum: fields }, { pattern: `^(spec\\.)?(${fields.map(escapeRegExp).join('|')})(\\..+)?$` }],
          errorMessage: `must be a spec field of ${declaration.kind}: ${fields.join(', ')}`,
        },
        uniqueItems: true,
      },
      deletion_policy: {
        type: 'string',
        enum: ['delete', 'orphan'],
        default: 'delete',
        description:
          'delete (default): removing the document deletes the cloud object. orphan: removing the document only forgets it.',
      },
    },
  };
}

/** For editors: the kind picks its schema; a kind several clouds have accepts any of their forms. */
export function documentSchema(catalog: CloudCatalog): JsonSchema {
  const kinds = catalogKinds(catalog);
  return {
    $schema: DRAFT_07,
    $id: 'document.schema.json',
    title: 'imageform resource document',
    description:
      'Any imageform resource document; the kind selects the schema. Point editors here with: # yaml-language-server: $schema=<path>/schemas/document.schema.json (at the top of every document: a modeline covers the document it heads).',
    type: 'object',
    required: ['kind'],
    properties: { kind: { type: 'string', enum: kinds, description: 'The resource kind.' } },
    $comment:
      "The kind is matched by pattern, not const: yaml-language-server's completion counts a const as matched when it starts with the value typed, and image is a prefix of the other kinds.",
    allOf: kinds.map((kind) => {
      const refs = catalog.clouds
        .filter((cloud) => cloud.kinds.some((declaration) => declaration.kind === kind))
        .map((cloud) => ({ $ref: kindSchemaPath(cloud, kind) }));
      return {
        if: { required: ['kind'], properties: { kind: { pattern: `^${escapeRegExp(kind)}$` } } },
        then: refs.length === 1 ? refs[0] : { anyOf: refs },
      };
    }),
  };
}

/** One provider entry of a cloud: `type`, `embedded` and the cloud's own keys. */
export function providerEntrySchema(cloud: CloudConfiguration): JsonSchema {
  const own = cloud.settingsSchema;
  return {
    ...own,
    type: 'object',
    additionalProperties: false,
    description: `A provider of ${cloud.type}.`,
    properties: {
      type: { type: 'string', description: 'The cloud.' },
      embedded: {
        type: 'boolean',
        default: false,
        description:
          "The cloud's emulator in-process on a random loopback port with random credentials; its data in .imageform/cloud-NAME.json (.imageform/cloud.json for the single provider).",
      },
      ...((own.properties ?? {}) as Record<string, unknown>),
    },
  };
}

export const STATE_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Where state is kept.',
  properties: {
    backend: {
      type: 'string',
      enum: ['local', 'postgres'],
      default: 'local',
      description: 'local (default): .imageform/state.json; postgres: a PostgreSQL database.',
    },
    url_env: {
      type: 'string',
      title: 'PostgreSQL URL',
      default: 'IMAGEFORM_PG_URL',
      pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      patternErrorMessage: 'must be the name of an environment variable, e.g. IMAGEFORM_PG_URL',
      description: 'Name of the environment variable that holds the PostgreSQL URL.',
    },
    workspace: {
      type: 'string',
      default: 'default',
      pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
      patternErrorMessage: 'must be lowercase letters, digits, _ and -, at most 63 characters',
      description: 'Workspace name: several states in one database.',
    },
    schema: {
      type: 'string',
      pattern: '^[a-z_][a-z0-9_]{0,62}$',
      patternErrorMessage: 'must be a PostgreSQL schema name (lowercase letters, digits, _)',
      description: 'PostgreSQL schema for the state tables.',
    },
  },
};

/** imageform.yaml as validation reads it first: the provider entries are then checked by their own cloud's schema. */
export function settingsEnvelopeSchema(): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      provider: { type: 'object' },
      providers: { type: 'object', additionalProperties: { type: 'object' } },
      state: STATE_SCHEMA,
    },
  };
}

/** imageform.yaml for editors: the entries' keys follow their `type`. */
export function settingsFileSchema(catalog: CloudCatalog): JsonSchema {
  const types = catalog.clouds.map((cloud) => cloud.type);
  const byType = (cloud: CloudConfiguration, pattern: string, typeRequired: boolean) => ({
    if: { ...(typeRequired ? { required: ['type'] } : {}), properties: { type: { pattern } } },
    then: { $ref: `#/definitions/${cloud.type}` },
  });
  return {
    $schema: DRAFT_07,
    $id: 'imageform.schema.json',
    title: 'imageform settings (imageform.yaml)',
    description: 'Which clouds to talk to and where to keep state. Every key is optional.',
    type: 'object',
    additionalProperties: false,
    properties: {
      providers: {
        type: 'object',
        description:
          'Named providers; a document picks one with provider: NAME (required in documents when there are several).',
        propertyNames: { pattern: NAME_PATTERN, patternErrorMessage: NAME_MESSAGE },
        additionalProperties: { $ref: '#/definitions/provider' },
      },
      provider: {
        description: `The single-provider form: one provider named default. type: ${EMBEDDED_TYPE} (the default) is the embedded ${catalog.defaultType} emulator.`,
        $ref: '#/definitions/singleProvider',
      },
      state: STATE_SCHEMA,
    },
    not: { required: ['provider', 'providers'], errorMessage: 'use provider or providers, not both' },
    definitions: {
      provider: {
        type: 'object',
        required: ['type'],
        properties: { type: { type: 'string', enum: types, description: `The cloud: ${types.join(', ')}.` } },
        allOf: catalog.clouds.map((cloud) => byType(cloud, `^${escapeRegExp(cloud.type)}$`, true)),
      },
      singleProvider: {
        type: 'object',
        properties: {
          type: {
            type: 'string',
            enum: [EMBEDDED_TYPE, ...types],
            default: EMBEDDED_TYPE,
            description: `${EMBEDDED_TYPE} (default): the ${catalog.defaultType} emulator in-process; or a cloud: ${types.join(', ')}.`,
          },
        },
        allOf: catalog.clouds.map((cloud) =>
          cloud.type === catalog.defaultType
            ? byType(cloud, `^(${EMBEDDED_TYPE}|${escapeRegExp(cloud.type)})$`, false)
            : byType(cloud, `^${escapeRegExp(cloud.type)}$`, true),
        ),
      },
      ...Object.fromEntries(catalog.clouds.map((cloud) => [cloud.type, providerEntrySchema(cloud)])),
    },
  };
}
