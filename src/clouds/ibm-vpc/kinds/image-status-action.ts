import { KNOWN_AFTER_APPLY, type FieldChange } from '../../../core/plan-types.js';
import { isUnknown } from '../../../core/unknown.js';
import type { CloudImage } from '../api-types.js';
import { imagePoller } from '../pollers.js';
import { idOf } from './spec-values.js';
import type { IbmSnapshot } from '../snapshot.js';
import { UserError } from '../../../core/errors.js';
import type { KindDeclaration } from '../../../core/kind-declaration.js';
import type { DriftFound, KindPlan } from '../../../engine/resource-kind.js';
import { type ResourceState, recordedLifecycle } from '../../../state/state.js';
import type { IbmVpcClient } from '../api-types.js';
import { predictStatus } from '../../../core/lifecycle-dates.js';
import type { IbmContext, IbmDriftInput, IbmKind, IbmPlanInput, IbmRemovalInput } from './ibm-kind.js';
import { recordImage } from './image.js';

/**
 * image_deprecate and image_obsolete: an immediate status change (POST /images/{id}/deprecate|obsolete) owned
 * as a resource. Destroying it reverts the change (PATCH the date to null) unless deletion_policy is orphan;
 * Terraform's provider only forgets, which leaves the image changed with nothing managing it.
 */
export interface StatusAction {
  declaration: KindDeclaration;
  /** The status the action produces. */
  status: 'deprecated' | 'obsolete';
  /** The date the action sets to now, and a revert sets to null. */
  dateField: 'deprecation_at' | 'obsolescence_at';
  /** Statuses in which the action's effect still holds (a deprecated image that became obsolete is still past it). */
  holds: readonly string[];
  /** What it is called in messages: `deprecation`, `obsolescence`. */
  noun: string;
  /** Statuses from which the cloud allows the action. */
  allowedFrom: readonly string[];
  call(context: IbmContext, imageId: string): Promise<void>;
}

function targetImageId(spec: Record<string, unknown>): string | typeof KNOWN_AFTER_APPLY {
  const value = idOf(spec.image);
  return typeof value === 'string' ? value : KNOWN_AFTER_APPLY;
}

