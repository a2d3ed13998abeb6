import { spawn } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { imageByName, REPO, removeDir, runCli, startCloud, writeFiles, type Cloud } from '../helpers/e2e.js';

/**
 * examples/gitops/ end to end: its workflows are valid GitHub Actions YAML, and their imageform steps run, exactly
 * as written, against the emulator. A small runner plays the part of GitHub Actions: it evaluates the steps'
 * `if:` and `${{ }}` expressions it needs, runs each `run:` with bash as Actions does (-eo pipefail), and passes
 * step outputs and the job summary along. `npx imageform` finds the repository's CLI as an installed package;
 * `gh` is a stand-in that records what it was asked to do.
 */
const EXAMPLE = join(REPO, 'examples', 'gitops');
const WORKFLOWS = join(EXAMPLE, '.github', 'workflows');

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
}

interface Job {
  'runs-on': string;
  env?: Record<string, string>;
  steps: Step[];
}

interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

async function readWorkflow(file: string): Promise<Workflow> {
  return parse(await readFile(join(WORKFLOWS, file), 'utf8'), { strict: true, uniqueKeys: true }) as Workflow;
}

interface StepRun {
  name: string;
  code: number;
  stdout: string;
  stderr: string;
}

interface JobRun {
  failed: boolean;
  steps: StepRun[];
  summary: string;
  gh: string[];
}

interface Runner {
  dir: string;
  secrets: Record<string, string>;
  /** What `gh issue list` prints (numbers of open drift issues, one a line). */
  openIssues: string;
}

/** The one expression language subset the example's workflows use: contexts, and == / != against a string. */
function evaluate(expression: string, contexts: { secrets: Record<string, string>; outputs: Record<string, Record<string, string>> }): string {
  const value = (path: string): string => {
    const parts = path.split('.');
    if (parts[0] === 'secrets') return contexts.secrets[parts[1]!] ?? '';
    if (path === 'github.token') return 'fake-github-token';
    if (path === 'github.event.pull_request.number') return '17';
    if (parts[0] === 'steps' && parts[2] === 'outputs') return contexts.outputs[parts[1]!]?.[parts[3]!] ?? '';
    throw new Error(`the test runner does not know the expression "${path}"`);
  };
  const comparison = /^([\w.-]+)\s*(==|!=)\s*'([^']*)'$/.exec(expression.trim());
  if (comparison) return String((value(comparison[1]!) === comparison[3]) === (comparison[2] === '=='));
  return value(expression.trim());
}

