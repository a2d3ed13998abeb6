import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../../src/app/catalog.js';
import { ibmVpcConfiguration } from '../../../src/clouds/ibm-vpc/configuration.js';
import type { CloudCatalog, CloudConfiguration } from '../../../src/config/catalog.js';
import { loadConfiguration } from '../../../src/config/load.js';
import { loadSettings } from '../../../src/config/settings.js';
import { formatDiagnostic } from '../../../src/core/diagnostic.js';
import { useTempTrees } from '../../helpers/temp-trees.js';
import { IMAGE } from './sample-image.js';

const tree = useTempTrees();

/** A second cloud, as small as a cloud can be: one kind, its own settings and its own image ids. */
const testCloud: CloudConfiguration = {
  type: 'test-cloud',
  kinds: [
    {
      kind: 'image',
      description: 'An image of the test cloud.',
      specSchema: {
        type: 'object',
        additionalProperties: false,
        required: ['disk_format'],
        properties: { disk_format: { type: 'string', enum: ['raw', 'qcow2'] } },
      },
      fields: { disk_format: { effect: 'replace' } },
      referenceAttributes: ['id'],
    },
  ],
  unsupportedKinds: { image_export_job: 'the test cloud has no export API; export the image yourself' },
  settingsSchema: {
    type: 'object',
    properties: {
      region: { type: 'string' },
      password_env: { type: 'string', title: 'password' },
      access_key_secret_env: { type: 'string', title: 'AccessKey secret' },
    },
  },
  literalImageId: { pattern: '^m-[a-z0-9]{10,}$', example: 'm-0123456789' },
};
const TWO_CLOUDS: CloudCatalog = { clouds: [ibmVpcConfiguration, testCloud], defaultType: 'ibm-vpc' };

async function load(files: Record<string, string>, catalog: CloudCatalog = CATALOG) {
  const { configuration, diagnostics } = await loadConfiguration('.', { cwd: tree(files), catalog });
  return { configuration, lines: diagnostics.map((d) => `${d.code} ${formatDiagnostic(d)}`) };
}

const TWO_IBM = 'providers:\n  a:\n    type: ibm-vpc\n    embedded: true\n  b:\n    type: ibm-vpc\n    region: eu-de\n';
const inProvider = (provider: string, document: string) => document.replace('spec:', `provider: ${provider}\nspec:`);

