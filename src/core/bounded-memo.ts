/**
 * `read` remembered by its string argument, for the first `limit` distinct arguments: files repeat the same few
 * values (dates, references) and several rules read each one, while a hostile file cannot grow the memory unbounded.
 */
export function boundedMemo<T>(read: (text: string) => T, limit = 10_000): (text: string) => T {
  const known = new Map<string, T>();
  return (text) => {
    if (known.has(text)) return known.get(text)!;
    const value = read(text);
    if (known.size < limit) known.set(text, value);
    return value;
  };
}
