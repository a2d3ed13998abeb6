import { Text } from 'ink';
import { formatElapsed } from '../action-words.js';
import type { ResourceRowState } from '../apply-state.js';
import { finishedRowText, runningRowLayout } from '../apply-text.js';
import { segment } from '../styled-text.js';
import { LOG_HANG, wrapLine } from '../wrap.js';
import { ProgressBar } from './ProgressBar.js';
import { Spinner } from './Spinner.js';
import { StyledLines } from './StyledLines.js';
import { useTerminalSize } from './terminal-size.js';

/**
 * One resource during apply: a spinner with elapsed time while it runs, then its final line. A running row is one
 * line that never wraps (its text is cut and its bar shrinks to fit `width`); a final line wraps under its text.
 */
export function ResourceRow({ row, now, width: wanted }: { row: ResourceRowState; now: number; width?: number }) {
  const { width } = useTerminalSize(wanted);
  if (row.status === 'done') {
    const line = [segment('✔', 'create'), segment(` ${finishedRowText(row)}`)];
    return <StyledLines lines={wrapLine(line, width, LOG_HANG)} />;
  }
  if (row.status === 'failed') {
    const line = [segment(`✘ ${finishedRowText(row)} [${formatElapsed(row.elapsedMs ?? 0)}]`, 'error')];
    return <StyledLines lines={wrapLine(line, width, LOG_HANG)} />;
  }
  const layout = runningRowLayout(row, now, width);
  return (
    <Text wrap="truncate-end">
      <Spinner /> {layout.text} <Text dimColor>[{layout.elapsed}]</Text>
      {layout.barWidth !== undefined ? (
        <>
          {' '}
          <ProgressBar fraction={row.fraction ?? 0} width={layout.barWidth} />
        </>
      ) : null}
    </Text>
  );
}