export function imageStatusActionKind(action: StatusAction): IbmKind {
  function plan(input: IbmPlanInput): KindPlan {
    const { spec, entry, snapshot } = input;
    const imageId = targetImageId(spec);
    const known = imageId !== KNOWN_AFTER_APPLY;
    const image = known ? snapshot.images.get(imageId) : undefined;
    const base = {
      diagnostics: [],
      attributes: known ? { id: imageId, image: imageId } : {},
    };
    const imageField = (before: string | null): FieldChange =>
      known
        ? { path: 'image', before, after: imageId }
        : {
            path: 'image',
            before,
            after: KNOWN_AFTER_APPLY,
            known_after_apply: true,
          };

    if (!entry?.id) {
      return {
        ...base,
        exists: false,
        fields: [imageField(null)],
        status: { before: image?.status ?? null, after: action.status },
        ...(known ? { imageId } : {}),
      };
    }
    if (!known || entry.id !== imageId) {
      return {
        ...base,
        exists: true,
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
        exists: true,
        id: entry.id,
        fields: [],
        imageId,
        ...(gone ? { reason: `image ${imageId} could no longer be read (404)` } : {}),
      };
    }
    if (!action.holds.includes(image.status)) {
      return {
        ...base,
        exists: false,
        id: entry.id,
        fields: [{ path: 'status', before: image.status, after: action.status }],
        status: { before: image.status, after: action.status },
        reason: `the image is ${image.status} again (changed outside imageform)`,
        imageId,
      };
    }
    return { ...base, exists: true, id: entry.id, fields: [], imageId };
  }

  function drift(input: IbmDriftInput): DriftFound | undefined {
    const id = input.entry.id;
    if (!id) return undefined;
    const image = input.snapshot.images.get(id);
    if (!image) return input.snapshot.goneImages.has(id) ? { fields: [], gone: true } : undefined;
    if (action.holds.includes(image.status)) return undefined;
    return { fields: [{ path: 'status', before: action.status, after: image.status }] };
  }

  async function create(context: IbmContext): Promise<void> {
    const document = context.document!;
    const imageId = idOf(context.spec!.image);
    if (typeof imageId !== 'string' || isUnknown(imageId))
      throw new Error(`${context.address}: the image ID is not known`);
    // A new image may still be settling, and the cloud only changes the status of an image that is ready.
    const image = await context.idle(() =>
      imagePoller(context.client).wait(imageId, {
        done: (found: CloudImage | undefined) => !found || !['pending', 'partially_available'].includes(found.status),
        timeoutMs: context.timeouts.createMs,
        describe: `image ${imageId} to be ready`,
      }),
    );
    if (!image) throw new Error(`image ${imageId} can no longer be read (404)`);
    let final = image;
    if (!action.holds.includes(image.status)) {
      if (!action.allowedFrom.includes(image.status)) {
        throw new Error(`image ${imageId} is ${image.status}; it cannot be made ${action.status}`);
      }
      await action.call(context, imageId);
      final = (await context.client.getImage(imageId)) ?? image;
      await recordImage(context, final);
    }
    await context.record({
      kind: action.declaration.kind,
      id: imageId,
      attributes: { image: imageId, status: final.status, [action.dateField]: final[action.dateField] ?? null },
      dependencies: context.entry?.dependencies ?? [],
      lifecycle: recordedLifecycle(document.lifecycle),
    });
  }

  async function remove(context: IbmContext): Promise<void> {
    const entry = context.entry;
    if (!entry?.id || entry.lifecycle.deletion_policy === 'orphan') return;
    const imageAddress = entry.dependencies.find((d) => d.startsWith('image.'));
    // Reverting the status of an image that is itself about to be deleted is pointless work.
    if (imageAddress && context.deleting.has(imageAddress)) return;
    const image = await context.client.getImage(entry.id);
    // An image on its way out (deleted outside imageform) has no status left to revert, and refuses the PATCH.
    if (!image || image.status === 'deleting' || !image[action.dateField]) return;
    // The image's own entry learns of the revert, so the next drift check does not take it for a hand edit.
    await recordImage(context, await context.client.updateImage(entry.id, { [action.dateField]: null }));
  }

  /**
   * Removing it reverts the image's status (unless orphaned, or the image goes too): the plan predicts that status
   * change like it does for a date set to null.
   */
  function planRemoval({ result, entry, planned, snapshot }: IbmRemovalInput): void {
    if (result.action !== 'delete' || !result.id) return;
    const imageAddress = entry.dependencies.find((dependency) => dependency.startsWith('image.'));
    const imageAction = imageAddress ? planned.get(imageAddress)?.action : undefined;
    if (imageAction === 'delete' || imageAction === 'replace') return;
    const image = snapshot.images.get(result.id);
    if (!image) return;
    const after = predictStatus(
      image.status,
      {
        deprecation_at: image.deprecation_at ?? null,
        obsolescence_at: image.obsolescence_at ?? null,
        [action.dateField]: null,
      },
      snapshot.now,
    );
    if (after !== image.status) result.status = { before: image.status, after };
  }

  async function importObject(
    client: IbmVpcClient,
    id: string,
    address: string,
  ): Promise<Pick<ResourceState, 'id' | 'attributes'>> {
    const image = await client.getImage(id);
    if (!image) throw UserError.of('import.not-found', `no image with ID ${id} can be read`);
    if (!action.holds.includes(image.status)) {
      throw UserError.of(
        'import.wrong-status',
        `image ${id} is ${image.status}, so there is no ${action.noun} to import`,
        `apply ${address} to make the change instead`,
      );
    }
    return {
      id: image.id,
      attributes: { image: image.id, status: image.status, [action.dateField]: image[action.dateField] ?? null },
    };
  }

  function refreshEntry(entry: ResourceState, snapshot: IbmSnapshot): boolean {
    const image = entry.id ? snapshot.images.get(entry.id) : undefined;
    if (!image || entry.attributes.status === image.status) return false;
    entry.attributes = { ...entry.attributes, status: image.status };
    return true;
  }

  return {
    ...action.declaration,
    plan,
    drift,
    create,
    update: create,
    delete: remove,
    planRemoval,
    refreshEntry,
    // Its delete is a revert, which the plan redoes while still wanted.
    objectExists: (entry, snapshot) => {
      const image = entry.id ? snapshot.images.get(entry.id) : undefined;
      return image !== undefined && image.status !== 'deleting';
    },
    importObject,
  };
}
