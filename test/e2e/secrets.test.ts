import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_KEY_ENV,
  imageDoc,
  readState,
  removeDir,
  runCli,
  setFaults,
  startLossyProxy,
  useCloud,
  workspace,
  type CliResult,
  type LossyProxy,
} from '../helpers/e2e.js';

/**
 * Nothing secret — the API key, an IAM access token, an `encrypted_data_key` (the one in the files, or the one the
 * cloud puts on an export job of an encrypted image) — appears in any output, state file or plan file (DESIGN.md §4).
 * The CLI talks to the cloud through a recording proxy, so every token it was issued and used is known to the test.
 */
const { cloud } = useCloud();
let proxy: LossyProxy;
// Hooks run in order and after-hooks in reverse (vitest's "stack"): the proxy starts after the cloud, stops before it.
beforeAll(async () => {
  proxy = await startLossyProxy(cloud.url);
});
afterAll(async () => {
  await proxy.stop();
});

const DATA_KEY = Buffer.from('imageform-e2e wrapped data key 7f3a9c51e0').toString('base64');
const ROOT_KEY =
  'crn:v1:bluemix:public:kms:us-south:a/e2e0account:4f1a0b2c-0000-4000-8000-000000000001:key:9d8c7b6a-0000-4000-8000-000000000002';
/** Any JWT: three base64url parts, the first two JSON objects. */
const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/;

async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('secrets', () => {
  it('never appear in output, state or plan files, whatever the command and format', async () => {
    const viaProxy = { ...cloud, url: proxy.url };
    const dir = await workspace(viaProxy, {
      'images.yaml': imageDoc('secret-image', { encrypted_data_key: DATA_KEY, encryption_key: { crn: ROOT_KEY } }),
      'export.yaml':
        'kind: image_export_job\nname: secret-export\nspec:\n  image: ${image.secret-image.id}\n  storage_bucket:\n    name: e2e-secrets\n',
    });
    const outputs: { command: string; result: CliResult }[] = [];
    const run = async (
      args: string[],
      expectedCode: number | number[],
      env: NodeJS.ProcessEnv = {},
    ): Promise<CliResult> => {
      const result = await runCli(args, { cwd: dir, cloud: viaProxy, env });
      outputs.push({ command: args.join(' '), result });
      expect([expectedCode].flat(), `${args.join(' ')}: ${result.stderr}`).toContain(result.code);
      return result;
    };
    try {
      await run(['validate'], 0);
      await run(['plan'], 0);
      await run(['plan', '--no-color'], 0, { IMAGEFORM_DEBUG: '1' });
      const planJson = await run(['plan', '--json'], 0);
      const created = JSON.parse(planJson.stdout).changes.find(
        (change: any) => change.address === 'image.secret-image',
      );
      expect(created.fields.find((field: any) => field.path === 'encrypted_data_key')).toMatchObject({
        after: '(sensitive)',
      });
      await run(['plan', '--out', 'saved.plan'], 0);
      await run(['apply', 'saved.plan'], 0);

      // The cloud now holds an encrypted image and an export job that carries a wrapped data key.
      const state = await readState(dir);
      const imageId = state.resources['image.secret-image'].id;
      const jobId = state.resources['image_export_job.secret-export'].id;
      const job = await cloud.api('GET', `/images/${imageId}/export_jobs/${jobId}`);
      const jobDataKey: string = job.body.encrypted_data_key;
      expect(jobDataKey).toMatch(/^[A-Za-z0-9+/=]{16,}$/);
      expect(state.resources['image.secret-image'].attributes.inputs.encrypted_data_key).toMatch(/\S/);

      await run(['apply', '--auto-approve'], 0);
      await run(['plan', '--json', '--detailed-exitcode'], 0);
      // Drift for the reports to show: the image renamed outside imageform.
      expect((await cloud.api('PATCH', `/images/${imageId}`, { name: 'secret-image-renamed' })).status).toBe(200);
      for (const format of ['text', 'json', 'markdown']) await run(['drift', '--format', format], 2);
      await run(['plan', '--json'], 0);
      await run(['state', 'list'], 0);
      await run(['state', 'show', 'image.secret-image'], 0);
      await run(['state', 'show', 'image_export_job.secret-export'], 0);
      await run(['state', 'pull'], 0);
      await run(['show', 'saved.plan'], 0);
      await run(['show', '--json', 'saved.plan'], 0);
      await run(['output'], 0);
      await run(['output', '--json'], 0);
      await run(['output', 'image.secret-image'], 0);
      await run(['output', 'image_export_job.secret-export', '--json'], 0);
      // The rename reverted, reported as JSON events.
      const appliedJson = await run(['apply', '--auto-approve', '--json'], 0);
      expect(appliedJson.stdout).toContain('image.secret-image');
      // Cloud errors, with debug output on: neither the request's token nor anything else secret is echoed.
      await setFaults(cloud, { error_rate: 1, statuses: [400] });
      try {
        await run(['plan'], 1, { IMAGEFORM_DEBUG: '1' });
        await run(['apply', '--auto-approve', '--json'], 1, { IMAGEFORM_DEBUG: '1' });
      } finally {
        await setFaults(cloud, {});
      }
      // A refused key: the error must not echo it either.
      const wrongKey = 'wrong-e2e-key-5c2b9d1e7a';
      const refused = await run(['plan'], 1, { [API_KEY_ENV]: wrongKey, IMAGEFORM_DEBUG: '1' });
      expect(refused.stderr).not.toContain(wrongKey);
      await run(['destroy', '--auto-approve'], 0);

      const tokens = [...proxy.bearerTokens];
      expect(tokens.length).toBeGreaterThan(0);
      for (const token of tokens) expect(token).toMatch(JWT);
      const secrets: [string, string][] = [
        ['API key', cloud.apiKey],
        ['data key', DATA_KEY],
        ['data key (decoded)', Buffer.from(DATA_KEY, 'base64').toString('utf8')],
        ["export job's data key", jobDataKey],
        ...tokens.map((token, i): [string, string] => [`IAM token ${i}`, token]),
      ];

      const texts: { where: string; text: string }[] = outputs.flatMap(({ command, result }) => [
        { where: `stdout of "${command}"`, text: result.stdout },
        { where: `stderr of "${command}"`, text: result.stderr },
      ]);
      const files = [...(await filesBelow(join(dir, '.imageform'))), join(dir, 'saved.plan')];
      expect(files.map((file) => file.slice(dir.length + 1))).toEqual(
        expect.arrayContaining(['.imageform/state.json', 'saved.plan']),
      );
      for (const file of files) texts.push({ where: file.slice(dir.length + 1), text: await readFile(file, 'utf8') });

      const leaks: string[] = [];
      for (const { where, text } of texts) {
        for (const [name, secret] of secrets) if (text.includes(secret)) leaks.push(`${name} in ${where}`);
        if (JWT.test(text)) leaks.push(`a JWT in ${where}`);
      }
      expect(leaks).toEqual([]);
      // The outputs did show the resources, so the absence of secrets means something.
      expect(texts.some(({ text }) => text.includes('secret-export'))).toBe(true);
      expect(texts.some(({ text }) => text.includes('(sensitive)'))).toBe(true);
    } finally {
      await removeDir(dir);
    }
  });
});
