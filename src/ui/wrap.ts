import { segment, type StyledLine, type Tone } from './styled-text.js';

/**
 * Lines made to fit the terminal. A terminal wraps a long line back to column 0, which breaks the indentation
 * that says which resource a field belongs to; these wrap before it does, continuation lines indented under the
 * value, at a space where there is one and mid-word only for a word longer than the room.
 */

/** Fewer columns than this for a continuation's text, and the indent gives way. */
const MIN_ROOM = 20;

interface Cell {
  ch: string;
  tone: Tone | undefined;
}

/** The width to lay text out at: the terminal's (80 when it reports none); no limit for a pipe or a file. */
export function outputWidth(stream: { isTTY?: boolean; columns?: number }): number | undefined {
  if (stream.isTTY !== true) return undefined;
  return stream.columns && stream.columns > 0 ? stream.columns : 80;
}

/** Text cut to `width` characters, an ellipsis marking the cut. */
export function fitToWidth(text: string, width: number): string {
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/**
 * Where a continuation line starts: under the value of `    + name:   value`, under the text of `  # text`, or two
 * columns in from the line's own indent. Falls back to a shallow indent when the value starts too far right.
 */
export function hangingIndent(text: string, width: number): number {
  const match = /^( *)((?:[+~#-]|-\/\+|forget) )?([^\s:]+: +)?/.exec(text)!;
  const base = match[1]!.length + (match[2]?.length ?? 0);
  const hang = match[3] ? base + match[3].length : base + 2;
  if (hang <= width - MIN_ROOM) return hang;
  return Math.max(0, Math.min(base + 2, width - MIN_ROOM));
}

/** Continuation indent of a log line (`address: message`): shallow, whatever the line's shape. */
export const LOG_HANG = 4;

/**
 * One styled line as one or more lines of at most `width` characters; unchanged when there is no width. `hang`
 * fixes the continuation indent; by default it follows the line's shape (see hangingIndent).
 */
export function wrapLine(line: StyledLine, width: number | undefined, fixedHang?: number): StyledLine[] {
  // Most lines fit (and in a pipe nothing wraps): answered without splitting them into characters. UTF-16 length
  // is never below the number of characters, so a line it fits in fits.
  if (width === undefined || width <= 0) return [line];
  let length = 0;
  for (const part of line) length += part.text.length;
  if (length <= width) return [line];
  const cells: Cell[] = line.flatMap((part) => Array.from(part.text).map((ch) => ({ ch, tone: part.tone })));
  while (cells.length > 0 && cells[cells.length - 1]!.ch === ' ') cells.pop();
  if (cells.length <= width) return [line];
  const text = cells.map((cell) => cell.ch).join('');
  const hang = fixedHang === undefined ? hangingIndent(text, width) : Math.min(fixedHang, width - 1);
  const lines: StyledLine[] = [];
  let position = 0;
  while (position < cells.length) {
    const lead = lines.length === 0 ? 0 : hang;
    const room = Math.max(1, width - lead);
    let end = cells.length;
    if (cells.length - position > room) {
      end = position + room;
      // Break at the last space that fits, if it lies past the indentation; otherwise mid-word.
      for (let index = position + room; index > position; index -= 1) {
        if (cells[index]?.ch === ' ' && (lines.length > 0 || index > hang)) {
          end = index;
          break;
        }
      }
    }
    lines.push([...(lead > 0 ? [segment(' '.repeat(lead))] : []), ...toSegments(cells.slice(position, end))]);
    position = end;
    while (cells[position]?.ch === ' ') position += 1;
  }
  return lines;
}

/** Plain text, line by line, wrapped as wrapLine does. */
export function wrapText(text: string, width: number | undefined, hang?: number): string {
  if (width === undefined) return text;
  return text
    .split('\n')
    .map((line) =>
      wrapLine([segment(line)], width, hang)
        .map((wrapped) => wrapped.map((part) => part.text).join(''))
        .join('\n'),
    )
    .join('\n');
}

function toSegments(cells: readonly Cell[]): StyledLine {
  const parts: StyledLine = [];
  for (const cell of cells) {
    const last = parts[parts.length - 1];
    if (last && last.tone === cell.tone) last.text += cell.ch;
    else parts.push(segment(cell.ch, cell.tone));
  }
  return parts;
}
