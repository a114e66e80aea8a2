import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres, { type Sql, type TransactionSql } from 'postgres';
import { fileURLToPath } from 'node:url';
import * as ingestSchema from './ingest.schema.js';
import * as coreSchema from './schema.js';

const schema = { ...coreSchema, ...ingestSchema };

export type Database = PostgresJsDatabase<typeof schema>;

export interface DbHandle {
  db: Database;
  sql: Sql;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

export function connectDatabase(url: string, options: { max?: number; applicationName?: string } = {}): DbHandle {
  const max = options.max ?? 10;
  const connect = (role: string, size: number): Sql =>
    postgres(url, {
      max: size,
      onnotice: () => undefined,
      connection: { application_name: `${options.applicationName ?? 'lienthong'}:${role}` },
    });
  // drizzle replaces the date and json (de)serializers of the client it is given with identity
  // functions, so raw postgres.js queries on that client would send and receive strings. The
  // repositories that write SQL by hand get a client of their own.
  const sql = connect('sql', Math.max(2, Math.ceil(max / 2)));
  const drizzleClient = connect('drizzle', Math.max(2, Math.floor(max / 2)));
  const db = drizzle(drizzleClient, { schema });
  return {
    db,
    sql,
    close: async () => {
      await Promise.all([sql.end({ timeout: 5 }), drizzleClient.end({ timeout: 5 })]);
    },
  };
}

/**
 * The push path's own pool (door, outbox relay, apply). Its statements take column arrays of 1
 * to 2,000 rows against tables that may grow from empty by thousands of rows a second: a generic
 * plan, cached after a few executions while a table was still small, keeps sequential scans as
 * it grows (measured: 8.9 ms of PostgreSQL CPU for a one-event inbox statement at 23,000 stored
 * events, 1.3 ms planned each time). So every execution is planned for its own arrays.
 */
export function connectPushPool(url: string, options: { max: number; applicationName?: string; idleTimeoutSeconds?: number }): Sql {
  return postgres(url, {
    max: options.max,
    onnotice: () => undefined,
    ...(options.idleTimeoutSeconds === undefined ? {} : { idle_timeout: options.idleTimeoutSeconds }),
    connection: { application_name: `${options.applicationName ?? 'lienthong'}:push`, plan_cache_mode: 'force_custom_plan' },
  });
}

/** Applies the committed drizzle-kit migrations; a no-op when the database is current. */
export async function migrateDatabase(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** A postgres.js transaction, as handed to repository methods that must join the caller's transaction. */
export type Tx = TransactionSql<Record<string, never>>;
