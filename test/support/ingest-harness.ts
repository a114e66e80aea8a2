import type { Worker } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { DossierSource } from '../../src/connectors/connector.js';
import { buildDemoDataset, type DemoDataset, type DemoDossier } from '../../src/connectors/demo/demo-dataset.js';
import { ProvincialConnector } from '../../src/connectors/provincial/client.js';
import { createProvincialSimulator, type ProvincialSimulator } from '../../src/connectors/provincial/simulator.js';
import { SpecializedConnector } from '../../src/connectors/specialized/client.js';
import { createSpecializedSimulator, type SpecializedSimulator } from '../../src/connectors/specialized/simulator.js';
import type { SystemId } from '../../src/connectors/system-id.js';
import { WebhookSender, type OutgoingEvent } from '../../src/connectors/webhook-sender.js';
import { DossierFlagRepository } from '../../src/db/dossier-flag.repository.js';
import { ObservationRepository } from '../../src/db/observation.repository.js';
import { ReconciliationRepository } from '../../src/db/reconciliation.repository.js';
import { SyncCursorRepository } from '../../src/db/sync-cursor.repository.js';
import type { ApiServices } from '../../src/http/context.js';
import { createHttpServer, type HubHttpServer } from '../../src/http/server.js';
import { generateWebhookSecret } from '../../src/http/webhook-signature.js';
import { createQueueEngine, type QueueEngine } from '../../src/jobs/queue-engine.js';
import { RECONCILIATION_QUEUE } from '../../src/jobs/reconcile-province.job.js';
import { startWorkers } from '../../src/jobs/workers.js';
import { silentLogger } from '../../src/logger.js';
import { createIngestRuntime, type IngestRuntime } from '../../src/runtime/ingest.js';
import { buildHubSchema } from '../../src/schema/build-schema.js';
import { AuditRepository } from '../../src/db/audit.repository.js';
import { DossierSyncService } from '../../src/services/dossier-sync.service.js';
import { RunFeedRepository } from '../../src/db/run-feed.repository.js';
import { RunPipelineRepository } from '../../src/db/run-pipeline.repository.js';
import { CommuneIndex, ThreeWayClassifier, reportRules } from '../../src/services/reconcile-classifier.js';
import { FlagFindings, PushedDossierReconciler } from '../../src/services/reconcile-coordinator.js';
import { ReconcileFinalizeService } from '../../src/services/reconcile-finalize.service.js';
import { ReconcileRunService } from '../../src/services/reconcile-run.service.js';
import postgres from 'postgres';
import { connectPushPool, type DbHandle } from '../../src/db/client.js';
import { TokenVerifier } from '../../src/auth/token-verifier.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import { TEST_AUDIENCE, TEST_ISSUER, TEST_JWT_SECRET } from './tokens.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface IngestHarness {
  db: TestDatabase;
  engine: QueueEngine;
  runtime: IngestRuntime;
  http: HubHttpServer;
  /** http://127.0.0.1:port */
  baseUrl: string;
  graphqlUrl: string;
  dataset: DemoDataset;
  provincialSim: ProvincialSimulator;
  specializedSim: SpecializedSimulator;
  provincial: ProvincialConnector;
  specialized: SpecializedConnector;
  reconciliation: PushedDossierReconciler;
  /** Pulls a system's change feed for a province into observations. */
  sync: DossierSyncService;
  /** Set with `proxyDatabase`: cut() takes PostgreSQL away from the hub (not from the test). */
  proxy: TcpProxy | null;
  /** Current secrets per system (provincial has two: a rotation in progress). */
  secrets: Record<string, string[]>;
  tokens: Record<string, string>;
  sender(system: SystemId, options?: { secret?: string | string[]; numberEvents?: boolean; firstSequence?: number }): WebhookSender;
  /** Starts the apply and reconciliation workers in this process. */
  startWorkers(): Worker[];
  close(): Promise<void>;
}

