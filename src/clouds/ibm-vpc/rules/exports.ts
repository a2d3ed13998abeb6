import type { Diagnostic } from '../../../core/diagnostic.js';
import { error } from '../../../core/diagnostic.js';
import type { ResourceDocument } from '../../../config/model.js';
import type { ConfigurationRule } from '../../../config/rules/rule.js';
import { has } from '../../../config/rules/rule.js';
import { byAddress, imageTarget } from '../../../config/rules/targets.js';

/** The cloud keeps at most this many export jobs per image (a service limit that cannot be raised). */
export const MAX_EXPORT_JOBS_PER_IMAGE = 10;

function exportJobs(documents: readonly ResourceDocument[]): ResourceDocument[] {
  return documents.filter((document) => document.kind === 'image_export_job');
}

/** An encrypted image (one with an encryption key) exports only as qcow2. */
export const encryptedImagesExportAsQcow2: ConfigurationRule = {
  name: 'encrypted-images-export-as-qcow2',
  check(documents, context) {
    const addresses = byAddress(documents);
    const problems: Diagnostic[] = [];
    for (const job of exportJobs(documents)) {
      if (job.spec.format !== 'vhd') continue;
      const target = imageTarget(job, context);
      const image = target ? addresses.get(target) : undefined;
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
    const perImage = new Map<string, ResourceDocument[]>();
    for (const job of exportJobs(documents)) {
      const target = imageTarget(job, context);
      if (!target) continue;
      if (!perImage.has(target)) perImage.set(target, []);
      perImage.get(target)!.push(job);
    }
    const problems: Diagnostic[] = [];
    for (const [target, jobs] of perImage) {
      if (jobs.length <= MAX_EXPORT_JOBS_PER_IMAGE) continue;
      const firstOver = jobs[MAX_EXPORT_JOBS_PER_IMAGE]!;
      problems.push(
        error(
          'rule.export-limit',
          `${target} has ${jobs.length} export jobs in the files; the cloud keeps at most ${MAX_EXPORT_JOBS_PER_IMAGE} per image`,
          firstOver.locate(['spec', 'image']),
          'remove finished export jobs from the files',
        ),
      );
    }
    return problems;
  },
};
