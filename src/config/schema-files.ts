import type { CloudCatalog } from './catalog.js';
import {
  defsSchema,
  documentSchema,
  kindSchema,
  kindSchemaPath,
  settingsFileSchema,
  type JsonSchema,
} from './schema-assembly.js';

/** Every file of schemas/, by its path below that directory (scripts/generate-schemas.ts writes them). */
export function schemaFiles(catalog: CloudCatalog): Map<string, JsonSchema> {
  const files = new Map<string, JsonSchema>([
    ['defs.schema.json', defsSchema()],
    ['document.schema.json', documentSchema(catalog)],
    ['imageform.schema.json', settingsFileSchema(catalog)],
  ]);
  for (const cloud of catalog.clouds) {
    for (const declaration of cloud.kinds) {
      files.set(kindSchemaPath(cloud, declaration.kind), kindSchema(cloud, declaration, '../defs.schema.json'));
    }
  }
  return files;
}
