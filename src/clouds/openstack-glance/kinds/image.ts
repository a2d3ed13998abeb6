import { randomUUID } from 'node:crypto';
import { CloudError } from '../../../core/cloud-error.js';
import { manages } from '../../../core/managed-fields.js';
import type { ResourceDocument } from '../../../core/document.js';
import { dueDates, planDateEnactment, scheduledByApply, type DateField } from '../../../core/date-enactment.js';
import { canonicalDate, sameDate, toInstant } from '../../../core/dates.js';
import { error, type Diagnostic } from '../../../core/diagnostic.js';
import { UserError } from '../../../core/errors.js';
import { inEffect, isLifecycleStatus, statusForDates, type LifecycleDates } from '../../../core/lifecycle-dates.js';
import { describeStatus } from '../../../core/lifecycle-status.js';
import { KNOWN_AFTER_APPLY, type FieldChange } from '../../../core/plan-types.js';
import { isUnknown } from '../../../core/unknown.js';
import { deriveAction, impactOf } from '../../../engine/impact.js';
import { leafChanges } from '../../../engine/nested-diff.js';
import type { DriftFound, KindPlan } from '../../../engine/resource-kind.js';
import { sameValue } from '../../../state/same-value.js';
import { recordedLifecycle, type ResourceState } from '../../../state/state.js';
import type { GlanceApi, GlanceImage, ImagePatchOperation } from '../glance-api.js';
import { DATE_MARKS, dateMarks, userProperties } from '../image-fields.js';
import { glanceLifecycle } from '../lifecycle-status.js';
import { imagePoller } from '../pollers.js';
import type { GlanceSnapshot } from '../snapshot.js';
import { sourceFilePath } from '../source-file.js';
import { type GlanceContext, type GlanceDriftInput, type GlanceKind, type GlancePlanInput } from './glance-kind.js';
import { imageDeclaration } from './image-declaration.js';

/**
 * kind: image on Glance (DESIGN.md §8.2): POST /v2/images under an id imageform chose (recorded first), then the
 * data (uploaded from a file, or web-download from a URL), and a wait until active; the record's fields update in
 * place with a JSON patch; the source and formats replace; dates are marks imageform writes and enacts (§8.4).
 */
const DATE_FIELDS: readonly DateField[] = ['deprecation_at', 'obsolescence_at'];

/** Spec fields and the Glance field each is compared with. */
const SIMPLE_FIELDS = [
  ['name', 'name'],
  ['min_disk_gb', 'min_disk'],
  ['min_ram_mb', 'min_ram'],
  ['protected', 'protected'],
  ['visibility', 'visibility'],
  ['disk_format', 'disk_format'],
  ['container_format', 'container_format'],
] as const;

/** What the files wrote that the cloud never returns in that form: compared with the last apply's record. */
interface ImageInputs {
  source?: string;
}

function desiredName(input: { document: { name: string }; spec: Record<string, unknown> }): string {
  return typeof input.spec.name === 'string' ? input.spec.name : input.document.name;
}

function sourceOf(spec: Record<string, unknown>): Record<string, unknown> {
  return spec.source && typeof spec.source === 'object' ? (spec.source as Record<string, unknown>) : {};
}

function wantedInputs(spec: Record<string, unknown>, digest: string | undefined): ImageInputs {
  const source = sourceOf(spec);
  if (typeof source.url === 'string') return { source: `url:${source.url}` };
  if (typeof source.file === 'string' && digest) return { source: `file:${digest}` };
  return {};
}

function recordedInputs(entry: ResourceState | undefined): ImageInputs | undefined {
  const inputs = entry?.attributes.inputs;
  return inputs && typeof inputs === 'object' ? (inputs as ImageInputs) : undefined;
}

