import { randomUUID } from 'node:crypto';

/** Where in the request a problem lies, as IBM's error target names it. */
export interface ErrorTarget {
  name: string;
  type: 'field' | 'parameter' | 'header';
  value?: unknown;
}

/** A refusal in IBM's shape: an HTTP status plus one `{code, message, target?}` entry. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: ErrorTarget,
  ) {
    super(message);
  }
}

export interface ErrorBody {
  errors: Array<{ code: string; message: string; more_info?: string; target?: ErrorTarget }>;
  trace: string;
}

const moreInfoBase = 'https://cloud.ibm.com/docs/vpc?topic=vpc-rias-error-messages#';

export function errorBody(error: ApiError): ErrorBody {
  const entry: ErrorBody['errors'][number] = {
    code: error.code,
    message: error.message,
    more_info: moreInfoBase + error.code,
  };
  if (error.target) entry.target = error.target;
  return { errors: [entry], trace: randomUUID() };
}

export const notFound = (what: string, id: string) => new ApiError(404, 'not_found', `${what} with ID ${id} not found`);

/** State conflicts: see README "Status codes we chose" for why 409. */
export const invalidState = (message: string, target?: ErrorTarget) =>
  new ApiError(409, 'invalid_state', message, target);

export const fieldError = (code: string, field: string, message: string, value?: unknown) =>
  new ApiError(
    400,
    code,
    message,
    value === undefined ? { name: field, type: 'field' } : { name: field, type: 'field', value },
  );
