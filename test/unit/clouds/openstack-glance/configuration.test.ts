import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../../../src/app/catalog.js';
import { loadConfiguration } from '../../../../src/config/load.js';
import { formatDiagnostic } from '../../../../src/core/diagnostic.js';
import { useTempTrees } from '../../../helpers/temp-trees.js';

const tree = useTempTrees();

const SETTINGS = [
  'providers:',
  '  vk:',
  '    type: openstack-glance',
  '    auth_url: https://msk.cloud.vk.com/infra/identity/v3/',
  '    project_id: 0123456789abcdef',
  '    user_domain_name: users',
  '',
].join('\n');

async function validate(documents: string, files: Record<string, string> = {}) {
  const cwd = tree({ 'imageform.yaml': SETTINGS, 'images/base.yaml': documents, ...files });
  const { configuration, diagnostics } = await loadConfiguration('.', { cwd, catalog: CATALOG });
  return { configuration, lines: diagnostics.map((d) => `${d.code} ${formatDiagnostic(d)}`) };
}

const IMAGE = [
  'kind: image',
  'name: noble',
  'spec:',
  '  source: {file: data/noble.raw}',
  '  disk_format: raw',
  '  min_disk_gb: 10',
  '  properties: {os_distro: ubuntu, os_version: "24.04"}',
  '  tags: [base, lts]',
  '  protected: true',
  '  visibility: private',
  '  deprecation_at: "2035-01-15T00:00:00Z"',
  '  obsolescence_at: null',
  '',
].join('\n');

describe('openstack-glance documents (DESIGN.md §8.2)', () => {
  it('accepts an image with its data in a file beside the document, its status actions, and a literal UUID', async () => {
    const { configuration, lines } = await validate(
      `${IMAGE}---\nkind: image_obsolete\nname: old\nspec:\n  image: 6a3c1f52-2d4e-4b7a-9c1e-0123456789ab\n---\nkind: image\nname: web\nspec:\n  source: {url: "https://example.com/web.qcow2", username: ci, password_env: WEB_PASSWORD}\n  disk_format: qcow2\n  tags: []\n`,
      { 'images/data/noble.raw': 'data' },
    );
    expect(lines).toEqual([]);
    expect(configuration.documents.map((document) => [document.address, document.provider])).toEqual([
      ['image.noble', 'vk'],
      ['image_obsolete.old', 'vk'],
      ['image.web', 'vk'],
    ]);
  });

  it('refuses export jobs, saying Glance has no export API', async () => {
    const { lines } = await validate(
      `${IMAGE}---\nkind: image_export_job\nname: out\nspec:\n  image: \${image.noble.id}\n  storage_bucket: {name: b}\n`,
      { 'images/data/noble.raw': 'data' },
    );
    expect(lines).toEqual([
      'schema.unsupported-kind images/base.yaml:14:7: openstack-glance has no kind "image_export_job" (a kind of ibm-vpc, alibaba-ecs); this document belongs to provider vk (Glance has no export API: download the data yourself with `openstack image save` (GET /v2/images/{id}/file))',
    ]);
  });

  it('finds a source file that is not there, a password written in the file, and keys Glance owns', async () => {
    const { lines } = await validate(
      [
        'kind: image',
        'name: web',
        'spec:',
        '  source: {url: "https://example.com/a.img", username: ci, password: hunter2}',
        '  disk_format: raww',
        '  properties: {os_glance_import: "1", os_hash_value: x, imageform_deprecation_at: y, os_distro: 3}',
        '---',
        'kind: image',
        'name: local',
        'spec:',
        '  source: {file: missing.qcow2}',
        '  disk_format: qcow2',
        '  visibility: public',
        '',
      ].join('\n'),
    );
    expect(lines.join('\n')).not.toContain('hunter2');
    expect(lines).toContain(
      'rule.secret-in-file images/base.yaml:4:70: spec.source.password is a secret and is never written in a file (put it in an environment variable and name that variable with spec.source.password_env)',
    );
    expect(lines).toContain(
      'schema.enum images/base.yaml:5:16: spec.disk_format "raww" must be one of ami, ari, aki, vhd, vhdx, vmdk, raw, qcow2, vdi, iso, ploop (did you mean "raw"?)',
    );
    const owned = lines.filter((line) => line.includes('must not be a key Glance or imageform owns'));
    expect(owned.map((line) => /"([^"]+)" must not be/.exec(line)?.[1])).toEqual([
      'os_glance_import',
      'os_hash_value',
      'imageform_deprecation_at',
    ]);
    expect(lines.filter((line) => line.includes('property name must be valid'))).toEqual([]);
    expect(lines).toContain('schema.type images/base.yaml:6:97: spec.properties.os_distro must be a string');
    expect(lines).toContain(
      'rule.source-file-missing images/base.yaml:11:18: spec.source.file "missing.qcow2" is not a file (read relative to images/base.yaml) (give the path of the image data relative to this YAML file)',
    );
    expect(lines).toContain(
      'schema.enum images/base.yaml:13:15: spec.visibility "public" must be one of private, shared, community',
    );
  });

  it('takes the Keystone settings, and refuses a password written in imageform.yaml', async () => {
    const cwd = tree({
      'imageform.yaml': `${SETTINGS}    password: hunter2\n    interface: private\n`,
      'a.yaml': 'kind: image_deprecate\nname: d\nspec:\n  image: 6a3c1f52-2d4e-4b7a-9c1e-0123456789ab\n',
    });
    const { diagnostics } = await loadConfiguration('.', { cwd, catalog: CATALOG });
    const lines = diagnostics.map((d) => formatDiagnostic(d));
    expect(lines.join('\n')).not.toContain('hunter2');
    expect(lines).toEqual([
      'imageform.yaml:7:5: unknown field providers.vk.password in imageform.yaml (secrets never go in files: put the password in the variable named by providers.vk.password_env)',
      'imageform.yaml:8:16: providers.vk.interface "private" must be one of public, internal, admin',
    ]);
  });
});
