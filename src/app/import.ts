import type { Kind, ResourceDocument } from '../config/model.js';
import { didYouMean } from '../core/did-you-mean.js';
import { UserError } from '../core/errors.js';
import { stateAttributes } from '../clouds/ibm-vpc/kinds/image.js';
import type { Provider } from '../clouds/ibm-vpc/api-types.js';
import type { ResourceState } from '../state/state.js';
import type { EngineHost } from '../engine/events.js';
import { documentDependencies } from '../engine/plan.js';
import { withSession } from './session.js';

/**
 * `imageform import ADDR ID`: read an existing cloud object and record it in state under ADDR. Write-only inputs
 * (file, encrypted_data_key) cannot be read back, so the first plan adopts the files' values instead of proposing
 * a replacement (Terraform's import-then-replace surprise).
 */
export interface ImportOptions {
  dir: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  host: EngineHost;
  address: string;
  id: string;
}

async function readObject(
  provider: Provider,
  kind: Kind,
  id: string,
  address: string,
): Promise<Pick<ResourceState, 'id' | 'attributes'>> {
  if (kind === 'image') {
    const image = await provider.getImage(id);
    if (!image)
      throw UserError.of(
        'import.not-found',
        `no image with ID ${id} can be read`,
        "check the ID with the cloud's image list",
      );
    return { id: image.id, attributes: stateAttributes(image, undefined) };
  }
  if (kind === 'image_export_job') {
    const [imageId, jobId] = id.split('/');
    if (!imageId || !jobId) {
      throw UserError.of(
        'import.bad-id',
        `an export job is imported as IMAGE_ID/JOB_ID, got "${id}"`,
        `e.g. imageform import ${address} r006-aaa/r006-bbb`,
      );
    }
    const job = await provider.getExportJob(imageId, jobId);
    if (!job) throw UserError.of('import.not-found', `no export job ${jobId} on image ${imageId} can be read`);
    const { encrypted_data_key: _secret, ...rest } = job;
    return { id: job.id, attributes: { ...rest, image_id: imageId } };
  }
  const image = await provider.getImage(id);
  if (!image) throw UserError.of('import.not-found', `no image with ID ${id} can be read`);
  const wanted = kind === 'image_deprecate' ? ['deprecated', 'obsolete'] : ['obsolete'];
  if (!wanted.includes(image.status)) {
    throw UserError.of(
      'import.wrong-status',
      `image ${id} is ${image.status}, so there is no ${kind === 'image_deprecate' ? 'deprecation' : 'obsolescence'} to import`,
      `apply ${address} to make the change instead`,
    );
  }
  const field = kind === 'image_deprecate' ? 'deprecation_at' : 'obsolescence_at';
  return { id: image.id, attributes: { image: image.id, status: image.status, [field]: image[field] ?? null } };
}

function documentFor(documents: readonly ResourceDocument[], address: string): ResourceDocument {
  const document = documents.find((candidate) => candidate.address === address);
  if (document) return document;
  const suggestion = didYouMean(
    address,
    documents.map((candidate) => candidate.address),
  );
  throw UserError.of(
    'import.no-document',
    `there is no document for ${address} in the files`,
    suggestion
      ? `did you mean ${suggestion}?`
      : 'write its document first (kind and name), then import the object into it',
  );
}

export async function importResource(options: ImportOptions): Promise<ResourceState> {
  return withSession(options.dir, { cwd: options.cwd, env: options.env, host: options.host }, async (session) => {
    const document = documentFor(session.configuration.documents, options.address);
    await session.lock('import');
    const state = await session.backend.read();
    const existing = state.resources[options.address];
    if (existing) {
      throw UserError.of(
        'import.already-managed',
        `${options.address} is already managed${existing.id ? ` (${existing.id})` : ''}`,
        `to import another object under this address, first "imageform state rm ${options.address}"`,
      );
    }
    const provider = await session.provider();
    const object = await readObject(provider, document.kind, options.id, options.address);
    const owner = Object.entries(state.resources).find(
      ([, entry]) => entry.kind === document.kind && entry.id === object.id,
    );
    if (owner) throw UserError.of('import.already-managed', `${object.id} is already managed as ${owner[0]}`);
    const entry: ResourceState = {
      kind: document.kind,
      ...object,
      dependencies: documentDependencies(document),
      lifecycle: {
        prevent_destroy: document.lifecycle.prevent_destroy,
        deletion_policy: document.lifecycle.deletion_policy,
      },
    };
    await session.backend.write({
      ...state,
      serial: state.serial + 1,
      resources: { ...state.resources, [options.address]: entry },
    });
    return entry;
  });
}
