import { execFile } from 'node:child_process';
import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { collect, spawnCli, useCloud, type CliResult } from '../helpers/e2e.js';

/**
 * Inputs the YAML parser accepts but imageform must refuse (issue 9 defect 7), and configuration that is not a
 * regular file: each gets one `file:line:col: message (hint)` line and exit 1 from validate and from plan, with
 * no call to the cloud and no state written. Before, a value containing itself crashed with a stack overflow, an
 * undefined alias was called an alias bomb at 1:1, unknown tags were read silently, and a named pipe hung forever.
 */
const { cloud, space } = useCloud();

/** Well beyond what a refusal takes; only there so that a hang fails the test instead of stalling the suite. */
const DEADLINE_MS = 30_000;

const image = (spec: string) =>
  `kind: image\nname: web\nspec:\n  file: cos://us-south/e2e/web.qcow2\n  operating_system: ubuntu-24-04-amd64\n${spec}`;

const TAG_HINT =
  '(remove the tag; imageform reads only the core tags !!str, !!int, !!float, !!bool, !!null, !!map and !!seq)';
const cases: Array<{ name: string; text: string; error: string }> = [
  {
    name: 'an alias inside its own anchor (a list that contains itself)',
    text: image('  user_tags: &tags [a, *tags]\n'),
    error:
      'images.yaml:6:24: alias *tags is inside its own anchor, so the value would contain itself (an alias can repeat a value only after that value ends)',
  },
  {
    name: 'a mapping that contains its own anchor',
    text: 'kind: image\nname: web\nspec: &spec\n  file: cos://us-south/e2e/web.qcow2\n  copy: *spec\n',
    error:
      'images.yaml:5:9: alias *spec is inside its own anchor, so the value would contain itself (an alias can repeat a value only after that value ends)',
  },
  {
    name: 'an undefined alias',
    text: 'kind: image\nname: web\nspec:\n  file: cos://us-south/e2e/web.qcow2\n  operating_system: *nope\n',
    error: 'images.yaml:5:21: alias *nope refers to no anchor (define &nope before the alias)',
  },
  {
    name: 'a !!js/function tag',
    text: 'kind: image\nname: web\nspec:\n  file: !!js/function "function () {}"\n  operating_system: ubuntu-24-04-amd64\n',
    error: `images.yaml:4:9: tag !!js/function is not supported ${TAG_HINT}`,
  },
  {
    name: 'a local !foo tag',
    text: 'kind: image\nname: web\nspec:\n  file: cos://us-south/e2e/web.qcow2\n  operating_system: !foo ubuntu-24-04-amd64\n',
    error: `images.yaml:5:21: tag !foo is not supported ${TAG_HINT}`,
  },
  {
    name: 'a YAML 1.1 !!binary tag',
    text: 'kind: image\nname: web\nspec:\n  file: cos://us-south/e2e/web.qcow2\n  operating_system: !!binary dWJ1bnR1\n',
    error: `images.yaml:5:21: tag !!binary is not supported ${TAG_HINT}`,
  },
];

/** The CLI with a deadline: killed if it has not ended by then, which the caller sees as a signal. */
async function runWithDeadline(args: string[], dir: string): Promise<CliResult & { signal: NodeJS.Signals | null }> {
  const child = spawnCli(args, { cwd: dir, cloud });
  const deadline = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
  try {
    return await collect(child);
  } finally {
    clearTimeout(deadline);
  }
}

/** validate and plan both refuse with exactly `error`, ending on their own, without calling the cloud or writing state. */
async function expectRefused(dir: string, error: string, commands = ['validate', 'plan']): Promise<void> {
  for (const command of commands) {
    await cloud.hook('DELETE', '/stats');
    const result = await runWithDeadline([command], dir);
    expect(result.signal, `${command} did not end by itself`).toBeNull();
    expect(result.stderr.split('\n').filter((line) => !line.startsWith('warning: '))).toEqual([error, '']);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(1);
    const stats = await cloud.hook<{ requests: Record<string, number> }>('GET', '/stats');
    expect(Object.keys(stats.body.requests).filter((route) => !route.includes('/emulator/v1/'))).toEqual([]);
    await expect(access(join(dir, '.imageform'))).rejects.toThrow();
  }
}

async function mkfifo(path: string): Promise<void> {
  await promisify(execFile)('mkfifo', [path]);
}

// One at a time: each case reads the emulator's request counts.
describe('refused inputs', () => {
  it.each(cases)('$name', async ({ text, error }) => {
    const dir = await space({ 'images.yaml': text });
    await expectRefused(dir, error);
  });

  it('an imageform.yaml that is a named pipe', async () => {
    const dir = await space({ 'images.yaml': image('') });
    await rm(join(dir, 'imageform.yaml'));
    await mkfifo(join(dir, 'imageform.yaml'));
    await expectRefused(
      dir,
      'imageform.yaml:1:1: is a named pipe, not a regular file (replace it with a regular file)',
    );
  });

  it('a resource file that is a named pipe', async () => {
    const dir = await space({ 'images.yaml': image('') });
    await mkfifo(join(dir, 'more.yaml'));
    await expectRefused(dir, 'more.yaml:1:1: is a named pipe, not a regular file (replace it with a regular file)');
  });

  it("drift's ignore file as a named pipe", async () => {
    const dir = await space({ 'images.yaml': image('') });
    await mkfifo(join(dir, '.imageform-driftignore'));
    await expectRefused(
      dir,
      '.imageform-driftignore:1:1: is a named pipe, not a regular file (replace it with a regular file)',
      ['drift'],
    );
  });
});
