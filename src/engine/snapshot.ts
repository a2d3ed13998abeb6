/**
 * What one refresh of one provider saw: the input of the pure planner. Each cloud extends it with its objects;
 * the engine reads only these fields.
 */
export interface CloudSnapshot {
  /** The cloud's time when the refresh ended (from its Date header). */
  now: Date;
  /** Create intents left by an interrupted apply whose object was found by its create key: address -> id. */
  adoptedIntents: Map<string, string>;
  /** API requests the refresh made. */
  requests: number;
}
