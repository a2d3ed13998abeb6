import type { Action } from '../core/plan-types.js';

/** "image.web: creating..." while it runs. */
export const DOING: Record<Action, string> = {
  create: 'creating',
  update: 'updating',
  replace: 'replacing',
  delete: 'destroying',
  forget: 'forgetting',
  await: 'awaiting',
};

/** "image.web: created (r006-...)" when it is done. */
export const DONE: Record<Action, string> = {
  create: 'created',
  update: 'updated',
  replace: 'replaced',
  delete: 'destroyed',
  forget: 'forgotten',
  await: 'finished',
};

/** 0.4s, 12s, 3m05s: precise when short, readable when long. */
export function formatElapsed(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 10_000) return `${(Math.floor(safe / 100) / 10).toFixed(1)}s`;
  const seconds = Math.floor(safe / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
}

export function formatPercent(fraction: number): string {
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}

/** "1 resource", "3 API requests": a count with its noun in the right number. */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

export function refreshStartedText(resources: number): string {
  return `Refreshing ${counted(resources, 'resource')}...`;
}

export function refreshFinishedText(resources: number, requests: number): string {
  return `Refreshed ${counted(resources, 'resource')} (${counted(requests, 'API request')}).`;
}
