import type { ApiRequest } from './api.js';
import { ApiError } from './errors.js';

/** Cursor pagination: `limit` 1..100 (default 50), `start` an opaque token naming where the next page begins. */

export const defaultLimit = 50;
export const maxLimit = 100;

export function pageLimit(query: URLSearchParams): number {
  const raw = query.get('limit');
  if (raw === null) return defaultLimit;
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(limit)) {
    throw new ApiError(400, 'validation_invalid_field_type', 'limit must be an integer', {
      name: 'limit',
      type: 'parameter',
      value: raw,
    });
  }
  if (limit < 1)
    throw new ApiError(400, 'validation_min_value', 'limit must be at least 1', {
      name: 'limit',
      type: 'parameter',
      value: raw,
    });
  if (limit > maxLimit)
    throw new ApiError(400, 'validation_max_value', `limit must be at most ${maxLimit}`, {
      name: 'limit',
      type: 'parameter',
      value: raw,
    });
  return limit;
}

const encodeCursor = (key: number) => Buffer.from(`imageform-emulator:${key}`).toString('base64url');

function decodeCursor(token: string): number | undefined {
  const match = /^imageform-emulator:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

/** Where the page starts: `toPosition` maps the cursor's key (a creation sequence number) to an index position. */
export function pageFromCursor(query: URLSearchParams, toPosition: (key: number) => number): { startPosition: number } {
  const start = query.get('start');
  if (start === null) return { startPosition: 0 };
  const key = decodeCursor(start);
  if (key === undefined)
    throw new ApiError(400, 'validation_failure', 'start is not a token this API issued (take it from next.href)', {
      name: 'start',
      type: 'parameter',
      value: start,
    });
  return { startPosition: toPosition(key) };
}

/** `first`, `limit` and, unless this is the last page, `next`; both hrefs keep the request's other parameters. */
export function pageLinks(
  request: Pick<ApiRequest, 'baseUrl' | 'query'>,
  path: string,
  limit: number,
  nextKey?: number,
) {
  const params = new URLSearchParams(request.query);
  params.delete('start');
  params.set('limit', String(limit));
  const first = `${request.baseUrl}${path}?${params.toString()}`;
  const links: { first: { href: string }; limit: number; next?: { href: string } } = { first: { href: first }, limit };
  if (nextKey !== undefined) {
    params.set('start', encodeCursor(nextKey));
    links.next = { href: `${request.baseUrl}${path}?${params.toString()}` };
  }
  return links;
}
