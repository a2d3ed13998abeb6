import { Text } from 'ink';
import { formatPercent } from '../action-words.js';

/** `[██████░░░░░░] 50%` for operations that report a fraction (export jobs). */
export function ProgressBar({ fraction, width = 20 }: { fraction: number; width?: number }) {
  const clamped = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(clamped * width);
  return (
    <Text>
      [<Text color="green">{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(width - filled)}</Text>] {formatPercent(clamped)}
    </Text>
  );
}
