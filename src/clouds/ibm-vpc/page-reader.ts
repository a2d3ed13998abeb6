/**
 * Every page of an IBM collection, read one after the other as its `next.href` links them, with the next page asked
 * for as soon as an answer's raw text names it: before that answer is parsed and handed back. The client's work on
 * a page (parsing ~160 KB of JSON, the caller's own) then runs while the next page is on its way, instead of
 * between two pages. What the parsed page says decides: a page asked for early under another token than its
 * predecessor's parsed `next.href` names is dropped, and the right one asked for (an answer whose text names a
 * `next` the JSON does not, which IBM's collections never do, would cost that one extra request).
 */

/**
 * One page's request: `peek` must be called with each successful answer's raw text, and the answer parsed only
 * once what it returns has settled.
 */
export type PageRequest<P> = (start: string | undefined, peek: (text: string) => Promise<void> | void) => Promise<P>;

interface AskedPage<P> {
  start: string | undefined;
  answer: Promise<P>;
  /** The page after it, asked for from this one's raw text. */
  next?: AskedPage<P>;
  /** False once the reader no longer wants what follows: its answer asks for nothing more. */
  live: boolean;
}

/** Reads every page, each handed to `read` (which returns its next `start`, if any) as soon as it is parsed. */
export async function readPages<P>(
  request: PageRequest<P>,
  read: (page: P) => string | undefined,
  repeated: (start: string) => Error,
): Promise<void> {
  // Tokens asked for early: a cycle of tokens is never followed ahead of the check below that refuses it.
  const askedEarly = new Set<string>();
  const ask = (start: string | undefined): AskedPage<P> => {
    const asked: AskedPage<P> = { start, answer: undefined as unknown as Promise<P>, live: true };
    asked.answer = request(start, (text) => {
      if (!asked.live || asked.next) return;
      const early = nextStartInText(text);
      if (early === undefined || early === start || askedEarly.has(early)) return;
      askedEarly.add(early);
      asked.next = ask(early);
      // Read (and its failure reported) only if the reader gets to it.
      asked.next.answer.catch(() => undefined);
      // This answer is parsed after the request has gone out: its socket write waits for ticks and microtasks.
      return new Promise<void>((resolve) => setImmediate(resolve));
    });
    return asked;
  };
  const stop = (from: AskedPage<P> | undefined): void => {
    for (let page = from; page; page = page.next) page.live = false;
  };

  const seen = new Set<string>();
  let current = ask(undefined);
  try {
    for (;;) {
      const start = read(await current.answer);
      if (start === undefined) return;
      if (seen.has(start)) throw repeated(start);
      seen.add(start);
      const early = current.next;
      if (early?.start === start) {
        current = early;
      } else {
        stop(early);
        current = ask(start);
      }
    }
  } finally {
    stop(current);
  }
}

/** The opaque `start` token of a `next.href`, as IBM's pagers read it. */
export function startToken(href: string | undefined): string | undefined {
  if (!href) return undefined;
  try {
    return new URL(href, 'http://placeholder.invalid').searchParams.get('start') ?? undefined;
  } catch {
    return undefined;
  }
}

/** `"next": {"href": "..."}` in a collection's JSON text (a quoted string, escapes allowed). */
const NEXT_HREF = /"next"\s*:\s*\{\s*"href"\s*:\s*("(?:[^"\\]|\\.)*")/;

/** The `start` token of the `next.href` an answer's text holds, read without parsing the whole answer. */
export function nextStartInText(text: string): string | undefined {
  const found = NEXT_HREF.exec(text);
  if (!found) return undefined;
  try {
    return startToken(JSON.parse(found[1]!) as string);
  } catch {
    return undefined;
  }
}
