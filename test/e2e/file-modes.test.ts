import { spawn } from 'node:child_process';
import { chmod, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  API_KEY_ENV,
  CLI,
  applyOk,
  collect,
  imageByName,
  imageDoc,
  readState,
  runCli,
  useCloud,
  type CliResult,
} from '../helpers/e2e.js';

/**
 * Plans and state are private (mode 0600) however they come to be written: over an existing file of another
 * mode (issue 9 item 10: `plan --out` over a 0644 file kept 0644) and under a permissive umask.
 */
const { cloud, space } = useCloud();

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

/** The CLI under `umask 000`, so only imageform's own choice of mode can make a file private. */
async function runUnderOpenUmask(args: string[], cwd: string): Promise<CliResult> {
  const quoted = args.map((arg) => `'${arg}'`).join(' ');
  const child = spawn('sh', ['-c', `umask 000; exec "${process.execPath}" "${CLI}" ${quoted}`], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, [API_KEY_ENV]: cloud.apiKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { code, stdout, stderr } = await collect(child);
  return { code, stdout, stderr };
}

describe.concurrent('file modes', () => {
  it('plan --out over an existing 0644 file leaves a 0600 plan that applies', async () => {
    const dir = await space({ 'image.yaml': imageDoc('fm-plan') });
    const planFile = join(dir, 'reviewed.plan');
    await writeFile(planFile, 'an older plan, readable by all\n');
    await chmod(planFile, 0o644);
    const planned = await runUnderOpenUmask(['plan', '--out', 'reviewed.plan'], dir);
    expect(planned.stderr).toBe('');
    expect(planned.code).toBe(0);
    expect(await mode(planFile)).toBe(0o600);
    await applyOk(dir, cloud, ['reviewed.plan']);
    expect(await imageByName(cloud, 'fm-plan')).toBeDefined();
  });

  it('a new plan and the state are 0600 under umask 000, and state stays 0600 after being widened', async () => {
    const dir = await space({ 'image.yaml': imageDoc('fm-state') });
    expect((await runUnderOpenUmask(['plan', '--out', 'new.plan'], dir)).code).toBe(0);
    expect(await mode(join(dir, 'new.plan'))).toBe(0o600);
    expect((await runUnderOpenUmask(['apply', '--auto-approve'], dir)).code).toBe(0);
    const statePath = join(dir, '.imageform', 'state.json');
    expect(await mode(statePath)).toBe(0o600);
    await chmod(statePath, 0o644);
    await writeFile(join(dir, 'image.yaml'), imageDoc('fm-state', { deprecation_at: '2099-01-01T00:00:00Z' }));
    const changed = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud });
    expect(changed.code).toBe(0);
    expect(Date.parse((await readState(dir)).resources['image.fm-state'].attributes.deprecation_at)).toBe(
      Date.parse('2099-01-01T00:00:00Z'),
    );
    expect(await mode(statePath)).toBe(0o600);
  });
});
