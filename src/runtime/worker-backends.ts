import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { Logger } from 'pino';
import type { Sql } from 'postgres';
import { every, type PeriodicTask } from './periodic.js';

/** The application_name prefix of a worker process's connections. */
export const WORKER_APPLICATION_NAME = 'lienthong-worker';

/**
 * A worker process runs at a lower priority; on this machine's PostgreSQL its statements run in
 * backends of their own, which would not. Every few seconds this gives the backends serving the
 * worker's connections the worker's priority, when PostgreSQL runs on this machine (a loopback
 * host, and each pid a local `postgres` process). A remote PostgreSQL is left alone.
 */
export function niceWorkerBackends(sql: Sql, databaseUrl: string, logger: Logger, nice = 10): PeriodicTask | null {
  const host = new URL(databaseUrl).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) return null;
  const done = new Set<number>();
  return every(
    'worker backends priority',
    2_000,
    async () => {
      const rows = await sql<{ pid: number }[]>`
        select pid from pg_stat_activity where application_name like ${`${WORKER_APPLICATION_NAME}:%`}`;
      const current = new Set(rows.map((r) => r.pid));
      for (const pid of done) if (!current.has(pid)) done.delete(pid);
      for (const pid of current) {
        if (done.has(pid)) continue;
        done.add(pid);
        try {
          if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
          setPriority(pid, nice);
        } catch (error) {
          // Not Linux, not this machine's, gone, or not permitted: it keeps its priority.
          logger.debug({ pid, err: { message: (error as Error).message } }, 'worker backend keeps its priority');
        }
      }
    },
    logger,
  );
}
