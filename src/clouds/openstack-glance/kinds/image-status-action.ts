import { UserError } from '../../../core/errors.js';
import type { KindDeclaration } from '../../../core/kind-declaration.js';
import { predictStatus } from '../../../core/lifecycle-dates.js';
import { KNOWN_AFTER_APPLY, type FieldChange } from '../../../core/plan-types.js';
import { isUnknown } from '../../../core/unknown.js';
import type { DriftFound, KindPlan } from '../../../engine/resource-kind.js';
import { recordedLifecycle, type ResourceState } from '../../../state/state.js';
import type { GlanceApi, GlanceImage } from '../glance-api.js';
import { dateMarks } from '../image-fields.js';
import { glanceLifecycle } from '../lifecycle-status.js';
import { imagePoller } from '../pollers.js';
import type { GlanceSnapshot } from '../snapshot.js';
import type {
  GlanceContext,
  GlanceDriftInput,
  GlanceKind,
  GlancePlanInput,
  GlanceRemovalInput,
} from './glance-kind.js';
import { bringToStatus, imagePatch, recordImage } from './image.js';

/**
 * image_deprecate and image_obsolete on Glance: an immediate status change owned as a resource (DESIGN.md §8.2):
 * deprecated is `os_hidden`, obsolete is deactivated. Each writes its date mark at the cloud's now, so the image's
 * marks keep saying what its status must be; deleting the document removes the mark and reverts the status.
 */
export interface StatusAction {
  declaration: KindDeclaration;
  status: 'deprecated' | 'obsolete';
  dateField: 'deprecation_at' | 'obsolescence_at';
  /** Statuses in which the action's effect still holds. */
  holds: readonly string[];
  noun: string;
}

function targetImageId(spec: Record<string, unknown>): string | typeof KNOWN_AFTER_APPLY {
  return typeof spec.image === 'string' && !isUnknown(spec.image) ? spec.image : KNOWN_AFTER_APPLY;
}

