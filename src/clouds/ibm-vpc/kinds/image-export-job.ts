import { referencesIn } from '../../../config/references.js';
import { error, type Diagnostic } from '../../../core/diagnostic.js';
import { KNOWN_AFTER_APPLY, type FieldChange } from '../../../core/plan-types.js';
import type { CloudExportJob, CloudImage, ExportJobPrototype } from '../api-types.js';
import { exportJobKey, exportJobPoller, imagePoller } from '../pollers.js';
import { type ResourceState, recordedLifecycle } from '../../../state/state.js';
import { withoutRenameIntent } from '../../../engine/rename-intent.js';
import { leafChanges } from '../../../engine/nested-diff.js';
import { idOf, stringOf } from './spec-values.js';
import { UserError } from '../../../core/errors.js';
import { deriveAction, impactOf } from '../../../engine/impact.js';
import type { DriftFound, KindPlan } from '../../../engine/resource-kind.js';
import { imageExportJobDeclaration } from './image-export-job-declaration.js';
import type { IbmContext, IbmDriftInput, IbmKind, IbmPlanInput } from './ibm-kind.js';
import type { IbmSnapshot } from '../snapshot.js';
import type { IbmVpcClient } from '../api-types.js';
import { sameValue } from '../../../state/same-value.js';

/**
 * kind: image_export_job — POST /images/{id}/export_jobs and, with `wait` (default), wait for `succeeded`.
 * Only `name` updates in place; image, format, bucket, or a job that ended `failed` replace it.
 * Unlike Terraform's provider, a failed job fails the apply instead of passing silently.
 */
export const EXPORTABLE_IMAGE_STATUSES = new Set([
  'available',
  'deprecated',
  'obsolete',
  'unusable',
  'partially_available',
]);
export const ACTIVE_JOB_STATUSES = new Set(['queued', 'running']);
const FINISHED = new Set(['succeeded', 'failed']);

export function exportJobName(document: { name: string }, spec: Record<string, unknown>): string {
  return stringOf(spec.name) ?? document.name;
}

export function exportFormat(spec: Record<string, unknown>): string {
  return stringOf(spec.format) ?? 'qcow2';
}

function bucketOf(spec: Record<string, unknown>): { name?: string; crn?: string } {
  const bucket = spec.storage_bucket;
  if (typeof bucket === 'string') return bucket.startsWith('crn:') ? { crn: bucket } : { name: bucket };
  if (bucket && typeof bucket === 'object') {
    const record = bucket as Record<string, unknown>;
    return {
      ...(typeof record.name === 'string' ? { name: record.name } : {}),
      ...(typeof record.crn === 'string' ? { crn: record.crn } : {}),
    };
  }
  return {};
}

/**
 * The bucket as the cloud has it and as the files give it, by the one key create sends (the crn if given, else the
 * name): the cloud returns both, so a crn the files leave out is no change.
 */
function bucketSides(
  wanted: { name?: string; crn?: string },
  actual: CloudExportJob['storage_bucket'] | undefined,
): [Record<string, unknown>, Record<string, unknown>] {
  const key = wanted.crn !== undefined ? 'crn' : 'name';
  return [{ [key]: actual?.[key] }, { [key]: wanted[key] }];
}

export function recordedImageId(entry: ResourceState | undefined): string | undefined {
  const value = entry?.attributes.image_id;
  return typeof value === 'string' ? value : (entry?.intent?.parent_id ?? undefined);
}

function findJob(jobs: CloudExportJob[] | undefined, id: string): CloudExportJob | undefined {
  return jobs?.find((job) => job.id === id);
}

function jobAttributes(job: CloudExportJob, imageId: string): Record<string, unknown> {
  const { encrypted_data_key: _secret, ...rest } = job;
  return { ...rest, image_id: imageId };
}

function describeReasons(job: CloudExportJob): string {
  const reasons = job.status_reasons ?? [];
  return reasons.length ? reasons.map((r) => `${r.code}: ${r.message}`).join('; ') : 'no reason given';
}

