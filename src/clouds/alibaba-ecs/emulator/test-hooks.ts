import type { EmulatorRoute } from '../../../emulator-kit/emulated-cloud.js';
import { fieldProblem } from '../../../emulator-kit/problem.js';
import { parseJson, requireObject } from '../../../emulator-kit/request-body.js';
import type { Cloud } from './cloud.js';
import { imageNotFound } from './errors.js';
import { ecsTime } from './model.js';

/** Test endpoints of this cloud under `/emulator/v1/` (DESIGN §6 guards them with the same credential). */
export function testHooks(cloud: Cloud): EmulatorRoute[] {
  return [
    {
      // The OSS objects exports wrote (REF §10: "an OSS bucket/object registry as a test hook").
      method: 'GET',
      pattern: '/emulator/v1/buckets/{bucket}/objects',
      handle(request) {
        const objects = cloud.bucketObjects
          .filter((object) => object.bucket === request.params.bucket)
          .map((object) => ({ ...object, created_at: ecsTime(object.created_at) }));
        return { status: 200, body: { objects } };
      },
    },
    {
      // An instance runs from the image (or no longer does): DeleteImage without Force refuses it (REF §2).
      method: 'PUT',
      pattern: '/emulator/v1/images/{id}/usage',
      async handle(request) {
        const body = requireObject(parseJson(await request.body()));
        if (typeof body.in_use !== 'boolean')
          throw fieldProblem('invalid-type', 'in_use', 'in_use must be true or false', body.in_use);
        const image = cloud.images.get(request.params.id!);
        if (!image) throw imageNotFound();
        image.in_use = body.in_use;
        return { status: 200, body: { id: image.id, in_use: image.in_use }, mutated: true };
      },
    },
  ];
}
