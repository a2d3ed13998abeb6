import { Box } from 'ink';
import type { Plan } from '../../engine/plan-types.js';
import { planBlocks } from '../plan-lines.js';
import { StyledLines } from './StyledLines.js';

/** The plan for a terminal: the same blocks as the plain text, coloured, one box per block. */
export function PlanView({ plan }: { plan: Plan }) {
  const blocks = planBlocks(plan);
  return (
    <Box flexDirection="column">
      {blocks.map((block, index) => (
        <Box key={index} marginBottom={index < blocks.length - 1 ? 1 : 0}>
          <StyledLines lines={block} />
        </Box>
      ))}
    </Box>
  );
}
