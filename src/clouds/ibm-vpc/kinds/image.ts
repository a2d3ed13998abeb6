import { error, type Diagnostic } from '../../../core/diagnostic.js';
import type { ResourceDocument } from '../../../core/document.js';
import { UserError } from '../../../core/errors.js';
import { canonicalDate, sameDate, toInstant } from '../../../core/dates.js';
import { inEffect, isLifecycleStatus, predictStatus, statusForDates } from '../../../core/lifecycle-dates.js';
import { KNOWN_AFTER_APPLY, SENSITIVE, type FieldChange } from '../../../core/plan-types.js';
import { isUnknown } from '../../../core/unknown.js';
import { CloudError, type CloudImage, type IbmVpcClient, type ImagePatch, type ImagePrototype } from '../api-types.js';
import { sameValue } from '../../../state/same-value.js';
import { imagePoller } from '../pollers.js';
import { type ResourceState, recordedLifecycle } from '../../../state/state.js';
import { newCreateKey } from './create-key.js';
import { withoutRenameIntent } from '../../../engine/rename-intent.js';
import { manages } from '../../../core/managed-fields.js';
import { idOf, secretHash, stableJson, stringOf } from './spec-values.js';
import { deriveAction, impactOf } from '../../../engine/impact.js';
import type { DriftFound, KindPlan } from '../../../engine/resource-kind.js';
import { imageDeclaration } from './image-declaration.js';
import type { IbmContext, IbmDriftInput, IbmKind, IbmPlanInput } from './ibm-kind.js';
import type { IbmSnapshot } from '../snapshot.js';

/**
 * kind: image — POST /images and wait until available; name and dates update in place; the source and
 * encryption fields replace; DELETE and wait until gone (DESIGN.md §2).
 */
const DATE_FIELDS = ['deprecation_at', 'obsolescence_at'] as const;
type DateField = (typeof DATE_FIELDS)[number];

/** Write-only inputs: compared with what the last apply recorded, never with the cloud. */
export interface ImageInputs {
  file?: string;
  source_volume?: string;
  encrypted_data_key?: string;
}

/** Statuses after which a new image counts as created (partially_available becomes available by itself). */
const SETTLED = new Set(['available', 'deprecated', 'obsolete', 'failed', 'unusable']);
/** Statuses of an image whose creation has not finished: the next apply waits for it (DESIGN.md §5). */
const UNFINISHED = new Set(['pending', 'partially_available']);

export function imageInputs(spec: Record<string, unknown>): ImageInputs {
  const inputs: ImageInputs = {};
  const file = fileHref(spec.file);
  if (file) inputs.file = file;
  if (spec.source_volume !== undefined && spec.source_volume !== null)
    inputs.source_volume = stableJson(idOf(spec.source_volume));
  const key = stringOf(spec.encrypted_data_key);
  if (key) inputs.encrypted_data_key = secretHash(key);
  return inputs;
}

function fileHref(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') return stringOf((value as Record<string, unknown>).href);
  return undefined;
}

function recordedInputs(entry: ResourceState | undefined): ImageInputs | undefined {
  const inputs = entry?.attributes.inputs;
  return inputs && typeof inputs === 'object' ? (inputs as ImageInputs) : undefined;
}

function desiredName(input: { document: { name: string }; spec: Record<string, unknown> }): string {
  return stringOf(input.spec.name) ?? input.document.name;
}

function describeReasons(image: CloudImage): string {
  const reasons = image.status_reasons ?? [];
  return reasons.length ? reasons.map((r) => `${r.code}: ${r.message}`).join('; ') : 'no reason given';
}

