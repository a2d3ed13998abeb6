import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { summarize, type Plan, type ResourceChange } from '../../src/core/plan-types.js';
import { emptyApplyState, reduceApply, type ApplyOutcome, type ResourceRowState } from '../../src/ui/apply-state.js';
import { ApplyProgress } from '../../src/ui/components/ApplyProgress.js';
import { ConfirmPrompt } from '../../src/ui/components/ConfirmPrompt.js';
import { PlanView } from '../../src/ui/components/PlanView.js';
import { waitFor } from '../helpers/wait.js';
import { emptyPlan, everyKindPlan } from './fixtures.js';
import { renderFrame, unstyled } from './render-helpers.js';

describe('PlanView', () => {
  it('shows drift first, notes, every action kind, status predictions, secrets and the closing line', () => {
    expect(renderFrame(<PlanView plan={everyKindPlan} />)).toMatchInlineSnapshot(`
      "Changed outside imageform since the last apply:
      (the cloud objects below no longer match what imageform last recorded)

        # image.base was changed outside imageform
            ~ deprecation_at: null -> "2026-12-01T00:00:00Z"

        # image.catalog could no longer be read (404)

      Note: image.catalog could no longer be read (404); it may be held by a private catalog, so the plan
            does not create it again.

      Resource actions are indicated with the following symbols:
        + create
        ~ update in place
      -/+ replace (delete, then create again)
        - destroy
      forget removed from state only; the cloud object stays as it is

      imageform will perform the following actions:

        # image.web will be created
        + image.web
            + name:               "web-2404"
            + file:               "cos://us-south/images/web.qcow2"
            + encrypted_data_key: (sensitive)
            + deprecation_at:     "2027-01-15T00:00:00Z"

        # image.base will be updated in place
        ~ image.base  id=r006-1111
            ~ obsolescence_at: "2026-03-01T00:00:00Z" -> null   (status obsolete -> deprecated)

        # image.legacy must be replaced
      -/+ image.legacy  id=r006-2222
            ~ file:               "cos://us-south/images/legacy-1.qcow2" ->
                                  "cos://us-south/images/legacy-2.qcow2"   # forces replacement
            ~ encrypted_data_key: (sensitive) -> (sensitive)   # forces replacement

        # image_export_job.nightly must be replaced (export job ended failed)
      -/+ image_export_job.nightly  id=r006-job-1
            ~ image: "r006-2222" -> (known after apply)

        # image.old will be destroyed
        - image.old  id=r006-3333

        # image_deprecate.old will be forgotten: removed from state, the cloud object stays (orphan
            policy)
      forget image_deprecate.old  id=r006-3333

      Plan: 1 to add, 1 to change, 2 to replace, 1 to destroy, 1 to forget."
    `);
  });

  it('wraps at 60 columns under the value, never at column 0, and prints maps as nested lines', () => {
    const changes: ResourceChange[] = [
      {
        address: 'image_export_job.nightly',
        kind: 'image_export_job',
        action: 'create',
        fields: [
          { path: 'image', before: undefined, after: '(known after apply)', known_after_apply: true },
          {
            path: 'storage_bucket',
            before: undefined,
            after: { name: 'exports', crn: 'crn:v1:bluemix:public:cloud-object-storage:global:a/1234:bucket:exports' },
          },
          { path: 'tags', before: undefined, after: ['nightly', 'qcow2'] },
        ],
      },
      {
        address: 'image.web',
        kind: 'image',
        action: 'update',
        id: 'r006-1111',
        fields: [
          {
            path: 'properties',
            before: { os: 'ubuntu', arch: 'amd64', owner: 'a' },
            after: { os: 'debian', arch: 'amd64', team: 'b' },
          },
          { path: 'name', before: 'web', after: 'web-2' },
        ],
      },
    ];
    const plan: Plan = { format_version: '1', summary: summarize(changes), drift: [], changes };
    const frame = renderFrame(<PlanView plan={plan} width={60} />);
    expect(frame).toMatchInlineSnapshot(`
      "Resource actions are indicated with the following symbols:
        + create
        ~ update in place

      imageform will perform the following actions:

        # image_export_job.nightly will be created
        + image_export_job.nightly
            + image:          (known after apply)
            + storage_bucket: {
                + name: "exports"
                + crn:  "crn:v1:bluemix:public:cloud-object-storag
                        e:global:a/1234:bucket:exports"
              }
            + tags:           [
                + "nightly",
                + "qcow2",
              ]

        # image.web will be updated in place
        ~ image.web  id=r006-1111
            ~ properties: {
                ~ os:    "ubuntu" -> "debian"
                - owner: "a"
                + team:  "b"
                  # (1 unchanged key hidden)
              }
            ~ name:       "web" -> "web-2"

      Plan: 1 to add, 1 to change, 0 to replace, 0 to destroy."
    `);
    const lines = frame.split('\n');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(60);
  });

  it('says so when there is nothing to do', () => {
    expect(renderFrame(<PlanView plan={emptyPlan} />)).toMatchInlineSnapshot(
      `"No changes. The cloud matches the files."`,
    );
  });
});

