import { answer, dryRun, page, regionOf, type Action } from './api.js';
import { EcsError, incorrectImageStatus, invalidParameter } from './errors.js';
import { imageOf } from './images.js';
import { ecsTime, imageStatus } from './model.js';

/** At most 10 accounts added and 10 removed a call, extras silently ignored (REF §7, SDK). */
export const accountsPerCall = 10;
/** Up to 50 accounts an image (REF §7, TF doc). */
export const accountsPerImage = 50;

/**
 * ModifyImageSharePermission (REF §7): removes first, then adds. A deprecated image cannot be shared (GUIDE),
 * nor one still being created (CHOICE); an image already shared to an account stays shared once.
 */
export const modifyImageSharePermission: Action = (context) => {
  const { params, now } = context;
  const region = regionOf(params);
  const image = imageOf(context, region);
  const add = params.list('AddAccount').slice(0, accountsPerCall);
  const remove = params.list('RemoveAccount').slice(0, accountsPerCall);
  for (const account of [...add, ...remove])
    if (!/^\d{1,20}$/.test(account))
      throw invalidParameter('AddAccount.N', `${account} is not an Alibaba Cloud account id`);
  if (params.get('IsPublic') !== undefined && params.bool('IsPublic'))
    throw new EcsError(403, 'OperationDenied', 'Publishing community images is not modelled by this emulator.');
  const status = imageStatus(image, now);
  if (add.length > 0 && status !== 'Available')
    throw incorrectImageStatus(`the image is ${status}; only an Available image can be shared`);
  const kept = image.shared_with.filter((entry) => !remove.includes(entry.account));
  const added = [...new Set(add)].filter((account) => !kept.some((entry) => entry.account === account));
  if (kept.length + added.length > accountsPerImage)
    throw new EcsError(
      403,
      'QuotaExceed.ShareImageUser',
      `An image is shared to at most ${accountsPerImage} accounts.`,
    );
  if (add.includes(context.cloud.accountId))
    throw invalidParameter('AddAccount.N', 'an image cannot be shared to its own account');
  dryRun(params);
  image.shared_with = [...kept, ...added.map((account) => ({ account, shared_at: now }))];
  return answer({}, true);
};

export const describeImageSharePermission: Action = (context) => {
  const { params } = context;
  const region = regionOf(params);
  const image = imageOf(context, region);
  const { items, fields } = page(params, image.shared_with);
  return answer({
    RegionId: region,
    ImageId: image.id,
    ...fields,
    Accounts: { Account: items.map((entry) => ({ AliyunId: entry.account, SharedTime: ecsTime(entry.shared_at) })) },
    ShareGroups: { ShareGroup: [] },
  });
};
