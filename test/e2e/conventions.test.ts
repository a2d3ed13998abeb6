import { spawnSync } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyOk,
  imageByName,
  imageDoc,
  planJson,
  readState,
  runCli,
  succeeded,
  useCloud,
  writeFiles,
  type CliResult,
} from '../helpers/e2e.js';

/**
 * The conventions a user brings from Terraform (issue 10, points 7-9; DESIGN.md §4): --help everywhere, did-you-mean,
 * single-dash flags, show and output, `actions` in --json for policies, and every error as JSON under --json.
 */
const { cloud, space } = useCloud();

/** Several CLI runs against the cloud each: generous, as the machine may be loaded (no timing is asserted). */
const SLOW = 240_000;

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** A run without a cloud: no API key in the environment, so nothing here can have reached the cloud. */
const offline = (args: string[], cwd = process.cwd()) => runCli(args, { cwd });

/** The commands of DESIGN.md §4 and the flags it names for each: every one must be in that command's --help. */
const COMMANDS: [string[], string[]][] = [
  [['validate'], ['--json']],
  [
    ['plan'],
    ['--out FILE', '--detailed-exitcode', '--refresh-only', '--target ADDR', '--json', '--format', '--no-color'],
  ],
  [['apply'], ['--auto-approve', '--parallelism N', '--json']],
  [['destroy'], ['--auto-approve']],
  [['drift'], ['--format', '--baseline']],
  [['import'], []],
  [['state'], ['list', 'show', 'rm', 'pull', 'push']],
  [['state', 'list'], []],
  [['state', 'show'], []],
  [['state', 'rm'], []],
  [['state', 'pull'], ['--serial N']],
  [['state', 'push'], ['--force']],
  [['force-unlock'], ['--force']],
  [['show'], ['--json']],
  [['output'], ['--json']],
  [['emulator'], ['--port N', '--data FILE', '--api-key KEY', '--time-scale X']],
];

describe.concurrent('--help', () => {
  it.each(COMMANDS)(
    'imageform %j --help prints its usage, its flags and exit codes on stdout, exit 0',
    async (command, flags) => {
      const [long, short, viaHelp] = await Promise.all([
        offline([...command, '--help']),
        offline([...command, '-h']),
        offline(['help', ...command]),
      ]);
      succeeded(long);
      expect(long.stdout).toMatch(new RegExp(`^Usage: imageform ${command.join(' ')}\\b`));
      for (const flag of flags) expect(long.stdout).toContain(flag);
      expect(long.stdout).toMatch(/\nExit codes:\n {2}0 {2}\S/);
      // Every flag line says what it does.
      for (const line of long.stdout.split('\n').filter((text) => text.startsWith('  --')))
        expect(line).toMatch(/^ {2}--\S+( \S+)? +\S.{5,}/);
      expect(short).toEqual(long);
      expect(viaHelp).toEqual(long);
    },
    SLOW,
  );

  it(
    'imageform help lists every command, each of which answers --help',
    async () => {
      const result = await offline(['help']);
      succeeded(result);
      for (const [command] of COMMANDS) expect(result.stdout).toContain(`  ${command[0]}`);
      expect(result.stdout).toContain('imageform COMMAND --help');
    },
    SLOW,
  );

  it(
    '--help wins over everything else on the line, and touches nothing',
    async () => {
      const dir = await space({ 'web.yaml': imageDoc('cv-help') });
      const result = await runCli(['apply', '--auto-approve', '--help'], { cwd: dir, cloud });
      succeeded(result);
      expect(result.stdout).toMatch(/^Usage: imageform apply /);
      expect(await imageByName(cloud, 'cv-help')).toBeUndefined();
      expect(await exists(join(dir, '.imageform'))).toBe(false);
    },
    SLOW,
  );
});

