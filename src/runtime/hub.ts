import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Worker } from 'bullmq';
import type { Config } from '../config.js';
import { connectDatabase, connectPushPool, migrateDatabase, type DbHandle } from '../db/client.js';
import { seedAdministrativeUnits } from '../db/seed-administrative-units.js';
import { AdministrativeUnitRepository } from '../db/administrative-unit.repository.js';
import { DossierRepository } from '../db/dossier.repository.js';
import { MismatchRepository } from '../db/mismatch.repository.js';
import { ObservationRepository } from '../db/observation.repository.js';
import { SyncCursorRepository } from '../db/sync-cursor.repository.js';
import { AuditRepository } from '../db/audit.repository.js';
import { CitizenLookupService } from '../services/citizen-lookup.service.js';
import { SystemStatusService } from '../services/system-status.service.js';
import { DocumentQueryService } from '../services/document-query.service.js';
import { DocumentSyncService } from '../services/document-sync.service.js';
import { DocumentRepository } from '../db/document.repository.js';
import { SYNC_QUEUE, syncDocumentsJob } from '../jobs/sync-documents.job.js';
import { startAgencySystems, type AgencySystems } from './agency-systems.js';
import { demoTokens } from '../auth/demo-tokens.js';
import { isDemoMode, resolveJwtSecret } from '../auth/jwt-secret.js';
import { TokenVerifier } from '../auth/token-verifier.js';
import { loadPersistedOperations } from '../http/persisted-operations.js';
import { createIngestRuntime, startDemoPushes, withDemoPushSecret } from './ingest.js';
import { createHttpServer, type HubHttpServer } from '../http/server.js';
import { createQueueEngine, type QueueEngine, type QueueEngineKind } from '../jobs/queue-engine.js';
import { upsertProvinceSchedules } from '../jobs/schedules.js';
import { startWorkers } from '../jobs/workers.js';
import { buildHubSchema } from '../schema/build-schema.js';
import { AdministrativeUnitService } from '../services/administrative-unit.service.js';
import { DossierQueryService } from '../services/dossier-query.service.js';
import { DossierSyncService } from '../services/dossier-sync.service.js';
import { ReconciliationRequestService } from '../services/reconciliation-request.service.js';
import { createReconciliationRuntime, type ReconciledSystems } from './reconciliation.js';
import { CivilDataQualityService } from '../services/civil-data-quality.service.js';
import { DataQualityRunService } from '../services/data-quality-run.service.js';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.js';
import { findRedisServer, REDIS_INSTALL_HINT, startLocalRedis, type RunningRedis } from './local-redis.js';
import { startWorkerProcess } from './worker-process.js';

export interface RunningHub {
  graphqlUrl: string | null;
  /** Demo mode only: a ready token for each demo identity. */
  demoTokens: Array<{ label: string; token: string }>;
  databaseUrl: string;
  queueEngine: QueueEngineKind;
  redisUrl: string | null;
  simulators: Record<string, string>;
  /** Notices for the operator (e.g. queues on the PostgreSQL fallback). */
  notices: string[];
  stop(): Promise<void>;
}

/**
 * Starts everything the configuration asks for, in order: database (embedded unless
 * DATABASE_URL), migrations and reference data, queue engine (Redis, a local redis-server, or
 * BullMQ's PostgreSQL backend), simulators for agency systems without a URL, workers and
 * schedules, and the HTTP API. `stop()` undoes it in reverse order.
 */
