import { describe, expect, it } from 'vitest';
import { asideStep, nameOrder, temporaryName } from '../../../src/engine/name-order.js';
import type { ResourceChange } from '../../../src/core/plan-types.js';
import type { StateDocument } from '../../../src/state/state.js';
import { cloudImage, documents, managedImage, snapshot, state, planIbm, ibmWorld } from '../../helpers/planning.js';

const STATE: StateDocument = { version: 1, lineage: 'l', serial: 1, resources: {} };

function rename(address: string, before: string, after: string): ResourceChange {
  return { address, kind: 'image', action: 'update', fields: [{ path: 'name', before, after }], id: `id-${address}` };
}

function create(address: string, name: string): ResourceChange {
  return { address, kind: 'image', action: 'create', fields: [{ path: 'name', before: null, after: name }] };
}

function jobRename(address: string, imageId: string, before: string, after: string): ResourceChange {
  return {
    ...rename(address, before, after),
    kind: 'image_export_job',
    fields: [
      { path: 'image', before: imageId, after: imageId },
      { path: 'name', before, after },
    ],
  };
}

describe('nameOrder', () => {
  it('orders a chain: each taker waits for the rename that frees its name; no temporary name', () => {
    const order = nameOrder(
      [rename('image.a', 'n1', 'n2'), rename('image.b', 'n2', 'n3'), create('image.c', 'n1')],
      STATE,
      ibmWorld(),
    );
    expect([...order.after].sort()).toEqual([
      ['image.a', 'image.b'],
      ['image.c', 'image.a'],
    ]);
    expect(order.aside.size).toBe(0);
    expect(order.notes).toEqual([]);
  });

  it('breaks a ring of three at its first address, through a temporary name', () => {
    const order = nameOrder(
      [rename('image.c', 'n3', 'n1'), rename('image.a', 'n1', 'n2'), rename('image.b', 'n2', 'n3')],
      STATE,
      ibmWorld(),
    );
    expect([...order.aside]).toEqual([['image.a', temporaryName('id-image.a')]]);
    // c takes a's old name once a has moved aside; b takes c's; a, last, takes b's.
    expect(Object.fromEntries(order.after)).toEqual({
      'image.c': asideStep('image.a'),
      'image.b': 'image.c',
      'image.a': 'image.b',
    });
    expect(order.notes).toEqual([
      `image.a, image.b, image.c trade names in a ring: image.a is first renamed to the temporary name "${temporaryName('id-image.a')}", then each takes its new name`,
    ]);
  });

  it('keeps export job names apart per image, and image names apart from job names', () => {
    const order = nameOrder(
      [
        jobRename('image_export_job.a', 'img-1', 'x', 'y'),
        jobRename('image_export_job.b', 'img-2', 'y', 'x'),
        rename('image.c', 'y', 'x'),
      ],
      STATE,
      ibmWorld(),
    );
    expect(order.after.size).toBe(0);
    expect(order.aside.size).toBe(0);
  });

  it('a temporary name is a valid cloud name within 63 characters', () => {
    expect(temporaryName('r006-0c5c5b8e-5b1a-4f5e-9a4e-0d8f6c1e2b3a')).toMatch(/^[a-z][-a-z0-9]{0,61}[a-z0-9]$/);
  });
});

describe('makePlan with a swap of names', () => {
  const a = cloudImage({ name: 'name-x' });
  const b = cloudImage({ name: 'name-y' });
  const yaml = `${imageYaml('a', 'name-y')}---\n${imageYaml('b', 'name-x')}`;
  const managed = state({ 'image.a': managedImage(a, FILE), 'image.b': managedImage(b, FILE) });

  it('plans both renames and says how the swap is done', () => {
    const result = planIbm(documents(yaml), managed, snapshot('2030-06-01T00:00:00Z', [a, b]));
    expect(result.diagnostics).toEqual([]);
    expect(result.plan.summary).toEqual({ add: 0, change: 2, replace: 0, destroy: 0 });
    expect(result.plan.notes).toEqual([
      `image.a and image.b swap names: image.a is first renamed to the temporary name "${temporaryName(a.id)}", then each takes its new name`,
    ]);
  });

  it('--target of one half brings the other along, whose rename frees the name it takes', () => {
    const result = planIbm(documents(yaml), managed, snapshot('2030-06-01T00:00:00Z', [a, b]), {
      targets: ['image.a'],
    });
    expect(result.plan.changes.map((change) => change.address)).toEqual(['image.a', 'image.b']);
  });
});

const FILE = 'cos://us-south/b/web.qcow2';
function imageYaml(name: string, cloudName: string): string {
  return `kind: image\nname: ${name}\nspec:\n  name: ${cloudName}\n  file: ${FILE}\n  operating_system: ubuntu-24-04-amd64\n`;
}
