import { Box, Text } from 'ink';
import { inkStyle, type StyledLine } from '../styled-text.js';

/** Renders the renderer-neutral lines with ink colours; one <Text> per line so ink never joins them. */
export function StyledLines({ lines }: { lines: readonly StyledLine[] }) {
  return (
    <Box flexDirection="column">
      {lines.map((line, lineIndex) => (
        <Text key={lineIndex}>
          {line.map((part, partIndex) => (
            <Text key={partIndex} {...inkStyle(part.tone)}>
              {part.text}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}
