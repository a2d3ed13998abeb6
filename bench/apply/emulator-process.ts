/**
 * The emulated IBM Cloud as its own process (`imageform emulator`, the built CLI), so its CPU never counts against
 * the bench process or the CLI being measured, and each run starts from an empty cloud.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CLI } from '../lib/paths.js';

export interface EmulatorProcess {
  url: string;
  apiKey: string;
  /** `/emulator/v1` test hook, authenticated with the API key itself (the emulator accepts it there). */
  hook<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function startEmulatorProcess(timeScale: number): Promise<EmulatorProcess> {
  const apiKey = randomBytes(24).toString('base64url');
  // The key goes through the environment, never the command line (the process list is readable by others).
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, 'emulator', '--port', '0', '--time-scale', String(timeScale)],
    {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, IMAGEFORM_EMULATOR_API_KEY: apiKey },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code} before listening`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /listening on (\S+)/.exec(out);
      if (found) resolve(found[1]!);
    });
  });
  const hook = async (method: string, path: string, body?: unknown): Promise<any> => {
    const response = await fetch(`${url}/emulator/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? undefined : response.json();
  };
  return {
    url,
    apiKey,
    hook,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