function dateValue(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** `name`: the one the plan gives it, when that is not the cloud's yet. */
export function imageAttributes(image: CloudImage, name: string = image.name): Record<string, unknown> {
  return { id: image.id, crn: image.crn, href: image.href, name, status: image.status };
}

/** The fields a create shows, in a stable order; secrets as (sensitive). */
function createFields(spec: Record<string, unknown>, name: string): FieldChange[] {
  const fields: FieldChange[] = [{ path: 'name', before: null, after: name }];
  for (const [path, value] of Object.entries(spec)) {
    // null on a create means "no date": nothing to show.
    if (path === 'name' || value === undefined || value === null) continue;
    if (path === 'encrypted_data_key') fields.push({ path, before: null, after: SENSITIVE, sensitive: true });
    else if (isUnknown(value)) fields.push({ path, before: null, after: KNOWN_AFTER_APPLY, known_after_apply: true });
    else fields.push({ path, before: null, after: value });
  }
  return fields;
}

function checkNewDate(input: IbmPlanInput, field: DateField, value: string | null, diagnostics: Diagnostic[]): void {
  if (value === null) return;
  const ms = toInstant(value);
  if (ms !== undefined && ms <= input.now.getTime()) {
    diagnostics.push(
      error(
        'plan.date-not-future',
        `${input.document.address}: spec.${field} (${value}) must be later than the cloud's current time (${input.now.toISOString()})`,
        input.document.locate(['spec', field]),
        "a date being set must lie in the future by the cloud's clock; choose a later date, or null to remove it",
      ),
    );
  }
}

function checkDateOrder(input: IbmPlanInput, dates: Record<DateField, string | null>, diagnostics: Diagnostic[]): void {
  const deprecation = toInstant(dates.deprecation_at);
  const obsolescence = toInstant(dates.obsolescence_at);
  if (deprecation !== undefined && obsolescence !== undefined && obsolescence <= deprecation) {
    diagnostics.push(
      error(
        'plan.date-order',
        `${input.document.address}: spec.obsolescence_at must be after deprecation_at (${dates.deprecation_at})`,
        input.document.locate([
          'spec',
          Object.hasOwn(input.spec, 'deprecation_at') ? 'deprecation_at' : 'obsolescence_at',
        ]),
        'the cloud requires deprecation before obsolescence',
      ),
    );
  }
}

function planImage(input: IbmPlanInput): KindPlan {
  const { document, spec, entry, snapshot, now } = input;
  const address = document.address;
  const ignored = document.lifecycle.ignore_changes;
  const name = desiredName(input);
  const id = entry?.id ?? snapshot.adoptedIntents.get(address) ?? undefined;
  const actual = id ? snapshot.images.get(id) : undefined;
  const diagnostics: Diagnostic[] = [];
  const notes: string[] = [];
  if (id && snapshot.adoptedIntents.get(address) === id && !entry?.id) {
    const key = entry?.intent?.key;
    notes.push(
      `${address}: found ${id}${key ? ` ("${key}", its create key)` : ''}, created by an interrupted apply; it is adopted, not created again`,
    );
  }

  const desiredDates = {} as Record<DateField, string | null>;
  for (const field of DATE_FIELDS) {
    // ignore_changes does not apply to a create: a new image gets every value the files give.
    desiredDates[field] = manages(spec, field, actual ? ignored : [])
      ? dateValue(spec[field])
      : actual
        ? dateValue(actual[field])
        : null;
  }

  if (!actual) {
    for (const field of DATE_FIELDS) checkNewDate(input, field, desiredDates[field], diagnostics);
    checkDateOrder(input, desiredDates, diagnostics);
    const gone = id !== undefined && snapshot.goneImages.has(id);
    return {
      exists: false,
      fields: createFields(spec, name),
      status: { before: null, after: 'available' },
      ...(gone ? { reason: `${id} could no longer be read (404); a new image will be created` } : {}),
      attributes: { name },
      diagnostics,
      effectiveDates: desiredDates,
      notes,
    };
  }

  const fields: FieldChange[] = [];
  let replaceReason: string | undefined;
  if (actual.status === 'failed') replaceReason = `the image ended "failed" (${describeReasons(actual)})`;
  if (actual.status === 'deleting') replaceReason = 'the image is being deleted outside imageform';

  // Write-only inputs: compared with the last apply's record. After an import there is none: adopt, never replace.
  const recorded = recordedInputs(entry);
  const wanted = imageInputs(spec);
  if (!recorded) {
    const adopted = (['file', 'source_volume', 'encrypted_data_key'] as const).filter((f) => manages(spec, f, ignored));
    if (adopted.length) {
      notes.push(
        `${address}: no record of ${adopted.join(', ')} from an earlier apply (imported); the files' values are adopted without replacing the image`,
      );
    }
  } else {
    for (const field of ['file', 'source_volume', 'encrypted_data_key'] as const) {
      if (!manages(spec, field, ignored) && recorded[field] === undefined) continue;
      if (ignored.includes(field)) continue;
      if (wanted[field] === recorded[field]) continue;
      if (field === 'encrypted_data_key') {
        fields.push({ path: field, before: SENSITIVE, after: SENSITIVE, sensitive: true });
      } else if (field === 'source_volume' && isUnknown(idOf(spec.source_volume))) {
        fields.push({
          path: field,
          before: recorded[field] ?? null,
          after: KNOWN_AFTER_APPLY,
          known_after_apply: true,
        });
      } else {
        fields.push({
          path: field,
          before: recorded[field] ?? null,
          after: field === 'file' ? (wanted.file ?? null) : (spec[field] ?? null),
        });
      }
    }
  }

  // Fields the cloud returns: compared with the cloud.
  const compareCloud = (field: string, desired: unknown, current: unknown): void => {
    if (!manages(spec, field, ignored)) return;
    if (isUnknown(desired)) {
      fields.push({
        path: field,
        before: current ?? null,
        after: KNOWN_AFTER_APPLY,
        known_after_apply: true,
      });
    } else if (desired !== (current ?? undefined)) {
      fields.push({ path: field, before: current ?? null, after: desired ?? null });
    }
  };
  compareCloud('operating_system', idOf(spec.operating_system), actual.operating_system?.name);
  compareCloud('resource_group', idOf(spec.resource_group), actual.resource_group?.id);
  compareCloud('encryption_key', idOf(spec.encryption_key), actual.encryption_key?.crn);

  // So far only fields the declaration says replace: the engine's rule (impact.ts) decides, as it will for the plan.
  const replacing = replaceReason !== undefined || impactOf(imageDeclaration, fields) === 'replace';

  // An image still under its create key is renamed whatever ignore_changes says: the rename finishes its create.
  const underKey = entry?.intent?.key !== undefined && actual.name === entry.intent.key;
  if ((underKey || !ignored.includes('name')) && name !== actual.name) {
    fields.push({ path: 'name', before: actual.name, after: name });
  }

  const dateChanges: FieldChange[] = [];
  for (const field of DATE_FIELDS) {
    if (!manages(spec, field, ignored)) continue;
    const current = dateValue(actual[field]);
    const desired = desiredDates[field];
    if (replacing) {
      checkNewDate(input, field, desired, diagnostics);
      if (desired !== null && !sameDate(current, desired))
        dateChanges.push({ path: field, before: current, after: desired });
      continue;
    }
    if (sameDate(current, desired)) continue;
    if (desired !== null && inEffect(current, now)) {
      diagnostics.push(
        error(
          'plan.date-in-effect',
          `${address}: spec.${field} cannot move from ${current}: that date is already in effect (the image is ${actual.status})`,
          document.locate(['spec', field]),
          `a date in effect can be removed with ${field}: null, but not changed`,
        ),
      );
    } else {
      checkNewDate(input, field, desired, diagnostics);
    }
    if (actual.catalog_offering?.managed) {
      diagnostics.push(
        error(
          'plan.catalog-managed',
          `${address}: ${actual.id} is in a private catalog; its lifecycle dates cannot be changed`,
          document.locate(['spec', field]),
          "manage the image's lifecycle from the catalog, or remove the field from the document",
        ),
      );
    }
    dateChanges.push({ path: field, before: current, after: desired });
  }
  checkDateOrder(input, desiredDates, diagnostics);

  const after = replacing ? 'available' : predictStatus(actual.status, desiredDates, now);
  if (!replacing && dateChanges.length && after !== actual.status) {
    dateChanges[dateChanges.length - 1]!.status = { before: actual.status, after };
  }
  fields.push(...dateChanges);

  // An image an interrupted apply (or a wait that gave up) left pending is awaited, not "no changes".
  const unfinished =
    !replacing && UNFINISHED.has(actual.status)
      ? `its creation has not finished (status ${actual.status}): apply waits for it`
      : undefined;
  const found: KindPlan = {
    exists: true,
    fields,
    ...(replaceReason ? { replaceReason } : {}),
    ...(unfinished ? { unfinished, reason: unfinished } : {}),
    id: actual.id,
    attributes: replacing ? { name } : imageAttributes(actual, name),
    diagnostics,
    effectiveDates: desiredDates,
    notes,
  };
  const action = deriveAction(imageDeclaration, found);
  const awaitedStatus = unfinished && after === actual.status ? 'available' : after;
  if (replaceReason) found.reason = replaceReason;
  else if (action !== 'await') delete found.reason;
  if (action !== 'none' && awaitedStatus !== actual.status)
    found.status = { before: actual.status, after: awaitedStatus };
  return found;
}

/** What changed outside imageform since the last apply recorded the image. */
function imageDrift(input: IbmDriftInput): DriftFound | undefined {
  const { entry, snapshot } = input;
  if (!entry.id) return undefined;
  const actual = snapshot.images.get(entry.id);
  if (!actual) return snapshot.goneImages.has(entry.id) ? { fields: [], gone: true } : undefined;
  const before = entry.attributes;
  const fields: FieldChange[] = [];
  // A rename (finishing a create, or half of a swap) may have gone through with its answer lost: the cloud has the
  // name the intent moves the image to.
  const renamedByUs = entry.intent?.action === 'rename' && actual.name === entry.intent.name;
  if (typeof before.name === 'string' && before.name !== actual.name && !renamedByUs) {
    fields.push({ path: 'name', before: before.name, after: actual.name });
  }
  for (const field of DATE_FIELDS) {
    if (input.ownedElsewhere.has(field)) continue;
    const was = dateValue(before[field]);
    const now = dateValue(actual[field]);
    if (!sameDate(was, now)) fields.push({ path: field, before: was, after: now });
  }
  // A scheduled date taking effect is the cloud doing what it was told, not drift; other status changes are.
  const previous = typeof before.status === 'string' ? before.status : undefined;
  if (previous && previous !== actual.status && !fields.length && !input.ownedElsewhere.has('status')) {
    const explained =
      (previous === 'pending' || previous === 'partially_available' || isLifecycleStatus(previous)) &&
      isLifecycleStatus(actual.status) &&
      actual.status ===
        statusForDates(
          { deprecation_at: dateValue(actual.deprecation_at), obsolescence_at: dateValue(actual.obsolescence_at) },
          snapshot.now,
        );
    if (!explained) fields.push({ path: 'status', before: previous, after: actual.status });
  }
  return fields.length ? { fields } : undefined;
}

/**
 * What state keeps of an image: the attributes a reference or `imageform output` reads (which include all drift
 * compares: name, status, the dates) and the write-only inputs, not the whole cloud object. Everything else was
 * never read back, and at 10,000 images it was two thirds of a state file every run parses and every apply writes.
 * An entry an earlier version wrote with the whole object reads the same, and its next apply slims it.
 */
export function stateAttributes(image: CloudImage, inputs: ImageInputs | undefined): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const attribute of imageDeclaration.referenceAttributes) {
    if (image[attribute] !== undefined) kept[attribute] = image[attribute];
  }
  if (inputs) kept.inputs = inputs;
  return kept;
}

