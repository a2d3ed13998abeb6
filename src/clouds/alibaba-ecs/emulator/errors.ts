import { randomUUID } from 'node:crypto';
import type { EmulatorReply } from '../../../emulator-kit/emulated-cloud.js';
import { EmulatorProblem, type ProblemKind } from '../../../emulator-kit/problem.js';

/** A refusal in ECS's shape (README "Errors"): an HTTP status, a `Code` and a `Message`. */
export class EcsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/** ECS request ids look like `473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E` (REF §2). */
export const requestId = () => randomUUID().toUpperCase();

export function errorBody(error: EcsError) {
  return {
    RequestId: requestId(),
    HostId: 'ecs.aliyuncs.com',
    Code: error.code,
    Message: error.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}`,
  };
}

export const missingParameter = (name: string) =>
  new EcsError(
    400,
    'MissingParameter',
    `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
  );

export const invalidParameter = (name: string, why: string) =>
  new EcsError(400, 'InvalidParameter', `The specified parameter "${name}" is not valid: ${why}`);

export const imageNotFound = () =>
  new EcsError(404, 'InvalidImageId.NotFound', 'The specified ImageId does not exist.');

export const incorrectImageStatus = (why: string) =>
  new EcsError(
    403,
    'IncorrectImageStatus',
    `The current status of the resource does not support this operation: ${why}`,
  );

/** ECS's code for each problem the kit finds (src/emulator-kit/problem.ts); CHOICE, README "Errors". */
const problemCodes: Record<Exclude<ProblemKind, 'injected'>, string> = {
  'invalid-json': 'InvalidParameter',
  'body-too-large': 'InvalidParameter',
  'not-an-object': 'InvalidParameter',
  'invalid-type': 'InvalidParameter',
  'below-minimum': 'InvalidParameter',
  'invalid-value': 'InvalidParameter',
  'unknown-field': 'InvalidParameter',
  'only-one': 'InvalidParameter',
  required: 'MissingParameter',
  'no-route': 'InvalidAction.NotFound',
  'method-not-allowed': 'UnsupportedHTTPMethod',
};

/** Injected faults as ECS words them; a throttle carries `x-acs-retry-after` (REF §2, §10). */
const faultCodes: Record<number, [string, string]> = {
  429: ['Throttling.User', 'Request was denied due to user flow control.'],
  500: ['InternalError', 'The request processing has failed due to some unknown error.'],
  502: ['BadGateway', 'Bad gateway.'],
  503: ['ServiceUnavailable', 'The request has failed due to a temporary failure of the server.'],
  504: ['GatewayTimeout', 'Gateway timeout.'],
};

/** Milliseconds, as the SDK reads the header into `ThrottlingError.retryAfter` (CHOICE, README "Faults"). */
export const throttleRetryAfterMs = 1000;

function fromProblem(problem: EmulatorProblem): EcsError {
  if (problem.kind === 'injected') {
    const [code, message] =
      faultCodes[problem.status] ??
      (problem.status < 500 ? ['Throttling.User', faultCodes[429]![1]] : ['InternalError', faultCodes[500]![1]]);
    const headers = code === 'Throttling.User' ? { 'x-acs-retry-after': String(throttleRetryAfterMs) } : undefined;
    return new EcsError(problem.status, code, `${message} (injected by the emulator)`, headers);
  }
  return new EcsError(problem.status, problemCodes[problem.kind], problem.message);
}

/** Any error a request threw, in ECS's shape; one that is neither ECS's nor the kit's is a 500. */
export function renderError(error: unknown): EmulatorReply {
  const ecsError =
    error instanceof EcsError
      ? error
      : error instanceof EmulatorProblem
        ? fromProblem(error)
        : new EcsError(
            500,
            'InternalError',
            `The emulator failed: ${error instanceof Error ? error.message : String(error)}`,
          );
  return {
    status: ecsError.status,
    body: errorBody(ecsError),
    ...(ecsError.headers ? { headers: ecsError.headers } : {}),
  };
}