export interface IngestHarnessOptions {
  env?: Record<string, string>;
  /** A Redis of the test's own (one it may kill); the shared one otherwise. */
  redisUrl?: string;
  /** The hub reaches PostgreSQL through a proxy the test can cut (PostgreSQL down). */
  proxyDatabase?: boolean;
  /** Relay, sweeper and gap scan on a timer (off: tests drive them). */
  background?: boolean;
  workers?: boolean;
}

/**
 * The push path of one hub in this process, over real HTTP, PostgreSQL and Redis: the ingest
 * route and GraphQL on a node:http server, the relay, the workers, and the provincial and
 * specialized simulators for change feeds.
 */
export async function startIngestHarness(options: IngestHarnessOptions = {}): Promise<IngestHarness> {
  const logger = silentLogger();
  const db = await createTestDatabase();
  let proxy: TcpProxy | null = null;
  let hubDb: DbHandle = db;
  let hubUrl = db.url;
  if (options.proxyDatabase) {
    const target = new URL(db.url);
    proxy = await startTcpProxy(target.hostname, Number(target.port));
    target.port = String(proxy.port);
    hubUrl = target.toString();
    // Idle connections close soon, so a test can take PostgreSQL away when none is open: with
    // a live one, postgres.js 3.4.9 may crash the process (porsager/postgres#1154, #1208).
    const sql = postgres(hubUrl, { max: 6, idle_timeout: 1, onnotice: () => undefined });
    hubDb = { sql, db: db.db, close: () => sql.end({ timeout: 1 }) };
  }
  // The push path's own pool, as the hub has (apply transactions do not take the connections of
  // the other statements).
  const pushSql = connectPushPool(hubUrl, { max: 5, idleTimeoutSeconds: 1 });
  const secrets: Record<string, string[]> = {
    provincial: [generateWebhookSecret(), generateWebhookSecret()],
    specialized: [generateWebhookSecret()],
    'government-documents': [generateWebhookSecret()],
    'civil-registration': [generateWebhookSecret()],
  };
  const tokens: Record<string, string> = {
    provincial: `tok-provincial-${randomBytes(12).toString('hex')}`,
    specialized: `tok-specialized-${randomBytes(12).toString('hex')}`,
    'government-documents': `tok-documents-${randomBytes(12).toString('hex')}`,
    'civil-registration': `tok-civil-${randomBytes(12).toString('hex')}`,
  };
  const config = loadConfig({
    INGEST_SECRETS: Object.entries(secrets)
      .map(([s, list]) => `${s}=${list.join(' ')}`)
      .join('; '),
    INGEST_TOKENS: Object.entries(tokens)
      .map(([s, t]) => `${s}=${t}`)
      .join('; '),
    INGEST_GAP_GRACE_SECONDS: '0.5',
    INGEST_SWEEP_AFTER_SECONDS: '2',
    RECONCILE_PROVINCES: '96',
    ...options.env,
  });
  const dataset = buildDemoDataset({ seed: 777, dossierCount: 300, anchor: new Date('2026-11-20T00:00:00+07:00') });
  const provincialSim = createProvincialSimulator({ dataset, seed: 777 });
  const specializedSim = createSpecializedSimulator({ dataset, seed: 777 });
  const resilience = { timeoutMs: 2_000, retries: 0, breakerThreshold: 1_000 };
  const provincial = new ProvincialConnector({ baseUrl: await provincialSim.server.listen(0), logger, resilience });
  const specialized = new SpecializedConnector({ baseUrl: await specializedSim.server.listen(0), logger, resilience });
  const engine = createQueueEngine('redis', options.redisUrl ?? inject('redisUrl'), { prefix: `ing${randomBytes(4).toString('hex')}` });
  const reconciliationQueue = engine.queue(RECONCILIATION_QUEUE);
  const sync = new DossierSyncService(hubDb.sql, new ObservationRepository(), new SyncCursorRepository(hubDb.sql), logger);
  // Pushed differences are opened at once here: the tolerance window has its own test.
  const runs = new ReconciliationRepository(hubDb.sql, { toleranceSeconds: 0 });
  const sources: { provincial: DossierSource; specialized: DossierSource } = { provincial, specialized };
  const pipeline = new RunPipelineRepository(hubDb.sql);
  const classifier = new ThreeWayClassifier(await CommuneIndex.load(hubDb.sql));
  // Pushed dossiers are compared from the observations the hub holds; the portal is not part of this harness.
  const runner = new ReconcileRunService(hubDb.sql, runs, pipeline, new RunFeedRepository(hubDb.sql), sync, sources as never, classifier, logger, { partitionSize: 1_000, partitionJobsAtOnce: 2 });
  const finalize = new ReconcileFinalizeService(hubDb.sql, runs, pipeline, classifier, reportRules(), new FlagFindings(new DossierFlagRepository(hubDb.sql)), logger, {
    maxFailedVerifications: 3,
    correctableSystems: [],
  });
  const reconciliation = new PushedDossierReconciler(hubDb.sql, runs, pipeline, runner, finalize, null);
  const runtime = createIngestRuntime({ config, sql: hubDb.sql, pushSql, engine, reconciliationQueue, reconciliation, sync, sources, logger });
  const http = await createHttpServer({
    schema: await buildHubSchema(),
    services: { ingest: runtime.api, audit: new AuditRepository(hubDb.sql) } as unknown as ApiServices,
    logger,
    production: false,
    readiness: [],
    tokens: new TokenVerifier({ secret: TEST_JWT_SECRET, issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
    ingest: runtime.route,
  });
  const graphqlUrl = await http.listen(0, '127.0.0.1');
  const baseUrl = graphqlUrl.replace(/\/graphql$/, '');
  const started: Worker[] = [];
  const startAll = (): Worker[] => {
    const workers = [...startWorkers(engine, runtime.reconciliationJobs, logger), ...runtime.startWorkers()];
    started.push(...workers);
    return workers;
  };
  if (options.workers ?? true) startAll();
  if (options.background ?? true) runtime.start();

  return {
    db,
    engine,
    runtime,
    http,
    baseUrl,
    graphqlUrl,
    dataset,
    provincialSim,
    specializedSim,
    provincial,
    specialized,
    reconciliation,
    sync,
    proxy,
    secrets,
    tokens,
    sender: (system, o = {}) =>
      new WebhookSender({
        hubUrl: baseUrl,
        system,
        secret: o.secret ?? secrets[system] ?? [],
        retries: 0,
        ...(o.numberEvents === undefined ? {} : { numberEvents: o.numberEvents }),
        ...(o.firstSequence === undefined ? {} : { firstSequence: o.firstSequence }),
      }),
    startWorkers: startAll,
    close: async () => {
      await runtime.stop();
      await http.close();
      await engine.close();
      await Promise.all([provincial.close(), specialized.close()]);
      await Promise.all([provincialSim.server.close(), specializedSim.server.close()]);
      await pushSql.end({ timeout: 1 });
      if (hubDb !== db) await hubDb.close();
      await proxy?.close();
      await db.drop();
    },
  };
}

let counter = 0;

/** A unique event id for a test. */
export function eventId(prefix = 'evt'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${randomBytes(3).toString('hex')}`;
}

/** A dossier.status_changed event for a demo dossier, in the push contract. */
export function statusEvent(
  dossier: DemoDossier,
  overrides: { status?: string; version?: number; timestamp?: Date; id?: string; sequence?: number; type?: 'dossier.status_changed' | 'dossier.created' } = {},
): OutgoingEvent {
  return {
    id: overrides.id ?? eventId(),
    type: overrides.type ?? 'dossier.status_changed',
    timestamp: overrides.timestamp ?? new Date(),
    ...(overrides.version === undefined ? {} : { version: overrides.version }),
    ...(overrides.sequence === undefined ? {} : { sequence: overrides.sequence }),
    data: {
      dossierCode: dossier.code,
      procedureCode: dossier.procedureCode,
      provinceCode: dossier.provinceCode,
      communeCode: dossier.communeCode,
      status: overrides.status ?? 'PROCESSING',
      applicantPersonalId: dossier.applicantPersonalId,
    },
  };
}
