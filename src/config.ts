import { z } from 'zod';
import { systemCredentialsSchema } from './auth/system-credentials.js';
import { webhookSecretProblem } from './http/webhook-signature.js';

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.url().optional())
  .optional();

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

/**
 * Every environment variable the hub reads, checked once at start-up. A wrong value stops the
 * hub with a message naming the variable, rather than failing later somewhere deep.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where the embedded PostgreSQL and Redis keep their data. */
  DATA_DIR: z.string().default('.data'),
  /** External PostgreSQL; when unset the hub starts an embedded one. */
  DATABASE_URL: optionalUrl,
  /** External Redis; when unset the hub starts redis-server from PATH, or falls back to PostgreSQL queues. */
  REDIS_URL: optionalUrl,
  /** Force the queue engine: `redis` (default when Redis is reachable) or `postgres` (BullMQ's PostgreSQL backend). */
  QUEUE_BACKEND: z.enum(['auto', 'redis', 'postgres']).default('auto'),
  /** Prefix of the hub's queue keys, so several hubs can share one Redis. */
  QUEUE_PREFIX: z.string().regex(/^[a-z0-9_-]{1,40}$/i).default('lienthong'),
  /** Agency system base URLs; any left unset is served by its simulator with demo data. */
  PROVINCIAL_URL: optionalUrl,
  SPECIALIZED_URL: optionalUrl,
  POPULATION_URL: optionalUrl,
  CIVIL_REGISTRATION_URL: optionalUrl,
  NATIONAL_PORTAL_URL: optionalUrl,
  PARTY_DOCUMENTS_URL: optionalUrl,
  GOVERNMENT_DOCUMENTS_URL: optionalUrl,
  /** Seed and size of the simulators' demo data. */
  DEMO_SEED: z.coerce.number().int().default(20250701),
  DEMO_DOSSIERS: z.coerce.number().int().min(10).max(2_000_000).default(2400),
  /** Provinces reconciled on a schedule (comma-separated two-digit codes). */
  RECONCILE_PROVINCES: z
    .string()
    .default('96,51')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^\d{2}$/, 'province codes are two digits'))),
  /** Default interval of each province's incremental reconciliation, in seconds (changeable in GraphQL). */
  RECONCILE_EVERY_SECONDS: z.coerce.number().int().min(5).default(300),
  /** Default cron (Asia/Ho_Chi_Minh) of each province's full reconciliation: nightly at 02:00. */
  RECONCILE_FULL_CRON: z.string().default('0 2 * * *'),
  /** Default cron of each province's civil-registration data-quality run. */
  RECONCILE_DATA_QUALITY_CRON: z.string().default('30 2 * * *'),
  /** Differences between systems younger than this are reported as pending sync, not opened as mismatches. */
  RECONCILE_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(900),
  /** Dossiers per partition job of a province run (at least 1,000). */
  RECONCILE_PARTITION_SIZE: z.coerce.number().int().min(1_000).default(25_000),
  /** Runs that may still find a mismatch after its corrections were applied before it is escalated. */
  RECONCILE_MAX_FAILED_VERIFICATIONS: z.coerce.number().int().min(1).max(20).default(3),
  /** Interval of the per-province pull of both document systems' change feeds, in seconds. */
  DOCUMENT_SYNC_EVERY_SECONDS: z.coerce.number().int().min(5).default(60),
  /** Time limit of one call to an agency system, in milliseconds. */
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
  /** HS256 secret for bearer tokens; in demo mode one is generated and kept in DATA_DIR/jwt-secret. */
  AUTH_JWT_SECRET: z.string().min(32, 'AUTH_JWT_SECRET must be at least 32 characters').optional(),
  /** JWKS URL of the identity provider (RS256/ES256 tokens); turns demo mode off. */
  AUTH_JWKS_URL: optionalUrl,
  AUTH_ISSUER: z.string().default('lienthong'),
  AUTH_AUDIENCE: z.string().default('lienthong-api'),
  /** GraphQL requests per second per client (token or address), with twice that as burst; 0 = no limit. */
  RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).default(100),
  /** `only`: run only the operations of src/generated/persisted-operations.json. Defaults to `only` in production. */
  PERSISTED_OPERATIONS: z.enum(['only', 'off']).optional(),
  /** Which parts run in this process: everything, only the API, or only the workers. */
  ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  /**
   * With ROLE=all, where the workers run: in this process (`inline`), or in a child process of
   * their own at a lower priority (`process`, what `lienthong start` does unless told otherwise),
   * so that the API's event loop never waits for an apply job or a reconciliation run.
   */
  WORKERS: z.enum(['inline', 'process']).default('inline'),
  /** Run the simulators even when agency URLs are configured (tests). */
  SIMULATORS: bool.optional(),
  /** Webhook secrets per pushing system: `provincial=whsec_A whsec_B; specialized=whsec_C` (several during a rotation). */
  INGEST_SECRETS: systemCredentialsSchema('webhook secret', webhookSecretProblem),
  /** Bearer tokens per system for the GraphQL push mutations: `provincial=tokenA tokenB; …`. */
  INGEST_TOKENS: systemCredentialsSchema('push token', (t) => (t.length >= 16 ? null : 'a token must be at least 16 characters')),
  /** How far a webhook's timestamp may be from the hub's clock, either way (Standard Webhooks: 5 minutes). */
  INGEST_TOLERANCE_SECONDS: z.coerce.number().int().min(10).max(3_600).default(300),
  /** Largest webhook body accepted, in bytes. */
  INGEST_MAX_BODY_BYTES: z.coerce.number().int().min(1_024).max(64 * 1024 * 1024).default(4 * 1024 * 1024),
  /** Inbox statements one API process keeps in flight; deliveries arriving meanwhile share the next one (group commit). */
  INGEST_STORE_STATEMENTS: z.coerce.number().int().min(1).max(16).default(1),
  /** Apply jobs one worker process runs at once; each carries a batch of pushed events, applied a few hundred per transaction. */
  INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(2),
  /** Seconds an event may stay published but unapplied before the sweeper checks its job. */
  INGEST_SWEEP_AFTER_SECONDS: z.coerce.number().int().min(1).default(30),
  /** Seconds a hole in a sender's sequence numbers may stay before the hub pulls the missing range. */
  INGEST_GAP_GRACE_SECONDS: z.coerce.number().min(0).default(5),
  /** Demo mode: every N seconds the simulators move a few dossiers and push the changes to the hub (0 = off). */
  DEMO_PUSH_EVERY_SECONDS: z.coerce.number().min(0).default(0),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
