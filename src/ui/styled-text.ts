/**
 * A renderer-neutral line model: the plain renderer turns it into text (with or without ANSI codes) and the
 * ink views turn it into <Text> elements, so the terminal and CI show exactly the same words.
 */
export type Tone = 'create' | 'update' | 'replace' | 'delete' | 'forget' | 'heading' | 'muted' | 'warning' | 'error';

export interface Segment {
  text: string;
  tone?: Tone;
}

export type StyledLine = Segment[];

const ANSI_BY_TONE: Record<Tone, [open: string, close: string]> = {
  create: ['\u001b[32m', '\u001b[39m'],
  update: ['\u001b[33m', '\u001b[39m'],
  replace: ['\u001b[35m', '\u001b[39m'],
  delete: ['\u001b[31m', '\u001b[39m'],
  forget: ['\u001b[2m', '\u001b[22m'],
  heading: ['\u001b[1m', '\u001b[22m'],
  muted: ['\u001b[2m', '\u001b[22m'],
  warning: ['\u001b[33m', '\u001b[39m'],
  error: ['\u001b[31m', '\u001b[39m'],
};

/** The ink colour props for a tone (ink applies them through its own colour support detection). */
export function inkStyle(tone: Tone | undefined): { color?: string; bold?: boolean; dimColor?: boolean } {
  switch (tone) {
    case 'create':
      return { color: 'green' };
    case 'update':
    case 'warning':
      return { color: 'yellow' };
    case 'replace':
      return { color: 'magenta' };
    case 'delete':
    case 'error':
      return { color: 'red' };
    case 'forget':
    case 'muted':
      return { dimColor: true };
    case 'heading':
      return { bold: true };
    default:
      return {};
  }
}

export function segment(text: string, tone?: Tone): Segment {
  return tone ? { text, tone } : { text };
}

export function lineToText(line: StyledLine, color: boolean): string {
  return line
    .map(({ text, tone }) => {
      if (!color || !tone || text === '') return text;
      const [open, close] = ANSI_BY_TONE[tone];
      return `${open}${text}${close}`;
    })
    .join('')
    .trimEnd();
}

export function linesToText(lines: readonly StyledLine[], color: boolean): string {
  return lines.map((line) => lineToText(line, color)).join('\n');
}
