import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ScriptedServer, sendJson } from './scripted-server.js';

const run = promisify(execFile);
const API_KEY = 'debug-probe-secret-key-5a4b3c2d1e';

let server: ScriptedServer;
let url: string;

beforeEach(async () => {
  server = new ScriptedServer();
  url = await server.start();
});

afterEach(async () => {
  await server.stop();
});

it("keeps the API key and tokens out of every debug output (DEBUG, and node's own NODE_DEBUG for http)", async () => {
  let iamCalls = 0;
  server.iamHandler = (_request, response) => {
    iamCalls++;
    if (iamCalls === 1)
      return sendJson(response, 400, { errorCode: 'BXNIM0415E', errorMessage: 'Provided API key could not be found' });
    server.issueToken(response);
  };
  server.apiHandler = (_request, response) => sendJson(response, 200, { images: [] });
  const probe = fileURLToPath(new URL('./fixtures/debug-leak-probe.ts', import.meta.url));
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', probe, url, API_KEY], {
    env: { ...process.env, DEBUG: '*', NODE_DEBUG: 'http,https,net,tls,stream' },
  });
  expect(stdout).toContain('failed: list images: IAM token request');
  expect(server.tokensIssued.length).toBeGreaterThan(0);
  for (const secret of [API_KEY, ...server.tokensIssued]) {
    expect(stdout).not.toContain(secret);
    expect(stderr).not.toContain(secret);
  }
});
