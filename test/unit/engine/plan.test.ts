import { describe, expect, it } from 'vitest';
import type { ResourceChange } from '../../../src/core/plan-types.js';
import type { ResourceState } from '../../../src/state/state.js';
import { resourceOutputs } from '../../../src/state/outputs.js';
import { stateAttributes } from '../../../src/clouds/ibm-vpc/kinds/image.js';
import { imageDeclaration } from '../../../src/clouds/ibm-vpc/kinds/image-declaration.js';
import { cloudImage, documents, exportJob, managedImage, snapshot, state, planIbm } from '../../helpers/planning.js';

const NOW = '2030-06-01T00:00:00Z';
const PAST = '2030-01-01T00:00:00Z';
const EARLIER = '2029-01-01T00:00:00Z';
const FUTURE = '2031-01-01T00:00:00Z';
const LATER = '2032-01-01T00:00:00Z';
const FILE = 'cos://us-south/b/web.qcow2';

function imageYaml(name: string, extra = '', lifecycle = ''): string {
  return `kind: image\nname: ${name}\nspec:\n  file: ${FILE}\n  operating_system: ubuntu-24-04-amd64\n${extra}${lifecycle}`;
}

function change(changes: ResourceChange[], address: string): ResourceChange | undefined {
  return changes.find((c) => c.address === address);
}

function planFor(yaml: string, images = [cloudImage({ name: 'web' })], options = {}) {
  const image = images[0]!;
  return planIbm(documents(yaml), state({ 'image.web': managedImage(image, FILE) }), snapshot(NOW, images), options);
}

describe('create', () => {
  it('plans a create for a new document, showing every field', () => {
    const result = planIbm(documents(imageYaml('web', `  deprecation_at: "${FUTURE}"\n`)), state(), snapshot(NOW));
    expect(result.diagnostics).toEqual([]);
    expect(result.plan.summary).toEqual({ add: 1, change: 0, replace: 0, destroy: 0 });
    const created = change(result.plan.changes, 'image.web')!;
    expect(created.action).toBe('create');
    expect(created.fields.map((f) => [f.path, f.after])).toEqual([
      ['name', 'web'],
      ['file', FILE],
      ['operating_system', 'ubuntu-24-04-amd64'],
      ['deprecation_at', FUTURE],
    ]);
    expect(created.status).toEqual({ before: null, after: 'available' });
  });

  it('shows encrypted_data_key as sensitive, never its value', () => {
    const yaml = imageYaml('web', '  encrypted_data_key: c2VjcmV0LWtleQ==\n  encryption_key:\n    crn: crn:v1:key\n');
    const result = planIbm(documents(yaml), state(), snapshot(NOW));
    const field = change(result.plan.changes, 'image.web')!.fields.find((f) => f.path === 'encrypted_data_key')!;
    expect(field).toMatchObject({ after: '(sensitive)', sensitive: true });
    expect(JSON.stringify(result.plan)).not.toContain('c2VjcmV0LWtleQ==');
  });

  it('refuses a create whose name is taken in the cloud and suggests import', () => {
    const existing = cloudImage({ name: 'web' });
    const result = planIbm(documents(imageYaml('web')), state(), snapshot(NOW, [existing]));
    expect(result.diagnostics.map((d) => d.code)).toEqual(['plan.name-taken']);
    expect(result.diagnostics[0]!.hint).toBe(`to manage it, import it: imageform import image.web ${existing.id}`);
  });

  it("refuses a new date that is not after the cloud's clock", () => {
    const result = planIbm(documents(imageYaml('web', `  deprecation_at: "${PAST}"\n`)), state(), snapshot(NOW));
    expect(result.diagnostics.map((d) => d.code)).toEqual(['plan.date-not-future']);
    expect(result.diagnostics[0]!.location).toMatchObject({ file: 'images.yaml', line: 6 });
  });

  it('makes a reference to a resource being created known after apply', () => {
    const yaml = `${imageYaml('web')}---\nkind: image_export_job\nname: web-export\nspec:\n  image: \${image.web.id}\n  storage_bucket:\n    name: exports\n`;
    const result = planIbm(documents(yaml), state(), snapshot(NOW));
    const job = change(result.plan.changes, 'image_export_job.web-export')!;
    expect(job.fields[0]).toMatchObject({ path: 'image', after: '(known after apply)', known_after_apply: true });
    expect(job.dependencies).toEqual(['image.web']);
  });
});