function expand(text: string, contexts: Parameters<typeof evaluate>[1]): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expression: string) => evaluate(expression, contexts));
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  // GitHub's default shell for run steps on Linux.
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs one job of a workflow in the runner's checkout, step by step, as GitHub Actions would. */
async function runJob(runner: Runner, workflow: Workflow, jobName: string): Promise<JobRun> {
  const job = workflow.jobs[jobName]!;
  const scratch = await mkdtemp(join(tmpdir(), 'imageform-actions-'));
  try {
    const summaryFile = join(scratch, 'summary.md');
    const ghLog = join(scratch, 'gh.log');
    await writeFile(summaryFile, '');
    await writeFile(ghLog, '');
    const fakeBin = join(scratch, 'bin');
    await mkdir(fakeBin);
    await writeFile(
      join(fakeBin, 'gh'),
      [
        '#!/usr/bin/env bash',
        'printf "%s\\n" "$*" >> "$FAKE_GH_LOG"',
        // A body file must exist and hold something: an empty comment or issue is a bug in the workflow.
        'previous=""; for arg in "$@"; do if [ "$previous" = "--body-file" ] && [ ! -s "$arg" ]; then echo "gh: $arg is empty" >&2; exit 1; fi; previous="$arg"; done',
        'if [ "$1 $2" = "issue list" ]; then printf "%s" "$FAKE_GH_OPEN_ISSUES"; fi',
      ].join('\n'),
    );
    await chmod(join(fakeBin, 'gh'), 0o755);

    const outputs: Record<string, Record<string, string>> = {};
    const contexts = { secrets: runner.secrets, outputs };
    const steps: StepRun[] = [];
    let failed = false;
    for (const [index, step] of job.steps.entries()) {
      const name = step.name ?? step.uses ?? `step ${index + 1}`;
      // actions/checkout and setup-node: the runner's checkout and this Node.js stand in for them.
      if (step.uses || !step.run) continue;
      // The test installs imageform itself (the repository, linked as node_modules/imageform).
      if (/\bnpm (install|ci)\b/.test(step.run)) continue;
      // Steps run while nothing failed, unless their condition says otherwise (implicit success() &&).
      const condition = step.if === undefined ? true : evaluate(step.if, contexts) === 'true';
      if (failed || !condition) continue;
      const outputFile = join(scratch, `output-${index}`);
      await writeFile(outputFile, '');
      const env: NodeJS.ProcessEnv = {
        PATH: `${fakeBin}:${process.env.PATH}`,
        HOME: process.env.HOME,
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        FAKE_GH_LOG: ghLog,
        FAKE_GH_OPEN_ISSUES: runner.openIssues,
      };
      for (const scope of [workflow.env, job.env, step.env]) {
        for (const [key, text] of Object.entries(scope ?? {})) env[key] = expand(String(text), contexts);
      }
      const result = await bash(expand(step.run, contexts), runner.dir, env);
      steps.push({ name, ...result });
      if (step.id) {
        outputs[step.id] = Object.fromEntries(
          (await readFile(outputFile, 'utf8'))
            .split('\n')
            .filter((line) => line.includes('='))
            .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
        );
      }
      if (result.code !== 0) failed = true;
    }
    const gh = (await readFile(ghLog, 'utf8')).split('\n').filter(Boolean);
    return { failed, steps, summary: await readFile(summaryFile, 'utf8'), gh };
  } finally {
    await removeDir(scratch);
  }
}

/** Copies the example as a fresh clone would be: without a local .imageform/ (state, embedded cloud) from a try-out. */
async function cloneExample(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imageform-gitops-'));
  const localData = join(EXAMPLE, '.imageform');
  await cp(EXAMPLE, dir, { recursive: true, filter: (source) => source !== localData && !source.startsWith(`${localData}/`) });
  return dir;
}

function step(run: JobRun, name: string): StepRun {
  const found = run.steps.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`step "${name}" did not run; ran: ${run.steps.map((candidate) => candidate.name).join(', ')}`);
  return found;
}

describe('examples/gitops workflows', () => {
  it('are valid YAML with the triggers, permissions and steps a GitOps repository needs', async () => {
    const files = (await readdir(WORKFLOWS)).sort();
    expect(files).toEqual(['imageform-apply.yml', 'imageform-drift.yml', 'imageform-plan.yml']);
    const plan = await readWorkflow('imageform-plan.yml');
    const apply = await readWorkflow('imageform-apply.yml');
    const drift = await readWorkflow('imageform-drift.yml');
    for (const workflow of [plan, apply, drift]) {
      expect(workflow.name).toMatch(/^imageform /);
      for (const job of Object.values(workflow.jobs)) {
        expect(job['runs-on']).toBe('ubuntu-latest');
        expect(job.steps.length).toBeGreaterThan(3);
        for (const item of job.steps) expect(Boolean(item.uses) !== Boolean(item.run), JSON.stringify(item)).toBe(true);
        // Secrets reach imageform through variables, never through a file or a command line.
        const commands = job.steps.map((item) => item.run ?? '').join('\n');
        expect(commands).not.toMatch(/secrets\./);
        expect(commands).toMatch(/npx imageform /);
      }
    }
    expect(Object.keys(plan.on)).toEqual(['pull_request']);
    expect(plan.permissions).toMatchObject({ 'pull-requests': 'write' });
    expect(apply.on).toMatchObject({ push: { branches: ['main'] } });
    expect((apply as any).concurrency['cancel-in-progress']).toBe(false);
    expect((drift.on as any).schedule[0].cron).toMatch(/^(\S+ ){4}\S+$/);
    expect(drift.permissions).toMatchObject({ issues: 'write' });
  });
});

