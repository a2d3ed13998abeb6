/**
 * Knows the secrets a client holds (its API key and the IAM tokens it was given) and scrubs them from any text
 * before that text can become an error message. Servers sometimes echo what they were sent.
 */
export class SecretRedactor {
  private readonly secrets: string[] = [];

  constructor(apiKey: string) {
    this.add(apiKey);
  }

  addToken(token: string): void {
    this.add(token);
    // Only the newest few tokens can still appear in an answer.
    if (this.secrets.length > 8) this.secrets.splice(1, 1);
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join('(redacted)');
    // A JWT we never saw (e.g. echoed from another source) still must not pass.
    return result.replace(/\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g, '(redacted)');
  }

  private add(secret: string): void {
    // Very short strings would redact ordinary words; real keys and tokens are long.
    if (secret.length >= 8 && !this.secrets.includes(secret)) this.secrets.push(secret);
  }
}