function planExportJob(input: IbmPlanInput): KindPlan {
  const { document, spec, entry, snapshot } = input;
  const address = document.address;
  const name = exportJobName(document, spec);
  const format = exportFormat(spec);
  const bucket = bucketOf(spec);
  const imageRef = idOf(spec.image);
  const imageId = typeof imageRef === 'string' ? imageRef : undefined;
  const previousImageId = recordedImageId(entry);
  const jobId = entry?.id ?? snapshot.adoptedIntents.get(address);
  const actual = jobId && previousImageId ? findJob(snapshot.exportJobs.get(previousImageId), jobId) : undefined;
  const base = { diagnostics: [], ...(imageId ? { imageId } : {}) };
  const notes: string[] = [];
  if (jobId && !entry?.id)
    notes.push(`${address}: found export job ${jobId} ("${name}"), started by an interrupted apply; it is adopted`);

  const imageField = (before: string | null): FieldChange =>
    imageId
      ? { path: 'image', before, after: imageId }
      : { path: 'image', before, after: KNOWN_AFTER_APPLY, known_after_apply: true };

  if (!actual) {
    const gone =
      jobId !== undefined &&
      previousImageId !== undefined &&
      (snapshot.exportJobs.has(previousImageId) || snapshot.goneImages.has(previousImageId));
    return {
      ...base,
      diagnostics: nameTaken(input, name, imageId),
      exists: false,
      fields: [
        imageField(null),
        { path: 'name', before: null, after: name },
        { path: 'format', before: null, after: format },
        { path: 'storage_bucket', before: null, after: bucket },
      ],
      ...(gone ? { reason: `export job ${jobId} could no longer be read (404); it will be started again` } : {}),
      attributes: { name, format },
      notes,
    };
  }

  const fields: FieldChange[] = [];
  let reason: string | undefined;
  if (actual.status === 'failed') reason = `the export job ended "failed" (${describeReasons(actual)})`;
  if (imageId !== previousImageId) fields.push(imageField(previousImageId ?? null));
  if (format !== actual.format) fields.push({ path: 'format', before: actual.format, after: format });
  for (const change of leafChanges('storage_bucket', ...bucketSides(bucket, actual.storage_bucket)))
    fields.push(change);
  const replacing = reason !== undefined || impactOf(imageExportJobDeclaration, fields) === 'replace';
  if (name !== actual.name && !document.lifecycle.ignore_changes.includes('name')) {
    fields.push({ path: 'name', before: actual.name, after: name });
  }
  // A job an interrupted apply (or a wait that gave up) left running is awaited, not "no changes".
  const unfinished =
    !replacing && spec.wait !== false && ACTIVE_JOB_STATUSES.has(actual.status)
      ? `the export job has not finished (status ${actual.status}): apply waits for it`
      : undefined;
  const found: KindPlan = {
    ...base,
    exists: true,
    fields,
    ...(reason ? { replaceReason: reason, reason } : {}),
    ...(unfinished ? { unfinished } : {}),
    id: actual.id,
    attributes: replacing ? { name, format } : { ...jobAttributes(actual, previousImageId!), name },
    notes,
  };
  if (deriveAction(imageExportJobDeclaration, found) === 'await') found.reason = unfinished;
  return found;
}

/**
 * A job to create whose name its image already has: imageform cannot tell whose it is (an interrupted apply on an
 * image another state exports too, or someone else's), so the plan refuses it and suggests import (DESIGN.md §5).
 */
function nameTaken(input: IbmPlanInput, name: string, imageId: string | undefined): Diagnostic[] {
  const holder = imageId ? input.snapshot.exportJobs.get(imageId)?.find((job) => job.name === name) : undefined;
  if (!holder || holder.status === 'deleting') return [];
  const { document } = input;
  return [
    error(
      'plan.name-taken',
      `${document.address}: image ${imageId} already has an export job named "${name}" (${holder.id}, ${holder.status})`,
      document.locate(document.spec.name !== undefined ? ['spec', 'name'] : ['name']),
      `to manage it, import it: imageform import ${document.address} ${imageId}/${holder.id}; or give this job another name`,
    ),
  ];
}

function exportJobDrift(input: IbmDriftInput): DriftFound | undefined {
  const { entry, snapshot } = input;
  const imageId = recordedImageId(entry);
  if (!entry.id || !imageId) return undefined;
  if (snapshot.goneImages.has(imageId)) return { fields: [], gone: true };
  const jobs = snapshot.exportJobs.get(imageId);
  if (!jobs) return undefined;
  const actual = findJob(jobs, entry.id);
  if (!actual) return { fields: [], gone: true };
  const fields: FieldChange[] = [];
  const aside = entry.intent?.action === 'rename' && entry.intent.name === actual.name;
  if (typeof entry.attributes.name === 'string' && entry.attributes.name !== actual.name && !aside) {
    fields.push({ path: 'name', before: entry.attributes.name, after: actual.name });
  }
  const previous = entry.attributes.status;
  if (previous === 'succeeded' && actual.status !== 'succeeded')
    fields.push({ path: 'status', before: previous, after: actual.status });
  return fields.length ? { fields } : undefined;
}

