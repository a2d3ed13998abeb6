import type { CloudStatus } from '../../core/lifecycle-status.js';

/** What the status of a Glance image depends on (reference §3, §4). */
export interface GlanceStatusFields {
  status: string;
  os_hidden?: boolean | null;
  /** Set to the stores that failed when an import fails; the image goes back to `queued` (reference §4). */
  os_glance_failed_import?: unknown;
}

/**
 * A Glance image's status in imageform's words (DESIGN.md §8.5): deprecated is `active` + `os_hidden`, obsolete is
 * `deactivated`; a failed import is `queued` again with `os_glance_failed_import` set, which both Terraform
 * providers mistake for still pending.
 */
export function glanceLifecycle(image: GlanceStatusFields): CloudStatus {
  const failedImport = typeof image.os_glance_failed_import === 'string' && image.os_glance_failed_import !== '';
  switch (image.status) {
    case 'active':
      return image.os_hidden === true ? { status: 'deprecated', cloudTerm: 'os_hidden' } : { status: 'available' };
    case 'deactivated':
      return { status: 'obsolete', cloudTerm: 'deactivated' };
    case 'queued':
      return failedImport
        ? {
            status: 'failed',
            cloudTerm: 'queued, import failed',
            reason: `the import failed (os_glance_failed_import: ${String(image.os_glance_failed_import)})`,
          }
        : { status: 'pending', cloudTerm: 'queued' };
    case 'saving':
    case 'uploading':
    case 'importing':
      return { status: 'pending', cloudTerm: image.status };
    case 'killed':
      return { status: 'failed', cloudTerm: 'killed', reason: 'the upload failed (killed)' };
    case 'pending_delete':
    case 'deleted':
      return { status: 'deleting', cloudTerm: image.status };
    default:
      return { status: 'pending', cloudTerm: image.status };
  }
}