/**
 * Wait, without a slot, for the image's creation to end; the image poller reads every waiting image at once. Every
 * caller only records what it finds after this wait: it is the operation's last contact with the cloud (`final`).
 */
async function waitUntilSettled(context: IbmContext, id: string, name: string): Promise<CloudImage> {
  const image = await context.idle(
    () =>
      imagePoller(context.client).wait(id, {
        done: (found) => !found || SETTLED.has(found.status),
        timeoutMs: context.timeouts.createMs,
        describe: `image "${name}" to become available`,
        onProgress: (found) => context.progress(`status ${found?.status ?? 'unknown'}`),
      }),
    { final: true },
  );
  if (!image) throw new Error(`image ${id} ("${name}") disappeared while it was being created`);
  return image;
}

async function createImage(context: IbmContext): Promise<void> {
  const spec = context.spec!;
  const document = context.document!;
  const name = desiredName({ document, spec });
  const inputs = imageInputs(spec);
  const base = {
    kind: 'image' as const,
    dependencies: context.entry?.dependencies ?? [],
    lifecycle: recordedLifecycle(document.lifecycle),
  };
  // The image is created under a create key, written with the intent before the call: after a crash or a lost
  // answer only an image with that name is this intent's. An intent whose image never showed keeps its key, so a
  // create the dead process sent that reaches the cloud late is still found, not left behind.
  const previous = context.entry?.id ? undefined : context.entry?.intent;
  const key = previous?.action === 'create' && previous.key ? previous.key : newCreateKey();
  const intent = { action: 'create' as const, name, key, started_at: new Date().toISOString() };
  await context.record({ ...base, id: null, attributes: {}, intent });

  const prototype: ImagePrototype = { name: key };
  const file = fileHref(spec.file);
  if (file) prototype.file = { href: file };
  const os = idOf(spec.operating_system);
  if (typeof os === 'string') prototype.operating_system = { name: os };
  const group = idOf(spec.resource_group);
  if (typeof group === 'string') prototype.resource_group = { id: group };
  const volume = spec.source_volume;
  if (volume !== undefined && volume !== null) {
    const ref = idOf(volume);
    if (typeof ref === 'string') prototype.source_volume = ref.startsWith('crn:') ? { crn: ref } : { id: ref };
  }
  const dataKey = stringOf(spec.encrypted_data_key);
  if (dataKey) prototype.encrypted_data_key = dataKey;
  const rootKey = idOf(spec.encryption_key);
  if (typeof rootKey === 'string') prototype.encryption_key = { crn: rootKey };
  for (const field of DATE_FIELDS) {
    const value = dateValue(spec[field]);
    // ignore_changes governs updates only: a new image gets the value the plan showed (as in Terraform).
    if (value) prototype[field] = canonicalDate(value);
  }

  const created = await createUnderKey(context, prototype, key);
  // The id is recorded before the rename: from here on the id, not a name, says which image is ours.
  await context.record({
    ...base,
    id: created.id,
    attributes: stateAttributes(created, inputs),
    intent: { ...intent, action: 'rename' },
  });
  const renamed = await renameFromKey(context, created, name);
  // Nothing waits on this record but the next one: it is stored while the image is awaited.
  const renamedRecorded = context.record({ ...base, id: created.id, attributes: stateAttributes(renamed, inputs) });
  // Awaited below; a wait that fails first must not leave its failure unhandled.
  renamedRecorded.catch(() => undefined);
  const settled = await waitUntilSettled(context, created.id, name);
  await renamedRecorded;
  await context.record({ ...base, id: created.id, attributes: stateAttributes(settled, inputs) });
  throwIfFailed(settled, name);
}