export async function startHub(config: Config, logger: Logger): Promise<RunningHub> {
  const stack: Array<{ name: string; stop: () => Promise<unknown> }> = [];
  const notices: string[] = [];
  const stop = async (): Promise<void> => {
    for (const item of stack.reverse()) {
      try {
        await item.stop();
      } catch (error) {
        logger.warn({ component: item.name, err: { message: (error as Error).message } }, 'error while stopping');
      }
    }
    stack.length = 0;
  };

  try {
    // 1. PostgreSQL
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      const pg: RunningPostgres = await startEmbeddedPostgres({ dataDir: join(config.DATA_DIR, 'pg'), preferredPort: 5432, logger });
      stack.push({ name: 'embedded-postgres', stop: () => pg.stop() });
      databaseUrl = pg.url;
    }
    await migrateDatabase(databaseUrl);
    const db: DbHandle = connectDatabase(databaseUrl, { max: 20 });
    stack.push({ name: 'database pool', stop: () => db.close() });
    // Closed after the queues (their workers apply pushes with it).
    const pushSql = connectPushPool(databaseUrl, { max: config.INGEST_STORE_STATEMENTS + config.INGEST_CONCURRENCY + 2 });
    stack.push({ name: 'push pool', stop: () => pushSql.end({ timeout: 5 }) });
    const seeded = await seedAdministrativeUnits(db.sql);
    logger.debug(seeded, 'administrative units loaded');

    // 2. Queue engine
    let queueKind: QueueEngineKind;
    let redisUrl: string | null = null;
    if (config.QUEUE_BACKEND === 'postgres') {
      queueKind = 'postgres';
    } else if (config.REDIS_URL) {
      queueKind = 'redis';
      redisUrl = config.REDIS_URL;
    } else if (findRedisServer()) {
      const redis: RunningRedis = await startLocalRedis({ dataDir: join(config.DATA_DIR, 'redis'), preferredPort: 6379, logger });
      stack.push({ name: 'redis-server', stop: () => redis.stop() });
      queueKind = 'redis';
      redisUrl = redis.url;
    } else if (config.QUEUE_BACKEND === 'redis') {
      throw new Error(`QUEUE_BACKEND=redis but REDIS_URL is unset and redis-server is not on PATH; ${REDIS_INSTALL_HINT}`);
    } else {
      queueKind = 'postgres';
      notices.push(`redis-server not found: queues run on BullMQ's PostgreSQL backend (slower; fine for a demo). To ${REDIS_INSTALL_HINT}`);
    }
    const engine: QueueEngine = createQueueEngine(queueKind, queueKind === 'redis' ? (redisUrl as string) : databaseUrl, {
      prefix: config.QUEUE_PREFIX,
    });
    stack.push({ name: 'queues', stop: () => engine.close() });

    // 3. Agency systems: real URLs, or simulators with demo data
    const agencies: AgencySystems = await startAgencySystems(config, logger);
    stack.push({ name: 'agency systems', stop: () => agencies.stop() });
    const { provincial, specialized } = agencies.connectors;
    const simulators = agencies.simulators;

    // 4. Services
    const unitsRepo = new AdministrativeUnitRepository(db.db);
    const units = new AdministrativeUnitService(unitsRepo);
    const dossierSync = new DossierSyncService(db.sql, new ObservationRepository(), new SyncCursorRepository(db.sql), logger);
    const reconciledSystems: ReconciledSystems = { provincial, specialized, 'national-portal': agencies.connectors.nationalPortal };
    const rec = await createReconciliationRuntime({
      config,
      sql: db.sql,
      engine,
      sync: dossierSync,
      systems: reconciledSystems,
      dataQuality: (runRepo, pipeline) =>
        new DataQualityRunService(
          db.sql,
          runRepo,
          pipeline,
          new SyncCursorRepository(db.sql),
          new CivilDataQualityService(agencies.connectors.civilRegistration, agencies.connectors.population, new AuditRepository(db.sql), logger),
        ),
      logger,
    });
    const { runs, reconciliationQueue } = rec;
    const reconciliation = rec.reconciler;
    // Pushes: /ingest, push mutations, inbox/outbox relay, apply workers, sequence gaps.
    const ingestConfig = withDemoPushSecret(config, agencies.provincialSimulator);
    const ingest = createIngestRuntime({
      config: ingestConfig,
      sql: db.sql,
      pushSql,
      engine,
      reconciliationQueue,
      reconciliation,
      sync: dossierSync,
      sources: { provincial, specialized },
      logger,
    });
    ingest.start();
    stack.push({ name: 'ingest relay', stop: () => ingest.stop() });

    // 5. Workers and schedules: here, or in a process of their own (WORKERS=process)
    let workers: Worker[] = [];
    if (config.ROLE === 'all' && config.WORKERS === 'process') {
      const child = startWorkerProcess({ env: workerProcessEnv(config, databaseUrl, queueKind, redisUrl, simulators), logger });
      stack.push({ name: 'worker process', stop: () => child.stop() });
    } else if (config.ROLE !== 'api') {
      const documentSync = new DocumentSyncService(
        db.sql,
        new DocumentRepository(db.db),
        new SyncCursorRepository(db.sql),
        [agencies.connectors.partyDocuments, agencies.connectors.governmentDocuments],
        logger,
      );
      workers = startWorkers(
        engine,
        [
          ...rec.jobs,
          { definition: syncDocumentsJob, deps: { documents: documentSync } },
          ...ingest.reconciliationJobs,
        ],
        logger,
        // A killed worker's run step is taken up again within ~20 s (BullMQ sees it stalled).
        { worker: { lockDuration: 15_000, stalledInterval: 5_000, maxStalledCount: 5 } },
      );
      workers.push(...ingest.startWorkers());
      await rec.schedules.start(config.RECONCILE_PROVINCES, {
        fullCron: config.RECONCILE_FULL_CRON,
        incrementalEverySeconds: config.RECONCILE_EVERY_SECONDS,
        dataQualityCron: config.RECONCILE_DATA_QUALITY_CRON,
      });
      await upsertProvinceSchedules(engine.queue(SYNC_QUEUE), syncDocumentsJob, config.RECONCILE_PROVINCES, config.DOCUMENT_SYNC_EVERY_SECONDS * 1_000);
    }

    // 6. HTTP API
    let graphqlUrl: string | null = null;
    let demo: Array<{ label: string; token: string }> = [];
    if (config.ROLE !== 'worker') {
      const jwtSecret = await resolveJwtSecret(config);
      const tokens = new TokenVerifier({ secret: jwtSecret, jwksUrl: config.AUTH_JWKS_URL, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE });
      if (isDemoMode(config) && jwtSecret) demo = await demoTokens(jwtSecret, config.AUTH_ISSUER, config.AUTH_AUDIENCE);
      const http: HubHttpServer = await createHttpServer({
        schema: await buildHubSchema(),
        services: {
          units,
          dossiers: new DossierQueryService(new DossierRepository(db.db)),
          reconciliation: new ReconciliationRequestService(runs, new MismatchRepository(db.db), units, reconciliationQueue, db.sql, rec.schedules),
          citizens: new CitizenLookupService(
            agencies.connectors.population,
            agencies.connectors.civilRegistration,
            new AuditRepository(db.sql),
            config.UPSTREAM_TIMEOUT_MS + 250,
          ),
          systems: new SystemStatusService(agencies.all, Math.min(config.UPSTREAM_TIMEOUT_MS, 1_000)),
          audit: new AuditRepository(db.sql),
          documents: new DocumentQueryService(new DocumentRepository(db.db), agencies.connectors.governmentDocuments, config.UPSTREAM_TIMEOUT_MS),
          ingest: ingest.api,
        },
        ingest: ingest.route,
        logger,
        production: config.NODE_ENV === 'production',
        tokens,
        ...((config.PERSISTED_OPERATIONS ?? (config.NODE_ENV === 'production' ? 'only' : 'off')) === 'only'
          ? { persistedOperations: loadPersistedOperations() }
          : {}),
        rateLimit: { perSecond: config.RATE_LIMIT_PER_SECOND, burst: config.RATE_LIMIT_PER_SECOND * 2 },
        readiness: [
          { name: 'postgres', check: async () => void (await db.sql`select 1`) },
          { name: 'queues', check: async () => void (await reconciliationQueue.getJobCounts('waiting')) },
        ],
      });
      graphqlUrl = await http.listen(config.PORT, config.HOST);
      const demoPushes = startDemoPushes(ingestConfig, agencies.provincialSimulator, graphqlUrl, logger);
      stack.push({ name: 'demo pushes', stop: () => demoPushes.stop() });
      // Stopped first: no new requests while the workers drain.
      stack.push({ name: 'http', stop: () => http.close() });
    }
    void workers;

    return { graphqlUrl, databaseUrl, queueEngine: queueKind, redisUrl, simulators, notices, demoTokens: demo, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * What a worker process needs to use this process's database, queues and simulated systems
 * rather than start its own.
 */
function workerProcessEnv(
  config: Config,
  databaseUrl: string,
  queueKind: QueueEngineKind,
  redisUrl: string | null,
  simulators: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = { ROLE: 'worker', WORKERS: 'inline', DATABASE_URL: databaseUrl, QUEUE_BACKEND: queueKind, DATA_DIR: config.DATA_DIR };
  if (redisUrl) env['REDIS_URL'] = redisUrl;
  for (const [system, url] of Object.entries(simulators)) env[`${system.toUpperCase().replaceAll('-', '_')}_URL`] = url;
  return env;
}
