import { answer, dryRun, regionOf, type Action, type ActionContext } from './api.js';
import { EcsError, imageNotFound, invalidParameter, missingParameter } from './errors.js';
import type { StoredImage } from './model.js';
import { checkTags, maxTags, mergeTags } from './validate.js';

/** Tags of images only (`ResourceType=image`, REF §3): the other resource types are not modelled (CHOICE). */
function imagesNamed(context: ActionContext, region: string, required: boolean): StoredImage[] {
  const { params, cloud } = context;
  const type = params.get('ResourceType');
  if (type === undefined) throw missingParameter('ResourceType');
  if (type.toLowerCase() !== 'image')
    throw new EcsError(
      400,
      'InvalidResourceType.NotSupported',
      `ResourceType ${type} is not supported here; use image.`,
    );
  const ids = params.list('ResourceId');
  if (required && ids.length === 0) throw missingParameter('ResourceId.1');
  if (ids.length > 50) throw invalidParameter('ResourceId.N', 'at most 50 resources');
  return ids.map((id) => {
    const image = cloud.imageIn(region, id);
    if (!image) throw imageNotFound();
    return image;
  });
}

export const tagResources: Action = (context) => {
  const region = regionOf(context.params);
  const images = imagesNamed(context, region, true);
  const tags = context.params.tags();
  if (tags.length === 0) throw missingParameter('Tag.1.Key');
  checkTags(tags);
  for (const image of images)
    if (mergeTags(image.tags, tags).length > maxTags)
      throw new EcsError(400, 'InvalidTagCount', `A resource has at most ${maxTags} tags.`);
  dryRun(context.params);
  for (const image of images) image.tags = mergeTags(image.tags, tags);
  return answer({}, true);
};

/** UntagResources: the keys named by `TagKey.N`, or every tag with `All=true`. */
export const untagResources: Action = (context) => {
  const region = regionOf(context.params);
  const images = imagesNamed(context, region, true);
  const keys = context.params.list('TagKey');
  const all = context.params.bool('All');
  if (keys.length === 0 && !all) throw missingParameter('TagKey.1');
  dryRun(context.params);
  for (const image of images) image.tags = all ? [] : image.tags.filter(([key]) => !keys.includes(key));
  return answer({}, true);
};

/**
 * ListTagResources: one entry a tag of each image named (or, with none named, of every image in the region
 * carrying the `Tag.N` filters); pages of 50 with `NextToken` (CHOICE: the token is the next entry's offset).
 */
export const listTagResources: Action = (context) => {
  const { params, cloud } = context;
  const region = regionOf(params);
  let images = imagesNamed(context, region, false);
  const filters = params.tags();
  if (images.length === 0) {
    if (filters.length === 0) throw missingParameter('ResourceId.1');
    images = cloud
      .imagesOf(region)
      .filter((image) =>
        filters.every(([k, v]) => image.tags.some(([key, value]) => key === k && (v === '' || v === value))),
      )
      .sort((a, b) => a.seq - b.seq);
  }
  const entries = images.flatMap((image) =>
    image.tags.map(([TagKey, TagValue]) => ({ ResourceId: image.id, ResourceType: 'image', TagKey, TagValue })),
  );
  const token = params.get('NextToken');
  const start = token === undefined ? 0 : Number(token);
  if (!Number.isInteger(start) || start < 0 || start > entries.length)
    throw invalidParameter('NextToken', 'unknown token');
  const slice = entries.slice(start, start + 50);
  const next = start + slice.length < entries.length ? String(start + slice.length) : '';
  return answer({ NextToken: next, TagResources: { TagResource: slice } });
};
