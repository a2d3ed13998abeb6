import { describe, expect, it } from 'vitest';
import { imageDoc, readState, removeDir, runCli, useCloud, workspace } from '../helpers/e2e.js';

const { cloud } = useCloud();

describe('create, apply, clean plan', () => {
  it('applies two images and an export job, then plans no changes', async () => {
    const dir = await workspace(cloud, {
      'images.yaml': `${imageDoc('basic-web')}---\n${imageDoc('basic-db', { deprecation_at: '2040-01-01T00:00:00Z' })}`,
      'export.yaml':
        'kind: image_export_job\nname: basic-web-export\nspec:\n  image: ${image.basic-web.id}\n  storage_bucket:\n    name: e2e-exports\n',
    });
    try {
      const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect(applied.stdout).toContain('Apply complete! Resources: 3 added, 0 changed, 0 replaced, 0 destroyed.');

      const images = (await cloud.images()).filter((image) => image.name.startsWith('basic-'));
      expect(images.map((image) => [image.name, image.status]).sort()).toEqual([
        ['basic-db', 'available'],
        ['basic-web', 'available'],
      ]);
      const state = await readState(dir);
      expect(Object.keys(state.resources)).toEqual([
        'image.basic-db',
        'image.basic-web',
        'image_export_job.basic-web-export',
      ]);
      expect(state.resources['image_export_job.basic-web-export'].attributes.status).toBe('succeeded');

      const plan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, cloud });
      expect(plan.code).toBe(0);
      expect(plan.stdout).toContain('No changes.');
    } finally {
      await removeDir(dir);
    }
  });
});
