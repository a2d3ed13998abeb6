/** Calls to the emulator's test endpoints (faults, clock, stats), with a token of our own. */
export class EmulatorAdmin {
  constructor(
    private readonly url: string,
    private readonly apiKey: string,
  ) {}

  async token(): Promise<string> {
    const response = await fetch(`${this.url}/identity/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'urn:ibm:params:oauth:grant-type:apikey',
        apikey: this.apiKey,
      }).toString(),
    });
    if (!response.ok) throw new Error(`token: HTTP ${response.status}`);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  async post(path: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await this.token()}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
    const text = await response.text();
    return text ? JSON.parse(text) : undefined;
  }

  async get(path: string): Promise<unknown> {
    const response = await fetch(`${this.url}${path}`, { headers: { Authorization: `Bearer ${await this.token()}` } });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  faults(settings: Record<string, unknown>): Promise<unknown> {
    return this.post('/emulator/v1/faults', settings);
  }

  clock(settings: { advance_seconds: number } | { now: string }): Promise<unknown> {
    return this.post('/emulator/v1/clock', settings);
  }
}