function dateValue(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** What state keeps of an image: what references and drift read, in imageform's words, and the write-only inputs. */
export function stateAttributes(image: GlanceImage, inputs: ImageInputs | undefined): Record<string, unknown> {
  const marks = dateMarks(image);
  return {
    id: image.id,
    name: image.name,
    status: glanceLifecycle(image).status,
    visibility: image.visibility,
    protected: image.protected,
    min_disk_gb: image.min_disk,
    min_ram_mb: image.min_ram,
    tags: [...image.tags].sort(),
    properties: userProperties(image),
    checksum: image.checksum,
    os_hash_algo: image.os_hash_algo,
    os_hash_value: image.os_hash_value,
    size: image.size,
    created_at: image.created_at,
    deprecation_at: marks.deprecation_at ?? null,
    obsolescence_at: marks.obsolescence_at ?? null,
    ...(inputs ? { inputs } : {}),
  };
}

/** The dates the files manage (absent: not managed, so the image keeps its mark). */
function managedDates(spec: Record<string, unknown>, ignored: readonly string[]): LifecycleDates {
  const dates: LifecycleDates = {};
  for (const field of DATE_FIELDS) if (manages(spec, field, ignored)) dates[field] = dateValue(spec[field]);
  return dates;
}

function checkDates(
  input: GlancePlanInput,
  desired: LifecycleDates,
  marks: LifecycleDates,
  after: LifecycleDates,
  diagnostics: Diagnostic[],
): void {
  const { document, now } = input;
  for (const field of DATE_FIELDS) {
    const value = after[field];
    if (typeof value !== 'string' || sameDate(marks[field] ?? null, value)) continue;
    const at = document.locate(['spec', field]);
    if (inEffect(marks[field], now)) {
      diagnostics.push(
        error(
          'plan.date-in-effect',
          `${document.address}: spec.${field} cannot move from ${marks[field]}: that date is already in effect`,
          at,
          `a date in effect can be removed with ${field}: null, but not changed`,
        ),
      );
    } else if ((toInstant(value) ?? 0) <= now.getTime()) {
      diagnostics.push(
        error(
          'plan.date-not-future',
          `${document.address}: spec.${field} (${value}) must be later than the cloud's current time (${now.toISOString()})`,
          at,
          "a date being set must lie in the future by the cloud's clock; choose a later date, or null to remove it",
        ),
      );
    }
  }
  // Only dates the document sets are its to order: marks a status action wrote are that action's.
  if (Object.keys(desired).length === 0) return;
  const deprecation = toInstant(after.deprecation_at);
  const obsolescence = toInstant(after.obsolescence_at);
  if (deprecation !== undefined && obsolescence !== undefined && obsolescence <= deprecation)
    diagnostics.push(
      error(
        'plan.date-order',
        `${document.address}: spec.obsolescence_at must be after deprecation_at (${after.deprecation_at})`,
        document.locate(['spec', 'obsolescence_at']),
        'an image is deprecated before it is made obsolete',
      ),
    );
}

function planImage(input: GlancePlanInput): KindPlan {
  const { document, spec, entry, snapshot, now } = input;
  const address = document.address;
  const ignored = document.lifecycle.ignore_changes;
  const name = desiredName(input);
  const id = entry?.id ?? snapshot.adoptedIntents.get(address) ?? undefined;
  const actual = id ? snapshot.images.get(id) : undefined;
  const diagnostics: Diagnostic[] = [];
  const notes: string[] = [];
  const digest = snapshot.sourceDigests.get(address);
  if (digest === 'unreadable')
    diagnostics.push(
      error(
        'plan.source-unreadable',
        `${address}: spec.source.file cannot be read`,
        document.locate(['spec', 'source', 'file']),
        'check the path and its permissions',
      ),
    );
  if (id && snapshot.adoptedIntents.get(address) === id && !entry?.id)
    notes.push(
      `${address}: found ${id} (the id it chose), created by an interrupted apply; it is adopted, not created again`,
    );
  const namesakes = (snapshot.imageIdsByName.get(name) ?? []).filter((other) => other !== id);
  if (!actual && namesakes.length)
    notes.push(
      `${address}: Glance names are not unique, and ${namesakes.join(', ')} already has the name "${name}" (imageform import ${address} ID, if it is the same image)`,
    );

  const desiredDates = managedDates(spec, actual ? ignored : []);
  const marks = actual ? dateMarks(actual) : {};
  const enactment = planDateEnactment(desiredDates, marks, now);
  checkDates(input, desiredDates, marks, enactment.marks, diagnostics);
  for (const { field, at } of enactment.scheduled) notes.push(`${address}: ${field} ${at}: ${scheduledByApply(at)}`);
  const effectiveDates = {
    deprecation_at: enactment.marks.deprecation_at ?? null,
    obsolescence_at: enactment.marks.obsolescence_at ?? null,
  };

  if (!actual) {
    const fields: FieldChange[] = [{ path: 'name', before: null, after: name }];
    for (const [path, value] of Object.entries(spec)) {
      if (path === 'name' || value === undefined || value === null) continue;
      if (isUnknown(value)) fields.push({ path, before: null, after: KNOWN_AFTER_APPLY, known_after_apply: true });
      else fields.push({ path, before: null, after: value });
    }
    const gone = id !== undefined && snapshot.goneImages.has(id);
    return {
      exists: false,
      fields,
      status: { before: null, after: enactment.status },
      ...(gone ? { reason: `${id} could no longer be read (404); a new image will be created` } : {}),
      attributes: { name },
      diagnostics,
      effectiveDates,
      notes,
    };
  }

  const lifecycle = glanceLifecycle(actual);
  const fields: FieldChange[] = [];
  let replaceReason: string | undefined;
  if (lifecycle.status === 'failed')
    replaceReason = `the image ended ${describeStatus(lifecycle)}: ${lifecycle.reason}`;
  if (lifecycle.status === 'deleting') replaceReason = 'the image is being deleted outside imageform';
  const dataless = actual.status === 'queued' && actual.size === null;
  if (dataless && !replaceReason) replaceReason = 'its data never arrived (a create that was cut off)';

  // The source is write-only: compared with what the last apply recorded; after an import there is none, and the
  // files' source is adopted.
  const recorded = recordedInputs(entry);
  const wanted = wantedInputs(spec, digest);
  if (!recorded?.source) {
    if (manages(spec, 'source', ignored) && entry)
      notes.push(`${address}: no record of the source from an earlier apply (imported); the files' source is adopted`);
  } else if (manages(spec, 'source', ignored) && wanted.source && wanted.source !== recorded.source) {
    fields.push({ path: 'source', before: describeInput(recorded.source), after: describeInput(wanted.source) });
  }
  for (const [field, cloudField] of SIMPLE_FIELDS) {
    if (!manages(spec, field, ignored)) continue;
    const desired = spec[field];
    const current = actual[cloudField] ?? null;
    if (isUnknown(desired))
      fields.push({ path: field, before: current, after: KNOWN_AFTER_APPLY, known_after_apply: true });
    else if (desired !== current) fields.push({ path: field, before: current, after: desired ?? null });
  }
  if (!manages(spec, 'name', ignored) && !ignored.includes('name') && actual.name !== name)
    fields.push({ path: 'name', before: actual.name, after: name });
  if (manages(spec, 'tags', ignored)) {
    const desired = [...((spec.tags as string[] | undefined) ?? [])].sort();
    const current = [...actual.tags].sort();
    if (!sameValue(desired, current)) fields.push({ path: 'tags', before: current, after: desired });
  }
  if (manages(spec, 'properties', ignored))
    fields.push(...leafChanges('properties', userProperties(actual), spec.properties ?? {}));

  const replacing = replaceReason !== undefined || impactOf(imageDeclaration, fields) === 'replace';
  const dateChanges: FieldChange[] = [];
  for (const field of DATE_FIELDS) {
    if (!(field in desiredDates)) continue;
    const before = marks[field] ?? null;
    const after = enactment.marks[field] ?? null;
    if (!sameDate(before, after)) dateChanges.push({ path: field, before, after });
  }
  const current = isLifecycleStatus(lifecycle.status) ? lifecycle.status : undefined;
  if (!replacing && current && enactment.status !== current) {
    const change = { before: describeStatus(lifecycle), after: describeStatus(glanceWords(enactment.status)) };
    if (dateChanges.length) dateChanges[dateChanges.length - 1]!.status = change;
    // A date whose time has come since the last apply: enacted now.
    else fields.push({ path: 'status', before: change.before, after: change.after });
  }
  fields.push(...dateChanges);

  const unfinished =
    !replacing && lifecycle.status === 'pending'
      ? `its creation has not finished (${describeStatus(lifecycle)}): apply waits for it`
      : undefined;
  const found: KindPlan = {
    exists: true,
    fields,
    ...(replaceReason ? { replaceReason, reason: replaceReason } : {}),
    ...(unfinished ? { unfinished, reason: unfinished } : {}),
    id: actual.id,
    attributes: replacing ? { name } : stateAttributes(actual, recorded ?? wanted),
    diagnostics,
    effectiveDates,
    notes,
  };
  const action = deriveAction(imageDeclaration, found);
  if (!replaceReason && action !== 'await') delete found.reason;
  const after = replacing ? 'available' : enactment.status;
  if (action !== 'none' && current !== after) found.status = { before: lifecycle.status, after };
  return found;
}

/** The Glance words of an imageform status, for the plan (deprecated is os_hidden, obsolete deactivated). */
function glanceWords(status: 'available' | 'deprecated' | 'obsolete') {
  return status === 'deprecated'
    ? glanceLifecycle({ status: 'active', os_hidden: true })
    : status === 'obsolete'
      ? glanceLifecycle({ status: 'deactivated' })
      : glanceLifecycle({ status: 'active' });
}

function describeInput(input: string): string {
  return input.startsWith('url:')
    ? input.slice(4)
    : input.startsWith('file:')
      ? `a file with ${input.slice(5, 24)}…`
      : input;
}

function imageDrift(input: GlanceDriftInput): DriftFound | undefined {
  const { entry, snapshot } = input;
  if (!entry.id) return undefined;
  const actual = snapshot.images.get(entry.id);
  if (!actual) return snapshot.goneImages.has(entry.id) ? { fields: [], gone: true } : undefined;
  const before = entry.attributes;
  const now = stateAttributes(actual, undefined);
  const fields: FieldChange[] = [];
  for (const field of ['name', 'visibility', 'protected', 'min_disk_gb', 'min_ram_mb', 'tags'] as const) {
    if (before[field] !== undefined && !sameValue(before[field], now[field]))
      fields.push({ path: field, before: before[field], after: now[field] });
  }
  if (before.properties !== undefined) fields.push(...leafChanges('properties', before.properties, now.properties));
  for (const field of DATE_FIELDS) {
    if (input.ownedElsewhere.has(field)) continue;
    if (!sameDate(dateValue(before[field]), dateValue(now[field])))
      fields.push({ path: field, before: dateValue(before[field]), after: dateValue(now[field]) });
  }
  // A status its marks give is imageform's doing, or due at the next apply; any other change is drift.
  const previous = typeof before.status === 'string' ? before.status : undefined;
  const status = String(now.status);
  const marks = dateMarks(actual);
  if (previous && previous !== status && !fields.length && !input.ownedElsewhere.has('status')) {
    const owed = statusForDates(marks, snapshot.now);
    const explained = isLifecycleStatus(status) && (status === owed || previous === 'pending');
    if (!explained) fields.push({ path: 'status', before: previous, after: status });
  }
  const due = isLifecycleStatus(status)
    ? dueDates(marks, status, snapshot.now).map((field) => ({ path: field, at: marks[field]! }))
    : [];
  return fields.length || due.length ? { fields, ...(due.length ? { due } : {}) } : undefined;
}

/** The record a create sends: Glance's flat body, base fields and properties side by side (reference §5). */
function createBody(id: string, spec: Record<string, unknown>, name: string): { id: string } & Record<string, unknown> {
  const body: { id: string } & Record<string, unknown> = {
    id,
    name,
    disk_format: spec.disk_format,
    container_format: spec.container_format ?? 'bare',
  };
  if (typeof spec.min_disk_gb === 'number') body.min_disk = spec.min_disk_gb;
  if (typeof spec.min_ram_mb === 'number') body.min_ram = spec.min_ram_mb;
  if (typeof spec.visibility === 'string') body.visibility = spec.visibility;
  if (Array.isArray(spec.tags)) body.tags = spec.tags;
  if (spec.properties && typeof spec.properties === 'object') Object.assign(body, spec.properties);
  for (const field of DATE_FIELDS) {
    const value = dateValue(spec[field]);
    if (value) body[DATE_MARKS[field]] = canonicalDate(value);
  }
  return body;
}

/** Wait, without a slot, until the image is active or has failed; the poller reads every waiting image at once. */
async function waitUntilSettled(context: GlanceContext, id: string, name: string): Promise<GlanceImage> {
  const image = await context.idle(
    () =>
      imagePoller(context.client).wait(id, {
        done: (found) => !found || glanceLifecycle(found).status !== 'pending',
        timeoutMs: context.timeouts.createMs,
        describe: `image "${name}" to become active`,
        onProgress: (found) => context.progress(found ? describeStatus(glanceLifecycle(found)) : 'gone'),
      }),
    { final: true },
  );
  if (!image) throw new Error(`image ${id} ("${name}") disappeared while it was being created`);
  return image;
}

function throwIfFailed(image: GlanceImage, name: string): void {
  const lifecycle = glanceLifecycle(image);
  if (lifecycle.status === 'failed')
    throw new Error(`image "${name}" (${image.id}) ended ${describeStatus(lifecycle)}: ${lifecycle.reason}`);
}

/** The download credentials of a URL source: the password read from its variable now, before anything is sent. */
function sourceCredentials(
  context: GlanceContext,
  source: Record<string, unknown>,
): { username: string; password: string } | undefined {
  if (typeof source.url !== 'string' || typeof source.username !== 'string') return undefined;
  const variable = typeof source.password_env === 'string' ? source.password_env : undefined;
  const password = variable ? context.client.variable(variable) : '';
  if (variable && !password)
    throw UserError.of(
      'apply.variable-missing',
      `${variable} is not set`,
      `export ${variable}=<the download password of ${source.username}>; it is read at apply time and never stored`,
    );
  return { username: source.username, password: password ?? '' };
}

async function createImage(context: GlanceContext): Promise<void> {
  const spec = context.spec!;
  const document = context.document!;
  const name = desiredName({ document, spec });
  const base = {
    kind: 'image' as const,
    dependencies: context.entry?.dependencies ?? [],
    lifecycle: recordedLifecycle(document.lifecycle),
  };
  // The id is chosen here and recorded before the call: after a crash or a lost answer, the image with this id
  // is this intent's (DESIGN.md §8.2; Glance answers 409 to a second create of it).
  const source = sourceOf(spec);
  const credentials = sourceCredentials(context, source);
  const previous = context.entry?.id ? undefined : context.entry?.intent;
  const id = previous?.action === 'create' && previous.key ? previous.key : randomUUID();
  const intent = { action: 'create' as const, name, key: id, started_at: new Date().toISOString() };
  await context.record({ ...base, id: null, attributes: {}, intent });

  let created: GlanceImage;
  try {
    created = await context.client.createImage(createBody(id, spec, name));
  } catch (err) {
    const earlier = err instanceof CloudError && err.status === 409 ? await context.client.getImage(id) : undefined;
    if (!earlier) throw err;
    created = earlier;
  }
  const path = sourceFilePath(document);
  const inputs: ImageInputs = {};
  await context.record({ ...base, id, attributes: stateAttributes(created, undefined), intent });

  let sentDigest: string | undefined;
  if (path) {
    const sent = await context.client.uploadFile(id, path, (bytes) => context.progress(`uploaded ${bytes} bytes`));
    sentDigest = sent.sha512;
    inputs.source = `file:sha512:${sent.sha512}`;
  } else if (typeof source.url === 'string') {
    const methods = await context.client.importMethods();
    if (credentials || !methods.includes('web-download')) {
      // Credentials never go to the cloud inside a web-download URI: imageform streams the download itself.
      const sent = await context.client.uploadFromUrl(id, source.url, credentials, (bytes) =>
        context.progress(`uploaded ${bytes} bytes`),
      );
      sentDigest = sent.sha512;
    } else {
      await context.client.importFromUrl(id, source.url);
    }
    inputs.source = `url:${source.url}`;
  }
  let settled = await waitUntilSettled(context, id, name);
  // Protected only once its data is in: an image a cut-off create left without data must stay deletable.
  if (spec.protected === true && glanceLifecycle(settled).status === 'available')
    settled = await context.client.updateImage(id, [{ op: 'replace', path: '/protected', value: true }]);
  await context.record({ ...base, id, attributes: stateAttributes(settled, inputs) });
  throwIfFailed(settled, name);
  if (sentDigest && spec.verify_checksum !== false && settled.os_hash_value && settled.os_hash_value !== sentDigest)
    throw new Error(
      `image "${name}" (${id}): the cloud's os_hash_value ${settled.os_hash_value.slice(0, 16)}… is not the sha512 of the file sent (${sentDigest.slice(0, 16)}…)`,
    );
}

async function awaitImage(context: GlanceContext): Promise<void> {
  const entry = context.entry!;
  const name = String(entry.attributes.name ?? entry.id);
  const settled = await waitUntilSettled(context, entry.id!, name);
  await context.record({ ...entry, attributes: stateAttributes(settled, recordedInputs(entry)) });
  throwIfFailed(settled, name);
}

/** The JSON patch that brings `current` to what the spec asks, and the status its date marks give now. */
export function imagePatch(
  current: GlanceImage,
  spec: Record<string, unknown>,
  name: string,
  ignored: readonly string[],
  dates: LifecycleDates,
  now: Date,
): { operations: ImagePatchOperation[]; status: 'available' | 'deprecated' | 'obsolete' } {
  const operations: ImagePatchOperation[] = [];
  const set = (path: string, value: unknown) => operations.push({ op: 'replace', path, value });
  if (!ignored.includes('name') && current.name !== name) set('/name', name);
  for (const [field, cloudField] of SIMPLE_FIELDS) {
    if (field === 'name' || field === 'disk_format' || field === 'container_format') continue;
    if (manages(spec, field, ignored) && spec[field] !== undefined && spec[field] !== current[cloudField])
      set(`/${cloudField}`, spec[field]);
  }
  if (manages(spec, 'tags', ignored)) {
    const desired = [...((spec.tags as string[] | undefined) ?? [])].sort();
    if (!sameValue(desired, [...current.tags].sort())) set('/tags', desired);
  }
  if (manages(spec, 'properties', ignored)) {
    const desired = (spec.properties ?? {}) as Record<string, string>;
    const existing = userProperties(current);
    for (const [key, value] of Object.entries(desired))
      if (existing[key] !== value) operations.push({ op: 'add', path: `/${key}`, value });
    for (const key of Object.keys(existing)) if (!(key in desired)) operations.push({ op: 'remove', path: `/${key}` });
  }
  const enactment = planDateEnactment(dates, dateMarks(current), now);
  const marks = dateMarks(current);
  for (const field of DATE_FIELDS) {
    const wanted = enactment.marks[field];
    if (wanted !== undefined && wanted !== marks[field])
      operations.push({ op: 'add', path: `/${DATE_MARKS[field]}`, value: wanted });
    if (wanted === undefined && marks[field] !== undefined)
      operations.push({ op: 'remove', path: `/${DATE_MARKS[field]}` });
  }
  // Deprecated is os_hidden (still bootable); an obsolete image is deactivated and hidden too.
  const hidden = enactment.status !== 'available';
  if (current.os_hidden !== hidden) set('/os_hidden', hidden);
  return { operations, status: enactment.status };
}

/** Patch, then deactivate or reactivate so the image's status is the one its marks give. */
export async function bringToStatus(
  client: GlanceApi,
  current: GlanceImage,
  operations: readonly ImagePatchOperation[],
  status: 'available' | 'deprecated' | 'obsolete',
): Promise<GlanceImage> {
  let image = current;
  if (image.status === 'deactivated' && status !== 'obsolete') {
    await client.reactivateImage(image.id);
    image = { ...image, status: 'active' };
  }
  if (operations.length) image = await client.updateImage(image.id, operations);
  if (image.status === 'active' && status === 'obsolete') {
    await client.deactivateImage(image.id);
    image = { ...image, status: 'deactivated' };
  }
  return image;
}

async function updateImage(context: GlanceContext): Promise<void> {
  const spec = context.spec!;
  const document = context.document!;
  const entry = context.entry!;
  const id = entry.id!;
  const current = await context.client.getImage(id);
  if (!current) throw new Error(`image ${id} can no longer be read (404)`);
  const ignored = document.lifecycle.ignore_changes;
  const now = await context.client.now();
  const { operations, status } = imagePatch(
    current,
    spec,
    desiredName({ document, spec }),
    ignored,
    managedDates(spec, ignored),
    now,
  );
  const updated = await bringToStatus(context.client, current, operations, status);
  const inputs = recordedInputs(entry) ?? wantedInputs(spec, undefined);
  const { intent: _done, ...rest } = entry;
  const recorded: ResourceState = {
    ...rest,
    lifecycle: recordedLifecycle(document.lifecycle),
    attributes: stateAttributes(updated, inputs),
  };
  await context.record(recorded);
  if (glanceLifecycle(updated).status === 'pending') {
    const settled = await waitUntilSettled(context, id, String(updated.name));
    await context.record({ ...recorded, attributes: stateAttributes(settled, inputs) });
    throwIfFailed(settled, String(updated.name));
  }
}

async function deleteImage(context: GlanceContext): Promise<void> {
  const id = context.entry?.id;
  if (!id) return;
  // DELETE is synchronous in Glance (reference §7): gone when it answers.
  await context.client.deleteImage(id);
}

/** The image a status action changed: its own entry learns of it, so the next drift check is not fooled. */
export function recordImage(context: GlanceContext, image: GlanceImage): Promise<void> {
  return context.recordOther('image', image.id, (entry) => ({
    ...entry,
    attributes: stateAttributes(image, recordedInputs(entry)),
  }));
}

function refreshImageEntry(
  entry: ResourceState,
  snapshot: GlanceSnapshot,
  address: string,
  document: ResourceDocument | undefined,
): boolean {
  let changed = false;
  const adopted = snapshot.adoptedIntents.get(address);
  if (!entry.id && adopted) {
    entry.id = adopted;
    delete entry.intent;
    changed = true;
  }
  if (!entry.id) return changed;
  // An imported image has no record of its source: the first apply adopts the files' one.
  if (!recordedInputs(entry)?.source && document) {
    const wanted = wantedInputs(document.spec, snapshot.sourceDigests.get(address));
    if (wanted.source) {
      entry.attributes = { ...entry.attributes, inputs: wanted };
      changed = true;
    }
  }
  const image = snapshot.images.get(entry.id);
  if (!image) return changed;
  const next = stateAttributes(image, recordedInputs(entry));
  if (!sameValue(next, entry.attributes)) {
    entry.attributes = next;
    changed = true;
  }
  return changed;
}

async function importImage(client: GlanceApi, id: string): Promise<Pick<ResourceState, 'id' | 'attributes'>> {
  const image = await client.getImage(id);
  if (!image)
    throw UserError.of(
      'import.not-found',
      `no image with ID ${id} can be read`,
      'check the ID with openstack image list',
    );
  return { id: image.id, attributes: stateAttributes(image, undefined) };
}

export const imageKind: GlanceKind = {
  ...imageDeclaration,
  plan: planImage,
  drift: imageDrift,
  create: createImage,
  update: updateImage,
  await: awaitImage,
  delete: deleteImage,
  refreshEntry: refreshImageEntry,
  objectExists: (entry, snapshot) => {
    const image = entry.id ? snapshot.images.get(entry.id) : undefined;
    return image !== undefined && glanceLifecycle(image).status !== 'deleting';
  },
  importObject: (client, id) => importImage(client, id),
};
