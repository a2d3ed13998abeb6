import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { createHost, type Host } from '../../src/ui/host.js';
import { waitFor } from '../helpers/wait.js';
import { everyKindPlan } from './fixtures.js';
import { unstyled } from './render-helpers.js';

/** A stream that keeps what was written; `isTTY` and `columns` make it look like a terminal when asked. */
class CapturingStream extends Writable {
  chunks: string[] = [];
  isTTY: boolean;
  columns = 100;
  rows = 40;

  constructor(isTTY: boolean) {
    super();
    this.isTTY = isTTY;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(chunk.toString());
    callback();
  }

  text(): string {
    return this.chunks.join('');
  }
}

/** A keyboard: ink puts it in raw mode and reads it. */
class FakeKeyboard extends PassThrough {
  isTTY = true;
  setRawMode(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

const applyEvents = (clock: { now: number }): Array<() => EngineEvent> => [
  () => ({ type: 'resource-started', address: 'image.web', action: 'create' }),
  () => ({ type: 'resource-started', address: 'image_export_job.nightly', action: 'create' }),
  () => ({ type: 'resource-progress', address: 'image_export_job.nightly', message: 'exporting', fraction: 0.41 }),
  () => ({ type: 'resource-progress', address: 'image_export_job.nightly', message: 'exporting', fraction: 0.47 }),
  () => ({ type: 'resource-progress', address: 'image_export_job.nightly', message: 'exporting', fraction: 0.52 }),
  () => (
    (clock.now += 1200),
    { type: 'resource-finished', address: 'image.web', action: 'create', id: 'r006-aaaa', elapsedMs: 1200 }
  ),
  () => ({
    type: 'resource-failed',
    address: 'image_export_job.nightly',
    action: 'create',
    message: 'export job ended failed:\ncos bucket not writable',
    elapsedMs: 3400,
  }),
  () => ({ type: 'notice', level: 'warning', message: 'image.base is deprecated; new instances can still use it' }),
  () => ({
    type: 'apply-finished',
    counts: { added: 1, changed: 0, replaced: 0, destroyed: 0, forgotten: 0, awaited: 0 },
    failed: 1,
  }),
];

let hosts: Host[] = [];
afterEach(async () => {
  await Promise.all(hosts.map((host) => host.finish()));
  hosts = [];
});

function plainHost(options: { heartbeatMs?: number; json?: boolean } = {}) {
  const stdout = new CapturingStream(false);
  const clock = { now: 5_000 };
  const host = createHost({
    stdout,
    stderr: new CapturingStream(false),
    stdin: new PassThrough(),
    interactive: false,
    color: false,
    json: options.json ?? false,
    heartbeatMs: options.heartbeatMs ?? 0,
  });
  hosts.push(host);
  return { host, stdout, clock };
}

/** The plain host sends the lines of one turn of the event loop together, when the turn ends. */
function endOfTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('plain host', () => {
  it('writes one line per event, top to bottom, without escape codes', async () => {
    const { host, stdout, clock } = plainHost();
    host.notify({ type: 'refresh-started', resources: 3 });
    host.notify({ type: 'refresh-finished', resources: 3, requests: 4 });
    for (const event of applyEvents(clock)) host.notify(event());
    await host.finish();
    const text = stdout.text();
    expect(text).not.toContain('\u001b');
    expect(text.replace(/\[\d+\.\ds elapsed\]/g, '[t]')).toMatchInlineSnapshot(`
      "Refreshing 3 resources...
      Refreshed 3 resources (4 API requests).
      image.web: creating...
      image_export_job.nightly: creating...
      image_export_job.nightly: exporting 41% [t]
      image_export_job.nightly: exporting 52% [t]
      image.web: created (r006-aaaa) [1.2s]
      image_export_job.nightly: failed: export job ended failed: cos bucket not writable
      Warning: image.base is deprecated; new instances can still use it

      Apply failed: 1 of 2 operations failed.
        image_export_job.nightly: export job ended failed: cos bucket not writable
      "
    `);
  });

  it('prints the plan as plain text on plan-ready', async () => {
    const { host, stdout } = plainHost();
    host.notify({ type: 'plan-ready', plan: everyKindPlan });
    await endOfTurn();
    expect(stdout.text()).toContain('Plan: 1 to add, 1 to change, 2 to replace, 1 to destroy, 1 to forget.\n');
    expect(stdout.text()).not.toContain('c2VjcmV0');
  });

  // Fake timers: the heartbeat's interval runs exactly as scheduled, however loaded the machine is.
  it('says a long operation is still running', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      const { host, stdout } = plainHost({ heartbeatMs: 40 });
      host.notify({ type: 'resource-started', address: 'image.web', action: 'create' });
      vi.advanceTimersByTime(100);
      host.notify({ type: 'resource-finished', address: 'image.web', action: 'create', id: 'r006-a', elapsedMs: 100 });
      host.notify({
        type: 'apply-finished',
        counts: { added: 1, changed: 0, replaced: 0, destroyed: 0, forgotten: 0, awaited: 0 },
        failed: 0,
      });
      await endOfTurn();
      const lines = stdout.text().trim().split('\n');
      expect(lines[0]).toBe('image.web: creating...');
      expect(lines.filter((line) => /^image\.web: still creating\.\.\. \[\d\.\ds elapsed\]$/.test(line))).toHaveLength(
        2,
      );
      expect(lines.at(-1)).toBe('Apply complete! Resources: 1 added, 0 changed, 0 replaced, 0 destroyed.');
      // No heartbeat after the apply has finished.
      const count = stdout.chunks.length;
      vi.advanceTimersByTime(1_000);
      await endOfTurn();
      expect(stdout.chunks.length).toBe(count);
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers a question with its default at once when stdin is not a terminal: nobody can type yes', async () => {
    const { host } = plainHost();
    await expect(host.confirm('Do you want to perform these actions?', false)).resolves.toBe(false);
  });

  it('asks a keyboard on a terminal even with colours off, and reads the answer: only yes approves', async () => {
    for (const [typed, approved] of [
      ['yes\n', true],
      ['no\n', false],
      ['', false],
    ] as const) {
      const stdout = new CapturingStream(true);
      const stdin = Object.assign(new PassThrough(), { isTTY: true });
      const host = createHost({
        stdout,
        stderr: new CapturingStream(true),
        stdin,
        interactive: false,
        color: false,
        json: false,
      });
      hosts.push(host);
      const answer = host.confirm('Do you want to perform these actions? Only "yes" will be accepted.', false);
      await waitFor(() => stdout.text().endsWith('Enter a value: '), { what: 'the prompt' });
      if (typed) stdin.write(typed);
      else stdin.end();
      await expect(answer).resolves.toBe(approved);
      expect(stdout.text()).toMatchInlineSnapshot(`
        "Do you want to perform these actions? Only "yes" will be accepted.
          imageform will perform the actions described above.
          Type yes to approve; any other answer cancels.

          Enter a value: 
        "
      `);
    }
  });
});

describe('json host', () => {
  it('writes one JSON object a line, the plan redacted', async () => {
    const { host, stdout, clock } = plainHost({ json: true });
    host.notify({ type: 'plan-ready', plan: everyKindPlan });
    for (const event of applyEvents(clock)) host.notify(event());
    const lines = stdout
      .text()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(10);
    expect(lines[0].type).toBe('plan-ready');
    expect(lines[0].plan.summary).toEqual(everyKindPlan.summary);
    expect(stdout.text()).not.toContain('c2VjcmV0');
    expect(lines.at(-1)).toEqual({
      type: 'apply-finished',
      counts: { added: 1, changed: 0, replaced: 0, destroyed: 0, forgotten: 0, awaited: 0 },
      failed: 1,
    });
    await expect(host.confirm('?', false)).resolves.toBe(false);
  });
});

describe('ink host', () => {
  function inkHost(keyboard: boolean) {
    const stdout = new CapturingStream(true);
    const stdin = keyboard ? new FakeKeyboard() : Object.assign(new PassThrough(), { isTTY: false });
    const host = createHost({
      stdout,
      stderr: new CapturingStream(true),
      stdin,
      interactive: true,
      color: true,
      json: false,
    });
    hosts.push(host);
    return { host, stdout, stdin };
  }

  it('shows the plan, asks for yes, runs the apply live and leaves the final lines behind', async () => {
    const { host, stdout, stdin } = inkHost(true);
    host.notify({ type: 'plan-ready', plan: everyKindPlan });
    const answer = host.confirm('Do you want to perform these actions?', false);
    await waitFor(() => unstyled(stdout.text()).includes('Enter a value:'), { what: 'the prompt' });
    stdin.write('yes');
    await waitFor(() => unstyled(stdout.text()).includes('Enter a value: yes'), { what: 'the prompt to show "yes"' });
    stdin.write('\r');
    await expect(answer).resolves.toBe(true);

    const clock = { now: 0 };
    const events = applyEvents(clock);
    events.slice(0, 5).forEach((event) => host.notify(event()));
    // While the export runs, the live area shows its spinner row and progress bar.
    const liveRow = /image_export_job\.nightly: creating\.\.\. exporting \[\d+\.\ds\] \[█{10}░{10}\] 52%/;
    await waitFor(() => liveRow.test(unstyled(stdout.text())), { what: 'the live export row' });
    for (const event of events.slice(5)) host.notify(event());
    await host.finish();
    const screen = unstyled(stdout.text());
    expect(screen).toContain('Plan: 1 to add, 1 to change, 2 to replace, 1 to destroy, 1 to forget.');
    expect(screen).toContain('Enter a value: yes');
    expect(screen).toContain('✔ image.web: created (r006-aaaa) [1.2s]');
    expect(screen).toContain(
      '✘ image_export_job.nightly: failed: export job ended failed: cos bucket not writable [3.4s]',
    );
    expect(screen).toContain('Warning: image.base is deprecated; new instances can still use it');
    expect(screen).toContain('Apply failed: 1 of 6 operations failed.');
    expect(screen).toContain('  image_export_job.nightly: export job ended failed: cos bucket not writable');
    expect(screen).not.toContain('c2VjcmV0');
  });

  it('answers no to anything but yes', async () => {
    const { host, stdin } = inkHost(true);
    const answer = host.confirm('Do you want to perform these actions?', false);
    stdin.write('y\r');
    await expect(answer).resolves.toBe(false);
  });

  it('answers no when the command ends before anyone answered', async () => {
    const { host, stdout } = inkHost(true);
    const answer = host.confirm('Do you want to perform these actions?', false);
    await waitFor(() => unstyled(stdout.text()).includes('Enter a value:'), { what: 'the prompt' });
    await host.finish();
    await expect(answer).resolves.toBe(false);
  });

  it('does not wait for a keyboard that is not there', async () => {
    const { host } = inkHost(false);
    await expect(host.confirm('Do you want to perform these actions?', false)).resolves.toBe(false);
  });
});
