import { Box, Text } from 'ink';
import type { ApplyOutcome, ResourceRowState } from '../apply-state.js';
import { outcomeLines } from '../apply-text.js';
import { ResourceRow } from './ResourceRow.js';
import { useTerminalSize } from './terminal-size.js';
import { LOG_HANG, wrapText } from '../wrap.js';

/**
 * Every resource of the apply, live, and the closing line once the apply has finished. At most `maxLines` rows:
 * a live area as tall as the terminal makes ink clear the screen and the scrollback on every frame, so the rows
 * that fit are shown and the rest are counted ("… and 12 more running").
 */
export function ApplyProgress({
  rows,
  now,
  outcome,
  width,
  maxLines,
}: {
  rows: readonly ResourceRowState[];
  now: number;
  outcome?: ApplyOutcome | undefined;
  width?: number;
  maxLines?: number;
}) {
  const limit = maxLines === undefined ? rows.length : Math.max(1, maxLines);
  const shown = rows.length > limit ? rows.slice(0, limit - 1) : rows;
  const hidden = rows.length - shown.length;
  return (
    <Box flexDirection="column">
      {shown.map((row) => (
        <ResourceRow key={row.address} row={row} now={now} width={width} />
      ))}
      {hidden > 0 ? (
        <Text dimColor wrap="truncate-end">
          {shown.length > 0 ? `… and ${hidden} more running` : `… ${hidden} running`}
        </Text>
      ) : null}
      {outcome ? <ApplyOutcomeView outcome={outcome} spaced={rows.length > 0} /> : null}
    </Box>
  );
}

export function ApplyOutcomeView({ outcome, spaced = true }: { outcome: ApplyOutcome; spaced?: boolean }) {
  const { width } = useTerminalSize();
  const [headline, ...errors] = outcomeLines(outcome);
  const failed = outcome.failed > 0;
  return (
    <Box flexDirection="column" marginTop={spaced ? 1 : 0}>
      {wrapText(headline!, width, 2)
        .split('\n')
        .map((line, index) => (
          <Text key={`h${index}`} bold color={failed ? 'red' : 'green'}>
            {line}
          </Text>
        ))}
      {errors
        .flatMap((error) => wrapText(error, width, LOG_HANG).split('\n'))
        .map((line, index) => (
          <Text key={index} color="red">
            {line}
          </Text>
        ))}
    </Box>
  );
}
