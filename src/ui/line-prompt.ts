import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { outputWidth, wrapText } from './wrap.js';

/**
 * The yes-prompt without ink (colour off, or stdout not a terminal while stdin is): the same words as the ink
 * prompt, and the terminal's own line editing. End of input (Ctrl-D) is an empty answer, so a no.
 */
export async function askLine(
  question: string,
  streams: { stdin: Readable; stdout: Writable & { isTTY?: boolean; columns?: number } },
): Promise<string> {
  streams.stdout.write(
    `${wrapText(question, outputWidth(streams.stdout), 2)}\n` +
      '  imageform will perform the actions described above.\n' +
      '  Type yes to approve; any other answer cancels.\n\n' +
      '  Enter a value: ',
  );
  const lines = createInterface({ input: streams.stdin, terminal: false });
  const answer = await new Promise<string>((resolve) => {
    let typed = '';
    lines.once('line', (line) => {
      typed = line;
      lines.close();
    });
    lines.once('close', () => resolve(typed));
  });
  // A blank line after the answer, as the ink prompt leaves one, before what the command says next.
  streams.stdout.write('\n');
  return answer;
}