function throwIfFailed(image: CloudImage, name: string): void {
  if (image.status === 'failed' || image.status === 'unusable') {
    throw new Error(`image "${name}" (${image.id}) ended "${image.status}": ${describeReasons(image)}`);
  }
}

/** POST under the key; "not unique" means a create sent earlier under this same key got there: that image is ours. */
async function createUnderKey(context: IbmContext, prototype: ImagePrototype, key: string): Promise<CloudImage> {
  try {
    return await context.client.createImage(prototype, { describe: `create ${context.address}`, nameIsKey: true });
  } catch (err) {
    if (!(err instanceof CloudError) || err.code !== 'validation_unique_failed') throw err;
    const found = (await context.client.listImages({ name: key })).find((image) => image.name === key);
    if (!found) throw err;
    return found;
  }
}

/** The second step of a create: from the key to the document's name, which another object may hold by now. */
async function renameFromKey(context: IbmContext, created: CloudImage, name: string): Promise<CloudImage> {
  if (created.name === name) return created;
  try {
    return await context.client.updateImage(created.id, { name });
  } catch (err) {
    if (!(err instanceof CloudError) || err.code !== 'validation_unique_failed') throw err;
    const holder = (await context.client.listImages({ name })).find(
      (image) => image.name === name && image.id !== created.id,
    );
    const holderId = holder ? holder.id : 'another image';
    throw new Error(
      `the image name "${name}" is held by ${holderId}, which this state does not manage (another checkout may have created it); ` +
        `this state's image ${created.id} keeps its temporary name "${created.name}": give the document another spec.name, or, to manage ` +
        `${holderId} instead, remove this one by deleting its document and applying, then run "imageform import ${context.address} ${holder ? holder.id : 'ID'}"`,
      { cause: err },
    );
  }
}