describe('providers', () => {
  it('reads the providers map in order, each with its type, embedded flag and own keys', async () => {
    const { settings, diagnostics } = await loadSettings('.', {
      cwd: tree({ 'imageform.yaml': TWO_IBM }),
      catalog: CATALOG,
    });
    expect(diagnostics).toEqual([]);
    expect(settings.providers).toEqual([
      { name: 'a', type: 'ibm-vpc', embedded: true, options: {} },
      { name: 'b', type: 'ibm-vpc', embedded: false, options: { region: 'eu-de' } },
    ]);
  });

  it('gives each document the provider it names', async () => {
    const { configuration, lines } = await load({
      'imageform.yaml': TWO_IBM,
      'a.yaml': `${inProvider('a', IMAGE)}---\n${inProvider('b', IMAGE.replace('name: web', 'name: app'))}`,
    });
    expect(lines).toEqual([]);
    expect(configuration.documents.map((d) => [d.address, d.provider])).toEqual([
      ['image.web', 'a'],
      ['image.app', 'b'],
    ]);
  });

  it.each([
    ['no imageform.yaml', undefined, { type: 'ibm-vpc', embedded: true, options: {} }],
    ['no providers in it', 'state:\n  backend: local\n', { type: 'ibm-vpc', embedded: true, options: {} }],
    ['provider: {type: embedded}', 'provider:\n  type: embedded\n', { type: 'ibm-vpc', embedded: true, options: {} }],
    [
      'provider: {type: ibm-vpc, ...}',
      'provider:\n  type: ibm-vpc\n  region: eu-de\n',
      { type: 'ibm-vpc', embedded: false, options: { region: 'eu-de' } },
    ],
  ])('%s is one provider named default, and documents need not name it', async (_, settings, expected) => {
    const files: Record<string, string> = {
      'a.yaml': IMAGE,
      'b.yaml': inProvider('default', IMAGE.replace('web', 'app')),
    };
    if (settings) files['imageform.yaml'] = settings;
    const { configuration, lines } = await load(files);
    expect(lines).toEqual([]);
    expect(configuration.settings.providers).toEqual([{ name: 'default', ...expected }]);
    expect(configuration.documents.map((d) => d.provider)).toEqual(['default', 'default']);
  });

  it('refuses provider and providers together', async () => {
    const { lines } = await load({
      'imageform.yaml': `provider:\n  type: embedded\n${TWO_IBM}`,
      'a.yaml': inProvider('a', IMAGE),
    });
    expect(lines).toEqual([
      'settings.provider-and-providers imageform.yaml:3:1: imageform.yaml has both provider and providers (keep providers: and give the single provider a name there, or keep only provider:)',
    ]);
  });

  it('suggests the nearest cloud for an unknown type, and says nothing more of its documents', async () => {
    const { lines } = await load({
      'imageform.yaml': 'providers:\n  ibm:\n    type: ibm-vcp\n  other:\n    region: x\n',
      'a.yaml': `${inProvider('ibm', IMAGE)}---\nkind: image_deprecate\nname: d\nprovider: ibm\nspec:\n  image: \${image.web.id}\n`,
    });
    expect(lines).toEqual([
      'schema.enum imageform.yaml:3:11: providers.ibm.type "ibm-vcp" must be one of ibm-vpc, openstack-glance, alibaba-ecs (did you mean "ibm-vpc"?)',
      'schema.required imageform.yaml:4:3: providers.other.type is required in imageform.yaml (one of ibm-vpc, openstack-glance, alibaba-ecs)',
    ]);
  });

  it('requires a provider on every document when several are configured, and lists them', async () => {
    const { lines } = await load({ 'imageform.yaml': TWO_IBM, 'a.yaml': IMAGE });
    expect(lines).toEqual([
      'document.provider-required a.yaml:1:1: the document names no provider, and imageform.yaml configures 2 (add provider: with one of a, b)',
    ]);
  });

  it('refuses an unknown provider name, with a did-you-mean', async () => {
    const { lines } = await load({
      'imageform.yaml': 'providers:\n  ibm-east:\n    type: ibm-vpc\n  ibm-west:\n    type: ibm-vpc\n',
      'a.yaml': inProvider('ibm-eats', IMAGE),
      'b.yaml': inProvider('nothing-alike', IMAGE.replace('web', 'app')),
    });
    expect(lines).toEqual([
      'document.unknown-provider a.yaml:3:11: unknown provider "ibm-eats" (did you mean "ibm-east"?)',
      'document.unknown-provider b.yaml:3:11: unknown provider "nothing-alike" (the providers of imageform.yaml: ibm-east, ibm-west)',
    ]);
  });

  it('with one provider, a document may name it, and nothing else', async () => {
    const { lines } = await load({ 'a.yaml': inProvider('ibm', IMAGE) });
    expect(lines).toEqual([
      'document.unknown-provider a.yaml:3:11: unknown provider "ibm" (the providers of imageform.yaml: default)',
    ]);
  });

  it("looks kinds up in the document's own cloud, and says when another cloud has the kind", async () => {
    const settings = 'providers:\n  ibm:\n    type: ibm-vpc\n  t:\n    type: test-cloud\n';
    const testImage = 'kind: image\nname: disk\nprovider: t\nspec:\n  disk_format: raw\n';
    const job = 'kind: image_export_job\nname: job\nprovider: t\nspec:\n  image: m-0123456789\n';
    const deprecate = 'kind: image_deprecate\nname: old\nprovider: t\nspec:\n  image: m-0123456789\n';
    const typo = 'kind: imag\nname: typo\nprovider: t\nspec: {}\n';
    const { configuration, lines } = await load(
      {
        'imageform.yaml': settings,
        'a.yaml': [testImage, job, deprecate, typo].join('---\n'),
        'b.yaml': inProvider('ibm', IMAGE),
        'c.yaml': testImage.replace('name: disk', 'name: wrong-cloud').replace('provider: t', 'provider: ibm'),
      },
      TWO_CLOUDS,
    );
    expect(lines).toEqual([
      'schema.unsupported-kind a.yaml:7:7: test-cloud has no kind "image_export_job" (a kind of ibm-vpc); this document belongs to provider t (the test cloud has no export API; export the image yourself)',
      'schema.unsupported-kind a.yaml:13:7: test-cloud has no kind "image_deprecate" (a kind of ibm-vpc); this document belongs to provider t (kinds of test-cloud: image)',
      'schema.unknown-kind a.yaml:19:7: unknown kind "imag" (did you mean "image"?)',
      'schema.one-of c.yaml:4:1: spec needs exactly one of file or source_volume',
      'schema.required c.yaml:4:1: spec.operating_system is required in image',
      'schema.unknown-field c.yaml:5:3: unknown field spec.disk_format in image (image allows: name, file, source_volume, operating_system, resource_group, encrypted_data_key, encryption_key, deprecation_at, obsolescence_at)',
    ]);
    expect(configuration.documents.map((d) => [d.address, d.provider])).toEqual([
      ['image.disk', 't'],
      ['image.web', 'ibm'],
      ['image.wrong-cloud', 'ibm'],
    ]);
  });

  it("takes each cloud's own literal image ids", async () => {
    const settings = 'providers:\n  ibm:\n    type: ibm-vpc\n  t:\n    type: test-cloud\n';
    const deprecate = 'kind: image_deprecate\nname: old\nprovider: ibm\nspec:\n  image: m-0123456789\n';
    const { lines } = await load({ 'imageform.yaml': settings, 'a.yaml': deprecate }, TWO_CLOUDS);
    expect(lines).toEqual([
      'schema.pattern a.yaml:5:10: spec.image "m-0123456789" must be a reference such as ${image.NAME.id} or an image ID such as r006-1a2b3c4d-0000-4000-8000-0123456789ab',
    ]);
  });

  it('refuses a kind that acts on an image of another provider, naming both documents', async () => {
    const { lines } = await load({
      'imageform.yaml': TWO_IBM,
      'a.yaml': inProvider('a', IMAGE),
      'b.yaml': 'kind: image_deprecate\nname: old\nprovider: b\nspec:\n  image: ${image.web.id}\n',
    });
    expect(lines).toEqual([
      "ref.other-provider b.yaml:5:10: image_deprecate.old (provider b) acts on image.web of provider a (a.yaml:1:1) (a kind that acts on an image belongs to that image's provider: write provider: a in image_deprecate.old)",
    ]);
  });

  it('refuses a secret in the file, naming the key of the variable to use, and never repeats it', async () => {
    const { lines } = await load(
      {
        'imageform.yaml':
          'providers:\n  ibm:\n    type: ibm-vpc\n    api_key: hunter2-ibm\n  t:\n    type: test-cloud\n    password: hunter2-pw\n    access_key_secret: hunter2-ak\n',
        'a.yaml': inProvider('ibm', IMAGE),
      },
      TWO_CLOUDS,
    );
    expect(lines).toEqual([
      'schema.unknown-field imageform.yaml:4:5: unknown field providers.ibm.api_key in imageform.yaml (secrets never go in files: put the API key in the variable named by providers.ibm.api_key_env)',
      'schema.unknown-field imageform.yaml:7:5: unknown field providers.t.password in imageform.yaml (secrets never go in files: put the password in the variable named by providers.t.password_env)',
      'schema.unknown-field imageform.yaml:8:5: unknown field providers.t.access_key_secret in imageform.yaml (secrets never go in files: put the AccessKey secret in the variable named by providers.t.access_key_secret_env)',
    ]);
    expect(lines.join('\n')).not.toContain('hunter2');
  });
});