describe('no changes', () => {
  it('plans nothing when the cloud matches', () => {
    const result = planFor(imageYaml('web'));
    expect(result.plan.changes).toEqual([]);
    expect(result.plan.drift).toEqual([]);
  });

  it.each([
    ['2031-01-01T00:00:00Z', '2031-01-01T00:00:00.000Z'],
    ['2031-01-01T00:00:00Z', '2031-01-01T01:00:00+01:00'],
  ])('compares dates as instants: %s equals %s', (inCloud, inFile) => {
    const result = planFor(imageYaml('web', `  deprecation_at: "${inFile}"\n`), [
      cloudImage({ name: 'web', deprecation_at: inCloud }),
    ]);
    expect(result.plan.changes).toEqual([]);
  });

  it('never diffs a date whose key is absent', () => {
    const result = planFor(imageYaml('web'), [
      cloudImage({ name: 'web', deprecation_at: FUTURE, obsolescence_at: LATER }),
    ]);
    expect(result.plan.changes).toEqual([]);
  });

  it('accepts a date equal to the one in the cloud even if it is past', () => {
    const image = cloudImage({ name: 'web', status: 'deprecated', deprecation_at: PAST });
    const result = planFor(imageYaml('web', `  deprecation_at: "${PAST}"\n`), [image]);
    expect(result.diagnostics).toEqual([]);
    expect(result.plan.changes).toEqual([]);
  });
});

describe('tri-state dates and predicted status', () => {
  it('sets a scheduled date in place, status unchanged', () => {
    const result = planFor(imageYaml('web', `  deprecation_at: "${FUTURE}"\n`));
    const update = change(result.plan.changes, 'image.web')!;
    expect(update.action).toBe('update');
    expect(update.fields).toEqual([{ path: 'deprecation_at', before: null, after: FUTURE }]);
    expect(update.status).toBeUndefined();
  });

  it('null cancels a scheduled date', () => {
    const result = planFor(imageYaml('web', '  deprecation_at: null\n'), [
      cloudImage({ name: 'web', deprecation_at: FUTURE }),
    ]);
    expect(change(result.plan.changes, 'image.web')!.fields).toEqual([
      { path: 'deprecation_at', before: FUTURE, after: null },
    ]);
  });

  it('deprecation_at: null reverts deprecated to available', () => {
    const image = cloudImage({ name: 'web', status: 'deprecated', deprecation_at: PAST });
    const update = change(planFor(imageYaml('web', '  deprecation_at: null\n'), [image]).plan.changes, 'image.web')!;
    expect(update.status).toEqual({ before: 'deprecated', after: 'available' });
    expect(update.fields[0]!.status).toEqual({ before: 'deprecated', after: 'available' });
  });

  it('obsolescence_at: null reverts obsolete to deprecated while a deprecation date remains', () => {
    const image = cloudImage({ name: 'web', status: 'obsolete', deprecation_at: EARLIER, obsolescence_at: PAST });
    const update = change(planFor(imageYaml('web', '  obsolescence_at: null\n'), [image]).plan.changes, 'image.web')!;
    expect(update.status).toEqual({ before: 'obsolete', after: 'deprecated' });
  });

  it('both null revert obsolete all the way to available', () => {
    const image = cloudImage({ name: 'web', status: 'obsolete', deprecation_at: EARLIER, obsolescence_at: PAST });
    const update = change(
      planFor(imageYaml('web', '  deprecation_at: null\n  obsolescence_at: null\n'), [image]).plan.changes,
      'image.web',
    )!;
    expect(update.status).toEqual({ before: 'obsolete', after: 'available' });
    expect(update.fields.map((f) => f.path)).toEqual(['deprecation_at', 'obsolescence_at']);
  });

  it('refuses to move a date already in effect', () => {
    const image = cloudImage({ name: 'web', status: 'deprecated', deprecation_at: PAST });
    const result = planFor(imageYaml('web', `  deprecation_at: "${FUTURE}"\n`), [image]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['plan.date-in-effect']);
  });

  it('refuses obsolescence before deprecation with the effective (cloud) deprecation date', () => {
    const image = cloudImage({ name: 'web', deprecation_at: LATER });
    const result = planFor(imageYaml('web', `  obsolescence_at: "${FUTURE}"\n`), [image]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['plan.date-order']);
  });

  it('ignore_changes leaves a field alone', () => {
    const image = cloudImage({ name: 'renamed', deprecation_at: FUTURE });
    const yaml = imageYaml('web', '  deprecation_at: null\n', 'lifecycle:\n  ignore_changes: [name, deprecation_at]\n');
    expect(planFor(yaml, [image]).plan.changes).toEqual([]);
  });
});