/** An image an interrupted apply (or a wait that gave up) left pending: wait for it, and fail if it failed. */
async function awaitImage(context: IbmContext): Promise<void> {
  const entry = context.entry!;
  const id = entry.id!;
  const name = context.document
    ? desiredName({ document: context.document, spec: context.spec ?? {} })
    : String(entry.attributes.name ?? id);
  const settled = await waitUntilSettled(context, id, name);
  await context.record({ ...entry, attributes: stateAttributes(settled, recordedInputs(entry)) });
  throwIfFailed(settled, name);
}

async function updateImage(context: IbmContext): Promise<void> {
  const spec = context.spec!;
  const document = context.document!;
  const entry = context.entry!;
  const id = entry.id!;
  const ignored = document.lifecycle.ignore_changes;
  const current = await context.client.getImage(id);
  if (!current) throw new Error(`image ${id} can no longer be read (404)`);
  const patch: ImagePatch = {};
  const name = desiredName({ document, spec });
  // An image still under its create key is renamed whatever ignore_changes says: the rename finishes its create.
  const underKey = entry.intent?.key !== undefined && current.name === entry.intent.key;
  if ((underKey || !ignored.includes('name')) && name !== current.name) patch.name = name;
  for (const field of DATE_FIELDS) {
    if (!manages(spec, field, ignored)) continue;
    const desired = dateValue(spec[field]);
    if (!sameDate(current[field], desired)) patch[field] = desired === null ? null : canonicalDate(desired);
  }
  let updated = current;
  if (underKey && patch.name !== undefined) {
    // The rename from the key on its own, so a name another image took fails as such.
    const { name: rename, ...others } = patch;
    if (Object.keys(others).length) updated = await context.client.updateImage(id, others);
    updated = await renameFromKey(context, updated, rename);
  } else if (Object.keys(patch).length) {
    updated = await context.client.updateImage(id, patch);
  }
  const inputs = recordedInputs(entry) ?? imageInputs(spec);
  // A successful update finishes any rename in flight: the create key's or a swap's temporary name.
  const recorded: ResourceState = {
    ...withoutRenameIntent(entry),
    lifecycle: recordedLifecycle(document.lifecycle),
    attributes: stateAttributes(updated, inputs),
  };
  await context.record(recorded);
  // An adopted image may still be pending: its create is not finished until it is ready.
  if (UNFINISHED.has(updated.status)) {
    const settled = await waitUntilSettled(context, id, name);
    await context.record({ ...recorded, attributes: stateAttributes(settled, inputs) });
    throwIfFailed(settled, name);
  }
}

