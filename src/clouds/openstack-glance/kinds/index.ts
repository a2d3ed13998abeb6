import { imageDeprecateDeclaration } from './image-deprecate-declaration.js';
import { imageObsoleteDeclaration } from './image-obsolete-declaration.js';
import { imageStatusActionKind } from './image-status-action.js';
import { imageKind } from './image.js';
import type { GlanceKind } from './glance-kind.js';

/** Glance's kinds, in the order of its configuration's declarations. */
export const GLANCE_KINDS: readonly GlanceKind[] = [
  imageKind,
  imageStatusActionKind({
    declaration: imageDeprecateDeclaration,
    status: 'deprecated',
    dateField: 'deprecation_at',
    holds: ['deprecated', 'obsolete'],
    noun: 'deprecation',
  }),
  imageStatusActionKind({
    declaration: imageObsoleteDeclaration,
    status: 'obsolete',
    dateField: 'obsolescence_at',
    holds: ['obsolete'],
    noun: 'obsolescence',
  }),
];