describe('replace', () => {
  it('replaces when the file changes (compared with state, not the cloud)', () => {
    const yaml = imageYaml('web').replace(FILE, 'cos://us-south/b/web-v2.qcow2');
    const replace = change(planFor(yaml).plan.changes, 'image.web')!;
    expect(replace.action).toBe('replace');
    expect(replace.fields).toEqual([
      { path: 'file', before: FILE, after: 'cos://us-south/b/web-v2.qcow2', forces_replacement: true },
    ]);
  });

  it('replaces a failed image and says why', () => {
    const image = cloudImage({
      name: 'web',
      status: 'failed',
      status_reasons: [{ code: 'image_data_corrupted', message: 'bad data' }],
    });
    const replace = change(planFor(imageYaml('web'), [image]).plan.changes, 'image.web')!;
    expect(replace.action).toBe('replace');
    expect(replace.reason).toContain('image_data_corrupted');
  });

  it('propagates a replacement to an export job through its reference', () => {
    const image = cloudImage({ name: 'web' });
    const job = exportJob({ name: 'web-export' });
    const yaml = `${imageYaml('web').replace('ubuntu-24-04-amd64', 'debian-12-amd64')}---\nkind: image_export_job\nname: web-export\nspec:\n  image: \${image.web.id}\n  storage_bucket:\n    name: exports\n`;
    const result = planIbm(
      documents(yaml),
      state({
        'image.web': managedImage(image, FILE),
        'image_export_job.web-export': {
          kind: 'image_export_job',
          id: job.id,
          attributes: { ...job, image_id: image.id },
          dependencies: ['image.web'],
        },
      }),
      snapshot(NOW, [image], { [image.id]: [job] }),
    );
    expect(result.plan.changes.map((c) => [c.address, c.action])).toEqual([
      ['image.web', 'replace'],
      ['image_export_job.web-export', 'replace'],
    ]);
    expect(result.plan.summary.replace).toBe(2);
  });

  it('adopts write-only inputs after an import instead of replacing, and says so', () => {
    const image = cloudImage({ name: 'web' });
    const result = planIbm(
      documents(imageYaml('web')),
      state({ 'image.web': { kind: 'image', id: image.id, attributes: { ...image } } }),
      snapshot(NOW, [image]),
    );
    expect(result.plan.changes).toEqual([]);
    expect(result.plan.notes?.[0]).toContain('adopted without replacing');
  });
});

describe('delete, forget and protection', () => {
  it('deletes a resource whose document was removed', () => {
    const image = cloudImage({ name: 'web' });
    const result = planIbm([], state({ 'image.web': managedImage(image, FILE) }), snapshot(NOW, [image]));
    expect(result.plan.changes).toEqual([
      expect.objectContaining({ address: 'image.web', action: 'delete', id: image.id }),
    ]);
    expect(result.plan.summary.destroy).toBe(1);
  });

  it('forgets under deletion_policy orphan recorded in state', () => {
    const image = cloudImage({ name: 'web' });
    const entry = {
      ...managedImage(image, FILE),
      lifecycle: { prevent_destroy: false, deletion_policy: 'orphan' as const },
    };
    const result = planIbm([], state({ 'image.web': entry }), snapshot(NOW, [image]));
    expect(result.plan.changes[0]).toMatchObject({ action: 'forget' });
    expect(result.plan.summary).toMatchObject({ destroy: 0, forget: 1 });
  });

  it('prevent_destroy recorded in state still refuses after the document is gone', () => {
    const image = cloudImage({ name: 'web' });
    const entry = {
      ...managedImage(image, FILE),
      lifecycle: { prevent_destroy: true, deletion_policy: 'delete' as const },
    };
    const result = planIbm([], state({ 'image.web': entry }), snapshot(NOW, [image]));
    expect(result.diagnostics.map((d) => d.code)).toEqual(['plan.prevent-destroy']);
  });

  it('refuses to delete an image in a private catalog', () => {
    const image = cloudImage({ name: 'web', catalog_offering: { managed: true } });
    const result = planIbm([], state({ 'image.web': managedImage(image, FILE) }), snapshot(NOW, [image]));
    expect(result.diagnostics.map((d) => d.code)).toEqual(['plan.catalog-managed']);
  });

  it('destroy plans a delete for everything in state', () => {
    const image = cloudImage({ name: 'web' });
    const result = planIbm(
      documents(imageYaml('web')),
      state({ 'image.web': managedImage(image, FILE) }),
      snapshot(NOW, [image]),
      { destroy: true },
    );
    expect(result.plan.changes.map((c) => c.action)).toEqual(['delete']);
  });
});

