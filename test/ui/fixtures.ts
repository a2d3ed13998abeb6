import { summarize, type DriftEntry, type Plan, type ResourceChange } from '../../src/core/plan-types.js';

/** Hand-built plans covering every action kind, status predictions, secrets, unknowns and drift. */
export const everyKindChanges: ResourceChange[] = [
  {
    address: 'image.web',
    kind: 'image',
    action: 'create',
    fields: [
      { path: 'name', before: undefined, after: 'web-2404' },
      { path: 'file', before: undefined, after: 'cos://us-south/images/web.qcow2' },
      { path: 'encrypted_data_key', before: undefined, after: 'c2VjcmV0LWtleS1tYXRlcmlhbA==', sensitive: true },
      { path: 'deprecation_at', before: undefined, after: '2027-01-15T00:00:00Z' },
    ],
    status: { before: null, after: 'available' },
  },
  {
    address: 'image.base',
    kind: 'image',
    action: 'update',
    id: 'r006-1111',
    fields: [
      {
        path: 'obsolescence_at',
        before: '2026-03-01T00:00:00Z',
        after: null,
        status: { before: 'obsolete', after: 'deprecated' },
      },
    ],
    status: { before: 'obsolete', after: 'deprecated' },
  },
  {
    address: 'image.legacy',
    kind: 'image',
    action: 'replace',
    id: 'r006-2222',
    fields: [
      {
        path: 'file',
        before: 'cos://us-south/images/legacy-1.qcow2',
        after: 'cos://us-south/images/legacy-2.qcow2',
        forces_replacement: true,
      },
      { path: 'encrypted_data_key', before: 'b2xkLWtleQ==', after: 'bmV3LWtleQ==', forces_replacement: true },
    ],
  },
  {
    address: 'image_export_job.nightly',
    kind: 'image_export_job',
    action: 'replace',
    id: 'r006-job-1',
    reason: 'export job ended failed',
    fields: [{ path: 'image', before: 'r006-2222', after: '(known after apply)', known_after_apply: true }],
  },
  { address: 'image.old', kind: 'image', action: 'delete', id: 'r006-3333', fields: [] },
  {
    address: 'image_deprecate.old',
    kind: 'image_deprecate',
    action: 'forget',
    id: 'r006-3333',
    reason: 'orphan policy',
    fields: [],
  },
];

export const driftEntries: DriftEntry[] = [
  { address: 'image.base', fields: [{ path: 'deprecation_at', before: null, after: '2026-12-01T00:00:00Z' }] },
  { address: 'image.catalog', fields: [], gone: true },
];

export const everyKindPlan: Plan = {
  format_version: '1',
  summary: summarize(everyKindChanges),
  drift: driftEntries,
  changes: everyKindChanges,
  notes: [
    'image.catalog could no longer be read (404); it may be held by a private catalog, so the plan does not create it again.',
  ],
};

export const emptyPlan: Plan = { format_version: '1', summary: summarize([]), drift: [], changes: [] };