describe.concurrent('did you mean', () => {
  it(
    'an unknown command gets the nearest one, exit 1',
    async () => {
      for (const args of [['plna'], ['help', 'plna'], ['plna', '--help']]) {
        const result = await offline(args);
        expect(result).toEqual({
          code: 1,
          stdout: '',
          stderr: 'error: unknown command "plna"; did you mean "plan"?\n',
        });
      }
      const far = await offline(['frobnicate']);
      expect(far.code).toBe(1);
      expect(far.stderr).toBe('error: unknown command "frobnicate" (run "imageform help" for the list)\n');
    },
    SLOW,
  );

  it(
    'an unknown flag gets the nearest flag of that command, in the spelling typed; nothing is touched',
    async () => {
      const dir = await space({ 'web.yaml': imageDoc('cv-typo') });
      const double = await runCli(['apply', '--auto-aprove'], { cwd: dir, cloud });
      expect(double).toEqual({
        code: 1,
        stdout: '',
        stderr: 'error: apply: unknown flag "--auto-aprove"; did you mean "--auto-approve"?\n',
      });
      const single = await runCli(['apply', '-auto-aprove'], { cwd: dir, cloud });
      expect(single.stderr).toBe('error: apply: unknown flag "-auto-aprove"; did you mean "-auto-approve"?\n');
      const subcommand = await runCli(['state', 'lsit'], { cwd: dir });
      expect(subcommand).toEqual({
        code: 1,
        stdout: '',
        stderr: 'error: state: unknown subcommand "lsit"; did you mean "list"?\n',
      });
      expect(await imageByName(cloud, 'cv-typo')).toBeUndefined();
      expect(await exists(join(dir, '.imageform'))).toBe(false);
    },
    SLOW,
  );
});

describe.concurrent("Terraform's single-dash flags", () => {
  it(
    '-out=FILE writes a plan that apply takes; -detailed-exitcode and -no-color work beside it',
    async () => {
      const dir = await space({ 'web.yaml': imageDoc('cv-dash-out') });
      const planned = await runCli(['plan', '-out=p.plan', '-detailed-exitcode', '-no-color'], { cwd: dir, cloud });
      expect(planned.stderr).toBe('');
      expect(planned.code).toBe(2);
      expect(planned.stdout).toContain('Saved the plan to p.plan');
      await applyOk(dir, cloud, ['p.plan']);
      expect((await imageByName(cloud, 'cv-dash-out'))?.status).toBe('available');
      const clean = await runCli(['plan', '-detailed-exitcode'], { cwd: dir, cloud });
      expect([clean.code, clean.stderr]).toEqual([0, '']);
    },
    SLOW,
  );

  it(
    '-out FILE (a separate value) and --out=FILE write the same plan',
    async () => {
      const dir = await space({ 'web.yaml': imageDoc('cv-dash-space') });
      succeeded(await runCli(['plan', '-out', 'a.plan', '-json'], { cwd: dir, cloud }));
      succeeded(await runCli(['plan', '--out=b.plan', '--json'], { cwd: dir, cloud }));
      const [a, b] = await Promise.all([
        offline(['show', '-json', 'a.plan'], dir),
        offline(['show', '--json', 'b.plan'], dir),
      ]);
      succeeded(a);
      expect(JSON.parse(a.stdout).changes.map((change: any) => change.address)).toEqual(['image.cv-dash-space']);
      expect(b.stdout).toBe(a.stdout);
    },
    SLOW,
  );

  it(
    '-auto-approve applies, with -parallelism=N and -parallelism N',
    async () => {
      const dir = await space({ 'a.yaml': imageDoc('cv-dash-a') });
      await applyOk(dir, cloud, ['-auto-approve', '-parallelism=2']);
      expect((await imageByName(cloud, 'cv-dash-a'))?.status).toBe('available');
      await writeFiles(dir, { 'b.yaml': imageDoc('cv-dash-b') });
      await applyOk(dir, cloud, ['-auto-approve', '-parallelism', '3', '-json']);
      expect((await imageByName(cloud, 'cv-dash-b'))?.status).toBe('available');
      const refused = await runCli(['apply', '-auto-approve', '-parallelism=0'], { cwd: dir, cloud });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('--parallelism must be a whole number of at least 1, got "0"');
    },
    SLOW,
  );

  it(
    '-target=ADDR, -target ADDR and -refresh-only plan what their double-dash forms plan',
    async () => {
      const dir = await space({ 'a.yaml': imageDoc('cv-tgt-a'), 'b.yaml': imageDoc('cv-tgt-b') });
      for (const flags of [['-target=image.cv-tgt-a'], ['-target', 'image.cv-tgt-a'], ['--target=image.cv-tgt-a']]) {
        const { result, plan } = await planJson(dir, cloud, flags);
        expect(result.stderr).toBe('');
        expect(plan.changes.map((change: any) => change.address)).toEqual(['image.cv-tgt-a']);
      }
      const refreshOnly = await planJson(dir, cloud, ['-refresh-only']);
      expect(refreshOnly.result.code).toBe(0);
      expect(refreshOnly.plan.changes).toEqual([]);
    },
    SLOW,
  );

  it(
    'a flag that needs a value and has none, or takes none and gets one, is refused in one line',
    async () => {
      const missing = await offline(['plan', '-out']);
      expect(missing).toEqual({ code: 1, stdout: '', stderr: 'error: plan: -out needs a value (e.g. -out FILE)\n' });
      const extra = await offline(['apply', '--auto-approve=yes']);
      expect(extra.stderr).toBe('error: apply: --auto-approve takes no value (write just --auto-approve)\n');
    },
    SLOW,
  );
});

