import { error, type Diagnostic } from '../../core/diagnostic.js';
import { exportFormat } from './kinds/image-export-job.js';
import type { PlannedResource } from '../../engine/resource-kind.js';
import type { CloudRuleInput } from '../../engine/cloud.js';
import { EXPORT_LIMITS, planExportQueue, referencedImage } from './export-queue.js';
import { scheduled } from '../../core/lifecycle-dates.js';
import type { IbmSnapshot } from './snapshot.js';

/**
 * IBM's rules that need the whole plan and the cloud (DESIGN.md §2): names already taken, immediate status
 * changes while a change is scheduled, export limits, encrypted exports, catalog-managed images.
 */
type RuleInput = CloudRuleInput<IbmSnapshot>;

const REMOVING = new Set(['delete', 'replace']);

function where(input: RuleInput, address: string, path: (string | number)[] = []) {
  return input.documents.get(address)?.locate(path);
}

function lifecycleOf(input: RuleInput, address: string) {
  return input.documents.get(address)?.lifecycle ?? input.entries[address]?.lifecycle;
}

/** Removing the cloud object: a delete, or a replace whose old object is deleted (not forgotten under orphan). */
function removesObject(input: RuleInput, result: PlannedResource): boolean {
  if (result.action === 'delete') return true;
  return result.action === 'replace' && lifecycleOf(input, result.address)?.deletion_policy !== 'orphan';
}

function desiredImageName(result: PlannedResource): string | undefined {
  const name = result.attributes.name;
  return typeof name === 'string' ? name : undefined;
}

function namesTaken(input: RuleInput): Diagnostic[] {
  const found: Diagnostic[] = [];
  // Who holds an image id: read only for a name some image already has, so built on the first (none in a plan
  // without creates or renames, at 10,000 entries).
  let owners: Map<string, string> | undefined;
  const ownerOfId = (): Map<string, string> => {
    if (owners) return owners;
    owners = new Map<string, string>();
    for (const [address, entry] of Object.entries(input.entries)) {
      if (entry.kind === 'image' && entry.id) owners.set(entry.id, address);
    }
    for (const [address, id] of input.snapshot.adoptedIntents) owners.set(id, address);
    return owners;
  };
  const wanted = new Map<string, string>();
  for (const result of input.planned.values()) {
    if (result.kind !== 'image' || result.action === 'delete' || result.action === 'forget') continue;
    const name = desiredImageName(result);
    if (!name) continue;
    const other = wanted.get(name);
    if (other) {
      found.push(
        error(
          'plan.name-duplicate',
          `${result.address} and ${other} both want the image name "${name}"`,
          where(input, result.address, ['spec', 'name']),
          'image names are unique per account and region: give each document its own spec.name',
        ),
      );
    }
    wanted.set(name, result.address);
    const needsName =
      result.action === 'create' || result.action === 'replace' || result.fields.some((f) => f.path === 'name');
    if (!needsName) continue;
    const holderId = input.snapshot.imageIdsByName.get(name);
    if (!holderId) continue;
    const holder = ownerOfId().get(holderId);
    if (holder === result.address && result.action === 'replace' && removesObject(input, result)) continue;
    if (holder && holder !== result.address) {
      const other = input.planned.get(holder);
      if (other && (removesObject(input, other) || (other.action === 'update' && desiredImageName(other) !== name)))
        continue;
      found.push(
        error(
          'plan.name-taken',
          `${result.address}: the image name "${name}" is already used by ${holder} (${holderId})`,
          where(input, result.address, ['spec', 'name']),
          'image names are unique per account and region: choose another name',
        ),
      );
      continue;
    }
    const location = where(
      input,
      result.address,
      input.documents.get(result.address)?.spec.name !== undefined ? ['spec', 'name'] : ['name'],
    );
    const key = input.entries[result.address]?.intent?.key;
    if (
      result.id &&
      key !== undefined &&
      result.fields.some((field) => field.path === 'name' && field.before === key)
    ) {
      // An interrupted create left the image under its create key, and the name went to an image held elsewhere.
      found.push(
        error(
          'plan.name-taken',
          `${result.address}: cannot rename ${result.id} to "${name}": image ${holderId} holds that name, and this state does not manage it`,
          location,
          `another checkout may have created it; give the document another spec.name, or, to manage ${holderId} instead, remove ${result.address} by deleting its document and applying, then run "imageform import ${result.address} ${holderId}"`,
        ),
      );
      continue;
    }
    found.push(
      error(
        'plan.name-taken',
        `${result.address}: an image named "${name}" already exists in the cloud (${holderId})`,
        location,
        holder === result.address
          ? 'the replacement needs the name while the old image still holds it: give the new image another name, or use deletion_policy: delete'
          : `to manage it, import it: imageform import ${result.address} ${holderId}`,
      ),
    );
  }
  return found;
}

