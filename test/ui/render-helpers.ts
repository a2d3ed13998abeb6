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