describe.concurrent('show and output', () => {
  it(
    'show PLANFILE prints the plan as plan printed it, and --json the same object as plan --json',
    async () => {
      const dir = await space({ 'web.yaml': imageDoc('cv-show'), 'old.yaml': imageDoc('cv-show-old') });
      await applyOk(dir, cloud);
      // A replace, an update and a create in one plan.
      await writeFiles(dir, {
        'web.yaml': imageDoc('cv-show').replace('cv-show.qcow2', 'cv-show-2.qcow2'),
        'old.yaml': imageDoc('cv-show-old', { deprecation_at: null, name: 'cv-show-older' }),
        'new.yaml': imageDoc('cv-show-new'),
      });
      const planned = await runCli(['plan', '--out', 'review.plan'], { cwd: dir, cloud });
      succeeded(planned);
      const shown = await offline(['show', 'review.plan'], dir);
      succeeded(shown);
      // plan's own lines around the plan: the refresh before it, where it was saved after it.
      const lines = planned.stdout.split('\n');
      expect(lines.slice(0, 2).join('\n')).toMatch(/^Refreshing 2 resources\.\.\.\nRefreshed 2 resources .*$/);
      expect(lines.at(-2)).toBe('Saved the plan to review.plan. To carry it out exactly: imageform apply review.plan');
      expect(shown.stdout).toBe(`${lines.slice(2, -2).join('\n')}\n`);
      expect(shown.stdout).toContain('Plan: 1 to add, 1 to change, 1 to replace, 0 to destroy.');

      const json = await runCli(['plan', '--json', '--out', 'review-json.plan'], { cwd: dir, cloud });
      succeeded(json);
      const shownJson = await offline(['show', '--json', 'review-json.plan'], dir);
      succeeded(shownJson);
      expect(shownJson.stdout).toBe(json.stdout);
      // A text plan file shows as JSON the same way.
      expect(JSON.parse((await offline(['show', 'review.plan', '--json'], dir)).stdout)).toEqual(
        JSON.parse(json.stdout),
      );

      const missing = await offline(['show', 'nope.plan'], dir);
      expect(missing).toEqual({
        code: 1,
        stdout: '',
        stderr:
          'error: show: cannot read nope.plan (ENOENT) (give the path of a file written by "imageform plan --out FILE")\n',
      });
      const notPlan = await offline(['show', 'web.yaml'], dir);
      expect(notPlan.code).toBe(1);
      expect(notPlan.stderr).toMatch(/^error: .*web\.yaml is not a saved plan/);
    },
    SLOW,
  );

  it(
    'output prints every resource, one resource, or one raw value, from state alone',
    async () => {
      const dir = await space({
        'web.yaml': imageDoc('cv-out-web', { deprecation_at: null }),
        'export.yaml':
          'kind: image_export_job\nname: cv-out-export\nspec:\n  image: ${image.cv-out-web.id}\n  storage_bucket:\n    name: cv-bucket\n',
      });
      await applyOk(dir, cloud);
      const image = await imageByName(cloud, 'cv-out-web');
      const state = await readState(dir);
      const jobId: string = state.resources['image_export_job.cv-out-export'].id;

      // No API key in the environment: output needs no cloud.
      const raw = await offline(['output', 'image.cv-out-web.id'], dir);
      expect(raw).toEqual({ code: 0, stdout: `${image.id}\n`, stderr: '' });
      const unset = await offline(['output', 'image.cv-out-web.deprecation_at'], dir);
      expect(unset).toEqual({ code: 0, stdout: '', stderr: '' });

      const one = await offline(['output', 'image.cv-out-web'], dir);
      succeeded(one);
      expect(one.stdout).toContain(`id                       = "${image.id}"\n`);
      expect(one.stdout).toContain('name                     = "cv-out-web"\n');
      expect(one.stdout).toContain('status                   = "available"\n');
      expect(one.stdout).toContain('deprecation_at           = null\n');
      expect(one.stdout).not.toContain('cos://');

      const all = await offline(['output'], dir);
      succeeded(all);
      expect(all.stdout).toContain(`# image.cv-out-web\nid                       = "${image.id}"\n`);
      expect(all.stdout).toContain(`# image_export_job.cv-out-export\nid           = "${jobId}"\n`);

      const json = await offline(['output', '--json'], dir);
      succeeded(json);
      const outputs = JSON.parse(json.stdout);
      expect(Object.keys(outputs)).toEqual(['image.cv-out-web', 'image_export_job.cv-out-export']);
      expect(outputs['image.cv-out-web']).toMatchObject({
        id: image.id,
        crn: image.crn,
        name: 'cv-out-web',
        status: 'available',
        deprecation_at: null,
      });
      expect(outputs['image_export_job.cv-out-export']).toMatchObject({
        id: jobId,
        image_id: image.id,
        status: 'succeeded',
      });
      expect(JSON.parse((await offline(['output', 'image.cv-out-web', '--json'], dir)).stdout)).toEqual(
        outputs['image.cv-out-web'],
      );
      expect((await offline(['output', '-json', 'image.cv-out-web.id'], dir)).stdout).toBe(
        `${JSON.stringify(image.id)}\n`,
      );
      // ADDR DIR, from another folder.
      expect((await offline(['output', 'image.cv-out-web.name', dir])).stdout).toBe('cv-out-web\n');
    },
    SLOW,
  );

  it(
    'output refuses an unknown address or attribute in one line with the nearest one, exit 1',
    async () => {
      const dir = await space({ 'web.yaml': imageDoc('cv-out-typo') });
      await applyOk(dir, cloud);
      const address = await offline(['output', 'image.cv-out-tpyo'], dir);
      expect(address).toEqual({
        code: 1,
        stdout: '',
        stderr:
          'error: output: no resource "image.cv-out-tpyo" in .imageform/state.json; did you mean "image.cv-out-typo"?\n',
      });
      const attribute = await offline(['output', 'image.cv-out-typo.nmae'], dir);
      expect(attribute.code).toBe(1);
      expect(attribute.stderr).toMatch(
        /^error: output: image\.cv-out-typo has no attribute "nmae"; did you mean "name"\? \(image has: id, crn, .*\)\n$/,
      );
      const kind = await offline(['output', 'imgae.cv-out-typo.id'], dir);
      expect(kind.stderr).toBe(
        'error: output: "imgae.cv-out-typo.id" is neither an address (KIND.NAME or KIND.NAME.ATTR) nor a directory; did you mean "image.cv-out-typo.id"?\n',
      );
      const json = await offline(['output', 'image.nothing', '--json'], dir);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout).diagnostics).toEqual([
        expect.objectContaining({ code: 'output.unknown-address', file: null, line: null, column: null }),
      ]);
    },
    SLOW,
  );
});

