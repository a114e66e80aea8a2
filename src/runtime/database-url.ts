import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { EMBEDDED_CREDENTIALS } from './embedded-postgres.js';

/**
 * The database a command-line tool should use: DATABASE_URL, or the embedded PostgreSQL of a hub
 * started with `npm start` in this directory (its port is in the cluster's postmaster.pid).
 */
export async function resolveDatabaseUrl(config: Config): Promise<string> {
  if (config.DATABASE_URL) return config.DATABASE_URL;
  const pidFile = join(config.DATA_DIR, 'pg', 'postmaster.pid');
  let lines: string[];
  try {
    lines = (await readFile(pidFile, 'utf8')).split('\n');
  } catch {
    throw new Error('no database: set DATABASE_URL, or start the hub (npm start) so its embedded PostgreSQL runs');
  }
  const port = Number(lines[3]);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`cannot read the port of the embedded PostgreSQL from ${pidFile}`);
  return `postgres://${EMBEDDED_CREDENTIALS.user}:${EMBEDDED_CREDENTIALS.password}@127.0.0.1:${port}/lienthong`;
}

/**
 * The Redis a command-line tool should queue on: REDIS_URL, or the redis-server of a hub started
 * with `npm start` in this directory (its port is in `redis.port` of its data directory).
 */
export async function resolveRedisUrl(config: Config): Promise<string> {
  if (config.REDIS_URL) return config.REDIS_URL;
  const portFile = join(config.DATA_DIR, 'redis', 'redis.port');
  let port: number;
  try {
    port = Number((await readFile(portFile, 'utf8')).trim());
  } catch {
    throw new Error('no queue: set REDIS_URL, or start the hub (npm start) so its redis-server runs');
  }
  if (!Number.isInteger(port) || port <= 0) throw new Error(`cannot read the port of the hub's redis-server from ${portFile}`);
  return `redis://127.0.0.1:${port}`;
}
