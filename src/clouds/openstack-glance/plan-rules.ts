import { error, type Diagnostic } from '../../core/diagnostic.js';
import type { CloudRuleInput } from '../../engine/cloud.js';
import type { GlanceSnapshot } from './snapshot.js';

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

export function glancePlanRules(input: RuleInput): { diagnostics: Diagnostic[]; notes: string[] } {
  return { diagnostics: protectedImagesStay(input), notes: [] };
}
