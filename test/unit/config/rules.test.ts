import { describe, expect, it } from 'vitest';
import { loadConfiguration } from '../../../src/config/load.js';
import { formatDiagnostic } from '../../../src/core/diagnostic.js';
import { CATALOG } from '../../../src/app/catalog.js';
import { useTempTrees } from '../../helpers/temp-trees.js';
import { IMAGE } from './sample-image.js';

const tree = useTempTrees();

async function check(files: Record<string, string>): Promise<string[]> {
  const { diagnostics } = await loadConfiguration('.', { cwd: tree(files), catalog: CATALOG });
  return diagnostics.map((d) => `${d.code} ${formatDiagnostic(d)}`);
}

const image = (name: string, extra = '') => IMAGE.replace('name: web', `name: ${name}`) + extra;
const job = (name: string, target = '${image.web.id}', extra = '') =>
  `kind: image_export_job\nname: ${name}\nspec:\n  image: ${target}\n  storage_bucket: {name: b}\n${extra}`;

describe('rules', () => {
  it('dates: equal instants in different spellings are not "in the wrong order", later ones are fine', async () => {
    expect(
      await check({
        'a.yaml': image(
          'web',
          '  deprecation_at: "2035-01-15T00:00:00Z"\n  obsolescence_at: "2035-01-15T01:00:00+01:00"\n',
        ),
      }),
    ).toEqual([
      'rule.date-order a.yaml:6:19: spec.obsolescence_at must be after spec.deprecation_at (2035-01-15T00:00:00Z)',
    ]);
    expect(
      await check({
        'a.yaml': image('web', '  deprecation_at: "2035-01-15T00:00:00Z"\n  obsolescence_at: "2035-01-15T00:00:01Z"\n'),
      }),
    ).toEqual([]);
    expect(
      await check({ 'a.yaml': image('web', '  deprecation_at: null\n  obsolescence_at: "2035-01-15T00:00:01Z"\n') }),
    ).toEqual([]);
  });

  it('names: an absent spec.name makes the logical name the cloud name', async () => {
    expect(await check({ 'a.yaml': image('ibm-web') })).toHaveLength(1);
    expect(await check({ 'a.yaml': image('ibm-web', '  name: web\n') })).toEqual([]);
    expect(await check({ 'a.yaml': image('web'), 'b.yaml': job('ibm-job') })).toEqual([
      'rule.cloud-name b.yaml:2:7: name "ibm-job" is also the cloud name, and names starting with "ibm-" are reserved by the cloud (set spec.name to a name that does not start with "ibm-")',
    ]);
  });

  it('references: a literal image ID needs no document, and dependencies may point any way across files', async () => {
    expect(await check({ 'a.yaml': job('x', 'r006-1a2b3c4d-0000-4000-8000-0123456789ab') })).toEqual([]);
    expect(await check({ 'a.yaml': job('x'), 'z.yaml': image('web') })).toEqual([]);
  });

  it('references: a missing address with nothing similar says how to fix it', async () => {
    expect(await check({ 'a.yaml': job('x', '${image.completely-different.id}') })).toEqual([
      'ref.missing a.yaml:4:10: image_export_job.x refers to image.completely-different, which is not defined (define it, or write the ID of an image imageform does not manage)',
    ]);
  });

  it('references: spec.image must point at an image, not at another kind', async () => {
    const lines = await check({
      'a.yaml': job('x', '${image_export_job.y.id}'),
      'b.yaml': job('y', 'r006-1a2b3c4d-0000-4000-8000-0123456789ab'),
    });
    expect(lines).toEqual([
      "ref.wrong-target a.yaml:4:10: spec.image must refer to an image's id, not ${image_export_job.y.id} (write ${image.NAME.id} or an image ID)",
    ]);
  });

  it('cycles: a self-reference is a cycle too', async () => {
    const lines = await check({
      'a.yaml': 'kind: image\nname: loop\nspec:\n  source_volume: ${image.loop.id}\n  operating_system: x1\n',
    });
    expect(lines).toEqual([
      'graph.cycle a.yaml:4:18: dependency cycle: image.loop -> image.loop (remove one of the references)',
    ]);
  });

  it('ownership: image_obsolete against obsolescence_at; a null date is managing too', async () => {
    const lines = await check({
      'a.yaml': image('web', '  obsolescence_at: null\n'),
      'b.yaml': 'kind: image_obsolete\nname: now\nspec:\n  image: ${image.web.id}\n',
    });
    expect(lines).toEqual([
      'rule.field-owner b.yaml:4:10: image_obsolete.now and image.web (a.yaml:6:20) both manage obsolescence_at of image.web (remove spec.obsolescence_at from image.web or delete image_obsolete.now)',
    ]);
  });

  it('ownership: deprecate and obsolete of the same image are not in conflict', async () => {
    expect(
      await check({
        'a.yaml': image('web'),
        'b.yaml':
          'kind: image_deprecate\nname: d\nspec:\n  image: ${image.web.id}\n---\nkind: image_obsolete\nname: o\nspec:\n  image: ${image.web.id}\n',
      }),
    ).toEqual([]);
  });

  it('exports: ten jobs per image are fine, and jobs on different images count apart', async () => {
    const ten = Array.from({ length: 10 }, (_, i) => job(`j${i}`)).join('---\n');
    const other = Array.from({ length: 5 }, (_, i) => job(`k${i}`, '${image.app.id}')).join('---\n');
    expect(
      await check({ 'a.yaml': `${image('web')}---\n${image('app')}`, 'jobs.yaml': `${ten}---\n${other}` }),
    ).toEqual([]);
  });

  it('exports: an encrypted image exports as qcow2 (the default) without complaint', async () => {
    const secure = image('web', '  encrypted_data_key: a2V5\n  encryption_key: {crn: "crn:v1:k"}\n');
    expect(await check({ 'a.yaml': secure, 'b.yaml': job('x') })).toEqual([]);
    expect(await check({ 'a.yaml': image('web'), 'b.yaml': job('x', '${image.web.id}', '  format: vhd\n') })).toEqual(
      [],
    );
  });

  it('exports: job names are unique per image, not across images', async () => {
    const lines = await check({
      'a.yaml': `${image('web')}---\n${image('app')}`,
      'b.yaml': `${job('a', '${image.web.id}', '  name: nightly\n')}---\n${job('b', '${image.app.id}', '  name: nightly\n')}---\n${job('c', '${image.web.id}', '  name: nightly\n')}`,
    });
    expect(lines).toEqual([
      'rule.duplicate-cloud-name b.yaml:20:9: cloud name "nightly" of image_export_job.c is already used by image_export_job.a at b.yaml:6:9 (export job names are unique per image; set a different spec.name)',
    ]);
  });

  it('lifecycle: ignore_changes accepts real fields, with or without "spec."', async () => {
    expect(
      await check({ 'a.yaml': image('web', 'lifecycle:\n  ignore_changes: [name, spec.deprecation_at]\n') }),
    ).toEqual([]);
  });

  it('never repeats the value of encrypted_data_key', async () => {
    const lines = await check({
      'a.yaml': image('web', '  encrypted_data_key: 12345\n  encryption_key: {crn: "crn:v1:k"}\n'),
    });
    expect(lines).toEqual(['schema.type a.yaml:6:23: spec.encrypted_data_key must be a string']);
    const secret = await check({
      'a.yaml': image('web', '  encrypted_data_key: ""\n  encryption_key: {crn: "crn:v1:k"}\n'),
    });
    expect(secret).toEqual(['schema.length a.yaml:6:23: spec.encrypted_data_key must not be empty']);
  });
});