describe('examples/gitops against the emulator', () => {
  let cloud: Cloud;
  let runner: Runner;
  beforeAll(async () => {
    cloud = await startCloud();
    const dir = await cloneExample();
    // Installed as `npm install` would: the package, and its command in node_modules/.bin for npx.
    await mkdir(join(dir, 'node_modules', '.bin'), { recursive: true });
    await symlink(REPO, join(dir, 'node_modules', 'imageform'));
    await symlink('../imageform/bin/imageform.js', join(dir, 'node_modules', '.bin', 'imageform'));
    // The production settings, pointed at the emulator instead of IBM Cloud; the key still comes from the secret.
    await writeFiles(dir, {
      '.github/imageform/production.yaml': `provider:\n  type: ibm-vpc\n  endpoint: ${cloud.url}\n  iam_endpoint: ${cloud.url}\n  api_key_env: IBMCLOUD_API_KEY\nstate:\n  backend: local\n`,
    });
    runner = { dir, secrets: { IBMCLOUD_API_KEY: cloud.apiKey, IMAGEFORM_PG_URL: '' }, openIssues: '' };
  });
  afterAll(async () => {
    await removeDir(runner.dir);
    await cloud.stop();
  });

  it('plan on a pull request, apply on main, then a drift job that is clean, fails on a hand-made change, and closes its issue when fixed', async () => {
    // Pull request: validate, plan as markdown, one comment.
    const pr = await runJob(runner, await readWorkflow('imageform-plan.yml'), 'plan');
    expect(pr.steps.map((item) => [item.name, item.code])).toEqual([
      ['Use the production settings', 0],
      ['Validate the files', 0],
      ['Plan', 0],
      ['Comment the plan on the pull request', 0],
    ]);
    expect(pr.failed).toBe(false);
    const planMarkdown = await readFile(join(runner.dir, 'plan.md'), 'utf8');
    expect(planMarkdown).toContain('**Plan: 6 to add, 0 to change, 0 to replace, 0 to destroy.**');
    expect(planMarkdown).toContain('`image.ubuntu-2204`');
    expect(planMarkdown).not.toContain('\x1b');
    expect(pr.summary).toContain(planMarkdown.trim());
    expect(pr.gh).toEqual(['pr comment 17 --body-file plan.md --edit-last']);
    // A plan changes nothing in the cloud.
    expect(await imageByName(cloud, 'platform-ubuntu-2404')).toBeUndefined();

    // Merge to main: apply, then the check that nothing differs.
    const merge = await runJob(runner, await readWorkflow('imageform-apply.yml'), 'apply');
    expect(merge.failed, JSON.stringify(merge.steps, null, 1)).toBe(false);
    expect(step(merge, 'Apply').stdout).toContain('Apply complete! Resources: 6 added, 0 changed, 0 replaced, 0 destroyed.');
    expect(step(merge, 'Check the cloud now matches the files').stdout).toContain('No drift');
    expect(merge.summary).toContain('No drift');
    const ubuntu2204 = await imageByName(cloud, 'platform-ubuntu-2204');
    expect(ubuntu2204.deprecation_at).toMatch(/^2035-03-31T00:00:00/);
    expect(await imageByName(cloud, 'web-frontend-2035-01')).toBeDefined();

    // The morning drift job: clean, so it closes any open drift issue and succeeds.
    const driftWorkflow = await readWorkflow('imageform-drift.yml');
    runner.openIssues = '';
    const clean = await runJob(runner, driftWorkflow, 'drift');
    expect(clean.failed).toBe(false);
    expect(step(clean, 'Look for drift').stdout).toContain('No drift');
    expect(clean.steps.map((item) => item.name)).toEqual(['Use the production settings', 'Look for drift', 'Close the drift issue']);
    expect(clean.gh).toEqual(['issue list --label imageform-drift --state open --json number --jq .[].number']);

    // Someone renames the database image by hand: the job opens an issue with the report and fails.
    const postgres = await imageByName(cloud, 'data-postgres-16');
    expect((await cloud.api('PATCH', `/images/${postgres.id}`, { name: 'data-postgres-16-hotfix' })).status).toBe(200);
    const drifted = await runJob(runner, driftWorkflow, 'drift');
    expect(drifted.failed).toBe(true);
    expect(drifted.steps.map((item) => [item.name, item.code])).toEqual([
      ['Use the production settings', 0],
      ['Look for drift', 0],
      ['Open or update the drift issue', 0],
      ['Fail on drift or error', 1],
    ]);
    expect(step(drifted, 'Fail on drift or error').stdout).toContain('::error::imageform drift: the cloud changed outside imageform');
    const report = await readFile(join(runner.dir, 'drift.md'), 'utf8');
    expect(report).toContain('`image.postgres-16`');
    expect(report).toContain('`"data-postgres-16-hotfix"`');
    expect(drifted.summary).toContain(report.trim());
    expect(drifted.gh).toEqual([
      'label create imageform-drift --color d93f0b --description imageform drift report --force',
      'issue list --label imageform-drift --state open --limit 1 --json number --jq .[].number',
      'issue create --title imageform: the cloud has drifted from the files --label imageform-drift --body-file drift.md',
    ]);

    // The next morning the issue is still open: it is updated, not duplicated.
    runner.openIssues = '42\n';
    const again = await runJob(runner, driftWorkflow, 'drift');
    expect(again.failed).toBe(true);
    expect(again.gh.at(-1)).toBe('issue edit 42 --body-file drift.md');

    // The rename is put back by an apply (workflow_dispatch): the drift job is clean and closes the issue.
    const fix = await runJob(runner, await readWorkflow('imageform-apply.yml'), 'apply');
    expect(fix.failed).toBe(false);
    expect(step(fix, 'Apply').stdout).toContain('Apply complete! Resources: 0 added, 1 changed, 0 replaced, 0 destroyed.');
    const closed = await runJob(runner, driftWorkflow, 'drift');
    expect(closed.failed).toBe(false);
    expect(closed.gh.at(-1)).toBe('issue close 42 --comment No drift any more: the cloud matches the files and the last apply.');
  });

  it('the accepted drift in .imageform-driftignore stays silent', async () => {
    const rhel = await imageByName(cloud, 'platform-rhel-9');
    expect(rhel).toBeDefined();
    expect((await cloud.api('PATCH', `/images/${rhel.id}`, { name: 'platform-rhel-9-test' })).status).toBe(200);
    const drift = await runJob(runner, await readWorkflow('imageform-drift.yml'), 'drift');
    expect(drift.failed, JSON.stringify(drift.steps, null, 1)).toBe(false);
    expect(step(drift, 'Look for drift').stdout).toContain('No drift');
  });
});

describe('examples/gitops on a fresh embedded cloud', () => {
  it('applies as committed (provider embedded), and then plans no changes', async () => {
    const dir = await cloneExample();
    try {
      const applied = await runCli(['apply', '--auto-approve'], { cwd: dir });
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect(applied.stdout).toContain('Apply complete! Resources: 6 added, 0 changed, 0 replaced, 0 destroyed.');
      const plan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir });
      expect(plan.code).toBe(0);
      expect(plan.stdout).toContain('No changes.');
    } finally {
      await removeDir(dir);
    }
  });
});