async function createExportJob(context: IbmContext): Promise<void> {
  const spec = context.spec!;
  const document = context.document!;
  const imageId = idOf(spec.image);
  if (typeof imageId !== 'string') throw new Error(`${context.address}: the image ID is not known`);
  const name = exportJobName(document, spec);
  const base = {
    kind: 'image_export_job' as const,
    dependencies: context.entry?.dependencies ?? [],
    lifecycle: recordedLifecycle(document.lifecycle),
  };
  await context.record({
    ...base,
    id: null,
    attributes: {},
    intent: { action: 'create', name, parent_id: imageId, started_at: new Date().toISOString() },
  });
  // The cloud exports only images that are ready; a freshly created one may still be settling.
  const image = await context.idle(() =>
    imagePoller(context.client).wait(imageId, {
      done: (found: CloudImage | undefined) =>
        !found || EXPORTABLE_IMAGE_STATUSES.has(found.status) || found.status === 'failed',
      timeoutMs: context.timeouts.createMs,
      describe: `image ${imageId} to be ready for export`,
    }),
  );
  if (!image) throw new Error(`image ${imageId} can no longer be read (404)`);
  const bucket = bucketOf(spec);
  const prototype: ExportJobPrototype = {
    storage_bucket: bucket.crn !== undefined ? { crn: bucket.crn } : { name: bucket.name ?? '' },
    format: exportFormat(spec) as 'qcow2' | 'vhd',
    name,
  };
  // A job found by name after a lost answer is this create's only on an image no other state holds: one this
  // state manages (referenced), not one named by its id, which another checkout may export at the same moment.
  const ownImage = referencesIn(document.spec).some((found) => found.path[0] === 'image');
  const job = await context.client.createExportJob(imageId, prototype, {
    describe: `create ${context.address}`,
    nameIsKey: ownImage,
    importAs: context.address,
    idle: context.idle,
  });
  await context.record({ ...base, id: job.id, attributes: jobAttributes(job, imageId) });
  if (spec.wait === false) return;
  const finished = await waitUntilFinished(context, imageId, job.id, name);
  await context.record({ ...base, id: job.id, attributes: jobAttributes(finished, imageId) });
  throwIfFailed(finished, name);
}

function throwIfFailed(job: CloudExportJob, name: string): void {
  if (job.status === 'failed')
    throw new Error(`export job "${name}" (${job.id}) ended "failed": ${describeReasons(job)}`);
}

/** A job an interrupted apply (or a wait that gave up) left queued or running: wait for it, fail if it failed. */
async function awaitExportJob(context: IbmContext): Promise<void> {
  const entry = context.entry!;
  const imageId = recordedImageId(entry)!;
  const name = context.document
    ? exportJobName(context.document, context.spec ?? {})
    : String(entry.attributes.name ?? entry.id);
  const finished = await waitUntilFinished(context, imageId, entry.id!, name);
  await context.record({ ...entry, attributes: jobAttributes(finished, imageId) });
  throwIfFailed(finished, name);
}

async function waitUntilFinished(
  context: IbmContext,
  imageId: string,
  jobId: string,
  name: string,
): Promise<CloudExportJob> {
  context.progress('queued', 0);
  const started = Date.now();
  // Every caller only records what it finds after this wait: the operation's last contact with the cloud.
  const finished = await context.idle(
    () =>
      exportJobPoller(context.client).wait(exportJobKey(imageId, jobId), {
        done: (found) => !found || FINISHED.has(found.status),
        timeoutMs: context.timeouts.exportMs,
        describe: `export job "${name}" to finish`,
        summarize: (found) => `status ${found?.status ?? 'gone'}`,
        onProgress: (found) => {
          if (!found) return;
          // The API gives no percentage: estimate from the elapsed time, never reaching the end before it does.
          const elapsed = (Date.now() - started) / 1000;
          const fraction = found.status === 'queued' ? 0.05 : Math.min(0.95, 0.1 + elapsed / (elapsed + 4));
          context.progress(found.status, fraction);
        },
      }),
    { final: true },
  );
  if (!finished) throw new Error(`export job ${jobId} ("${name}") disappeared while running`);
  context.progress(finished.status, 1);
  return finished;
}

