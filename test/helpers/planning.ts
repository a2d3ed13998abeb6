import { parseYamlText } from '../../src/config/source-document.js';
import { toResourceDocument } from '../../src/config/resource-document.js';
import { defaultSettings } from '../../src/config/settings.js';
import { CATALOG } from '../../src/app/catalog.js';
import type { ResourceDocument } from '../../src/config/model.js';
import { addImage, emptySnapshot, type IbmSnapshot } from '../../src/clouds/ibm-vpc/snapshot.js';
import type { CloudExportJob, CloudImage } from '../../src/clouds/ibm-vpc/api-types.js';
import type { ResourceState, StateDocument } from '../../src/state/state.js';
import { ibmVpcCloud } from '../../src/clouds/ibm-vpc/index.js';
import { makePlan, type PlanOptions, type PlanResult } from '../../src/engine/plan.js';
import type { World } from '../../src/engine/world.js';

/**
 * Builders for the pure planner's inputs: documents from YAML text (of the one default provider, `default`), a
 * cloud snapshot, a state document.
 */
export function documents(yaml: string, file = 'images.yaml'): ResourceDocument[] {
  const context = { catalog: CATALOG, providers: defaultSettings(CATALOG).providers };
  const parsed = parseYamlText(yaml, file);
  if (parsed.diagnostics.length) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
  return parsed.documents.map((source) => {
    const { document, diagnostics } = toResourceDocument(source, context);
    if (!document || diagnostics.some((d) => d.severity === 'error'))
      throw new Error(diagnostics.map((d) => d.message).join('\n'));
    return document;
  });
}

let counter = 0;
export function cloudImage(fields: Partial<CloudImage> & { name: string }): CloudImage {
  const id = fields.id ?? `r006-00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
  return {
    id,
    crn: `crn:v1:bluemix:public:is:us-south:a/acct::image:${id}`,
    href: `https://us-south.iaas.cloud.ibm.com/v1/images/${id}`,
    status: 'available',
    status_reasons: [],
    created_at: '2030-01-01T00:00:00Z',
    encryption: 'none',
    file: { size: 10 },
    operating_system: { name: 'ubuntu-24-04-amd64' },
    resource_group: { id: 'rg-default' },
    catalog_offering: { managed: false },
    visibility: 'private',
    ...fields,
  };
}

export function exportJob(fields: Partial<CloudExportJob> & { name: string }): CloudExportJob {
  const id = fields.id ?? `r006-10000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
  return {
    id,
    href: `https://example/v1/images/x/export_jobs/${id}`,
    status: 'succeeded',
    status_reasons: [],
    format: 'qcow2',
    created_at: '2030-01-01T00:00:00Z',
    storage_bucket: {
      name: 'exports',
      crn: 'crn:v1:bluemix:public:cloud-object-storage:global:a/acct::bucket:exports',
    },
    storage_href: `cos://us-south/exports/${fields.name}.qcow2`,
    storage_object: { name: `${fields.name}.qcow2` },
    ...fields,
  };
}

export function snapshot(
  now: string,
  images: CloudImage[] = [],
  jobs: Record<string, CloudExportJob[]> = {},
): IbmSnapshot {
  const result = emptySnapshot(new Date(now));
  for (const image of images) addImage(result, image);
  for (const [imageId, list] of Object.entries(jobs)) result.exportJobs.set(imageId, list);
  return result;
}

export function state(
  resources: Record<string, Partial<ResourceState> & Pick<ResourceState, 'kind' | 'id'>> = {},
): StateDocument {
  return {
    version: 1,
    lineage: 'lineage-1',
    serial: 1,
    resources: Object.fromEntries(
      Object.entries(resources).map(([address, entry]) => [
        address,
        {
          attributes: {},
          dependencies: [],
          lifecycle: { prevent_destroy: false, deletion_policy: 'delete' },
          ...entry,
        } as ResourceState,
      ]),
    ),
  };
}

/** The state entry an apply would have written for a managed image created from `file`. */
export function managedImage(
  image: CloudImage,
  file: string,
): Partial<ResourceState> & Pick<ResourceState, 'kind' | 'id'> {
  return { kind: 'image', id: image.id, attributes: { ...image, inputs: { file } } };
}

/** One IBM provider named `default` that saw `seen`: what the planner reads for a single-provider repository. */
export function ibmWorld(seen: IbmSnapshot = emptySnapshot(new Date(0))): World {
  return new Map([['default', { cloud: ibmVpcCloud, snapshot: seen }]]);
}

/** The pure planner over one IBM provider. */
export function planIbm(
  files: readonly ResourceDocument[],
  current: StateDocument,
  seen: IbmSnapshot,
  options?: PlanOptions,
): PlanResult {
  return makePlan(files, current, ibmWorld(seen), options);
}
