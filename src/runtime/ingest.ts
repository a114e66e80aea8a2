import type { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Sql } from 'postgres';
import { StaticTokenAuthenticator } from '../auth/system-authenticator.js';
import type { Config } from '../config.js';
import type { DossierSource } from '../connectors/connector.js';
import { SYSTEM_IDS, type SystemId } from '../connectors/system-id.js';
import { DossierFlagRepository } from '../db/dossier-flag.repository.js';
import { DossierReconcileRequestRepository } from '../db/dossier-reconcile-request.repository.js';
import { EntityStateRepository } from '../db/entity-state.repository.js';
import { IdempotencyRepository } from '../db/idempotency.repository.js';
import { InboxGroupCommit } from '../db/inbox-group-commit.js';
import { InboxRepository } from '../db/inbox.repository.js';
import { ObservationRepository } from '../db/observation.repository.js';
import { SequenceRepository } from '../db/sequence.repository.js';
import type { IngestApi } from '../http/context.js';
import { createIngestRoute, type IngestRoute } from '../http/ingest.route.js';
import { INGEST_QUEUE, applyInboundEventsJob } from '../jobs/apply-inbound-events.job.js';
import { backfillSequenceGapJob } from '../jobs/backfill-sequence-gap.job.js';
import { OutboxRelay } from '../jobs/outbox-relay.js';
import type { QueueEngine } from '../jobs/queue-engine.js';
import { DossierReconcileScheduler, reconcileDossiersJob } from '../jobs/reconcile-dossiers.job.js';
import { startWorkers, type BoundJob } from '../jobs/workers.js';
import type { DossierSyncService } from '../services/dossier-sync.service.js';
import { InboundApplyService } from '../services/inbound-apply.service.js';
import { IngestHousekeeping } from '../services/ingest-housekeeping.service.js';
import { ingestMetrics, registerInboxGauge } from '../services/ingest-metrics.js';
import { IngestQueryService } from '../services/ingest-query.service.js';
import { IngestService } from '../services/ingest.service.js';
import { PushMutationService } from '../services/push-mutation.service.js';
import type { DossierReconciler } from '../services/reconcile-coordinator.js';
import { SequenceBackfillService } from '../services/sequence-backfill.service.js';
import type { ProvincialSimulator } from '../connectors/provincial/simulator.js';
import { ProvincialPusher } from '../connectors/provincial/webhook-push.js';
import { generateWebhookSecret } from '../http/webhook-signature.js';
import { every } from './periodic.js';

export interface IngestRuntimeInput {
  config: Config;
  sql: Sql;
  /** The pool of the push path's set-based statements (door, relay, apply); `sql` when not given. */
  pushSql?: Sql;
  engine: QueueEngine;
  reconciliationQueue: Queue;
  reconciliation: DossierReconciler;
  /** Pulls change feeds for the backfill of sequence gaps. */
  sync: DossierSyncService;
  /** The systems whose change feed the hub reads. */
  sources: Partial<Record<SystemId, DossierSource>>;
  logger: Logger;
}

export interface IngestRuntime {
  route: IngestRoute;
  api: IngestApi;
  /** Handlers for the reconciliation queue's worker (it shares the queue with the province job). */
  reconciliationJobs: BoundJob[];
  /** Systems that can push: a webhook secret or a push token is configured. */
  systems: SystemId[];
  relay: OutboxRelay;
  housekeeping: IngestHousekeeping;
  /** Starts the workers of the ingest queue (apply, backfill). */
  startWorkers(): Worker[];
  /** Starts the relay, the sweeper and the housekeeping. */
  start(): void;
  stop(): Promise<void>;
}

