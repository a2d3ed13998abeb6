import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/core/diagnostic.js';
import { displayFilePath } from '../../../src/config/display-path.js';
import { loadConfiguration } from '../../../src/config/load.js';
import { CATALOG } from '../../../src/app/catalog.js';
import { useTempTrees } from '../../helpers/temp-trees.js';
import { IMAGE } from './sample-image.js';

const tree = useTempTrees();

const lines = (diagnostics: Parameters<typeof formatDiagnostic>[0][]) => diagnostics.map(formatDiagnostic);

describe('loadConfiguration', () => {
  it('reads every yaml/yml below the directory, sorted, skipping dot-directories and imageform.yaml', async () => {
    const root = tree({
      'infra/imageform.yaml': 'provider:\n  type: embedded\n',
      'infra/z.yml': IMAGE.replace('name: web', 'name: zed'),
      'infra/images/b.yaml': IMAGE.replace('name: web', 'name: bee'),
      'infra/images/a.yaml': `${IMAGE}---\n${IMAGE.replace('name: web', 'name: web2')}`,
      'infra/.imageform/state.yaml': 'not: [valid',
      'infra/notes.txt': 'ignored',
    });
    const { configuration, diagnostics } = await loadConfiguration('infra', { cwd: root, catalog: CATALOG });
    expect(diagnostics).toEqual([]);
    expect(configuration.dir).toBe(join(root, 'infra'));
    expect(configuration.documents.map((d) => d.address)).toEqual([
      'image.web',
      'image.web2',
      'image.bee',
      'image.zed',
    ]);
    expect(configuration.documents[1]!.location).toEqual({ file: 'infra/images/a.yaml', line: 7, col: 1 });
    expect(configuration.settings.file).toBe(join(root, 'infra/imageform.yaml'));
  });

  it('shows each file as displayFilePath does, from the directory, below it, above it and beside it', async () => {
    const root = tree({
      'infra/images/a.yaml': IMAGE,
      'infra/..odd.yaml': IMAGE.replace('name: web', 'name: odd'),
      'other/keep': '',
    });
    for (const [dir, cwd] of [
      ['.', join(root, 'infra')],
      ['infra', root],
      ['..', join(root, 'infra/images')],
      ['../infra', join(root, 'other')],
      [join(root, 'infra'), '/'],
    ] as const) {
      const { configuration } = await loadConfiguration(dir, { cwd, catalog: CATALOG });
      const absolute = configuration.documents.map((d) =>
        join(root, d.address === 'image.odd' ? 'infra/..odd.yaml' : 'infra/images/a.yaml'),
      );
      expect(
        configuration.documents.map((d) => d.location.file),
        `${dir} from ${cwd}`,
      ).toEqual(absolute.map((file) => displayFilePath(file, cwd)));
    }
  });

  it('keeps spec keys exactly as written and fills lifecycle defaults', async () => {
    const root = tree({
      'a.yaml': `${IMAGE}  deprecation_at: null\nlifecycle:\n  prevent_destroy: true\n  ignore_changes: [name]\n`,
    });
    const { configuration } = await loadConfiguration('.', { cwd: root, catalog: CATALOG });
    const [doc] = configuration.documents;
    expect(doc!.spec).toEqual({
      file: 'cos://us-south/imageform-examples/ubuntu-24.04.qcow2',
      operating_system: 'ubuntu-24-04-amd64',
      deprecation_at: null,
    });
    expect('obsolescence_at' in doc!.spec).toBe(false);
    expect(doc!.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ['name'], deletion_policy: 'delete' });
    expect(doc!.locate(['spec', 'deprecation_at'])).toEqual({ file: 'a.yaml', line: 6, col: 19 });
  });

  it('shows paths relative to cwd, and absolute outside it', async () => {
    const root = tree({ 'infra/images/base.yaml': IMAGE.replace('ubuntu-24-04-amd64', 'Ubuntu') });
    const inside = await loadConfiguration('infra', { cwd: root, catalog: CATALOG });
    expect(lines(inside.diagnostics)).toEqual([
      'infra/images/base.yaml:5:21: spec.operating_system "Ubuntu" must be an operating system name such as ubuntu-24-04-amd64',
    ]);
    const outside = await loadConfiguration(join(root, 'infra'), { cwd: join(root, 'elsewhere'), catalog: CATALOG });
    expect(outside.diagnostics[0]!.location!.file).toBe(join(root, 'infra/images/base.yaml'));
  });

  it('reports every problem of every file in one run, ordered by file, line and column', async () => {
    const root = tree({
      'b.yaml': 'kind: image\nname: web\nspec: {}\n',
      'a.yaml': `${IMAGE}  colour: red\n---\nkind: image_export_job\nname: x\nspec:\n  image: \${image.nope.id}\n  storage_bucket: {name: b}\n`,
    });
    const { diagnostics } = await loadConfiguration('.', { cwd: root, catalog: CATALOG });
    expect(diagnostics.map((d) => [d.code, d.location?.file, d.location?.line])).toEqual([
      ['schema.unknown-field', 'a.yaml', 6],
      ['ref.missing', 'a.yaml', 11],
      ['rule.duplicate-address', 'b.yaml', 2],
      ['schema.one-of', 'b.yaml', 3],
      ['schema.required', 'b.yaml', 3],
    ]);
  });

  // How long the refusal takes is measured in bench/validate.ts, not asserted here.
  it('refuses a file over 1 MiB from its size, without parsing it', async () => {
    const root = tree({ 'ok.yaml': IMAGE });
    // Parsed, this one long scalar would give a schema error instead of the size refusal.
    writeFileSync(join(root, 'huge.yaml'), Buffer.alloc(11 * 1024 * 1024, 0x61));
    const { diagnostics } = await loadConfiguration('.', { cwd: root, catalog: CATALOG });
    expect(lines(diagnostics)).toEqual([
      'huge.yaml:1:1: file is 11.0 MiB; the limit is 1 MiB (split it into smaller files)',
    ]);
  });

  it('says so when the directory does not exist', async () => {
    const root = tree({});
    const { diagnostics, configuration } = await loadConfiguration('missing', { cwd: root, catalog: CATALOG });
    expect(diagnostics.map((d) => d.code)).toEqual(['load.no-directory']);
    expect(configuration.documents).toEqual([]);
  });

  it('warns, without failing, when there are no files', async () => {
    const root = tree({ 'README.md': '# nothing' });
    const { diagnostics } = await loadConfiguration('.', { cwd: root, catalog: CATALOG });
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([['load.no-files', 'warning']]);
  });

  it('keeps documents with schema errors for the cross-document rules', async () => {
    const root = tree({ 'a.yaml': `${IMAGE}  typo: 1\n` });
    const { configuration, diagnostics } = await loadConfiguration('.', { cwd: root, catalog: CATALOG });
    expect(configuration.documents.map((d) => d.address)).toEqual(['image.web']);
    expect(diagnostics.map((d) => d.code)).toEqual(['schema.unknown-field']);
  });

  // bench/validate.ts prints how long this takes; a test asserts behaviour, not the machine's speed.
  it('loads and validates 1,000 documents', async () => {
    const jobs = Array.from(
      { length: 999 },
      (_, i) =>
        `kind: image_export_job\nname: job-${i}\nspec:\n  image: r006-1a2b3c4d-0000-4000-8000-${String(i).padStart(12, '0')}\n  storage_bucket: {name: b}\n`,
    );
    const root = tree({ 'images.yaml': IMAGE, 'jobs.yaml': jobs.join('---\n') });
    const { configuration, diagnostics } = await loadConfiguration('.', { cwd: root, catalog: CATALOG });
    expect(diagnostics).toEqual([]);
    expect(configuration.documents).toHaveLength(1000);
    expect(configuration.documents.map((d) => d.address)).toEqual([
      'image.web',
      ...jobs.map((_, i) => `image_export_job.job-${i}`),
    ]);
    expect(configuration.documents[999]!.location).toEqual({ file: 'jobs.yaml', line: 6 * 998 + 1, col: 1 });
  });
  it('follows symbolic links to files and folders, reading each real folder once', async () => {
    const root = tree({ 'shared/base.yaml': IMAGE, 'infra/own.yaml': IMAGE.replace('name: web', 'name: own') });
    symlinkSync(join(root, 'shared'), join(root, 'infra', 'shared'));
    symlinkSync(join(root, 'infra'), join(root, 'infra', 'loop'));
    const { configuration, diagnostics } = await loadConfiguration('infra', { cwd: root, catalog: CATALOG });
    expect(diagnostics).toEqual([]);
    expect(configuration.documents.map((d) => d.location.file)).toEqual(['infra/own.yaml', 'infra/shared/base.yaml']);
  });

  it('never repeats a value written where a variable name belongs (it may be the secret)', async () => {
    const root = tree({
      'imageform.yaml': 'state:\n  backend: postgres\n  url_env: postgres://admin:hunter2@db/imageform\n',
    });
    const { diagnostics } = await loadConfiguration('.', { cwd: root, catalog: CATALOG });
    expect(lines(diagnostics).join('\n')).not.toContain('hunter2');
    expect(lines(diagnostics)).toContain(
      'imageform.yaml:3:12: state.url_env must be the name of an environment variable, e.g. IMAGEFORM_PG_URL',
    );
  });
});
