import { describe, expect, it } from 'vitest';
import { ecsLifecycle } from '../../../src/clouds/alibaba-ecs/lifecycle-status.js';
import { glanceLifecycle } from '../../../src/clouds/openstack-glance/lifecycle-status.js';
import { describeStatus } from '../../../src/core/lifecycle-status.js';

describe('one lifecycle vocabulary (DESIGN.md §8.5)', () => {
  it.each([
    [{ status: 'active' }, 'available'],
    [{ status: 'active', os_hidden: true }, 'deprecated (os_hidden)'],
    [{ status: 'deactivated', os_hidden: true }, 'obsolete (deactivated)'],
    [{ status: 'queued' }, 'pending (queued)'],
    [{ status: 'saving' }, 'pending (saving)'],
    [{ status: 'importing' }, 'pending (importing)'],
    [{ status: 'queued', os_glance_failed_import: 'file' }, 'failed (queued, import failed)'],
    [{ status: 'killed' }, 'failed (killed)'],
    [{ status: 'pending_delete' }, 'deleting (pending_delete)'],
  ])('Glance %o reads as %s', (image, words) => {
    expect(describeStatus(glanceLifecycle(image))).toBe(words);
  });

  it('says why a Glance import failed, from the property Glance sets', () => {
    expect(glanceLifecycle({ status: 'queued', os_glance_failed_import: 'file' }).reason).toBe(
      'the import failed (os_glance_failed_import: file)',
    );
    expect(glanceLifecycle({ status: 'queued', os_glance_failed_import: '' }).status).toBe('pending');
  });

  it.each([
    ['Available', 'available'],
    ['Deprecated', 'deprecated'],
    ['Creating', 'pending (Creating)'],
    ['Waiting', 'pending (Waiting)'],
    ['CreateFailed', 'failed (CreateFailed)'],
    ['UnAvailable', 'failed (UnAvailable)'],
  ])('ECS %s reads as %s', (status, words) => {
    expect(describeStatus(ecsLifecycle(status))).toBe(words);
  });
});
