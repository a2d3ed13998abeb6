/** Counts requests by method and route pattern (GET /emulator/v1/stats). */
export class RequestStats {
  readonly byRoute = new Map<string, number>();
  total = 0;
  /** Requests being handled now: a test can wait until what a killed client sent has finished. */
  inFlight = 0;

  count(key: string): void {
    this.total++;
    this.byRoute.set(key, (this.byRoute.get(key) ?? 0) + 1);
  }

  reset(): void {
    this.total = 0;
    this.byRoute.clear();
  }
}