describe('drift', () => {
  it('reports a rename made outside imageform, and plans it back', () => {
    const recorded = cloudImage({ name: 'web' });
    const renamed = { ...recorded, name: 'web-by-hand' };
    const result = planIbm(
      documents(imageYaml('web')),
      state({ 'image.web': managedImage(recorded, FILE) }),
      snapshot(NOW, [renamed]),
    );
    expect(result.plan.drift).toEqual([
      { address: 'image.web', fields: [{ path: 'name', before: 'web', after: 'web-by-hand' }] },
    ]);
    expect(change(result.plan.changes, 'image.web')!.fields).toEqual([
      { path: 'name', before: 'web-by-hand', after: 'web' },
    ]);
  });

  it('reports an unreadable object as gone and plans its create with the reason', () => {
    const recorded = cloudImage({ name: 'web' });
    const seen = snapshot(NOW);
    seen.goneImages.add(recorded.id);
    const result = planIbm(documents(imageYaml('web')), state({ 'image.web': managedImage(recorded, FILE) }), seen);
    expect(result.plan.drift).toEqual([{ address: 'image.web', fields: [], gone: true }]);
    expect(change(result.plan.changes, 'image.web')).toMatchObject({
      action: 'create',
      reason: expect.stringContaining('404'),
    });
  });

  it('a scheduled date taking effect is not drift', () => {
    const recorded = cloudImage({ name: 'web', deprecation_at: PAST });
    const now = { ...recorded, status: 'deprecated' };
    const result = planIbm(
      documents(imageYaml('web', `  deprecation_at: "${PAST}"\n`)),
      state({ 'image.web': managedImage(recorded, FILE) }),
      snapshot(NOW, [now]),
    );
    expect(result.plan.drift).toEqual([]);
    expect(result.plan.changes).toEqual([]);
  });

  it('refresh-only plans no changes but keeps the drift', () => {
    const recorded = cloudImage({ name: 'web' });
    const result = planIbm(
      documents(imageYaml('web')),
      state({ 'image.web': managedImage(recorded, FILE) }),
      snapshot(NOW, [{ ...recorded, name: 'x' }]),
      { refreshOnly: true },
    );
    expect(result.plan.changes).toEqual([]);
    expect(result.plan.drift).toHaveLength(1);
  });
});

describe('what state records of an image', () => {
  const recorded = cloudImage({ name: 'web', deprecation_at: FUTURE, minimum_provisioned_size: 10 });
  const slim = { kind: 'image' as const, id: recorded.id, attributes: stateAttributes(recorded, { file: FILE }) };

  it('keeps what references, outputs and drift read, and the inputs, not the whole cloud object', () => {
    expect(slim.attributes).toEqual({
      id: recorded.id,
      crn: recorded.crn,
      href: recorded.href,
      name: 'web',
      status: 'available',
      created_at: recorded.created_at,
      deprecation_at: FUTURE,
      encryption: 'none',
      visibility: 'private',
      minimum_provisioned_size: 10,
      inputs: { file: FILE },
    });
    const { referenceAttributes } = imageDeclaration;
    const outputs = (entry: Partial<ResourceState>) => resourceOutputs(entry as ResourceState, referenceAttributes);
    expect(outputs(slim)).toEqual(outputs(managedImage(recorded, FILE)));
  });

  it('plans and drifts the same as an entry an earlier version recorded with the whole image', () => {
    const yaml = imageYaml('web', `  deprecation_at: "${LATER}"\n`);
    const changed = { ...recorded, name: 'web-by-hand', status: 'deprecated', deprecation_at: PAST };
    const plans = [slim, managedImage(recorded, FILE)].map((entry) =>
      planIbm(documents(yaml), state({ 'image.web': entry }), snapshot(NOW, [changed])),
    );
    expect(plans[0]!.plan.drift.map((d) => d.fields.map((f) => f.path))).toEqual([['name', 'deprecation_at']]);
    expect(plans[0]!.plan.drift).toEqual(plans[1]!.plan.drift);
    expect(plans[0]!.plan.changes).toEqual(plans[1]!.plan.changes);
    expect(plans[0]!.diagnostics).toEqual(plans[1]!.diagnostics);
  });
});

