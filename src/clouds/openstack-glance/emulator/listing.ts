import { ok, type Handler } from './api.js';
import { badRequest } from './errors.js';
import type { StoredImage } from './model.js';
import { imageView } from './views.js';

/** `GET /v2/images`: filters, sort and marker pagination as Glance does them (REF §8). */

export const defaultLimit = 25;
export const maxLimit = 1000;

const sortKeys = ['name', 'status', 'container_format', 'disk_format', 'size', 'id', 'created_at', 'updated_at'];
/** Parameters that are not filters. */
const controls = new Set(['limit', 'marker', 'sort_key', 'sort_dir', 'sort', 'member_status']);
const inListFields = new Set(['id', 'name', 'status', 'disk_format', 'container_format']);

type Filter = (image: StoredImage) => boolean;
type SortKey = { key: string; dir: 'asc' | 'desc' };

function sortValue(image: StoredImage, key: string): string | number | null {
  switch (key) {
    case 'size':
      return image.data?.size ?? null;
    case 'created_at':
      return image.created_at;
    case 'updated_at':
      return image.updated_at;
    default:
      return (image as unknown as Record<string, string | null>)[key] ?? null;
  }
}

/** `in:a,b,"c,d"`: the values of an in-list (quotes keep commas). */
function inList(text: string): string[] {
  const values: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|([^,]+)/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) values.push(match[1] ?? match[2]!.trim());
  return values;
}

function booleanParam(name: string, value: string): boolean {
  const lower = value.toLowerCase();
  if (['true', '1', 'yes', 'on', 't', 'y'].includes(lower)) return true;
  if (['false', '0', 'no', 'off', 'f', 'n'].includes(lower)) return false;
  throw badRequest(`Invalid value for option ${name}: ${value}`);
}

const comparators: Record<string, (a: number, b: number) => boolean> = {
  eq: (a, b) => a === b,
  neq: (a, b) => a !== b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
};

function timeFilter(field: 'created_at' | 'updated_at', value: string): Filter {
  const match = /^(eq|neq|gt|gte|lt|lte):(.+)$/.exec(value);
  const operator = match?.[1] ?? 'eq';
  const instant = Date.parse(match?.[2] ?? value);
  if (Number.isNaN(instant)) throw badRequest(`Invalid time format for ${field}.`);
  const compare = comparators[operator]!;
  // Glance compares at second precision, as its timestamps show.
  return (image) => compare(Math.floor(image[field] / 1000), Math.floor(instant / 1000));
}

function filtersOf(query: URLSearchParams): Filter[] {
  if (query.has('changes-since')) throw badRequest('The changes-since parameter is not supported in v2.');
  const filters: Filter[] = [];
  let hidden = false;
  let visibility: string | undefined;
  const tags = query.getAll('tag');
  if (tags.length > 0) filters.push((image) => tags.every((tag) => image.tags.includes(tag)));
  for (const [name, value] of query) {
    if (controls.has(name) || name === 'tag') continue;
    if (name === 'os_hidden') {
      hidden = booleanParam(name, value);
    } else if (name === 'visibility') {
      if (!['public', 'private', 'shared', 'community', 'all'].includes(value))
        throw badRequest(`Invalid visibility value: ${value}`);
      visibility = value;
    } else if (name === 'protected') {
      const wanted = booleanParam(name, value);
      filters.push((image) => image.protected === wanted);
    } else if (name === 'size_min' || name === 'size_max') {
      const bound = Number(value);
      if (!Number.isInteger(bound) || bound < 0) throw badRequest(`Invalid value for option ${name}: ${value}`);
      filters.push((image) =>
        image.data === undefined ? false : name === 'size_min' ? image.data.size >= bound : image.data.size <= bound,
      );
    } else if (name === 'created_at' || name === 'updated_at') {
      filters.push(timeFilter(name, value));
    } else if (inListFields.has(name) && value.startsWith('in:')) {
      const values = inList(value.slice(3));
      filters.push((image) => values.includes(String(sortValue(image, name))));
    } else if (['name', 'status', 'owner', 'disk_format', 'container_format', 'id'].includes(name)) {
      filters.push((image) => String(sortValue(image, name)) === value);
    } else {
      // Anything else filters on a custom property (REF §8).
      filters.push((image) => image.properties[name] === value);
    }
  }
  // os_hidden defaults to false: hidden images are left out unless asked for (REF §8).
  filters.push((image) => image.os_hidden === hidden);
  // No visibility: everything but community images (REF §8).
  if (visibility === undefined) filters.push((image) => image.visibility !== 'community');
  else if (visibility !== 'all') filters.push((image) => image.visibility === visibility);
  return filters;
}

