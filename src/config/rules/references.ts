import type { Diagnostic } from '../../core/diagnostic.js';
import { error } from '../../core/diagnostic.js';
import { didYouMean } from '../../core/did-you-mean.js';
import { displayPath } from '../node-path.js';
import { malformedReferencesIn, parseReference, referencesIn } from '../references.js';
import { where, type ConfigurationRule, type DocumentRule } from './rule.js';

/** A string with `${` must be exactly one whole reference: partial interpolation is not supported. */
export const referencesAreWellFormed: DocumentRule = {
  name: 'references-are-well-formed',
  check(document) {
    return malformedReferencesIn(document.spec).map(({ path, value }) =>
      error(
        'ref.syntax',
        `spec.${displayPath(path)} ${JSON.stringify(value)} is not a reference`,
        document.locate(['spec', ...path]),
        'a reference is the whole value, ${kind.name.attribute}, e.g. ${image.web.id}',
      ),
    );
  },
};

/**
 * Every reference names a known kind, a defined address and an attribute its kind declares; a field that holds
 * the image a kind acts on takes an image's id.
 */
export const referencesResolve: ConfigurationRule = {
  name: 'references-resolve',
  check(documents, context) {
    const addresses = context.addresses(documents);
    const problems: Diagnostic[] = [];
    for (let i = 0; i < documents.length; i++) {
      const document = documents[i]!;
      const references = referencesIn(document.spec);
      if (references.length === 0) continue;
      const fields = context.declarationOf(document)?.fields ?? {};
      for (const { path, reference } of references) {
        // Only a problem needs the place (locating reads the file's positions) and the texts below.
        const field = () => `spec.${displayPath(path)}`;
        const location = () => document.locate(['spec', ...path]);
        const text = () => `\${${reference.address}.${reference.attribute}}`;
        if (!context.kinds.includes(reference.kind)) {
          const guess = didYouMean(reference.kind, context.kinds);
          problems.push(
            error(
              'ref.unknown-kind',
              `${field()} ${text()} refers to unknown kind "${reference.kind}"`,
              location(),
              guess ? `did you mean "${guess}"?` : `kinds: ${context.kinds.join(', ')}`,
            ),
          );
          continue;
        }
        const target = addresses.get(reference.address);
        if (!target) {
          const sameKind = [...addresses.keys()].filter((address) => address.startsWith(`${reference.kind}.`));
          const guess = didYouMean(reference.address, sameKind);
          problems.push(
            error(
              'ref.missing',
              `${document.address} refers to ${reference.address}, which is not defined`,
              location(),
              guess
                ? `did you mean "${guess}"?`
                : reference.kind === 'image'
                  ? 'define it, or write the ID of an image imageform does not manage'
                  : `define ${reference.address}`,
            ),
          );
          continue;
        }
        // Undefined for a document of a provider whose type is unknown (the settings' error).
        const attributes = context.declarationOf(target)?.referenceAttributes;
        if (attributes && !attributes.includes(reference.attribute)) {
          const guess = didYouMean(reference.attribute, attributes);
          problems.push(
            error(
              'ref.attribute',
              `${field()} ${text()}: ${reference.kind} has no attribute "${reference.attribute}"`,
              location(),
              guess ? `did you mean "${guess}"?` : `attributes: ${attributes.join(', ')}`,
            ),
          );
          continue;
        }
        const isImageField = path.length === 1 && fields[String(path[0])]?.imageReference === true;
        if (isImageField && (reference.kind !== 'image' || reference.attribute !== 'id')) {
          problems.push(
            error(
              'ref.wrong-target',
              `${field()} must refer to an image's id, not ${text()}`,
              location(),
              reference.kind === 'image'
                ? `write \${${reference.address}.id}`
                : 'write ${image.NAME.id} or an image ID',
            ),
          );
        }
      }
    }
    return problems;
  },
};

/** A kind that acts on an image belongs to the image's provider (DESIGN.md §2): the cloud object is there. */
export const imagesActedOnInTheirProvider: ConfigurationRule = {
  name: 'images-acted-on-in-their-provider',
  check(documents, context) {
    // With one provider (the usual case) every image is in it.
    const first = documents[0]?.provider;
    if (documents.every((document) => document.provider === first)) return [];
    const addresses = context.addresses(documents);
    const problems: Diagnostic[] = [];
    for (const document of documents) {
      const fields = context.declarationOf(document)?.fields ?? {};
      for (const [field, facts] of Object.entries(fields)) {
        if (!facts.imageReference) continue;
        const reference = parseReference(document.spec[field]);
        const image = reference?.kind === 'image' ? addresses.get(reference.address) : undefined;
        if (!image || image.provider === document.provider) continue;
        problems.push(
          error(
            'ref.other-provider',
            `${document.address} (provider ${document.provider}) acts on ${image.address} of provider ${image.provider} (${where(image.location)})`,
            document.locate(['spec', field]),
            `a kind that acts on an image belongs to that image's provider: write provider: ${image.provider} in ${document.address}`,
          ),
        );
      }
    }
    return problems;
  },
};
