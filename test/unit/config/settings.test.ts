import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE_SETTINGS, loadSettings } from '../../../src/config/settings.js';
import { formatDiagnostic } from '../../../src/core/diagnostic.js';
import { CATALOG } from '../../../src/app/catalog.js';
import { useTempTrees } from '../../helpers/temp-trees.js';

const tree = useTempTrees();

describe('loadSettings', () => {
  it('gives the defaults when imageform.yaml is absent', async () => {
    const { settings, diagnostics } = await loadSettings('.', { cwd: tree({}), catalog: CATALOG });
    expect(diagnostics).toEqual([]);
    expect(settings).toEqual({
      providers: [{ name: 'default', type: 'ibm-vpc', embedded: true, options: {} }],
      state: { backend: 'local', url_env: 'IMAGEFORM_PG_URL', workspace: 'default' },
    });
  });

  it('reads every field and keeps defaults for the rest', async () => {
    const root = tree({
      'infra/imageform.yaml':
        'provider:\n  type: ibm-vpc\n  region: eu-de\n  endpoint: http://127.0.0.1:8080\n  iam_endpoint: http://127.0.0.1:8080\nstate:\n  backend: postgres\n  workspace: staging\n  schema: imageform\n',
    });
    const { settings, diagnostics } = await loadSettings('infra', { cwd: root, catalog: CATALOG });
    expect(diagnostics).toEqual([]);
    // The cloud applies its own defaults (api_key_env) when it opens the provider.
    expect(settings.providers).toEqual([
      {
        name: 'default',
        type: 'ibm-vpc',
        embedded: false,
        options: { region: 'eu-de', endpoint: 'http://127.0.0.1:8080', iam_endpoint: 'http://127.0.0.1:8080' },
      },
    ]);
    expect(settings.state).toEqual({
      backend: 'postgres',
      url_env: 'IMAGEFORM_PG_URL',
      workspace: 'staging',
      schema: 'imageform',
    });
    expect(settings.file).toMatch(/infra\/imageform\.yaml$/);
  });

  it('reports mistakes with positions and never echoes a secret', async () => {
    const root = tree({
      'imageform.yaml': 'provider:\n  tpye: ibm-vpc\n  apikey: s3cr3t-value\n  endpoint: ftp://x\nstate: local\n',
    });
    const { settings, diagnostics } = await loadSettings('.', { cwd: root, catalog: CATALOG });
    const lines = diagnostics.map(formatDiagnostic);
    expect(lines).toEqual([
      'imageform.yaml:2:3: unknown field provider.tpye in imageform.yaml (did you mean "type"?)',
      'imageform.yaml:3:3: unknown field provider.apikey in imageform.yaml (secrets never go in files: put the API key in the variable named by provider.api_key_env)',
      'imageform.yaml:4:13: provider.endpoint "ftp://x" must be an http(s) URL without /v1, e.g. https://us-south.iaas.cloud.ibm.com',
      'imageform.yaml:5:8: state must be a mapping',
    ]);
    expect(lines.join('\n')).not.toContain('s3cr3t');
    expect(settings.state).toEqual(DEFAULT_STATE_SETTINGS);
  });

  it('refuses more than one document', async () => {
    const root = tree({ 'imageform.yaml': 'provider: {type: embedded}\n---\nstate: {backend: local}\n' });
    const { diagnostics } = await loadSettings('.', { cwd: root, catalog: CATALOG });
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'imageform.yaml:3:1: imageform.yaml holds more than one document (keep one document)',
    ]);
  });
});
