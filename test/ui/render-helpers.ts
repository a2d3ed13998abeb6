import { render } from 'ink-testing-library';
import { stripVTControlCharacters } from 'node:util';
import type { ReactElement } from 'react';

/** ink-testing-library's fake stdout is 100 columns wide: every frame is laid out at that fixed width. */
export function renderFrame(element: ReactElement): string {
  const instance = render(element);
  const frame = unstyled(instance.lastFrame() ?? '');
  instance.unmount();
  return frame;
}

export function unstyled(text: string): string {
  return stripVTControlCharacters(text)
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

/** Lets ink read queued input and React commit the resulting update. */
export function settle(ms = 30): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until the condition holds, so timing-sensitive checks survive a loaded machine. */
export async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await settle(10);
  }
}
