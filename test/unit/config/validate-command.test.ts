import { describe, expect, it } from 'vitest';
import { validate } from '../../../src/cli/validate.js';
import { run } from '../../../src/cli/main.js';
import { PassThrough } from 'node:stream';
import { useTempTrees } from '../../helpers/temp-trees.js';
import { IMAGE } from './sample-image.js';
import { runValidate } from './run-validate.js';

const tree = useTempTrees();

describe('imageform validate', () => {
  it('prints "N resources valid" and exits 0', async () => {
    const root = tree({ 'infra/a.yaml': `${IMAGE}---\n${IMAGE.replace('name: web', 'name: app')}` });
    expect(await runValidate(validate, ['infra'], root)).toEqual({
      code: 0,
      stdout: '2 resources valid\n',
      stderr: '',
    });
  });

  it('defaults to the current directory', async () => {
    const root = tree({ 'a.yaml': IMAGE });
    expect(await runValidate(validate, [], root)).toEqual({ code: 0, stdout: '1 resources valid\n', stderr: '' });
  });

  it('prints warnings without failing', async () => {
    const root = tree({ 'empty/README.md': 'x' });
    expect(await runValidate(validate, ['empty'], root)).toEqual({
      code: 0,
      stdout: '0 resources valid\n',
      stderr: 'warning: no *.yaml or *.yml files below empty\n',
    });
  });

  it('prints each error on one line starting with its file:line:col, and exits 1', async () => {
    const root = tree({ 'infra/images/base.yaml': IMAGE.replace('operating_system', 'operating_sytem') });
    expect(await runValidate(validate, ['infra'], root)).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'infra/images/base.yaml:5:3: unknown field spec.operating_sytem in image (did you mean "operating_system"?)\n',
    });
  });

  it('refuses extra arguments through the dispatcher, without a stack trace', async () => {
    let stderr = '';
    const err = new PassThrough();
    err.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await run({
      argv: ['validate', 'a', 'b'],
      cwd: tree({}),
      env: {},
      stdin: new PassThrough(),
      stdout: new PassThrough(),
      stderr: err,
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(code).toBe(1);
    expect(stderr).toBe('error: validate: expected one directory, got 2 arguments (imageform validate [DIR])\n');
  });
});
