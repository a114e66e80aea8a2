import type { Queue } from 'bullmq';
import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { DossierCorrectionSink, DossierSource } from '../connectors/connector.js';
import { DossierFlagRepository } from '../db/dossier-flag.repository.js';
import { ReconciliationRepository } from '../db/reconciliation.repository.js';
import { RunFeedRepository } from '../db/run-feed.repository.js';
import { RunPipelineRepository, type RunSystem } from '../db/run-pipeline.repository.js';
import { applyCorrectionJob } from '../jobs/apply-correction.job.js';
import type { QueueEngine } from '../jobs/queue-engine.js';
import {
  RECONCILIATION_QUEUE,
  finalizeRunJob,
  reconcilePartitionJob,
  reconcileProvinceJob,
} from '../jobs/reconcile-province.job.js';
import { DEFAULT_JOB_CONCURRENCY, type BoundJob } from '../jobs/workers.js';
import { CORRECTION_QUEUE, CorrectionService } from '../services/corrections.service.js';
import type { DossierSyncService } from '../services/dossier-sync.service.js';
import { CommuneIndex, ThreeWayClassifier, reportRules } from '../services/reconcile-classifier.js';
import { FlagFindings, PushedDossierReconciler, type DataQualityRunner } from '../services/reconcile-coordinator.js';
import { ReconcileFinalizeService } from '../services/reconcile-finalize.service.js';
import { ReconcileRunService } from '../services/reconcile-run.service.js';
import { ScheduleService } from '../services/schedule.service.js';

export type ReconciledSystems = Readonly<Record<RunSystem, DossierSource & DossierCorrectionSink>>;

export interface ReconciliationRuntime {
  runs: ReconciliationRepository;
  reconciliationQueue: Queue;
  correctionQueue: Queue;
  reconciler: PushedDossierReconciler;
  corrections: CorrectionService;
  schedules: ScheduleService;
  jobs: BoundJob[];
}

/**
 * Reconciliation's parts for one process: the run steps (plan → partitions → finalize) as
 * BullMQ jobs, corrections, pushed-dossier runs and schedules.
 */
export async function createReconciliationRuntime(input: {
  config: Config;
  sql: Sql;
  engine: QueueEngine;
  sync: DossierSyncService;
  systems: ReconciledSystems;
  dataQuality: ((runs: ReconciliationRepository, pipeline: RunPipelineRepository) => DataQualityRunner) | null;
  logger: Logger;
}): Promise<ReconciliationRuntime> {
  const { sql, engine, logger } = input;
  const runs = new ReconciliationRepository(sql, { toleranceSeconds: input.config.RECONCILE_TOLERANCE_SECONDS });
  const pipeline = new RunPipelineRepository(sql);
  const staging = new RunFeedRepository(sql);
  const classifier = new ThreeWayClassifier(await CommuneIndex.load(sql));
  const reconciliationQueue = engine.queue(RECONCILIATION_QUEUE);
  const correctionQueue = engine.queue(CORRECTION_QUEUE);
  const runner = new ReconcileRunService(sql, runs, pipeline, staging, input.sync, input.systems, classifier, logger, {
    partitionSize: input.config.RECONCILE_PARTITION_SIZE,
    partitionJobsAtOnce: DEFAULT_JOB_CONCURRENCY,
  });
  const finalize = new ReconcileFinalizeService(sql, runs, pipeline, classifier, reportRules(), new FlagFindings(new DossierFlagRepository(sql)), logger, {
    maxFailedVerifications: input.config.RECONCILE_MAX_FAILED_VERIFICATIONS,
    correctableSystems: Object.keys(input.systems),
  });
  const corrections = new CorrectionService(sql, input.systems, correctionQueue, logger);
  const reconciler = new PushedDossierReconciler(sql, runs, pipeline, runner, finalize, corrections);
  const dataQuality = input.dataQuality ? input.dataQuality(runs, pipeline) : null;
  const flows = engine.flowProducer();
  const jobs: BoundJob[] = [
    { definition: reconcileProvinceJob, deps: { runs, runner, dataQuality, flows, queue: reconciliationQueue } },
    { definition: reconcilePartitionJob, deps: { runner } },
    { definition: finalizeRunJob, deps: { finalize, corrections } },
    { definition: applyCorrectionJob, deps: { corrections } },
  ];
  return {
    runs,
    reconciliationQueue,
    correctionQueue,
    reconciler,
    corrections,
    schedules: new ScheduleService(sql, reconciliationQueue),
    jobs,
  };
}
