import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  API_KEY_ENV,
  CLI,
  imageByName,
  imageDoc,
  runCli,
  useCloud,
  type CliResult,
  type Cloud,
} from '../helpers/e2e.js';

/**
 * The real CLI in a pseudo-terminal (util-linux `script`), as a person at a terminal runs it: colours, the live
 * apply and the yes-prompt; then the same commands through a pipe, which must print clean text.
 */
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

/** Control sequences: colours, cursor moves, line erases, private modes. */
const CONTROL = /\x1b\[[0-9;?]*[A-Za-z]/g;

function visible(text: string): string {
  return text.replace(CONTROL, '').replace(/\r/g, '');
}

/** A terminal session's environment: no CI variable (CI forces plain output), a colour terminal. */
function terminalEnv(cloud: Cloud, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm-256color', [API_KEY_ENV]: cloud.apiKey, ...extra };
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs the CLI with stdin, stdout and stderr on a pseudo-terminal; `answer` is typed once the prompt shows.
 * `script` merges both streams into one, as a terminal does. Without `size` the terminal reports none (0 x 0).
 */
function runInTerminal(
  args: string[],
  options: { cwd: string; cloud: Cloud; answer?: string; env?: NodeJS.ProcessEnv; size?: { columns: number; rows: number } },
): Promise<{ code: number; output: string }> {
  const cli = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
  const command = options.size ? `stty cols ${options.size.columns} rows ${options.size.rows} && exec ${cli}` : cli;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: options.cwd,
    env: terminalEnv(options.cloud, options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let answer = options.answer;
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    if (answer !== undefined && visible(output).includes('Enter a value:')) {
      child.stdin.write(answer);
      answer = undefined;
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  // Only for a prompt that never comes: well within the test's timeout, but generous for a loaded machine.
  const killer = setTimeout(() => child.kill('SIGKILL'), 240_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code: code ?? -1, output });
    });
  });
}

const { cloud, space } = useCloud();

function newWorkspace(prefix: string): Promise<string> {
  return space({ 'images.yaml': `${imageDoc(`${prefix}-web`)}---\n${imageDoc(`${prefix}-db`)}` });
}

/** The plan's own lines (from the legend to the closing count), as printed. */
function planLines(text: string): string[] {
  const lines = visible(text).split('\n').map((line) => line.trimEnd());
  const start = lines.findIndex((line) => line.startsWith('Resource actions are indicated'));
  const end = lines.findIndex((line) => line.startsWith('Plan: '));
  expect(start, 'the plan legend').toBeGreaterThanOrEqual(0);
  expect(end, 'the closing count').toBeGreaterThan(start);
  return lines.slice(start, end + 1).filter((line) => line !== '');
}

