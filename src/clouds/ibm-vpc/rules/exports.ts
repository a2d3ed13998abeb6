import type { Diagnostic } from '../../../core/diagnostic.js';
import { error } from '../../../core/diagnostic.js';
import type { ResourceDocument } from '../../../config/model.js';
import type { ConfigurationRule } from '../../../config/rules/rule.js';
import { has } from '../../../config/rules/rule.js';

/** The cloud keeps at most this many export jobs per image (a service limit that cannot be raised). */
export const MAX_EXPORT_JOBS_PER_IMAGE = 10;

/** An encrypted image (one with an encryption key) exports only as qcow2. */
export const encryptedImagesExportAsQcow2: ConfigurationRule = {
  name: 'encrypted-images-export-as-qcow2',
  check(documents, context) {
    const problems: Diagnostic[] = [];
    for (let i = 0; i < documents.length; i++) {
      const job = documents[i]!;
      if (job.kind !== 'image_export_job' || job.spec.format !== 'vhd') continue;
      const target = context.imageTarget(job);
      const image = target ? context.addresses(documents).get(target) : undefined;
      if (image?.kind !== 'image') continue;
      if (!has(image.spec, 'encryption_key') && !has(image.spec, 'encrypted_data_key')) continue;
      problems.push(
        error(
          'rule.encrypted-export',
          `${image.address} is encrypted, so it exports only as qcow2, not vhd`,
          job.locate(['spec', 'format']),
          'set spec.format to qcow2 or leave it out',
        ),
      );
    }
    return problems;
  },
};

/** At most 10 export jobs per image in the files; reported once, at the first job over the limit. */
export const exportJobsWithinLimit: ConfigurationRule = {
  name: 'export-jobs-within-limit',
  check(documents, context) {
    // Counts, and the first job over the limit: no list of jobs per image to keep for the few over it.
    const counts = new Map<string, number>();
    const firstOver = new Map<string, ResourceDocument>();
    for (let i = 0; i < documents.length; i++) {
      const job = documents[i]!;
      if (job.kind !== 'image_export_job') continue;
      const target = context.imageTarget(job);
      if (!target) continue;
      const count = (counts.get(target) ?? 0) + 1;
      counts.set(target, count);
      if (count === MAX_EXPORT_JOBS_PER_IMAGE + 1) firstOver.set(target, job);
    }
    const problems: Diagnostic[] = [];
    for (const [target, count] of counts) {
      if (count <= MAX_EXPORT_JOBS_PER_IMAGE) continue;
      problems.push(
        error(
          'rule.export-limit',
          `${target} has ${count} export jobs in the files; the cloud keeps at most ${MAX_EXPORT_JOBS_PER_IMAGE} per image`,
          firstOver.get(target)!.locate(['spec', 'image']),
          'remove finished export jobs from the files',
        ),
      );
    }
    return problems;
  },
};