function sortOf(query: URLSearchParams): SortKey[] {
  const sort = query.get('sort');
  const keys = query.getAll('sort_key');
  const dirs = query.getAll('sort_dir');
  let result: SortKey[];
  if (sort !== null) {
    if (keys.length > 0 || dirs.length > 0)
      throw badRequest(
        "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.",
      );
    result = sort.split(',').map((part) => {
      const [key, dir = 'desc'] = part.trim().split(':');
      return { key: key!, dir: dir as SortKey['dir'] };
    });
  } else {
    if (dirs.length > 1 && dirs.length !== keys.length)
      throw badRequest('Number of sort dirs does not match the number of sort keys');
    result = (keys.length > 0 ? keys : ['created_at']).map((key, index) => ({
      key,
      dir: (dirs[index] ?? dirs[0] ?? 'desc') as SortKey['dir'],
    }));
  }
  for (const { key, dir } of result) {
    if (!sortKeys.includes(key))
      throw badRequest(`Invalid sort key: ${key}. It must be one of the following: ${sortKeys.join(', ')}.`);
    if (dir !== 'asc' && dir !== 'desc')
      throw badRequest(`Invalid sort direction: ${String(dir)}. It must be one of the following: asc, desc.`);
  }
  // Ties are broken by created_at, then id, in the first key's direction (G-CODE).
  const tieDir = result[0]!.dir;
  for (const key of ['created_at', 'id'])
    if (!result.some((each) => each.key === key)) result.push({ key, dir: tieDir });
  return result;
}

function compare(a: StoredImage, b: StoredImage, keys: SortKey[]): number {
  for (const { key, dir } of keys) {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    if (x === y) continue;
    // Nulls sort first ascending, as in Glance's database.
    const order = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
    return dir === 'asc' ? order : -order;
  }
  // Equal ids cannot happen; equal created_at with ids in creation order for the emulator's own sequence.
  return a.seq - b.seq;
}

function limitOf(query: URLSearchParams): number {
  const text = query.get('limit');
  if (text === null) return defaultLimit;
  if (!/^-?\d+$/.test(text.trim())) throw badRequest('limit param must be an integer');
  const limit = Number(text);
  if (limit < 0) throw badRequest('limit param must be positive');
  return Math.min(limit, maxLimit);
}

/** The listing's query string with `marker` replaced (or dropped), keeping the other parameters in order. */
function link(query: URLSearchParams, marker?: string): string {
  const params = new URLSearchParams([...query].filter(([name]) => name !== 'marker'));
  if (marker !== undefined) params.append('marker', marker);
  const text = params.toString();
  return text ? `/v2/images?${text}` : '/v2/images';
}

export const listImages: Handler = (request, cloud) => {
  const { query } = request;
  const limit = limitOf(query);
  const keys = sortOf(query);
  const filters = filtersOf(query);
  const markerId = query.get('marker');
  let marker: StoredImage | undefined;
  if (markerId !== null) {
    marker = cloud.images.get(markerId);
    if (!marker) throw badRequest(`Invalid marker. Image ${markerId} could not be found.`);
  }
  const matching = [...cloud.images.values()].filter((image) => filters.every((filter) => filter(image)));
  matching.sort((a, b) => compare(a, b, keys));
  const after = marker ? matching.filter((image) => compare(image, marker, keys) > 0) : matching;
  const page = after.slice(0, limit);
  const body: Record<string, unknown> = {
    images: page.map(imageView),
    first: link(query),
    schema: '/v2/schemas/images',
  };
  // `next` whenever the page came back full, even if nothing follows (REF §8).
  if (page.length === limit && limit > 0) body.next = link(query, page[page.length - 1]!.id);
  return ok(body);
};
