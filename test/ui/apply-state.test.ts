import { describe, expect, it } from 'vitest';
import { emptyApplyState, findRow, reduceApply, type ApplyState } from '../../src/ui/apply-state.js';
import type { EngineEvent } from '../../src/engine/events.js';

function fold(events: EngineEvent[], from: ApplyState = emptyApplyState()): ApplyState {
  return events.reduce((state, event, index) => reduceApply(state, event, 1_000 + index), from);
}

describe('apply state rows', () => {
  it('finds each row by address after many events, and a restarted address moves last', () => {
    const started = fold(
      ['a', 'b', 'c'].map((name) => ({ type: 'resource-started', address: `image.${name}`, action: 'replace' })),
    );
    const progressed = fold([{ type: 'resource-progress', address: 'image.b', message: 'status pending' }], started);
    expect(findRow(progressed, 'image.b')).toMatchObject({ status: 'running', message: 'status pending' });
    // A replace starts again for its create: its row moves to the end, the others keep their rows.
    const restarted = fold(
      [
        { type: 'resource-started', address: 'image.a', action: 'replace' },
        { type: 'resource-finished', address: 'image.c', action: 'replace', elapsedMs: 5 },
      ],
      progressed,
    );
    expect(restarted.rows.map((row) => row.address)).toEqual(['image.b', 'image.c', 'image.a']);
    expect(findRow(restarted, 'image.a')).toMatchObject({ status: 'running', startedAt: 1_000 });
    expect(findRow(restarted, 'image.c')).toMatchObject({ status: 'done', elapsedMs: 5 });
    expect(findRow(restarted, 'image.b')?.message).toBe('status pending');
  });

  it('updates the rows it shares with the state before rather than copying them at every event', () => {
    const one = fold([{ type: 'resource-started', address: 'image.a', action: 'create' }]);
    const two = fold(
      [
        { type: 'resource-started', address: 'image.b', action: 'create' },
        { type: 'resource-finished', address: 'image.a', action: 'create', elapsedMs: 7 },
      ],
      one,
    );
    // A new state value each time (React sees the change), the same array of rows (no copy of every row).
    expect(two).not.toBe(one);
    expect(two.rows).toBe(one.rows);
    expect(findRow(two, 'image.b')?.status).toBe('running');
    expect(findRow(two, 'image.a')).toMatchObject({ status: 'done', elapsedMs: 7 });
    // A finish with no start still gets a row, found like the others.
    const three = fold(
      [{ type: 'resource-failed', address: 'image.c', action: 'create', message: 'no', elapsedMs: 1 }],
      two,
    );
    expect(findRow(three, 'image.c')).toMatchObject({ status: 'failed', error: 'no' });
    expect(three.rows.map((row) => row.address)).toEqual(['image.a', 'image.b', 'image.c']);
  });
});
