import { randomUUID } from 'node:crypto';
import type { EmulatorReply } from '../../../emulator-kit/emulated-cloud.js';
import { EmulatorProblem, type ProblemKind } from '../../../emulator-kit/problem.js';

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

/** IBM's code for each problem the kit finds (src/emulator-kit/problem.ts). */
const problemCodes: Record<Exclude<ProblemKind, 'injected'>, string> = {
  'invalid-json': 'bad_request',
  'body-too-large': 'bad_request',
  'not-an-object': 'bad_request',
  'invalid-type': 'validation_invalid_field_type',
  'below-minimum': 'validation_min_value',
  'invalid-value': 'validation_failure',
  'unknown-field': 'validation_failure',
  'only-one': 'validation_only_one',
  required: 'validation_required_field',
  'no-route': 'not_found',
  'method-not-allowed': 'method_not_allowed',
};

/** Injected faults, as IBM words these statuses. */
const faultCodes: Record<number, [string, string]> = {
  429: ['rate_limit_exceeded', 'Too many requests: the rate limit was exceeded'],
  500: ['internal_error', 'Internal error'],
  502: ['bad_gateway', 'Bad gateway'],
  503: ['service_unavailable', 'The service is temporarily unavailable'],
  504: ['gateway_timeout', 'Gateway timeout'],
};

function fromProblem(problem: EmulatorProblem): ApiError {
  if (problem.kind === 'injected') {
    const [code, message] =
      faultCodes[problem.status] ??
      (problem.status < 500 ? ['bad_request', 'Injected fault'] : ['internal_error', 'Injected fault']);
    return new ApiError(problem.status, code, `${message} (injected by the emulator)`);
  }
  const field = problem.field;
  const target: ErrorTarget | undefined = field && {
    name: field.name,
    type: 'field',
    ...('value' in field ? { value: field.value } : {}),
  };
  return new ApiError(problem.status, problemCodes[problem.kind], problem.message, target);
}

/** Any error a request threw, in IBM's shape; one that is neither IBM's nor the kit's is a 500. */
export function renderError(error: unknown): EmulatorReply {
  const apiError =
    error instanceof ApiError
      ? error
      : error instanceof EmulatorProblem
        ? fromProblem(error)
        : new ApiError(
            500,
            'internal_error',
            `The emulator failed: ${error instanceof Error ? error.message : String(error)}`,
          );
  return { status: apiError.status, body: errorBody(apiError) };
}
