import { error, type Diagnostic } from '../../core/diagnostic.js';
import type { CloudRuleInput } from '../../engine/cloud.js';
import type { GlanceSnapshot } from './snapshot.js';
import { parseReference } from '../../config/references.js';
import { scheduled } from '../../core/lifecycle-dates.js';
import { dateMarks } from './image-fields.js';
import { glanceLifecycle } from './lifecycle-status.js';

type RuleInput = CloudRuleInput<GlanceSnapshot>;

/**
 * Glance refuses to delete a protected image (403, reference §7): a plan that would delete one (removing its
 * document, or replacing it) is refused before any call, with the way out (DESIGN.md §8.2).
 */
function protectedImagesStay(input: RuleInput): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const result of input.planned.values()) {
    if (result.kind !== 'image' || !result.id) continue;
    if (result.action !== 'delete' && result.action !== 'replace') continue;
    const lifecycle = input.documents.get(result.address)?.lifecycle ?? input.entries[result.address]?.lifecycle;
    if (lifecycle?.deletion_policy === 'orphan') continue;
    if (input.snapshot.images.get(result.id)?.protected !== true) continue;
    found.push(
      error(
        'plan.image-protected',
        `${result.address}: ${result.id} is protected, and Glance refuses to delete it${result.action === 'replace' ? ' (this plan would replace it)' : ''}`,
        input.documents.get(result.address)?.locate(['spec', 'protected']),
        'apply with spec.protected: false first, then delete or replace it',
      ),
    );
  }
  return found;
}

/**
 * An immediate status change is refused while a date is scheduled on its image, unless the same plan cancels it
 * (DESIGN.md §2): the two would fight over the image's status.
 */
function immediateWhileScheduled(input: RuleInput): Diagnostic[] {
  const found: Diagnostic[] = [];
  const now = input.snapshot.now;
  for (const result of input.planned.values()) {
    if (result.kind !== 'image_deprecate' && result.kind !== 'image_obsolete') continue;
    if (result.action !== 'create' && result.action !== 'replace') continue;
    const reference = parseReference(input.documents.get(result.address)?.spec.image);
    const imageAddress = reference?.kind === 'image' ? reference.address : undefined;
    const managed = imageAddress ? input.planned.get(imageAddress) : undefined;
    const image = result.imageId ? input.snapshot.images.get(result.imageId) : undefined;
    const status = image ? glanceLifecycle(image).status : undefined;
    // Already done (an apply cut off after the cloud acted): the create only records it.
    if (
      result.action === 'create' &&
      (status === 'obsolete' || (result.kind === 'image_deprecate' && status === 'deprecated'))
    )
      continue;
    const marks = image ? dateMarks(image) : {};
    const dates = managed?.effectiveDates ?? {
      deprecation_at: marks.deprecation_at ?? null,
      obsolescence_at: marks.obsolescence_at ?? null,
    };
    const field = (['deprecation_at', 'obsolescence_at'] as const).find((name) => scheduled(dates[name], now));
    if (!field) continue;
    found.push(
      error(
        'plan.scheduled-change',
        `${result.address}: an immediate ${result.kind === 'image_deprecate' ? 'deprecation' : 'obsolescence'} is refused while ${imageAddress ?? result.imageId} has ${field} scheduled for ${dates[field]}`,
        input.documents.get(result.address)?.locate(['spec', 'image']),
        imageAddress
          ? `cancel the scheduled change in the same plan with ${field}: null on ${imageAddress}, or drop this document`
          : `cancel the scheduled change on the image first (${field}: null)`,
      ),
    );
  }
  return found;
}

export function glancePlanRules(input: RuleInput): { diagnostics: Diagnostic[]; notes: string[] } {
  return {
    diagnostics: [...protectedImagesStay(input), ...(input.destroy ? [] : immediateWhileScheduled(input))],
    notes: [],
  };
}