describe('immediate status changes', () => {
  const statusYaml = (kind: string) =>
    `${imageYaml('web')}---\nkind: ${kind}\nname: web\nspec:\n  image: \${image.web.id}\n`;

  it('plans a deprecate with its predicted status', () => {
    const result = planFor(statusYaml('image_deprecate'));
    expect(change(result.plan.changes, 'image_deprecate.web')).toMatchObject({
      action: 'create',
      status: { before: 'available', after: 'deprecated' },
    });
  });

  it('refuses an immediate deprecation while an obsolescence is scheduled', () => {
    const result = planFor(statusYaml('image_deprecate'), [cloudImage({ name: 'web', obsolescence_at: FUTURE })]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['plan.scheduled-change']);
  });

  it('allows it when the same plan cancels the scheduled change', () => {
    const yaml = statusYaml('image_obsolete').replace(
      'operating_system: ubuntu-24-04-amd64\n',
      'operating_system: ubuntu-24-04-amd64\n  deprecation_at: null\n',
    );
    const result = planFor(yaml, [cloudImage({ name: 'web', deprecation_at: FUTURE })]);
    expect(result.diagnostics).toEqual([]);
    expect(change(result.plan.changes, 'image_obsolete.web')!.action).toBe('create');
  });

  it('records a deprecation an interrupted apply already made, though its date is a moment after the Date header', () => {
    // The cloud's Date header has whole seconds: the deprecation it just made can look scheduled.
    const image = cloudImage({ name: 'web', status: 'deprecated', deprecation_at: '2030-06-01T00:00:00.400Z' });
    const result = planFor(statusYaml('image_deprecate'), [image]);
    expect(result.diagnostics).toEqual([]);
    expect(change(result.plan.changes, 'image_deprecate.web')!.action).toBe('create');
  });

  it('plans a re-deprecation when the image was reverted outside imageform', () => {
    const image = cloudImage({ name: 'web' });
    const result = planIbm(
      documents(statusYaml('image_deprecate')),
      state({
        'image.web': managedImage(image, FILE),
        'image_deprecate.web': {
          kind: 'image_deprecate',
          id: image.id,
          attributes: { image: image.id, status: 'deprecated' },
          dependencies: ['image.web'],
        },
      }),
      snapshot(NOW, [image]),
    );
    expect(result.plan.drift).toEqual([
      { address: 'image_deprecate.web', fields: [{ path: 'status', before: 'deprecated', after: 'available' }] },
    ]);
    expect(change(result.plan.changes, 'image_deprecate.web')).toMatchObject({
      action: 'create',
      reason: expect.stringContaining('outside imageform'),
    });
  });
});