describe('ApplyProgress', () => {
  const started = 1_000_000;
  const rows: ResourceRowState[] = [
    { address: 'image.web', action: 'create', id: 'r006-aaaa', startedAt: started, status: 'done', elapsedMs: 1234 },
    {
      address: 'image.legacy',
      action: 'replace',
      startedAt: started,
      status: 'failed',
      elapsedMs: 2500,
      error: 'image ended failed: encrypted_data_key could not be unwrapped',
    },
    {
      address: 'image_export_job.nightly',
      action: 'create',
      startedAt: started,
      status: 'running',
      message: 'exporting',
      fraction: 0.45,
    },
    { address: 'image.base', action: 'update', startedAt: started + 2000, status: 'running' },
  ];

  it('shows each resource live: spinner, elapsed time, export progress bar, final lines', () => {
    expect(renderFrame(<ApplyProgress rows={rows} now={started + 12_000} />)).toMatchInlineSnapshot(`
      "✔ image.web: created (r006-aaaa) [1.2s]
      ✘ image.legacy: failed: image ended failed: encrypted_data_key could not be unwrapped [2.5s]
      ⠋ image_export_job.nightly: creating... exporting [12s] [█████████░░░░░░░░░░░] 45%
      ⠋ image.base: updating... [10s]"
    `);
  });

  it('fits each running row on one line of a narrow terminal: the text is cut, the bar shrinks, the time stays', () => {
    const running = rows.filter((row) => row.status === 'running');
    expect(renderFrame(<ApplyProgress rows={running} now={started + 12_000} width={60} />)).toMatchInlineSnapshot(`
      "⠋ image_export_job.nightly: exporting [12s] [██░░░] 45%
      ⠋ image.base: updating... [10s]"
    `);
    expect(renderFrame(<ApplyProgress rows={running} now={started + 12_000} width={40} />)).toMatchInlineSnapshot(`
      "⠋ image_export_job.n… [12s] [██░░░] 45%
      ⠋ image.base: updating... [10s]"
    `);
  });

  it('keeps the live area within the screen: the rows that fit, then how many more run', () => {
    const many: ResourceRowState[] = Array.from({ length: 30 }, (_, index) => ({
      address: `image.web-${index}`,
      action: 'create',
      startedAt: started,
      status: 'running',
    }));
    const frame = renderFrame(<ApplyProgress rows={many} now={started + 1_000} maxLines={5} />);
    expect(frame).toMatchInlineSnapshot(`
      "⠋ image.web-0: creating... [1.0s]
      ⠋ image.web-1: creating... [1.0s]
      ⠋ image.web-2: creating... [1.0s]
      ⠋ image.web-3: creating... [1.0s]
      … and 26 more running"
    `);
    expect(frame.split('\n')).toHaveLength(5);
  });

  it('counts the time of a replace from its first start, not from when its create began', () => {
    let state = emptyApplyState();
    state = reduceApply(state, { type: 'resource-started', address: 'image.legacy', action: 'replace' }, started);
    state = reduceApply(
      state,
      { type: 'resource-started', address: 'image.legacy', action: 'replace' },
      started + 5_000,
    );
    expect(renderFrame(<ApplyProgress rows={state.rows} now={started + 6_000} />)).toBe(
      '⠋ image.legacy: replacing... [6.0s]',
    );
  });

  it('ends with the failure count and the errors', () => {
    const outcome: ApplyOutcome = {
      counts: { added: 1, changed: 0, replaced: 0, destroyed: 0, forgotten: 0, awaited: 0 },
      failed: 1,
      total: 4,
      errors: [{ address: 'image.legacy', message: 'image ended failed: encrypted_data_key could not be unwrapped' }],
    };
    const done = rows.map((row): ResourceRowState =>
      row.status === 'running' ? { ...row, status: 'done', elapsedMs: 9000 } : row,
    );
    expect(renderFrame(<ApplyProgress rows={done} now={started + 12_000} outcome={outcome} />)).toMatchInlineSnapshot(`
      "✔ image.web: created (r006-aaaa) [1.2s]
      ✘ image.legacy: failed: image ended failed: encrypted_data_key could not be unwrapped [2.5s]
      ✔ image_export_job.nightly: created [9.0s]
      ✔ image.base: updated [9.0s]

      Apply failed: 1 of 4 operations failed.
        image.legacy: image ended failed: encrypted_data_key could not be unwrapped"
    `);
  });

  it('ends with the counts when everything worked, forgotten only when there were forgets', () => {
    const outcome = (forgotten: number): ApplyOutcome => ({
      counts: { added: 2, changed: 1, replaced: 1, destroyed: 0, forgotten, awaited: 0 },
      failed: 0,
      total: 4 + forgotten,
      errors: [],
    });
    expect(renderFrame(<ApplyProgress rows={[]} now={0} outcome={outcome(0)} />)).toBe(
      'Apply complete! Resources: 2 added, 1 changed, 1 replaced, 0 destroyed.',
    );
    expect(renderFrame(<ApplyProgress rows={[]} now={0} outcome={outcome(2)} />)).toBe(
      'Apply complete! Resources: 2 added, 1 changed, 1 replaced, 0 destroyed, 2 forgotten.',
    );
  });
});

