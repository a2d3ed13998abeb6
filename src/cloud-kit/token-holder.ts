/**
 * The token a client holds, and the one exchange under way for a new one: callers that need a token while it is
 * being fetched share that exchange rather than starting their own, and a token the API refused can be dropped.
 */
export class TokenHolder<T extends { value: string }> {
  /** The token held, if any (its freshness is the identity service's rule, the caller's to judge). */
  held: T | undefined;
  private pending: Promise<T> | undefined;

  constructor(private readonly request: () => Promise<T>) {}

  /** Whether an exchange is under way. */
  get fetching(): boolean {
    return this.pending !== undefined;
  }

  /** A new token, from the exchange under way or from a new one; it is held once it arrives. */
  fetch(): Promise<T> {
    this.pending ??= this.request().then(
      (token) => {
        this.pending = undefined;
        this.held = token;
        return token;
      },
      (error: unknown) => {
        this.pending = undefined;
        throw error;
      },
    );
    return this.pending;
  }

  /** Forget `refused` (a token the API would not take): the next caller fetches a fresh one. */
  drop(refused: string): void {
    if (this.held?.value === refused) this.held = undefined;
  }
}
