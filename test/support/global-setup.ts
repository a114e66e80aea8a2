import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '../../src/db/client.js';
import { seedAdministrativeUnits } from '../../src/db/seed-administrative-units.js';
import { silentLogger } from '../../src/logger.js';
import { startEmbeddedPostgres } from '../../src/runtime/embedded-postgres.js';
import { startLocalRedis } from '../../src/runtime/local-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test PostgreSQL server (database `postgres`). */
    pgAdminUrl: string;
    /** Name of the migrated, seeded database each test database is copied from. */
    pgTemplate: string;
    redisUrl: string;
  }
}

export const TEMPLATE_DB = 'lienthong_template';

/**
 * Starts one real PostgreSQL (embedded-postgres) and one real redis-server for the whole run,
 * on free ports, with data in a temporary directory. The template database holds the
 * migrations and the administrative units, so each test file copies it in milliseconds.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), 'lienthong-test-'));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the directory.
  await chmod(root, 0o755);
  const logger = silentLogger();
  const [pg, redis] = await Promise.all([
    startEmbeddedPostgres({ dataDir: join(root, 'pg'), preferredPort: 0, database: TEMPLATE_DB, logger, ephemeral: true }),
    startLocalRedis({ dataDir: join(root, 'redis'), preferredPort: 0, logger, appendOnly: false }),
  ]);
  await migrateDatabase(pg.url);
  const sql = postgres(pg.url, { max: 1, onnotice: () => undefined });
  await seedAdministrativeUnits(sql);
  await sql.end();
  project.provide('pgAdminUrl', pg.url.replace(`/${TEMPLATE_DB}`, '/postgres'));
  project.provide('pgTemplate', TEMPLATE_DB);
  project.provide('redisUrl', redis.url);
  return async () => {
    await Promise.allSettled([redis.stop(), pg.stop()]);
    await rm(root, { recursive: true, force: true });
  };
}
