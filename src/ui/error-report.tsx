import { Box, renderToString } from 'ink';
import type { Writable } from 'node:stream';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { ErrorBanner } from './components/ErrorBanner.js';
import { renderErrorsText } from './error-text.js';

/** Boxed banners on a terminal, one line each everywhere else. */
export function renderErrors(
  diagnostics: readonly Diagnostic[],
  options: { interactive: boolean; columns?: number },
): string {
  if (!options.interactive) return renderErrorsText(diagnostics);
  const banners = (
    <Box flexDirection="column">
      {diagnostics.map((diagnostic, index) => (
        <ErrorBanner key={index} diagnostic={diagnostic} />
      ))}
    </Box>
  );
  return `${renderToString(banners, { columns: options.columns ?? 80 })}\n`;
}

export function writeErrors(
  stream: Writable & { columns?: number },
  diagnostics: readonly Diagnostic[],
  options: { interactive: boolean },
): void {
  stream.write(renderErrors(diagnostics, { interactive: options.interactive, columns: stream.columns || 80 }));
}
