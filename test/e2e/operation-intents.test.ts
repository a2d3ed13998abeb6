import { describe, expect, it } from 'vitest';
import {
  cloudDate,
  expectCleanPlan,
  imageByName,
  imageDoc,
  readState,
  removeDir,
  runCli,
  startLossyProxy,
  useCloud,
  workspace,
  writeFiles,
} from '../helpers/e2e.js';

/**
 * Issue 9, defect 3 (DESIGN.md §5): an update is recorded as an intent before its API call, as a create is. When
 * the answer is lost after the cloud acted, state says so, and what the update changed is not reported as drift
 * made outside imageform; the next apply settles the intent.
 */
const { cloud } = useCloud();

describe('an update whose answer is lost', () => {
  it('is recorded as in flight, is not drift, and the next apply settles it', async () => {
    const proxy = await startLossyProxy(cloud.url);
    const viaProxy = { ...cloud, url: proxy.url };
    const dir = await workspace(viaProxy, { 'images.yaml': imageDoc('opint-a') });
    try {
      expect((await runCli(['apply', '--auto-approve'], { cwd: dir, cloud })).code).toBe(0);
      const date = await cloudDate(cloud, 30);
      await writeFiles(dir, { 'images.yaml': imageDoc('opint-a', { deprecation_at: date }) });

      // The cloud applies every PATCH; its answers never arrive.
      proxy.policy = (method) => (method === 'PATCH' ? 'lose' : 'pass');
      const lost = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
      expect(lost.code, lost.stdout + lost.stderr).toBe(1);
      expect(new Date((await imageByName(cloud, 'opint-a')).deprecation_at).toISOString()).toBe(
        new Date(date).toISOString(),
      );
      expect((await readState(dir)).resources['image.opint-a'].operation).toMatchObject({ action: 'update' });

      proxy.policy = () => 'pass';
      const drift = await runCli(['drift', '--format', 'json'], { cwd: dir, cloud });
      expect(drift.code, drift.stdout + drift.stderr).toBe(0);
      expect(JSON.parse(drift.stdout).drift).toEqual([]);

      const settled = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
      expect(settled.code, settled.stderr).toBe(0);
      expect((await readState(dir)).resources['image.opint-a'].operation).toBeUndefined();
      await expectCleanPlan(dir, cloud);
    } finally {
      await proxy.stop();
      await removeDir(dir);
    }
  }, 90_000);
});
