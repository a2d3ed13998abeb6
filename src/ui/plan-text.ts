import type { DriftEntry, Plan } from '../core/plan-types.js';
import { driftBlocks, planBlocks, type Block } from './plan-lines.js';
import { linesToText } from './styled-text.js';
import { wrapLine } from './wrap.js';

export interface TextOptions {
  /** ANSI colours; false for pipes, CI logs, NO_COLOR and --no-color. */
  color: boolean;
  /** The terminal's width: long lines wrap under their value instead of at column 0. None for pipes and files. */
  width?: number | undefined;
}

/** The plan as plain text, Terraform-style: drift, notes, one block per resource, the closing count. */
export function renderPlanText(plan: Plan, options: TextOptions): string {
  return blocksToText(planBlocks(plan), options.color, options.width);
}

/** The "changed outside imageform" section alone (the drift command prints it too); '' when nothing drifted. */
export function renderDriftText(drift: readonly DriftEntry[], options: TextOptions = { color: false }): string {
  return blocksToText(driftBlocks(drift), options.color, options.width);
}

export function blocksToText(blocks: readonly Block[], color: boolean, width?: number): string {
  if (blocks.length === 0) return '';
  return `${blocks
    .map((block) =>
      linesToText(
        block.flatMap((line) => wrapLine(line, width)),
        color,
      ),
    )
    .join('\n\n')}\n`;
}
