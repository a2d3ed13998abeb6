import { Box } from 'ink';
import type { Plan } from '../../core/plan-types.js';
import { planBlocks } from '../plan-lines.js';
import { StyledLines } from './StyledLines.js';
import { wrapLine } from '../wrap.js';
import { useTerminalSize } from './terminal-size.js';

/**
 * The plan for a terminal: the same blocks as the plain text, coloured, one box per block, wrapped to `width` as
 * the plain text wraps (continuation lines under their value, never at column 0).
 */
export function PlanView({ plan, width: wanted }: { plan: Plan; width?: number }) {
  const { width } = useTerminalSize(wanted);
  const blocks = planBlocks(plan);
  return (
    <Box flexDirection="column">
      {blocks.map((block, index) => (
        <Box key={index} marginBottom={index < blocks.length - 1 ? 1 : 0}>
          <StyledLines lines={block.flatMap((line) => wrapLine(line, width))} />
        </Box>
      ))}
    </Box>
  );
}
