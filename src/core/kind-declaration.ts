/**
 * What is true of a kind and its fields, declared once beside the kind (in its cloud's folder) and read by every
 * part that needs it: the schema, the configuration rules, the diff, the plan text, redaction (DESIGN.md §7).
 */

/** What a change to a field does to an object that exists: the worst field of a change decides its action. */
export type FieldEffect = 'update' | 'replace' | 'none';

export interface FieldFacts {
  /** update in place, replace the object, or nothing in the cloud (a field that only tells apply how to act). */
  effect: FieldEffect;
  /** The cloud never returns it in the form given: compared with what state recorded at the last apply. */
  writeOnly?: boolean;
  /** Never printed, logged or stored in clear (state keeps a hash). */
  sensitive?: boolean;
  /** Holds the image the kind acts on: a reference to a managed image, or a literal id of an unmanaged one. */
  imageReference?: boolean;
  /** An object or map: diffed leaf by leaf, so the plan shows the key that changed. */
  nested?: boolean;
}

export interface KindDeclaration {
  /** The `kind:` of its documents, e.g. `image`. */
  kind: string;
  /** One line for editors and `--help`. */
  description: string;
  /**
   * JSON Schema of the document's `spec` (draft-07; `$ref`s to `defs.schema.json#/definitions/...` allowed). A field
   * with `imageReference` needs no schema of its own: config gives it "a reference or the cloud's literal image id".
   */
  specSchema: Record<string, unknown>;
  /** Every spec field the files may set, with its facts. */
  fields: Readonly<Record<string, FieldFacts>>;
  /** Attributes a `${kind.name.attribute}` reference may read. */
  referenceAttributes: readonly string[];
  /** Fields of the image it acts on that this kind changes (an immediate deprecation owns `deprecation_at`). */
  ownsImageFields?: readonly string[];
  /** Its cloud name (`spec.name`) defaults to the logical name. */
  named?: boolean;
}

/** The facts of the field a (possibly nested, dotted) path starts with; unknown paths update in place. */
export function factsOf(declaration: Pick<KindDeclaration, 'fields'>, path: string): FieldFacts {
  const field = path.split('.')[0]!;
  return declaration.fields[field] ?? { effect: 'update' };
}