export function imageStatusActionKind(action: StatusAction): GlanceKind {
  const statusOf = (image: GlanceImage | undefined) => (image ? glanceLifecycle(image).status : undefined);

  function plan(input: GlancePlanInput): KindPlan {
    const { spec, entry, snapshot } = input;
    const imageId = targetImageId(spec);
    const known = imageId !== KNOWN_AFTER_APPLY;
    const image = known ? snapshot.images.get(imageId) : undefined;
    const base = { diagnostics: [], attributes: known ? { id: imageId, image: imageId } : {} };
    const imageField = (before: string | null): FieldChange =>
      known
        ? { path: 'image', before, after: imageId }
        : { path: 'image', before, after: KNOWN_AFTER_APPLY, known_after_apply: true };
    const current = statusOf(image) ?? null;
    if (!entry?.id || !known || entry.id !== imageId)
      return {
        ...base,
        exists: Boolean(entry?.id),
        ...(entry?.id ? { id: entry.id } : {}),
        fields: [imageField(entry?.id ?? null)],
        status: { before: current, after: action.status },
        ...(known ? { imageId } : {}),
      };
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
    if (!action.holds.includes(current ?? ''))
      return {
        ...base,
        exists: false,
        id: entry.id,
        fields: [{ path: 'status', before: current, after: action.status }],
        status: { before: current, after: action.status },
        reason: `the image is ${current} again (changed outside imageform)`,
        imageId,
      };
    return { ...base, exists: true, id: entry.id, fields: [], imageId };
  }

  function drift(input: GlanceDriftInput): DriftFound | undefined {
    const id = input.entry.id;
    if (!id) return undefined;
    const image = input.snapshot.images.get(id);
    if (!image) return input.snapshot.goneImages.has(id) ? { fields: [], gone: true } : undefined;
    const status = statusOf(image)!;
    return action.holds.includes(status)
      ? undefined
      : { fields: [{ path: 'status', before: action.status, after: status }] };
  }

  async function create(context: GlanceContext): Promise<void> {
    const imageId = targetImageId(context.spec!);
    if (imageId === KNOWN_AFTER_APPLY) throw new Error(`${context.address}: the image ID is not known`);
    // A new image may still be settling: Glance changes only an active image's status.
    const image = await context.idle(() =>
      imagePoller(context.client).wait(imageId, {
        done: (found) => !found || glanceLifecycle(found).status !== 'pending',
        timeoutMs: context.timeouts.createMs,
        describe: `image ${imageId} to be active`,
      }),
    );
    if (!image) throw new Error(`image ${imageId} can no longer be read (404)`);
    let final = image;
    if (!action.holds.includes(statusOf(image)!)) {
      if (glanceLifecycle(image).status === 'failed')
        throw new Error(`image ${imageId} has failed; it cannot be made ${action.status}`);
      const now = await context.client.now();
      const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
      const { operations, status } = imagePatch(
        image,
        {},
        String(image.name),
        ['name'],
        { [action.dateField]: at },
        now,
      );
      final = await bringToStatus(context.client, image, operations, status);
      await recordImage(context, final);
    }
    await context.record({
      kind: action.declaration.kind,
      id: imageId,
      attributes: {
        image: imageId,
        status: statusOf(final),
        [action.dateField]: dateMarks(final)[action.dateField] ?? null,
      },
      dependencies: context.entry?.dependencies ?? [],
      lifecycle: recordedLifecycle(context.document!.lifecycle),
    });
  }

  async function remove(context: GlanceContext): Promise<void> {
    const entry = context.entry;
    if (!entry?.id || entry.lifecycle.deletion_policy === 'orphan') return;
    const imageAddress = entry.dependencies.find((dependency) => dependency.startsWith('image.'));
    if (imageAddress && context.deleting.has(imageAddress)) return;
    const image = await context.client.getImage(entry.id);
    if (!image || glanceLifecycle(image).status === 'deleting' || !dateMarks(image)[action.dateField]) return;
    const now = await context.client.now();
    const { operations, status } = imagePatch(
      image,
      {},
      String(image.name),
      ['name'],
      { [action.dateField]: null },
      now,
    );
    await recordImage(context, await bringToStatus(context.client, image, operations, status));
  }

  function planRemoval({ result, entry, planned, snapshot }: GlanceRemovalInput): void {
    if (result.action !== 'delete' || !result.id) return;
    const imageAddress = entry.dependencies.find((dependency) => dependency.startsWith('image.'));
    const imageAction = imageAddress ? planned.get(imageAddress)?.action : undefined;
    if (imageAction === 'delete' || imageAction === 'replace') return;
    const image = snapshot.images.get(result.id);
    if (!image) return;
    const status = statusOf(image)!;
    const after = predictStatus(status, { ...dateMarks(image), [action.dateField]: null }, snapshot.now);
    if (after !== status) result.status = { before: status, after };
  }

  async function importObject(
    client: GlanceApi,
    id: string,
    address: string,
  ): Promise<Pick<ResourceState, 'id' | 'attributes'>> {
    const image = await client.getImage(id);
    if (!image) throw UserError.of('import.not-found', `no image with ID ${id} can be read`);
    const status = statusOf(image)!;
    if (!action.holds.includes(status))
      throw UserError.of(
        'import.wrong-status',
        `image ${id} is ${status}, so there is no ${action.noun} to import`,
        `apply ${address} to make the change instead`,
      );
    return { id, attributes: { image: id, status, [action.dateField]: dateMarks(image)[action.dateField] ?? null } };
  }

  function refreshEntry(entry: ResourceState, snapshot: GlanceSnapshot): boolean {
    const image = entry.id ? snapshot.images.get(entry.id) : undefined;
    const status = statusOf(image);
    if (!status || entry.attributes.status === status) return false;
    entry.attributes = { ...entry.attributes, status };
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
    objectExists: (entry, snapshot) => {
      const image = entry.id ? snapshot.images.get(entry.id) : undefined;
      return image !== undefined && statusOf(image) !== 'deleting';
    },
    importObject,
  };
}
