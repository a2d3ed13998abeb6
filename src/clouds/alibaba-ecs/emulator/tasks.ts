import { answer, dryRun, page, regionOf, type Action } from './api.js';
import { EcsError, incorrectImageStatus, invalidParameter } from './errors.js';
import { failsOnPurpose, imageOf } from './images.js';
import { imageStatus, taskStatus, type StoredTask } from './model.js';
import { taskAttributeView, taskView } from './views.js';

const EXPORT_FORMATS = ['raw', 'vhd', 'qcow2', 'vmdk', 'vdi'] as const;

/**
 * The exported object's name: REF §6 gives only Terraform's guess, `<OSSPrefix>_<ImageId>_system.raw.tar.gz`;
 * CHOICE: that for raw, `<OSSPrefix>_<ImageId>_system.<format>` for the others.
 */
export const exportObjectName = (prefix: string, imageId: string, format: string) =>
  `${prefix}${prefix ? '_' : ''}${imageId}_system.${format === 'raw' ? 'raw.tar.gz' : format}`;

/** ExportImage (REF §6): a task, Processing for the export delay, then Finished with the object in the bucket. */
export const exportImage: Action = (context) => {
  const { params, cloud, now } = context;
  const region = regionOf(params);
  const image = imageOf(context, region);
  const bucket = params.required('OSSBucket');
  const prefix = params.get('OSSPrefix') ?? '';
  if (prefix && !/^[A-Za-z0-9]{1,30}$/.test(prefix)) throw invalidParameter('OSSPrefix', '1-30 letters and digits');
  const format = params.oneOf('ImageFormat', EXPORT_FORMATS, 'raw');
  const status = imageStatus(image, now);
  if (status !== 'Available' && status !== 'Deprecated')
    throw incorrectImageStatus(`the image is ${status}; only a usable image exports`);
  dryRun(params);
  // README "Failing on purpose": a bucket whose name contains `fail` fails the export.
  const fails = failsOnPurpose(bucket);
  const task: StoredTask = {
    seq: cloud.takeSeq(),
    id: cloud.newId('t'),
    region,
    action: 'ExportImage',
    image_id: image.id,
    created_at: now,
    finish_due: now + (fails ? cloud.delays.failAfter : cloud.delays.exportRun),
    outcome: fails ? 'Failed' : 'Finished',
    ...(fails ? { error_code: 'OSSWriteFailed', error_message: 'The image could not be written to the bucket.' } : {}),
    bucket,
    prefix,
    format,
    object_name: exportObjectName(prefix, image.id, format),
  };
  cloud.addTask(task);
  return answer({ RegionId: region, TaskId: task.id }, true);
};

const QUERYABLE = ['Finished', 'Processing', 'Failed'];

/**
 * DescribeTasks (REF §6): TaskIds (at most 100), TaskAction, TaskStatus (only Finished, Processing and Failed
 * filter; other values "do not take effect", SDK), ResourceIds, StartTime/EndTime, paging; newest first (CHOICE).
 */
export const describeTasks: Action = (context) => {
  const { params, cloud, now } = context;
  const region = regionOf(params);
  const ids = params.commaList('TaskIds', 100);
  const resources = params.commaList('ResourceIds', 100);
  const action = params.get('TaskAction');
  const wanted = params.get('TaskStatus');
  const status = wanted !== undefined && QUERYABLE.includes(wanted) ? wanted : undefined;
  const start = instantParam(params.get('StartTime'), 'StartTime');
  const end = instantParam(params.get('EndTime'), 'EndTime');
  const tasks = [...cloud.tasks.values()]
    .filter(
      (task) =>
        task.region === region &&
        (!ids || ids.includes(task.id)) &&
        (!resources || resources.includes(task.image_id)) &&
        (action === undefined || task.action === action) &&
        (status === undefined || taskStatus(task, now) === status) &&
        (start === undefined || task.created_at >= start) &&
        (end === undefined || task.created_at <= end),
    )
    .sort((a, b) => b.created_at - a.created_at || b.seq - a.seq);
  const { items, fields } = page(params, tasks);
  return answer({ RegionId: region, ...fields, TaskSet: { Task: items.map((task) => taskView(task, now)) } });
};

/** `2026-12-01T18:00Z` or with seconds (REF §6 names the parameters; the format is the API's UTC form). */
function instantParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const instant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(instant)) throw invalidParameter(name, 'yyyy-MM-ddTHH:mmZ (UTC)');
  return instant;
}

function taskOf(region: string, id: string, tasks: (region: string, id: string) => StoredTask | undefined) {
  const task = tasks(region, id);
  if (!task) throw new EcsError(404, 'InvalidTaskId.NotFound', 'The specified TaskId does not exist.');
  return task;
}

export const describeTaskAttribute: Action = (context) => {
  const { params, cloud, now } = context;
  const region = regionOf(params);
  const task = taskOf(region, params.required('TaskId'), (r, id) => cloud.taskIn(r, id));
  return answer(taskAttributeView(task, now));
};

/**
 * CancelTask (REF §6): only a Processing task. A cancelled export writes nothing; a cancelled import leaves no
 * image (CHOICE, README "Tasks").
 */
export const cancelTask: Action = (context) => {
  const { params, cloud, now } = context;
  const region = regionOf(params);
  const task = taskOf(region, params.required('TaskId'), (r, id) => cloud.taskIn(r, id));
  if (taskStatus(task, now) !== 'Processing')
    throw new EcsError(
      403,
      'IncorrectTaskStatus',
      `The task is ${taskStatus(task, now)}; only a Processing task cancels.`,
    );
  dryRun(params);
  task.cancelled_at = now;
  if (task.action === 'ImportImage') {
    const image = cloud.images.get(task.image_id);
    if (image) cloud.removeImage(image);
  }
  return answer({}, true);
};
