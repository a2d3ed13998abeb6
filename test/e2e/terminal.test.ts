import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  API_KEY_ENV,
  CLI,
  imageByName,
  imageDoc,
  runCli,
  succeeded,
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
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TERM: 'xterm-256color',
    [API_KEY_ENV]: cloud.apiKey,
    ...extra,
  };
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
  options: {
    cwd: string;
    cloud: Cloud;
    answer?: string;
    env?: NodeJS.ProcessEnv;
    size?: { columns: number; rows: number };
    timeoutMs?: number;
  },
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
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 240_000);
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

/**
 * The rows as the program hands them to the terminal: split at line ends and at the cursor moves and line erases
 * ink redraws with, escape codes removed. A row longer than the terminal is one the terminal had to wrap.
 */
function screenRows(raw: string): string[] {
  return raw
    .split(/\r?\n|\x1b\[\d*[ABGK]/)
    .map((row) => visible(row).trimEnd())
    .filter((row) => row !== '');
}

/** The plan's own lines (from the legend to the closing count), as printed. */
function planLines(text: string): string[] {
  const lines = visible(text)
    .split('\n')
    .map((line) => line.trimEnd());
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
    const terminal = await runInTerminal(['apply'], {
      cwd: dir,
      cloud,
      answer: 'yes\r',
      size: { columns: 150, rows: 40 },
    });
    const text = visible(terminal.output);
    expect(terminal.code, text).toBe(0);
    expect(text).toContain('Do you want to perform these actions?');
    expect(text).toMatch(/Enter a value: yes/);
    // Live rows while the images are created, each with its elapsed time...
    expect(text).toMatch(/image\.tty-apply-web: creating\.\.\..*\[\d+\.\ds\]/);
    expect(text).toMatch(/image\.tty-apply-db: creating\.\.\..*\[\d+\.\ds\]/);
    // ...then one final line per resource, a green tick before it, and the coloured closing line.
    expect(terminal.output).toMatch(
      /\x1b\[32m✔\x1b\[39m image\.tty-apply-web: created \(r006-[0-9a-f-]+\) \[\d+\.\ds\]/,
    );
    expect(terminal.output).toMatch(
      /\x1b\[32m✔\x1b\[39m image\.tty-apply-db: created \(r006-[0-9a-f-]+\) \[\d+\.\ds\]/,
    );
    expect(terminal.output).toMatch(
      /\x1b\[1m\x1b\[32mApply complete! Resources: 2 added, 0 changed, 0 replaced, 0 destroyed\.\x1b\[39m\x1b\[22m/,
    );
    expect(terminal.output).not.toContain('\x1b[2J');
    expect((await imageByName(cloud, 'tty-apply-web'))?.status).toBe('available');
    expect((await imageByName(cloud, 'tty-apply-db'))?.status).toBe('available');
  });

  it('an answer other than yes prints "Apply cancelled.", exits 1 and changes nothing; no error box', async () => {
    const dir = await newWorkspace('tty-cancel');
    const terminal = await runInTerminal(['apply'], { cwd: dir, cloud, answer: 'no\r' });
    const text = visible(terminal.output);
    expect(terminal.code, text).toBe(1);
    expect(text).toMatch(/^Apply cancelled\.$/m);
    expect(text).not.toMatch(/Error|╭|cancelled;/);
    expect(text).not.toContain('Apply complete!');
    expect(await imageByName(cloud, 'tty-cancel-web')).toBeUndefined();
  });

  it('with NO_COLOR a terminal is still asked, and yes applies', async () => {
    const dir = await newWorkspace('tty-nocolor');
    const terminal = await runInTerminal(['apply'], {
      cwd: dir,
      cloud,
      answer: 'yes\r',
      env: { NO_COLOR: '1' },
      size: { columns: 60, rows: 20 },
    });
    const text = visible(terminal.output);
    expect(terminal.code, text).toBe(0);
    expect(terminal.output).not.toMatch(/\x1b\[3\dm/);
    expect(text).toContain('Do you want to perform these actions?');
    expect(text).toMatch(/Enter a value: yes/);
    expect(text).toContain('Apply complete!');
    expect((await imageByName(cloud, 'tty-nocolor-web'))?.status).toBe('available');
  });

  it('with TERM=dumb or --no-color the question is asked too; a no cancels apply and destroy, exit 1', async () => {
    const dir = await newWorkspace('tty-dumb');
    const apply = await runInTerminal(['apply'], { cwd: dir, cloud, answer: 'n\r', env: { TERM: 'dumb' } });
    expect(apply.code, visible(apply.output)).toBe(1);
    expect(visible(apply.output)).toMatch(/Enter a value: n\n+Apply cancelled\.$/m);
    expect(await imageByName(cloud, 'tty-dumb-web')).toBeUndefined();

    succeeded(await runCli(['apply', '--auto-approve'], { cwd: dir, cloud }));
    const destroy = await runInTerminal(['destroy', '--no-color'], { cwd: dir, cloud, answer: '\r' });
    expect(destroy.code, visible(destroy.output)).toBe(1);
    expect(visible(destroy.output)).toContain('Do you really want to destroy these resources?');
    expect(visible(destroy.output)).toMatch(/^Destroy cancelled\.$/m);
    expect((await imageByName(cloud, 'tty-dumb-web'))?.status).toBe('available');
  });

  it('at 60 columns nothing wraps: values continue under themselves, maps nest, live rows and drift fit', async () => {
    const longFile = `cos://us-south/a-bucket-with-a-rather-long-name-for-images/nightly/tty-narrow-web-2404-server-amd64.qcow2`;
    const dir = await space({
      'images.yaml': imageDoc('tty-narrow-web').replace(/file: .*/, `file: ${longFile}`),
      'export.yaml':
        'kind: image_export_job\nname: tty-narrow-export\nspec:\n  image: ${image.tty-narrow-web.id}\n  storage_bucket:\n    name: tty-narrow-bucket\n',
    });
    const size = { columns: 60, rows: 20 };
    const terminal = await runInTerminal(['apply'], { cwd: dir, cloud, answer: 'yes\r', size, timeoutMs: 90_000 });
    expect(terminal.code, visible(terminal.output)).toBe(0);
    // Every row the terminal is given fits its 60 columns: the terminal itself never has to wrap one.
    const rows = screenRows(terminal.output);
    expect(rows.filter((row) => Array.from(row).length > 60)).toEqual([]);
    // Inside a resource block, no row starts at column 0 (the old wrap put `"cos://...` there).
    const block = planLines(terminal.output);
    const resourceRows = block.slice(block.findIndex((line) => line.startsWith('  # ')));
    expect(resourceRows.filter((line) => !/^( |-\/\+ |forget |Plan: )/.test(line))).toEqual([]);
    expect(resourceRows.join('\n')).toMatch(/\+ file: +"cos:\/\/us-south\/a-bucket[^\n]*\n {10,}\S/);
    // The map is nested lines, not inline JSON.
    expect(resourceRows.join('\n')).toMatch(/\+ storage_bucket: \{\n +\+ name: "tty-narrow-bucket"\n +\}/);
    // The export's live row keeps its spinner and its bar on one line.
    expect(
      rows.some((row) =>
        /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] image_export_job\.tty-narrow-export: .*\[\d+(\.\d)?s\] \[[█░]+\] \d+%$/.test(row),
      ),
    ).toBe(true);
    expect(visible(terminal.output)).toContain('Apply complete!');

    const image = await imageByName(cloud, 'tty-narrow-web');
    expect((await cloud.api('PATCH', `/images/${image.id}`, { name: 'tty-narrow-web-renamed-by-hand' })).status).toBe(
      200,
    );
    const drift = await runInTerminal(['drift'], { cwd: dir, cloud, size });
    expect(drift.code, visible(drift.output)).toBe(2);
    const driftRows = screenRows(drift.output);
    expect(driftRows.filter((row) => Array.from(row).length > 60)).toEqual([]);
    // Wrapped at spaces: the closing advice keeps its words whole.
    expect(driftRows.some((row) => row.includes('imageform drift --baseline'))).toBe(true);
    expect(driftRows.filter((row) => row.startsWith('  To ')).length).toBe(2);
  });

  it('40 parallel creates at 60x20: the live area stays within the screen, never clearing it or the scrollback', async () => {
    const docs = Array.from({ length: 40 }, (_, index) => imageDoc(`tty-many-${String(index).padStart(2, '0')}`));
    const dir = await space({ 'images.yaml': docs.join('---\n') });
    const terminal = await runInTerminal(['apply', '--auto-approve', '--parallelism', '40'], {
      cwd: dir,
      cloud,
      size: { columns: 60, rows: 20 },
      timeoutMs: 120_000,
    });
    const text = visible(terminal.output);
    expect(terminal.code, text).toBe(0);
    expect(terminal.output).not.toContain('\x1b[3J');
    expect(terminal.output).not.toContain('\x1b[2J');
    expect(text).toContain('Apply complete! Resources: 40 added');
    expect(text).toMatch(/… and \d+ more running/);
    expect(screenRows(terminal.output).filter((row) => Array.from(row).length > 60)).toEqual([]);
  }, 150_000);

  it('an error shows its line, then the source line with a caret under the column, then the count', async () => {
    const dir = await space({
      'images.yaml': `${imageDoc('tty-bad-web')}  deprecation_at: "2026-13-45"\n---\n${imageDoc('tty-bad-db')}  colour: blue\n`,
    });
    for (const command of ['validate', 'plan']) {
      const terminal = await runInTerminal([command], { cwd: dir, cloud, size: { columns: 60, rows: 20 } });
      const text = visible(terminal.output);
      expect(terminal.code, text).toBe(1);
      const lines = text.split('\n');
      const at = lines.findIndex((line) => /^images\.yaml:6:19: /.test(line));
      expect(at, text).toBeGreaterThanOrEqual(0);
      const source = lines.findIndex(
        (line, index) => index > at && /^ +6 \| {3}deprecation_at: "2026-13-45"$/.test(line),
      );
      expect(source, text).toBeGreaterThan(at);
      const caret = lines[source + 1]!;
      expect(caret.indexOf('^') - caret.indexOf('|')).toBe(lines[source]!.indexOf('"') - lines[source]!.indexOf('|'));
      expect(text).toMatch(/^ +13 \| {3}colour: blue\n +\| {3}\^$/m);
      expect(lines.filter((line) => line !== '').at(-1)).toBe('2 errors');
      expect(text).not.toMatch(/╭|│/);
    }
    // Through a pipe the same errors stay one line each, as CI logs have them.
    const piped = await runCli(['validate'], { cwd: dir, cloud });
    expect(piped.code).toBe(1);
    expect(piped.stderr.trim().split('\n')).toHaveLength(2);
    expect(piped.stderr).toMatch(/^images\.yaml:6:19: /);
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
