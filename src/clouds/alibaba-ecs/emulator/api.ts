import type { Cloud } from './cloud.js';
import { EcsError, missingParameter, requestId } from './errors.js';
import type { Params } from './params.js';
import { isRegion } from './regions.js';

/** One RPC call as an action handler sees it. */
export interface ActionContext {
  params: Params;
  cloud: Cloud;
  now: number;
}

export interface ActionResult {
  body: Record<string, unknown>;
  /** The cloud changed: the kit writes its file before answering. */
  mutated?: boolean;
}

export type Action = (context: ActionContext) => ActionResult;

/** A success body: ECS puts `RequestId` in every answer (REF §2). */
export const answer = (fields: Record<string, unknown>, mutated = false): ActionResult => ({
  body: { RequestId: requestId(), ...fields },
  mutated,
});

/** `RegionId`, required by every image call (REF §1) and one of the regions the emulator serves. */
export function regionOf(params: Params, name = 'RegionId'): string {
  const region = params.get(name);
  if (region === undefined) throw missingParameter(name);
  if (!isRegion(region))
    throw new EcsError(404, 'InvalidRegionId.NotFound', `The specified ${name} "${region}" does not exist.`);
  return region;
}

/** Every write takes `DryRun` (REF §2): the checks run, then a DryRunOperation error instead of the change. */
export function dryRun(params: Params): void {
  if (params.bool('DryRun'))
    throw new EcsError(400, 'DryRunOperation', 'Request validation has been passed with DryRun flag set.');
}

/**
 * `ClientToken` idempotency (REF §4): a token seen before with the same parameters returns the first answer;
 * with other parameters it is refused (CHOICE: `IdempotentParameterMismatch`, README "Errors").
 */
export function replayed(context: ActionContext, action: string, region: string): Record<string, string> | undefined {
  const token = context.params.get('ClientToken');
  if (token === undefined) return undefined;
  if (token.length > 64 || !/^[\x20-\x7e]+$/.test(token))
    throw new EcsError(400, 'InvalidParameter', 'The specified ClientToken is not valid: at most 64 ASCII characters.');
  const seen = context.cloud.clientTokens.get(`${region}/${action}/${token}`);
  if (!seen) return undefined;
  if (seen.fingerprint !== context.params.fingerprint())
    throw new EcsError(
      400,
      'IdempotentParameterMismatch',
      'The specified ClientToken was already used with different request parameters.',
    );
  return seen.result;
}

export function remember(context: ActionContext, action: string, region: string, result: Record<string, string>): void {
  const token = context.params.get('ClientToken');
  if (token === undefined) return;
  const key = `${region}/${action}/${token}`;
  context.cloud.clientTokens.set(key, { key, fingerprint: context.params.fingerprint(), result });
}

/** `PageNumber` (1-based) and `PageSize` (default 10, at most 100) over a list (REF §8). */
export function page<T>(params: Params, items: readonly T[]) {
  const pageNumber = params.int('PageNumber', 1, 1_000_000, 1);
  const pageSize = params.int('PageSize', 1, 100, 10);
  const start = (pageNumber - 1) * pageSize;
  return {
    items: items.slice(start, start + pageSize),
    fields: { TotalCount: items.length, PageNumber: pageNumber, PageSize: pageSize },
  };
}