/** The image address a document references through its `image` field, if it references a managed image. */
function immediateWhileScheduled(input: RuleInput): Diagnostic[] {
  const found: Diagnostic[] = [];
  const now = input.snapshot.now;
  for (const result of input.planned.values()) {
    if (result.kind !== 'image_deprecate' && result.kind !== 'image_obsolete') continue;
    if (result.action !== 'create' && result.action !== 'replace') continue;
    const imageAddress = referencedImage(input.documents.get(result.address));
    const managed = imageAddress ? input.planned.get(imageAddress) : undefined;
    const image = result.imageId ? input.snapshot.images.get(result.imageId) : undefined;
    // Already done (an apply cut off after the cloud acted): the create only records it, nothing is scheduled.
    if (
      image &&
      result.action === 'create' &&
      (image.status === 'obsolete' || (result.kind === 'image_deprecate' && image.status === 'deprecated'))
    )
      continue;
    const dates = managed?.effectiveDates ?? {
      deprecation_at: (image?.deprecation_at as string | undefined) ?? null,
      obsolescence_at: (image?.obsolescence_at as string | undefined) ?? null,
    };
    const pending = (['deprecation_at', 'obsolescence_at'] as const).filter((field) => scheduled(dates[field], now));
    if (!pending.length) continue;
    const field = pending[0]!;
    found.push(
      error(
        'plan.scheduled-change',
        `${result.address}: an immediate ${result.kind === 'image_deprecate' ? 'deprecation' : 'obsolescence'} is refused while ${imageAddress ?? result.imageId} has ${field} scheduled for ${dates[field]}`,
        where(input, result.address, ['spec', 'image']),
        imageAddress
          ? `cancel the scheduled change in the same plan with ${field}: null on ${imageAddress}, or drop this document`
          : `cancel the scheduled change on the image first (${field}: null)`,
      ),
    );
  }
  return found;
}

function exportRules(input: RuleInput): Diagnostic[] {
  const found: Diagnostic[] = [];
  const creates = new Map<string, PlannedResource[]>();
  for (const result of input.planned.values()) {
    if (result.kind !== 'image_export_job' || (result.action !== 'create' && result.action !== 'replace')) continue;
    const document = input.documents.get(result.address);
    const key = result.imageId ?? referencedImage(document) ?? result.address;
    creates.set(key, [...(creates.get(key) ?? []), result]);
    // An encrypted image exports only as qcow2 (reference §4).
    const format = document ? exportFormat(document.spec) : 'qcow2';
    const image = result.imageId ? input.snapshot.images.get(result.imageId) : undefined;
    const imageDocument = input.documents.get(referencedImage(document) ?? '');
    const encrypted = image?.encryption === 'user_managed' || imageDocument?.spec.encryption_key !== undefined;
    if (encrypted && format !== 'qcow2') {
      found.push(
        error(
          'plan.encrypted-export-format',
          `${result.address}: the image is encrypted, and an encrypted image can be exported only as qcow2 (not ${format})`,
          where(input, result.address, ['spec', 'format']),
          'use format: qcow2',
        ),
      );
    }
  }
  const leaving = new Set<string>();
  for (const result of input.planned.values()) {
    if (result.kind === 'image_export_job' && REMOVING.has(result.action) && result.id) leaving.add(result.id);
  }
  // The active limits are no refusal: apply queues the jobs (export-queue.ts). The total per image cannot be queued away.
  for (const [key, results] of creates) {
    const existing = (input.snapshot.exportJobs.get(key) ?? []).filter((job) => !leaving.has(job.id));
    const last = results[results.length - 1]!;
    if (existing.length + results.length > EXPORT_LIMITS.totalPerImage) {
      found.push(
        error(
          'plan.export-limit-total',
          `${last.address}: image ${key} would have ${existing.length + results.length} export jobs (${existing.length} in the cloud, ${results.length} planned); the cloud allows ${EXPORT_LIMITS.totalPerImage} per image`,
          where(input, last.address, ['spec', 'image']),
          'delete finished export jobs of this image first',
        ),
      );
    }
  }
  return found;
}

function catalogManaged(input: RuleInput): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const result of input.planned.values()) {
    if (result.kind !== 'image' || !result.id || !removesObject(input, result)) continue;
    const image = input.snapshot.images.get(result.id);
    if (!image?.catalog_offering?.managed) continue;
    found.push(
      error(
        'plan.catalog-managed',
        `${result.address}: ${result.id} is in a private catalog and cannot be deleted${result.action === 'replace' ? ' (this plan would replace it)' : ''}`,
        where(input, result.address),
        'remove the image from the catalog first, or set lifecycle.deletion_policy: orphan to let imageform forget it',
      ),
    );
  }
  return found;
}

/** IBM's rules over a whole plan (DESIGN.md §2), and the export queue's notes. */
export function ibmPlanRules(input: RuleInput): { diagnostics: Diagnostic[]; notes: string[] } {
  const diagnostics = [
    ...catalogManaged(input),
    ...(input.destroy ? [] : [...namesTaken(input), ...immediateWhileScheduled(input), ...exportRules(input)]),
  ];
  if (input.destroy) return { diagnostics, notes: [] };
  const exports = planExportQueue(input);
  return { diagnostics: [...diagnostics, ...exports.diagnostics], notes: exports.notes };
}
