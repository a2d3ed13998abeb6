import { randomBytes, randomUUID } from 'node:crypto';

/** IDs, CRNs and generated names in the shapes the real region uses. */

export const newId = () => `r006-${randomUUID()}`;

/** Image names (and the other VPC names): lowercase letter first, letters, digits and hyphens, no trailing hyphen. */
export const resourceNamePattern = /^([a-z]|[a-z][-a-z0-9]*[a-z0-9])$/;
/** Export job names may also start with a digit. */
export const exportJobNamePattern = /^([a-z0-9]|[a-z0-9][-a-z0-9]*[a-z0-9])$/;
export const maxNameLength = 63;

const words = [
  'amber',
  'basalt',
  'cedar',
  'delta',
  'ember',
  'fjord',
  'glacier',
  'harbor',
  'iris',
  'juniper',
  'kelp',
  'lagoon',
  'maple',
  'nimbus',
  'opal',
  'pebble',
  'quartz',
  'raven',
  'summit',
  'tundra',
  'umber',
  'valley',
  'willow',
  'yonder',
  'zephyr',
  'anvil',
  'bramble',
  'canyon',
  'dune',
  'estuary',
  'falcon',
  'grove',
  'heron',
  'inlet',
  'jasper',
  'krill',
];

const pick = () => words[randomBytes(1)[0]! % words.length]!;

/** Random hyphenated words, as the API generates when a name is left out. */
export function generatedName(prefix?: string): string {
  const base = `${pick()}-${pick()}-${pick()}-${pick()}`;
  return prefix ? `${prefix}-${base}` : base;
}