/** The first half of a swap: the intent is recorded first, so a crash after the call leaves a name known to be ours. */
async function renameImageAside(context: IbmContext, name: string): Promise<void> {
  const entry = context.entry!;
  const intent = { action: 'rename' as const, name, started_at: new Date().toISOString() };
  await context.record({ ...entry, intent });
  const updated = await context.client.updateImage(entry.id!, { name });
  await context.record({ ...entry, intent, attributes: stateAttributes(updated, recordedInputs(entry)) });
}

async function deleteImage(context: IbmContext): Promise<void> {
  const id = context.entry?.id;
  if (!id) return;
  // An image already being deleted (outside imageform) refuses a second DELETE with 409: wait for it instead.
  const current = await context.client.getImage(id);
  if (current && current.status !== 'deleting') await context.client.deleteImage(id);
  await context.idle(
    () =>
      imagePoller(context.client).wait(id, {
        done: (image) => image === undefined,
        timeoutMs: context.timeouts.deleteMs,
        describe: `image ${id} to be deleted`,
        onProgress: () => context.progress('deleting'),
      }),
    { final: true },
  );
}

/** The image a status action changed: its own entry learns of it, so the next drift check is not fooled. */
export function recordImage(context: IbmContext, image: CloudImage): Promise<void> {
  return context.recordOther('image', image.id, (entry) => ({
    ...entry,
    attributes: stateAttributes(image, recordedInputs(entry)),
  }));
}

