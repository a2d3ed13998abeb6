import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Test hook: with IMAGEFORM_TEST_PAUSE=POINT:DIR, stop at POINT until DIR/resume-PID exists, after creating
 * DIR/paused-POINT-PID, so a test can hold a process at the exact step of a race without sleeping.
 */
let pauseSetting: string | undefined;

export async function pauseForTest(point: string): Promise<void> {
  // Read once: it is set when the process starts, and this runs at every state write of a large apply.
  const setting = (pauseSetting ??= process.env.IMAGEFORM_TEST_PAUSE ?? '');
  if (!setting) return;
  const [wanted, dir] = [setting.slice(0, setting.indexOf(':')), setting.slice(setting.indexOf(':') + 1)];
  if (wanted !== point || !dir) return;
  await writeFile(join(dir, `paused-${point}-${process.pid}`), '');
  const resume = join(dir, `resume-${process.pid}`);
  while (
    !(await stat(resume).then(
      () => true,
      () => false,
    ))
  )
    await new Promise((resolve) => setTimeout(resolve, 20));
}
