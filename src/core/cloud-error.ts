/** A failed call, already turned into the cloud's words (any cloud: its HTTP status and its own error code). */
export class CloudError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly operation: string,
  ) {
    super(message);
    this.name = 'CloudError';
  }
}