describe('ConfirmPrompt', () => {
  /** ink reads keys once the prompt's input hook has subscribed to stdin; a key written before that is lost. */
  const listening = (instance: ReturnType<typeof render>) =>
    waitFor(() => instance.stdin.listenerCount('readable') > 0, { what: 'the prompt to listen for keys' });

  /** Types `keys` one at a time, as a person would: each waits for its echo (or, for Enter or Escape, the answer). */
  async function answer(keys: string[]): Promise<{ approved: boolean | undefined; frame: string }> {
    let approved: boolean | undefined;
    const instance = render(
      <ConfirmPrompt question="Do you want to perform these actions?" onAnswer={(value) => (approved = value)} />,
    );
    const frame = () => unstyled(instance.lastFrame() ?? '');
    await listening(instance);
    let echo = '';
    for (const key of keys) {
      instance.stdin.write(key);
      if (key === '\r' || key === '\u001b') {
        await waitFor(() => approved !== undefined, { what: `the answer to ${JSON.stringify(key)}` });
        continue;
      }
      echo = key === '\u007f' ? echo.slice(0, -1) : echo + key;
      await waitFor(() => frame().endsWith(`Enter a value: ${echo}`), {
        what: `the prompt to show "${echo}"`,
        detail: frame,
      });
    }
    const shown = frame();
    instance.unmount();
    return { approved, frame: shown };
  }

  it('asks, echoes what is typed, and approves only on "yes"', async () => {
    const result = await answer(['y', 'e', 's', '\r']);
    expect(result.approved).toBe(true);
    expect(result.frame).toMatchInlineSnapshot(`
      "Do you want to perform these actions?
        imageform will perform the actions described above.
        Type yes to approve; any other answer cancels.

        Enter a value: yes"
    `);
  });

  it('treats anything else as no: "y", "YES", an empty answer, Escape', async () => {
    expect((await answer(['y', '\r'])).approved).toBe(false);
    expect((await answer(['Y', 'E', 'S', '\r'])).approved).toBe(false);
    expect((await answer(['\r'])).approved).toBe(false);
    expect((await answer(['\u001b'])).approved).toBe(false);
  });

  it('lets the user correct a typo with backspace', async () => {
    const result = await answer(['y', 'e', 'p', '\u007f', 's', '\r']);
    expect(result.approved).toBe(true);
  });

  it('keeps every key when they arrive faster than the screen redraws', async () => {
    let approved: boolean | undefined;
    const instance = render(<ConfirmPrompt question="Apply?" onAnswer={(value) => (approved = value)} />);
    await listening(instance);
    for (const key of ['y', 'e', 's', '\r']) instance.stdin.write(key);
    await waitFor(() => approved !== undefined, { what: 'the answer' });
    instance.unmount();
    expect(approved).toBe(true);
  });

  it('does not answer until Enter', async () => {
    const result = await answer(['y', 'e', 's']);
    expect(result.approved).toBeUndefined();
    expect(result.frame).toContain('Enter a value: yes');
  });
});
