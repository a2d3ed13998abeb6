import type { ResourceDocument } from '../config/model.js';
import { cloudOfType } from './clouds.js';
import { didYouMean } from '../core/did-you-mean.js';
import { UserError } from '../core/errors.js';
import { type ResourceState, recordedLifecycle } from '../state/state.js';
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
    const providerSettings = session.configuration.settings.providers.find((p) => p.name === document.provider)!;
    const cloud = cloudOfType(providerSettings.type);
    const kind = cloud.kinds.find((candidate) => candidate.kind === document.kind);
    if (!kind?.importObject)
      throw UserError.of(
        'import.unsupported',
        `${document.kind} objects cannot be imported`,
        'apply the document instead',
      );
    const object = await kind.importObject(await session.client(document.provider), options.id, options.address);
    const owner = Object.entries(state.resources).find(
      ([, entry]) =>
        entry.kind === document.kind &&
        entry.id === object.id &&
        (entry.provider ?? document.provider) === document.provider,
    );
    if (owner) throw UserError.of('import.already-managed', `${object.id} is already managed as ${owner[0]}`);
    const entry: ResourceState = {
      kind: document.kind,
      provider: document.provider,
      ...object,
      dependencies: documentDependencies(document),
      lifecycle: recordedLifecycle(document.lifecycle),
    };
    await session.backend.write({
      ...state,
      serial: state.serial + 1,
      resources: { ...state.resources, [options.address]: entry },
    });
    return entry;
  });
}