describe('export jobs', () => {
  const jobYaml = (name: string, extra = '') =>
    `kind: image_export_job\nname: ${name}\nspec:\n  image: \${image.web.id}\n  storage_bucket:\n    name: exports\n${extra}`;

  it('renames in place and replaces on a format change', () => {
    const image = cloudImage({ name: 'web' });
    const job = exportJob({ name: 'old-name' });
    const entry = {
      kind: 'image_export_job' as const,
      id: job.id,
      attributes: { ...job, image_id: image.id },
      dependencies: ['image.web'],
    };
    const base = { 'image.web': managedImage(image, FILE), 'image_export_job.web-export': entry };
    const seen = () => snapshot(NOW, [image], { [image.id]: [job] });
    const rename = planIbm(
      documents(`${imageYaml('web')}---\n${jobYaml('web-export', '  name: new-name\n')}`),
      state(base),
      seen(),
    );
    expect(change(rename.plan.changes, 'image_export_job.web-export')).toMatchObject({
      action: 'update',
      fields: [{ path: 'name', before: 'old-name', after: 'new-name' }],
    });
    const format = planIbm(
      documents(`${imageYaml('web')}---\n${jobYaml('web-export', '  name: old-name\n  format: vhd\n')}`),
      state(base),
      seen(),
    );
    expect(change(format.plan.changes, 'image_export_job.web-export')!.action).toBe('replace');
  });

  it('counts the jobs already in the cloud against the limit of 10 per image', () => {
    const image = cloudImage({ name: 'web' });
    const existing = Array.from({ length: 9 }, (_, i) => exportJob({ name: `old-${i}` }));
    const yaml = `${imageYaml('web')}---\n${jobYaml('a')}---\n${jobYaml('b')}`;
    const result = planFor(yaml, [image]);
    expect(result.diagnostics).toEqual([]);
    const crowded = planIbm(
      documents(yaml),
      state({ 'image.web': managedImage(image, FILE) }),
      snapshot(NOW, [image], { [image.id]: existing }),
    );
    expect(crowded.diagnostics.map((d) => d.code)).toEqual(['plan.export-limit-total']);
  });

  it('queues more active jobs than the cloud runs at once, and refuses only those nobody waits for', () => {
    const image = cloudImage({ name: 'web' });
    const six = (extra = '') =>
      [imageYaml('web'), ...Array.from({ length: 6 }, (_, i) => jobYaml(`j${i}`, extra))].join('---\n');
    const running = [exportJob({ name: 'outside', status: 'running' })];
    const queued = planIbm(
      documents(six()),
      state({ 'image.web': managedImage(image, FILE) }),
      snapshot(NOW, [image], { [image.id]: running }),
    );
    expect(queued.diagnostics).toEqual([]);
    expect(queued.plan.notes).toEqual([
      'image.web: 6 export jobs: at most 4 run at once (the cloud allows 5 active per image, 1 already active); the rest wait',
    ]);
    const unwaited = planIbm(
      documents(six('  wait: false\n')),
      state({ 'image.web': managedImage(image, FILE) }),
      snapshot(NOW, [image]),
    );
    expect(unwaited.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        'plan.export-limit-active',
        `image_export_job.j5: image ${image.id} would have 6 active export jobs (0 already active, 6 planned with wait: false); the cloud allows 5 at a time per image`,
      ],
    ]);
    // Four that are not awaited and one running fill the image: a waited job could never start.
    const full = [
      imageYaml('web'),
      ...Array.from({ length: 4 }, (_, i) => jobYaml(`n${i}`, '  wait: false\n')),
      jobYaml('w'),
    ].join('---\n');
    const blocked = planIbm(
      documents(full),
      state({ 'image.web': managedImage(image, FILE) }),
      snapshot(NOW, [image], { [image.id]: running }),
    );
    expect(blocked.diagnostics.map((d) => d.code)).toEqual(['plan.export-limit-active']);
    expect(blocked.diagnostics[0]!.message).toContain('has no room to run 1 more export jobs');
  });

  it('refuses vhd for an encrypted image', () => {
    const image = cloudImage({ name: 'web', encryption: 'user_managed', encryption_key: { crn: 'crn:key' } });
    const result = planFor(`${imageYaml('web')}---\n${jobYaml('a', '  format: vhd\n')}`, [image]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['plan.encrypted-export-format']);
  });
});

describe('targets', () => {
  it('plans only the target and what it depends on', () => {
    const yaml = `${imageYaml('web')}---\n${imageYaml('db')}---\nkind: image_export_job\nname: web-export\nspec:\n  image: \${image.web.id}\n  storage_bucket:\n    name: exports\n`;
    const result = planIbm(documents(yaml), state(), snapshot(NOW), { targets: ['image_export_job.web-export'] });
    expect(result.plan.changes.map((c) => c.address)).toEqual(['image.web', 'image_export_job.web-export']);
    expect(result.plan.notes?.some((note) => note.includes('targeting is in effect'))).toBe(true);
  });
});