/** The push path, assembled: door, inbox/outbox, relay, apply worker, gaps, queries. */
export function createIngestRuntime(input: IngestRuntimeInput): IngestRuntime {
  const { config, sql, engine, logger } = input;
  const pushSql = input.pushSql ?? sql;
  const log = logger.child({ component: 'ingest' });
  const metrics = ingestMetrics();
  const inbox = new InboxRepository(pushSql);
  const sequences = new SequenceRepository(sql);
  const reconcileRequests = new DossierReconcileRequestRepository(sql);
  const idempotency = new IdempotencyRepository(sql);
  const ingestQueue = engine.queue(INGEST_QUEUE);
  // Connection errors surface where the queue is used (the relay logs an outage once); without a
  // listener BullMQ prints every reconnect attempt to stderr.
  for (const queue of [ingestQueue, input.reconciliationQueue]) {
    queue.on('error', (error: Error) => log.debug({ err: { message: error.message } }, 'queue connection error'));
  }
  const relay = new OutboxRelay(inbox, ingestQueue, metrics, log, { sweepAfterSeconds: config.INGEST_SWEEP_AFTER_SECONDS });
  const storedOk = metrics.storeSeconds.labels({ result: 'ok' });
  const storeFailed = metrics.storeSeconds.labels({ result: 'failed' });
  const door = new IngestService(
    inbox,
    new InboxGroupCommit(inbox, {
      statements: config.INGEST_STORE_STATEMENTS,
      onStatement: ({ deliveries, seconds, ok }) => {
        (ok ? storedOk : storeFailed).observe(seconds);
        metrics.storeDeliveries.observe(deliveries);
      },
    }),
    relay,
    metrics,
    log,
  );
  const systems = SYSTEM_IDS.filter((id) => (config.INGEST_SECRETS[id]?.length ?? 0) > 0 || (config.INGEST_TOKENS[id]?.length ?? 0) > 0);
  const apply = new InboundApplyService(
    pushSql,
    inbox,
    new EntityStateRepository(),
    new ObservationRepository(),
    new DossierFlagRepository(sql),
    reconcileRequests,
    log,
  );
  const backfill = new SequenceBackfillService(sequences, input.sync, input.sources, config.RECONCILE_PROVINCES, log);
  const housekeeping = new IngestHousekeeping(sequences, reconcileRequests, idempotency, ingestQueue, input.reconciliationQueue, systems, metrics, log, {
    gapGraceSeconds: config.INGEST_GAP_GRACE_SECONDS,
  });
  registerInboxGauge(async () =>
    (await inbox.countsBySystem()).map(({ system, lastReceivedAt: _last, ...counts }) => ({ system, counts })),
  );

  return {
    route: createIngestRoute({
      service: door,
      secrets: config.INGEST_SECRETS,
      metrics,
      logger: log,
      toleranceSeconds: config.INGEST_TOLERANCE_SECONDS,
      maxBodyBytes: config.INGEST_MAX_BODY_BYTES,
    }),
    api: {
      query: new IngestQueryService(inbox, sequences, systems),
      push: new PushMutationService(door, idempotency),
      auth: new StaticTokenAuthenticator(config.INGEST_TOKENS),
    },
    reconciliationJobs: [{ definition: reconcileDossiersJob, deps: { requests: reconcileRequests, reconciliation: input.reconciliation } }],
    systems,
    relay,
    housekeeping,
    startWorkers: () =>
      startWorkers(
        engine,
        [
          { definition: applyInboundEventsJob, deps: { apply, reconcile: new DossierReconcileScheduler(input.reconciliationQueue), metrics, logger: log } },
          { definition: backfillSequenceGapJob, deps: { backfill } },
        ],
        log,
        // Short locks: a killed worker's jobs run again within seconds, and applying twice is a no-op.
        { concurrency: config.INGEST_CONCURRENCY, worker: { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 10 } },
      ),
    start: () => {
      relay.start();
      housekeeping.start();
    },
    stop: async () => {
      await Promise.all([relay.stop(), housekeeping.stop()]);
    },
  };
}

/**
 * Demo mode: when the provincial simulator runs and DEMO_PUSH_EVERY_SECONDS is set, it pushes
 * its changes to the hub like a real system would. Without a configured provincial secret, one
 * is made for this run.
 */
export function withDemoPushSecret(config: Config, simulator: ProvincialSimulator | null): Config {
  if (!simulator || config.DEMO_PUSH_EVERY_SECONDS <= 0 || (config.INGEST_SECRETS.provincial?.length ?? 0) > 0) return config;
  return { ...config, INGEST_SECRETS: { ...config.INGEST_SECRETS, provincial: [generateWebhookSecret()] } };
}

/** Moves a few demo dossiers every DEMO_PUSH_EVERY_SECONDS; the simulator pushes each change. */
export function startDemoPushes(config: Config, simulator: ProvincialSimulator | null, hubUrl: string | null, logger: Logger): { stop(): Promise<void> } {
  const secret = config.INGEST_SECRETS.provincial?.[0];
  if (!simulator || !hubUrl || !secret || config.DEMO_PUSH_EVERY_SECONDS <= 0) return { stop: () => Promise.resolve() };
  const pusher = new ProvincialPusher({ hubUrl, secret, logger: logger.child({ component: 'demo-push' }) });
  simulator.onChange((record) => pusher.push(record));
  const task = every('demo pushes', config.DEMO_PUSH_EVERY_SECONDS * 1_000, () => Promise.resolve(void simulator.advance(3)), logger);
  return {
    stop: async () => {
      await task.stop();
      simulator.onChange(null);
      await pusher.flush();
    },
  };
}
