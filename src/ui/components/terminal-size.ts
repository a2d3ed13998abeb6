import { useStdout } from 'ink';

/**
 * The size ink lays out at: the terminal's columns and rows, 80 x 24 for one that reports none (the ink host
 * gives such a terminal that size too). A `width` passed by the caller wins.
 */
export function useTerminalSize(width?: number): { width: number; height: number } {
  const { stdout } = useStdout();
  const columns = stdout.columns > 0 ? stdout.columns : 80;
  const rows = stdout.rows > 0 ? stdout.rows : 24;
  return { width: width ?? columns, height: rows };
}