/** Bring the entry up to what the refresh saw (DESIGN.md §5): adopt an intent's image, record current attributes. */
function refreshImageEntry(
  entry: ResourceState,
  snapshot: IbmSnapshot,
  address: string,
  document: ResourceDocument | undefined,
): boolean {
  let changed = false;
  const adopted = snapshot.adoptedIntents.get(address);
  if (!entry.id && adopted) {
    entry.id = adopted;
    // An image found under its create key still has to be renamed: that step of its create stays recorded.
    if (entry.intent?.key) entry.intent = { ...entry.intent, action: 'rename' };
    else delete entry.intent;
    changed = true;
  }
  if (!entry.id) return changed;
  // An imported image has no record of its write-only inputs: the first apply adopts the files' values.
  if (!entry.attributes.inputs && document) {
    entry.attributes = { ...entry.attributes, inputs: imageInputs(document.spec) };
    changed = true;
  }
  const image = snapshot.images.get(entry.id);
  if (!image) return changed;
  const next = stateAttributes(image, recordedInputs(entry));
  if (!sameValue(next, entry.attributes)) {
    entry.attributes = next;
    changed = true;
  }
  // The rename that finishes a create went through (its answer may have been lost).
  if (entry.intent?.action === 'rename' && image.name === entry.intent.name) {
    delete entry.intent;
    changed = true;
  }
  return changed;
}

async function importImage(client: IbmVpcClient, id: string): Promise<Pick<ResourceState, 'id' | 'attributes'>> {
  const image = await client.getImage(id);
  if (!image)
    throw UserError.of(
      'import.not-found',
      `no image with ID ${id} can be read`,
      "check the ID with the cloud's image list",
    );
  return { id: image.id, attributes: stateAttributes(image, undefined) };
}

export const imageKind: IbmKind = {
  ...imageDeclaration,
  plan: planImage,
  drift: imageDrift,
  create: createImage,
  update: updateImage,
  await: awaitImage,
  delete: deleteImage,
  renameAside: renameImageAside,
  nameScope: () => 'image',
  refreshEntry: refreshImageEntry,
  objectExists: (entry, snapshot) => {
    const image = entry.id ? snapshot.images.get(entry.id) : undefined;
    return image !== undefined && image.status !== 'deleting';
  },
  importObject: (client, id) => importImage(client, id),
};
