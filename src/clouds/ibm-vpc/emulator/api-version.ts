import { ApiError } from './errors.js';

/** `version=YYYY-MM-DD` (from 2019-05-31 up to today) and `generation=2` on every /v1 call, as the real API requires. */
export function checkVersion(query: URLSearchParams, now: number): string {
  const version = query.get('version');
  const target = (value: string | null) => ({
    name: 'version',
    type: 'parameter' as const,
    ...(value === null ? {} : { value }),
  });
  if (version === null || version === '')
    throw new ApiError(
      400,
      'missing_version',
      'The version query parameter is required (e.g. version=2026-03-24)',
      target(version),
    );
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(version);
  const instant = date ? Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])) : Number.NaN;
  if (!date || Number.isNaN(instant) || new Date(instant).toISOString().slice(0, 10) !== version) {
    throw new ApiError(
      400,
      'invalid_version',
      `version ${version} must be a date in the form YYYY-MM-DD`,
      target(version),
    );
  }
  if (version < '2019-01-01' || instant > now) {
    throw new ApiError(
      400,
      'invalid_version_range',
      `version ${version} cannot be a future date nor before 2019-01-01`,
      target(version),
    );
  }
  if (version < '2019-05-31')
    throw new ApiError(
      400,
      'version_not_supported',
      `version ${version} is not supported: it must be 2019-05-31 or later`,
      target(version),
    );
  const generation = query.get('generation');
  if (generation === null || generation === '') {
    throw new ApiError(
      400,
      'missing_generation_parameter',
      'The generation query parameter is required (generation=2)',
      { name: 'generation', type: 'parameter' },
    );
  }
  if (generation !== '2') {
    throw new ApiError(
      400,
      'invalid_generation_parameter',
      `generation ${generation} is not supported: use generation=2`,
      { name: 'generation', type: 'parameter', value: generation },
    );
  }
  return version;
}