async function updateExportJob(context: IbmContext): Promise<void> {
  const entry = context.entry!;
  const imageId = recordedImageId(entry)!;
  const name = exportJobName(context.document!, context.spec!);
  const updated = await context.client.updateExportJob(imageId, entry.id!, { name });
  const recorded = { ...withoutRenameIntent(entry), attributes: jobAttributes(updated, imageId) };
  await context.record(recorded);
  // A job a cut-off apply left running is awaited whether or not it is also renamed (as images are).
  if (context.spec?.wait === false || !ACTIVE_JOB_STATUSES.has(updated.status)) return;
  const finished = await waitUntilFinished(context, imageId, updated.id, name);
  await context.record({ ...recorded, attributes: jobAttributes(finished, imageId) });
  throwIfFailed(finished, name);
}

/** The first half of a swap of job names, as for images: intent first, then the call. */
async function renameExportJobAside(context: IbmContext, name: string): Promise<void> {
  const entry = context.entry!;
  const imageId = recordedImageId(entry)!;
  const intent = { action: 'rename' as const, name, parent_id: imageId, started_at: new Date().toISOString() };
  await context.record({ ...entry, intent });
  const updated = await context.client.updateExportJob(imageId, entry.id!, { name });
  await context.record({ ...entry, intent, attributes: jobAttributes(updated, imageId) });
}

async function deleteExportJob(context: IbmContext): Promise<void> {
  const entry = context.entry;
  const imageId = recordedImageId(entry);
  if (!entry?.id || !imageId) return;
  await context.client.deleteExportJob(imageId, entry.id);
  await context.idle(
    () =>
      exportJobPoller(context.client).wait(exportJobKey(imageId, entry.id!), {
        done: (job) => job === undefined,
        timeoutMs: context.timeouts.deleteMs,
        describe: `export job ${entry.id} to be deleted`,
      }),
    { final: true },
  );
}

function currentJob(entry: ResourceState, snapshot: IbmSnapshot): CloudExportJob | undefined {
  const imageId = recordedImageId(entry);
  return imageId && entry.id ? snapshot.exportJobs.get(imageId)?.find((job) => job.id === entry.id) : undefined;
}

/** Bring the entry up to what the refresh saw: adopt an intent's job (keeping its image), record its attributes. */
function refreshJobEntry(entry: ResourceState, snapshot: IbmSnapshot, address: string): boolean {
  let changed = false;
  const adopted = snapshot.adoptedIntents.get(address);
  if (!entry.id && adopted) {
    // An export job is read through its image: keep the intent's parent, or the next refresh cannot find the job.
    const parentId = entry.intent?.parent_id;
    if (parentId) entry.attributes = { ...entry.attributes, image_id: parentId };
    entry.id = adopted;
    delete entry.intent;
    changed = true;
  }
  const imageId = recordedImageId(entry);
  const job = currentJob(entry, snapshot);
  if (!job || !imageId) return changed;
  const next = jobAttributes(job, imageId);
  if (!sameValue(next, entry.attributes)) {
    entry.attributes = next;
    delete entry.intent;
    changed = true;
  }
  return changed;
}

async function importExportJob(
  client: IbmVpcClient,
  id: string,
  address: string,
): Promise<Pick<ResourceState, 'id' | 'attributes'>> {
  const [imageId, jobId] = id.split('/');
  if (!imageId || !jobId) {
    throw UserError.of(
      'import.bad-id',
      `an export job is imported as IMAGE_ID/JOB_ID, got "${id}"`,
      `e.g. imageform import ${address} r006-aaa/r006-bbb`,
    );
  }
  const job = await client.getExportJob(imageId, jobId);
  if (!job) throw UserError.of('import.not-found', `no export job ${jobId} on image ${imageId} can be read`);
  return { id: job.id, attributes: jobAttributes(job, imageId) };
}

/** Job names are unique per image: the scope is the image, when its id is known. */
function jobNameScope(
  change: { fields: readonly FieldChange[] },
  entry: ResourceState | undefined,
): string | undefined {
  const image = change.fields.find((field) => field.path === 'image');
  // A job of an image that does not exist yet shares no name with anything.
  const imageId = image ? image.after : recordedImageId(entry);
  if (typeof imageId !== 'string' || imageId === KNOWN_AFTER_APPLY) return undefined;
  return `export jobs of ${imageId}`;
}

export const imageExportJobKind: IbmKind = {
  ...imageExportJobDeclaration,
  plan: planExportJob,
  drift: exportJobDrift,
  create: createExportJob,
  update: updateExportJob,
  await: awaitExportJob,
  delete: deleteExportJob,
  renameAside: renameExportJobAside,
  nameScope: jobNameScope,
  refreshEntry: refreshJobEntry,
  objectExists: (entry, snapshot) => {
    const job = currentJob(entry, snapshot);
    return job !== undefined && job.status !== 'deleting';
  },
  importObject: importExportJob,
};
