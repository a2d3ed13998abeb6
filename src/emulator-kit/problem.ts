/**
 * What went wrong in a request, as the kit found it, in no cloud's words: the cloud's `renderError` turns it into
 * its own error shape and codes (IBM `{errors:[{code}]}`, Glance's text, ECS's `Code`), so the kit never speaks
 * for a cloud.
 */
export type ProblemKind =
  /** The body is not valid JSON. */
  | 'invalid-json'
  /** The body is larger than the kit reads. */
  | 'body-too-large'
  /** The body is not a JSON object. */
  | 'not-an-object'
  /** A field has the wrong JSON type. */
  | 'invalid-type'
  /** A number or instant below the lowest allowed (the clock never goes back). */
  | 'below-minimum'
  /** A value that breaks a rule (out of range, not one of the allowed values). */
  | 'invalid-value'
  /** A field nobody knows. */
  | 'unknown-field'
  /** Two fields of which only one may be given. */
  | 'only-one'
  /** A field that must be given. */
  | 'required'
  /** No route has this path. */
  | 'no-route'
  /** A route has this path, with other methods. */
  | 'method-not-allowed'
  /** A fault the test asked for (POST /emulator/v1/faults); `status` is the one it drew. */
  | 'injected';

export interface ProblemField {
  name: string;
  value?: unknown;
}

export class EmulatorProblem extends Error {
  constructor(
    readonly status: number,
    readonly kind: ProblemKind,
    message: string,
    /** The request field the problem is about, when there is one. */
    readonly field?: ProblemField,
  ) {
    super(message);
    this.name = 'EmulatorProblem';
  }
}

/** A 400 about one field of the request body. */
export const fieldProblem = (kind: ProblemKind, name: string, message: string, value?: unknown) =>
  new EmulatorProblem(400, kind, message, value === undefined ? { name } : { name, value });