describe.skipIf(!hasScript)('in a pseudo-terminal', () => {
  it('plan is coloured; the same plan through a pipe is the same text with no escape codes', async () => {
    const dir = await newWorkspace('tty-plan');
    const terminal = await runInTerminal(['plan'], { cwd: dir, cloud });
    expect(terminal.code).toBe(0);
    // Creates in green, the address in bold, the closing count in bold.
    expect(terminal.output).toMatch(/\x1b\[32m {2}\+\x1b\[39m image\.tty-plan-web/);
    expect(terminal.output).toMatch(/\x1b\[1mimage\.tty-plan-db\x1b\[22m will be created/);
    expect(terminal.output).toMatch(/\x1b\[1mPlan: 2 to add, 0 to change, 0 to replace, 0 to destroy\.\x1b\[22m/);
    // A terminal that reports no size must not be cleared (ink wipes screen and scrollback when it thinks it is full).
    expect(terminal.output).not.toContain('\x1b[2J');
    expect(terminal.output).not.toContain('\x1b[3J');

    const piped: CliResult = await runCli(['plan'], { cwd: dir, cloud, env: { TERM: 'xterm-256color' } });
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
    expect(piped.stdout).not.toContain('\x1b');
    expect(planLines(piped.stdout)).toEqual(planLines(terminal.output));
  });

  it('apply asks, shows each resource live, and ends with Apply complete!', async () => {
    const dir = await newWorkspace('tty-apply');
    const terminal = await runInTerminal(['apply'], { cwd: dir, cloud, answer: 'yes\r', size: { columns: 150, rows: 40 } });
    const text = visible(terminal.output);
    expect(terminal.code, text).toBe(0);
    expect(text).toContain('Do you want to perform these actions?');
    expect(text).toMatch(/Enter a value: yes/);
    // Live rows while the images are created, each with its elapsed time...
    expect(text).toMatch(/image\.tty-apply-web: creating\.\.\..*\[\d+\.\ds\]/);
    expect(text).toMatch(/image\.tty-apply-db: creating\.\.\..*\[\d+\.\ds\]/);
    // ...then one final line per resource, a green tick before it, and the coloured closing line.
    expect(terminal.output).toMatch(/\x1b\[32m✔\x1b\[39m image\.tty-apply-web: created \(r006-[0-9a-f-]+\) \[\d+\.\ds\]/);
    expect(terminal.output).toMatch(/\x1b\[32m✔\x1b\[39m image\.tty-apply-db: created \(r006-[0-9a-f-]+\) \[\d+\.\ds\]/);
    expect(terminal.output).toMatch(/\x1b\[1m\x1b\[32mApply complete! Resources: 2 added, 0 changed, 0 replaced, 0 destroyed\.\x1b\[39m\x1b\[22m/);
    expect(terminal.output).not.toContain('\x1b[2J');
    expect((await imageByName(cloud, 'tty-apply-web'))?.status).toBe('available');
    expect((await imageByName(cloud, 'tty-apply-db'))?.status).toBe('available');
  });

  it('an answer other than yes cancels and changes nothing', async () => {
    const dir = await newWorkspace('tty-cancel');
    const terminal = await runInTerminal(['apply'], { cwd: dir, cloud, answer: 'no\r' });
    const text = visible(terminal.output);
    expect(terminal.code, text).not.toBe(0);
    expect(text).toMatch(/cancel/i);
    expect(text).not.toContain('Apply complete!');
    expect(await imageByName(cloud, 'tty-cancel-web')).toBeUndefined();
  });

  it('with CI set, even a terminal gets plain lines', async () => {
    const dir = await newWorkspace('tty-ci');
    const terminal = await runInTerminal(['plan'], { cwd: dir, cloud, env: { CI: 'true' } });
    expect(terminal.code).toBe(0);
    expect(terminal.output).not.toContain('\x1b');
    expect(terminal.output).toContain('Plan: 2 to add');
  });
});

describe('through a pipe', () => {
  it('apply prints one plain line per resource and the closing line, with no escape codes', async () => {
    const dir = await newWorkspace('pipe-apply');
    const applied = await runCli(['apply', '--auto-approve'], { cwd: dir, cloud, env: { TERM: 'xterm-256color' } });
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).not.toContain('\x1b');
    expect(applied.stdout).toMatch(/^image\.pipe-apply-web: created \(r006-[0-9a-f-]+\)/m);
    expect(applied.stdout).toMatch(/^image\.pipe-apply-db: created \(r006-[0-9a-f-]+\)/m);
    expect(applied.stdout).toContain('Apply complete! Resources: 2 added, 0 changed, 0 replaced, 0 destroyed.');
  });

  it('apply without --auto-approve refuses, since nobody can answer', async () => {
    const dir = await newWorkspace('pipe-refuse');
    const refused = await runCli(['apply'], { cwd: dir, cloud, env: { TERM: 'xterm-256color' } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--auto-approve');
    expect(refused.stderr).not.toContain('\x1b');
    expect(await imageByName(cloud, 'pipe-refuse-web')).toBeUndefined();
  });
});
