import { Box, Text } from 'ink';
import { formatLocation, type Diagnostic } from '../../diagnostics/diagnostic.js';

/** An error for a terminal: one rounded box with the message, where it happened and what to do. */
export function ErrorBanner({ diagnostic }: { diagnostic: Diagnostic }) {
  const warning = diagnostic.severity === 'warning';
  const colour = warning ? 'yellow' : 'red';
  return (
    <Box borderStyle="round" borderColor={colour} flexDirection="column" paddingX={1}>
      <Text bold color={colour}>
        {warning ? 'Warning' : 'Error'}
      </Text>
      <Text>{diagnostic.message}</Text>
      {diagnostic.location ? (
        <Text>
          <Text dimColor>at </Text>
          {formatLocation(diagnostic.location)}
        </Text>
      ) : null}
      {diagnostic.hint ? (
        <Text>
          <Text dimColor>hint: </Text>
          {diagnostic.hint}
        </Text>
      ) : null}
    </Box>
  );
}
