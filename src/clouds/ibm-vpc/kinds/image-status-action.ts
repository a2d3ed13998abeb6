import type { Kind } from '../../../config/model.js';
import { KNOWN_AFTER_APPLY, type FieldChange } from '../../../core/plan-types.js';
import { isUnknown } from '../../../core/unknown.js';
import type { CloudImage } from '../api-types.js';
import { waitFor } from '../../../engine/wait.js';
import { idOf } from './spec-values.js';
import type { DriftInput, KindHandler, OperationContext, PlannedResource, PlanResourceInput } from '../../../engine/resource-kind.js';

/**
 * image_deprecate and image_obsolete: an immediate status change (POST /images/{id}/deprecate|obsolete) owned
 * as a resource. Destroying it reverts the change (PATCH the date to null) unless deletion_policy is orphan;
 * Terraform's provider only forgets, which leaves the image changed with nothing managing it.
 */
export interface StatusAction {
  kind: Extract<Kind, 'image_deprecate' | 'image_obsolete'>;
  /** The status the action produces. */
  status: 'deprecated' | 'obsolete';
  /** The date the action sets to now, and a revert sets to null. */
  dateField: 'deprecation_at' | 'obsolescence_at';
  /** Statuses in which the action's effect still holds (a deprecated image that became obsolete is still past it). */
  holds: readonly string[];
  /** Statuses from which the cloud allows the action. */
  allowedFrom: readonly string[];
  call(context: OperationContext, imageId: string): Promise<void>;
}

function targetImageId(spec: Record<string, unknown>): string | typeof KNOWN_AFTER_APPLY {
  const value = idOf(spec.image);
  return typeof value === 'string' ? value : KNOWN_AFTER_APPLY;
}

export function imageStatusActionKind(action: StatusAction): KindHandler {
  function plan(input: PlanResourceInput): PlannedResource {
    const { document, spec, entry, snapshot } = input;
    const address = document.address;
    const imageId = targetImageId(spec);
    const known = imageId !== KNOWN_AFTER_APPLY;
    const image = known ? snapshot.images.get(imageId) : undefined;
    const base = {
      address,
      kind: action.kind,
      diagnostics: [],
      attributes: known ? { id: imageId, image: imageId } : {},
    };
    const imageField = (before: string | null): FieldChange =>
      known
        ? { path: 'image', before, after: imageId, ...(before ? { forces_replacement: true } : {}) }
        : {
            path: 'image',
            before,
            after: KNOWN_AFTER_APPLY,
            known_after_apply: true,
            ...(before ? { forces_replacement: true } : {}),
          };

    if (!entry?.id) {
      return {
        ...base,
        action: 'create',
        fields: [imageField(null)],
        status: { before: image?.status ?? null, after: action.status },
        ...(known ? { imageId } : {}),
      };
    }
    if (!known || entry.id !== imageId) {
      return {
        ...base,
        action: 'replace',
        id: entry.id,
        fields: [imageField(entry.id)],
        status: { before: image?.status ?? null, after: action.status },
        ...(known ? { imageId } : {}),
      };
    }
    if (!image) {
      const gone = snapshot.goneImages.has(imageId);
      return {
        ...base,
        action: 'none',
        id: entry.id,
        fields: [],
        imageId,
        ...(gone ? { reason: `image ${imageId} could no longer be read (404)` } : {}),
      };
    }
    if (!action.holds.includes(image.status)) {
      return {
        ...base,
        action: 'create',
        id: entry.id,
        fields: [{ path: 'status', before: image.status, after: action.status }],
        status: { before: image.status, after: action.status },
        reason: `the image is ${image.status} again (changed outside imageform)`,
        imageId,
      };
    }
    return { ...base, action: 'none', id: entry.id, fields: [], imageId };
  }

  function drift(input: DriftInput): { fields: FieldChange[]; gone?: boolean } | undefined {
    const id = input.entry.id;
    if (!id) return undefined;
    const image = input.snapshot.images.get(id);
    if (!image) return input.snapshot.goneImages.has(id) ? { fields: [], gone: true } : undefined;
    if (action.holds.includes(image.status)) return undefined;
    return { fields: [{ path: 'status', before: action.status, after: image.status }] };
  }

  async function create(context: OperationContext): Promise<void> {
    const document = context.document!;
    const imageId = idOf(context.spec!.image);
    if (typeof imageId !== 'string' || isUnknown(imageId))
      throw new Error(`${context.address}: the image ID is not known`);
    // A new image may still be settling, and the cloud only changes the status of an image that is ready.
    const image = await waitFor(
      () => context.provider.getImage(imageId),
      (found: CloudImage | undefined) => !found || !['pending', 'partially_available'].includes(found.status),
      { timeoutMs: context.timeouts.createMs, intervalMs: 200, describe: `image ${imageId} to be ready` },
    );
    if (!image) throw new Error(`image ${imageId} can no longer be read (404)`);
    let final = image;
    if (!action.holds.includes(image.status)) {
      if (!action.allowedFrom.includes(image.status)) {
        throw new Error(`image ${imageId} is ${image.status}; it cannot be made ${action.status}`);
      }
      await action.call(context, imageId);
      final = (await context.provider.getImage(imageId)) ?? image;
      await context.recordImage(final);
    }
    await context.record({
      kind: action.kind,
      id: imageId,
      attributes: { image: imageId, status: final.status, [action.dateField]: final[action.dateField] ?? null },
      dependencies: context.entry?.dependencies ?? [],
      lifecycle: {
        prevent_destroy: document.lifecycle.prevent_destroy,
        deletion_policy: document.lifecycle.deletion_policy,
      },
    });
  }

  async function remove(context: OperationContext): Promise<void> {
    const entry = context.entry;
    if (!entry?.id || entry.lifecycle.deletion_policy === 'orphan') return;
    const imageAddress = entry.dependencies.find((d) => d.startsWith('image.'));
    // Reverting the status of an image that is itself about to be deleted is pointless work.
    if (imageAddress && context.deleting.has(imageAddress)) return;
    const image = await context.provider.getImage(entry.id);
    // An image on its way out (deleted outside imageform) has no status left to revert, and refuses the PATCH.
    if (!image || image.status === 'deleting' || !image[action.dateField]) return;
    // The image's own entry learns of the revert, so the next drift check does not take it for a hand edit.
    await context.recordImage(await context.provider.updateImage(entry.id, { [action.dateField]: null }));
  }

  return {
    kind: action.kind,
    plan,
    drift,
    create,
    update: create,
    delete: remove,
  };
}
