import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, removeDir } from '../helpers/e2e.js';
import { LspClient } from '../helpers/lsp.js';

/**
 * The JSON Schemas as an editor uses them: the real yaml-language-server (the server behind VS Code's YAML
 * extension and most other editors' YAML support), driven over stdio by an LSP client, on files that point at
 * schemas/document.schema.json with a modeline or through the editor's settings.
 */
const SCHEMA = join(REPO, 'schemas', 'document.schema.json');

describe('schemas/ in yaml-language-server', () => {
  let server: LspClient;
  let dir: string;
  let counter = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imageform-editor-'));
    // Files under images/ get the schema from the settings, as README's `yaml.schemas` example does (the path is
    // relative to the workspace, the repository).
    server = await LspClient.yamlLanguageServer({
      schemas: { './schemas/document.schema.json': ['images/**/*.yaml'] },
    });
  });
  afterAll(async () => {
    await server.stop();
    await removeDir(dir);
  });

  /** Writes a file with a modeline at the top (relative path, as in the examples) and opens it in the server. */
  async function open(text: string, options: { modeline?: boolean; folder?: string } = {}): Promise<string> {
    const file = join(dir, options.folder ?? '.', `doc-${++counter}.yaml`);
    await mkdir(dirname(file), { recursive: true });
    const body = options.modeline === false ? text : `${modeline(file)}\n${text}`;
    await writeFile(file, body);
    return server.open(file, body);
  }
  const modeline = (file: string) => `# yaml-language-server: $schema=${relative(dirname(file), SCHEMA)}`;

  const labels = async (uri: string, line: number, character: number) =>
    (await server.completion(uri, line, character)).map((item) => item.label);

  it('completes the fields of the document kind in spec, and only those', async () => {
    const image = await open('kind: image\nname: web\nspec:\n  \n');
    await server.diagnosticsFor(image);
    const forImage = await labels(image, 4, 2);
    expect(forImage).toEqual(expect.arrayContaining(['operating_system', 'file', 'source_volume', 'deprecation_at']));
    for (const other of ['storage_bucket', 'format', 'wait', 'image']) expect(forImage).not.toContain(other);

    const job = await open('kind: image_export_job\nname: backup\nspec:\n  \n');
    await server.diagnosticsFor(job);
    const forJob = await labels(job, 4, 2);
    expect(forJob).toEqual(expect.arrayContaining(['image', 'storage_bucket', 'format', 'wait']));
    for (const other of ['operating_system', 'file', 'source_volume']) expect(forJob).not.toContain(other);

    const deprecate = await open('kind: image_deprecate\nname: old\nspec:\n  \n');
    await server.diagnosticsFor(deprecate);
    const forDeprecate = await labels(deprecate, 4, 2);
    expect(forDeprecate).toContain('image');
    for (const other of ['storage_bucket', 'operating_system', 'file']) expect(forDeprecate).not.toContain(other);
  });

  it('reports a misspelt field by its name, not as the file-or-volume rule', async () => {
    const uri = await open(
      'kind: image\nname: web\nspec:\n  file: cos://us-south/b/web.qcow2\n  operating_sytem: ubuntu-24-04-amd64\n',
    );
    const diagnostics = await server.diagnosticsFor(uri);
    const typo = diagnostics.find((d) => d.message.includes('operating_sytem'));
    expect(typo, JSON.stringify(diagnostics)).toBeDefined();
    expect(typo!.range.start).toEqual({ line: 5, character: 2 });
    expect(diagnostics.map((d) => d.message).join('\n')).not.toContain('exactly one of file or source_volume');

    // The rule's own message still shows where the rule is what is broken.
    const neither = await open('kind: image\nname: web\nspec:\n  operating_system: ubuntu-24-04-amd64\n');
    expect((await server.diagnosticsFor(neither)).map((d) => d.message)).toContain(
      'needs exactly one of file or source_volume',
    );
  });

  it('a cloud name gets the message of what is wrong with it', async () => {
    const reserved = await open(
      'kind: image\nname: web\nspec:\n  name: ibm-web\n  file: cos://us-south/b/web.qcow2\n  operating_system: ubuntu-24-04-amd64\n',
    );
    expect((await server.diagnosticsFor(reserved)).map((d) => d.message)).toEqual([
      'must not start with "ibm-" (the prefix is reserved by the cloud)',
    ]);
    const mistyped = await open(
      'kind: image\nname: web\nspec:\n  name: 42\n  file: cos://us-south/b/web.qcow2\n  operating_system: ubuntu-24-04-amd64\n',
    );
    const messages = (await server.diagnosticsFor(mistyped)).map((d) => d.message);
    expect(messages.join('\n')).toMatch(/Incorrect type. Expected "string"/);
    expect(messages.join('\n')).not.toContain('ibm-');
  });

  const good =
    'kind: image\nname: web\nspec:\n  file: cos://us-south/b/web.qcow2\n  operating_system: ubuntu-24-04-amd64\n';
  const badDate =
    'kind: image\nname: api\nspec:\n  file: cos://us-south/b/api.qcow2\n  operating_system: ubuntu-24-04-amd64\n  deprecation_at: "2035-13-45T00:00:00Z"\n';

  it('checks a bad date in the second document when each document starts with the modeline (README)', async () => {
    const file = join(dir, 'two.yaml');
    const text = `${modeline(file)}\n${good}---\n${modeline(file)}\n${badDate}`;
    await writeFile(file, text);
    const diagnostics = await server.diagnosticsFor(server.open(file, text));
    expect(diagnostics.map((d) => [d.range.start.line, d.message])).toEqual([
      [13, 'String is not a RFC3339 date-time.'],
    ]);
  });

  it('a modeline covers only the document it heads; the settings association covers every document', async () => {
    // What the README warns about: one modeline at the top of the file leaves the second document unchecked.
    const once = await open(`${good}---\n${badDate}`);
    expect(await server.diagnosticsFor(once)).toEqual([]);
    const viaSettings = await open(`${good}---\n${badDate}`, { modeline: false, folder: 'images/platform' });
    expect((await server.diagnosticsFor(viaSettings)).map((d) => [d.range.start.line, d.message])).toEqual([
      [11, 'String is not a RFC3339 date-time.'],
    ]);
  });

  it("checks and completes a provider's keys by its type in imageform.yaml", async () => {
    const file = join(dir, 'settings', 'imageform.yaml');
    await mkdir(dirname(file), { recursive: true });
    const header = `# yaml-language-server: $schema=${relative(dirname(file), join(REPO, 'schemas', 'imageform.schema.json'))}`;
    const typo = `${header}\nproviders:\n  ibm:\n    type: ibm-vpc\n    regoin: eu-de\n`;
    await writeFile(file, typo);
    const diagnostics = await server.diagnosticsFor(server.open(file, typo));
    expect(
      diagnostics.map((d) => d.range.start),
      JSON.stringify(diagnostics),
    ).toEqual([{ line: 4, character: 4 }]);

    const blank = join(dir, 'settings', 'blank.yaml');
    const text = `${header}\nproviders:\n  ibm:\n    type: ibm-vpc\n    \n`;
    await writeFile(blank, text);
    const uri = server.open(blank, text);
    await server.diagnosticsFor(uri);
    expect(await labels(uri, 4, 4)).toEqual(expect.arrayContaining(['region', 'endpoint', 'api_key_env', 'embedded']));
  });

  it('finds nothing wrong in the examples, and every document in them names its schema', async () => {
    const files = [
      'examples/quickstart/images.yaml',
      'examples/quickstart/exports.yaml',
      'examples/lifecycle/images.yaml',
      'examples/lifecycle/lifecycle.yaml',
      'examples/gitops/images/platform/ubuntu.yaml',
      'examples/gitops/images/platform/rhel.yaml',
      'examples/gitops/images/data/postgres.yaml',
      'examples/gitops/images/web/frontend.yaml',
      'examples/openstack/images/base.yaml',
      'examples/alibaba/images.yaml',
    ];
    for (const path of files) {
      const text = await readFile(join(REPO, path), 'utf8');
      const documents = text.split(/^---$/m);
      for (const document of documents)
        expect(document, `${path}: a document without a modeline`).toMatch(
          /^# yaml-language-server: \$schema=\S+document\.schema\.json$/m,
        );
      expect(await server.diagnosticsFor(server.open(join(REPO, path), text)), path).toEqual([]);
    }
  });
});