describe.concurrent('machine output', () => {
  it(
    'a policy written for Terraform\'s plan JSON ("deny any change whose actions include delete") catches a replace',
    async () => {
      const dir = await space({ 'web.yaml': imageDoc('cv-policy') });
      const policy = [
        'let text = "";',
        'process.stdin.on("data", (chunk) => (text += chunk)).on("end", () => {',
        '  const denied = JSON.parse(text).changes.filter((change) => change.actions.includes("delete"));',
        '  for (const change of denied) console.log(`deny: ${change.address} deletes`);',
        '  process.exit(denied.length ? 1 : 0);',
        '});',
      ].join('\n');
      const check = (plan: CliResult) =>
        spawnSync(process.execPath, ['-e', policy], { input: plan.stdout, encoding: 'utf8' });

      const create = await runCli(['plan', '--json'], { cwd: dir, cloud });
      succeeded(create);
      expect(check(create)).toMatchObject({ status: 0, stdout: '' });
      await applyOk(dir, cloud);

      await writeFiles(dir, { 'web.yaml': imageDoc('cv-policy').replace('cv-policy.qcow2', 'cv-policy-2.qcow2') });
      const replace = await runCli(['plan', '--json'], { cwd: dir, cloud });
      succeeded(replace);
      const change = JSON.parse(replace.stdout).changes[0];
      expect(change).toMatchObject({ address: 'image.cv-policy', action: 'replace', actions: ['delete', 'create'] });
      // One provider configured: no `provider` key (DESIGN.md §4 adds it only when there are several).
      expect(change).not.toHaveProperty('provider');
      expect(check(replace)).toMatchObject({ status: 1, stdout: 'deny: image.cv-policy deletes\n' });

      // The same policy in jq, where jq is installed.
      const jq = spawnSync('jq', ['-e', '[.changes[] | select(.actions | index("delete"))] | length == 0'], {
        input: replace.stdout,
        encoding: 'utf8',
      });
      if (!jq.error) expect(jq.status).toBe(1);

      // apply --json's plan event carries the same list.
      const applied = await runCli(['apply', '--auto-approve', '--json'], { cwd: dir, cloud });
      succeeded(applied);
      const planEvent = applied.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
        .find((event) => event.type === 'plan-ready');
      expect(planEvent.plan.changes[0].actions).toEqual(['delete', 'create']);
    },
    SLOW,
  );

  it(
    'validate --json prints {valid, diagnostics} for a valid and an invalid tree',
    async () => {
      const dir = await space({ 'web.yaml': imageDoc('cv-valid') });
      const valid = await offline(['validate', '--json'], dir);
      expect(valid).toEqual({ code: 0, stdout: '{"valid":true,"diagnostics":[]}\n', stderr: '' });

      await writeFiles(dir, { 'web.yaml': imageDoc('cv-valid').replace('operating_system', 'operating_sytem') });
      const invalid = await offline(['validate', '-json'], dir);
      expect(invalid.code).toBe(1);
      expect(JSON.parse(invalid.stdout)).toEqual({
        valid: false,
        diagnostics: [
          {
            file: 'web.yaml',
            line: 5,
            column: 3,
            code: 'schema.unknown-field',
            severity: 'error',
            message: 'unknown field spec.operating_sytem in image',
            hint: 'did you mean "operating_system"?',
          },
        ],
      });
      // A refused argument too answers in validate's own shape.
      const refused = await offline(['validate', 'a', 'b', '--json'], dir);
      expect(refused.code).toBe(1);
      expect(JSON.parse(refused.stdout)).toMatchObject({
        valid: false,
        diagnostics: [{ code: 'cli.bad-arguments', file: null }],
      });
    },
    SLOW,
  );

  it(
    'with --json every error is JSON on stdout too, with a stable code; exit codes unchanged',
    async () => {
      const dir = await space({ 'web.yaml': imageDoc('cv-json-error').replace('operating_system', 'operating_sytem') });
      const cases: [string[], string, boolean][] = [
        [['plan', '--json'], 'schema.unknown-field', true],
        [['plan', '--format', 'json'], 'schema.unknown-field', true],
        [['plan', '--json', '--bogus'], 'cli.unknown-flag', false],
        [['apply', '--json'], 'apply.needs-approval', false],
        [['plna', '--json'], 'cli.unknown-command', false],
        [['output', 'image.nothing', '--json'], 'output.unknown-address', false],
      ];
      for (const [args, code, located] of cases) {
        const result = await runCli(args, { cwd: dir, cloud });
        expect(result.code, args.join(' ')).toBe(1);
        const { diagnostics } = JSON.parse(result.stdout);
        expect(diagnostics, args.join(' ')).toHaveLength(1);
        expect(diagnostics[0], args.join(' ')).toEqual({
          file: located ? 'web.yaml' : null,
          line: located ? 5 : null,
          column: located ? 3 : null,
          code,
          severity: 'error',
          message: expect.any(String),
          hint: diagnostics[0].hint,
        });
        expect(diagnostics[0].hint === null || typeof diagnostics[0].hint === 'string').toBe(true);
        // The human line is still on stderr.
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
      }
      expect(await imageByName(cloud, 'cv-json-error')).toBeUndefined();
    },
    SLOW,
  );
});
