import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../../../src/app/catalog.js';
import { loadConfiguration } from '../../../../src/config/load.js';
import { formatDiagnostic } from '../../../../src/core/diagnostic.js';
import { useTempTrees } from '../../../helpers/temp-trees.js';

const tree = useTempTrees();

const SETTINGS = 'providers:\n  ali:\n    type: alibaba-ecs\n    region: cn-hangzhou\n';

async function validate(documents: string, settings = SETTINGS) {
  const cwd = tree({ 'imageform.yaml': settings, 'images.yaml': documents });
  const { configuration, diagnostics } = await loadConfiguration('.', { cwd, catalog: CATALOG });
  return { configuration, lines: diagnostics.map((d) => `${d.code} ${formatDiagnostic(d)}`) };
}

describe('alibaba-ecs documents (DESIGN.md §8.3)', () => {
  it('accepts an imported image with its family, an export, a copy, a share and a deprecation of a literal id', async () => {
    const { configuration, lines } = await validate(
      [
        'kind: image',
        'name: noble',
        'spec:',
        '  source: {oss: {bucket: my-images, object: noble.qcow2}, format: QCOW2}',
        '  os_type: linux',
        '  platform: Ubuntu',
        '  architecture: x86_64',
        '  boot_mode: UEFI',
        '  image_family: ubuntu-lts',
        '  tags: {team: base}',
        '  deprecation_at: "2035-01-01T00:00:00Z"',
        '---',
        'kind: image_export_job',
        'name: noble',
        'spec: {image: "${image.noble.id}", oss_bucket: exports, oss_prefix: noble, format: qcow2}',
        '---',
        'kind: image_copy',
        'name: noble-sh',
        'spec: {image: "${image.noble.id}", destination_region: cn-shanghai, name: noble-copy}',
        '---',
        'kind: image_share',
        'name: noble',
        'spec: {image: "${image.noble.id}", accounts: ["1234567890123456"]}',
        '---',
        'kind: image_deprecate',
        'name: old',
        'spec: {image: m-bp1g7004ksh0oeuc1234}',
        '',
      ].join('\n'),
    );
    expect(lines).toEqual([]);
    expect(configuration.documents.map((document) => document.address)).toEqual([
      'image.noble',
      'image_export_job.noble',
      'image_copy.noble-sh',
      'image_share.noble',
      'image_deprecate.old',
    ]);
  });

  it('refuses what ECS cannot do: an obsolete status, ECS-reserved names and tags, and wrong spellings', async () => {
    const { lines } = await validate(
      [
        'kind: image_obsolete',
        'name: x',
        'spec: {image: m-bp1g7004ksh0oeuc1234}',
        '---',
        'kind: image',
        'name: bad',
        'spec:',
        '  source: {snapshot_id: s-bp1abc}',
        '  name: aliyun-x',
        '  os_type: Linux',
        '  obsolescence_at: null',
        '  tags: {"acs:x": y}',
        '',
      ].join('\n'),
    );
    expect(lines).toEqual([
      'schema.unsupported-kind images.yaml:1:7: alibaba-ecs has no kind "image_obsolete" (a kind of ibm-vpc, openstack-glance); this document belongs to provider ali (ECS has no obsolete status: use image_deprecate, or delete the image)',
      'schema.pattern images.yaml:9:9: spec.name "aliyun-x" must start with a letter and hold letters, digits, ":", "_", "." or "-" (not aliyun, acs: or http://), e.g. ubuntu-2404',
      'schema.enum images.yaml:10:12: spec.os_type "Linux" must be one of linux, windows (did you mean "linux"?)',
      'schema.not images.yaml:11:20: spec.obsolescence_at is not available on alibaba-ecs: ECS has no obsolete status (use deprecation_at or image_deprecate, or delete the image)',
      'schema.not images.yaml:12:9: spec.tags "acs:x" must not start with aliyun, acs:, http(s):// or imageform_ (imageform keeps its dates there)',
    ]);
  });

  it('refuses an AccessKey secret written in imageform.yaml, naming the variable key, and never repeats it', async () => {
    const { lines } = await validate(
      'kind: image_deprecate\nname: d\nspec: {image: m-bp1g7004ksh0oeuc1234}\n',
      `${SETTINGS}    access_key_secret: s3cr3t-value\n`,
    );
    expect(lines.join('\n')).not.toContain('s3cr3t-value');
    expect(lines).toEqual([
      'schema.unknown-field imageform.yaml:5:5: unknown field providers.ali.access_key_secret in imageform.yaml (secrets never go in files: put the AccessKey secret in the variable named by providers.ali.access_key_secret_env)',
    ]);
  });
});
