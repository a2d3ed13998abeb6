import { Box, Static, Text } from 'ink';
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Plan } from '../../core/plan-types.js';
import type { ApplyOutcome, ApplyState, ResourceRowState } from '../apply-state.js';
import { ApplyOutcomeView, ApplyProgress } from './ApplyProgress.js';
import { ConfirmPrompt } from './ConfirmPrompt.js';
import { PlanView } from './PlanView.js';
import { ResourceRow } from './ResourceRow.js';
import { StyledLines } from './StyledLines.js';
import { useTerminalSize } from './terminal-size.js';
import { segment } from '../styled-text.js';
import { LOG_HANG, wrapLine, wrapText } from '../wrap.js';

/** Output that is final: written once above the live area and left in the scrollback. */
export type StaticItem =
  | { kind: 'plan'; plan: Plan }
  | { kind: 'line'; text: string; tone?: 'muted' | 'warning' }
  | { kind: 'row'; row: ResourceRowState }
  | { kind: 'outcome'; outcome: ApplyOutcome }
  | { kind: 'answer'; question: string; typed: string };

export interface HostView {
  items: StaticItem[];
  apply: ApplyState;
  prompt?: { question: string; answer: (approved: boolean, typed: string) => void };
}

export interface HostStore {
  subscribe(listener: () => void): () => void;
  snapshot(): HostView;
}

/** The single ink app of a terminal host: final output through <Static>, running resources and the prompt live. */
export function HostApp({ store, clock }: { store: HostStore; clock: () => number }) {
  const view = useSyncExternalStore(store.subscribe, store.snapshot);
  const running = view.apply.rows.filter((row) => row.status === 'running');
  const now = useTicker(clock, running.length > 0);
  const { width, height } = useTerminalSize();
  return (
    <>
      <Static items={view.items.map((item, index) => ({ item, key: index }))}>
        {({ item, key }) => (
          <Box key={key}>
            <StaticItemView item={item} width={width} />
          </Box>
        )}
      </Static>
      {/* Two rows kept free: ink redraws the whole screen once its live area reaches the terminal's height. */}
      {running.length > 0 ? <ApplyProgress rows={running} now={now} width={width} maxLines={height - 2} /> : null}
      {view.prompt ? (
        <ConfirmPrompt key={view.prompt.question} question={view.prompt.question} onAnswer={view.prompt.answer} />
      ) : null}
    </>
  );
}

function StaticItemView({ item, width }: { item: StaticItem; width: number }) {
  switch (item.kind) {
    case 'plan':
      return (
        <Box marginY={1}>
          <PlanView plan={item.plan} width={width} />
        </Box>
      );
    case 'line':
      return <StyledLines lines={wrapLine([segment(item.text, item.tone)], width, LOG_HANG)} />;
    case 'row':
      return <ResourceRow row={item.row} now={0} width={width} />;
    case 'outcome':
      return <ApplyOutcomeView outcome={item.outcome} />;
    case 'answer':
      return (
        <Box flexDirection="column" marginBottom={1}>
          {wrapText(item.question, width, 2)
            .split('\n')
            .map((line, index) => (
              <Text key={index} bold>
                {line}
              </Text>
            ))}
          <Text>
            {'  '}
            <Text bold>Enter a value:</Text> {item.typed}
          </Text>
        </Box>
      );
  }
}

/** The clock for elapsed times, ticking once a second only while something runs. */
function useTicker(clock: () => number, active: boolean): number {
  const [now, setNow] = useState(clock());
  useEffect(() => {
    if (!active) return;
    setNow(clock());
    const timer = setInterval(() => setNow(clock()), 1000);
    return () => clearInterval(timer);
  }, [active, clock]);
  return now;
}
