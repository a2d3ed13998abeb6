import { Box, Text } from 'ink';
import { DOING, formatElapsed } from '../action-words.js';
import type { ResourceRowState } from '../apply-state.js';
import { finishedRowText } from '../apply-text.js';
import { ProgressBar } from './ProgressBar.js';
import { Spinner } from './Spinner.js';

/** One resource during apply: a spinner with elapsed time while it runs, then its final line. */
export function ResourceRow({ row, now }: { row: ResourceRowState; now: number }) {
  if (row.status === 'done') {
    return (
      <Text>
        <Text color="green">✔</Text> {finishedRowText(row)}
      </Text>
    );
  }
  if (row.status === 'failed') {
    return (
      <Text color="red">
        ✘ {finishedRowText(row)} [{formatElapsed(row.elapsedMs ?? 0)}]
      </Text>
    );
  }
  return (
    <Box>
      <Spinner />
      <Text>
        {' '}
        {row.address}: {DOING[row.action]}...{row.message ? ` ${row.message}` : ''}{' '}
        <Text dimColor>[{formatElapsed(now - row.startedAt)}]</Text>
      </Text>
      {row.fraction !== undefined ? (
        <Box marginLeft={1}>
          <ProgressBar fraction={row.fraction} />
        </Box>
      ) : null}
    </Box>
  );
}
