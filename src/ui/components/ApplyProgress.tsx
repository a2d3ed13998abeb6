import { Box, Text } from 'ink';
import type { ApplyOutcome, ResourceRowState } from '../apply-state.js';
import { outcomeLines } from '../apply-text.js';
import { ResourceRow } from './ResourceRow.js';

/** Every resource of the apply, live, and the closing line once the apply has finished. */
export function ApplyProgress({
  rows,
  now,
  outcome,
}: {
  rows: readonly ResourceRowState[];
  now: number;
  outcome?: ApplyOutcome | undefined;
}) {
  return (
    <Box flexDirection="column">
      {rows.map((row) => (
        <ResourceRow key={row.address} row={row} now={now} />
      ))}
      {outcome ? <ApplyOutcomeView outcome={outcome} spaced={rows.length > 0} /> : null}
    </Box>
  );
}

export function ApplyOutcomeView({ outcome, spaced = true }: { outcome: ApplyOutcome; spaced?: boolean }) {
  const [headline, ...errors] = outcomeLines(outcome);
  const failed = outcome.failed > 0;
  return (
    <Box flexDirection="column" marginTop={spaced ? 1 : 0}>
      <Text bold color={failed ? 'red' : 'green'}>
        {headline}
      </Text>
      {errors.map((line, index) => (
        <Text key={index} color="red">
          {line}
        </Text>
      ))}
    </Box>
  );
}
