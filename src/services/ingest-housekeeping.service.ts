import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { SystemId } from '../connectors/system-id.js';
import type { DossierReconcileRequestRepository } from '../db/dossier-reconcile-request.repository.js';
import type { IdempotencyRepository } from '../db/idempotency.repository.js';
import type { GapRow, SequenceRepository } from '../db/sequence.repository.js';
import { backfillJobId, backfillSequenceGapJob } from '../jobs/backfill-sequence-gap.job.js';
import { requestDossierReconciliation } from '../jobs/reconcile-dossiers.job.js';
import { every, type PeriodicTask } from '../runtime/periodic.js';
import type { IngestMetrics } from './ingest-metrics.js';

export interface IngestHousekeepingOptions {
  /** Seconds a hole in a sequence may stay before it is a gap. */
  gapGraceSeconds: number;
  /** Seconds a per-dossier reconciliation request may wait before the sweeper schedules it. */
  reconcileOverdueSeconds?: number;
  /** How long Idempotency-Key records are kept. */
  idempotencyRetentionSeconds?: number;
  scanEveryMs?: number;
}

/**
 * The push path's periodic work, safe to run in every process at once: finds gaps in senders'
 * sequence numbers and queues their backfill, re-queues backfills and per-dossier
 * reconciliations whose jobs never ran, and forgets old idempotency keys.
 */
export class IngestHousekeeping {
  private tasks: PeriodicTask[] = [];

  constructor(
    private readonly sequences: SequenceRepository,
    private readonly reconcileRequests: DossierReconcileRequestRepository,
    private readonly idempotency: IdempotencyRepository,
    private readonly ingestQueue: Queue,
    private readonly reconciliationQueue: Queue,
    /** Systems that can push (a secret or a token is configured). */
    private readonly systems: readonly SystemId[],
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
    private readonly options: IngestHousekeepingOptions,
  ) {}

  start(): void {
    const scanEvery = this.options.scanEveryMs ?? 1_000;
    this.tasks = [
      every('sequence gap scan', scanEvery, () => this.scanSequences(), this.logger),
      every('overdue dossier reconciliations', 5_000, () => this.scheduleOverdueReconciliations(), this.logger),
      every('open gap backfills', 30_000, () => this.resumeOpenGaps(), this.logger),
      every('idempotency key expiry', 3_600_000, () => this.idempotency.expire(this.options.idempotencyRetentionSeconds ?? 86_400), this.logger),
    ];
  }

  async stop(): Promise<void> {
    await Promise.all(this.tasks.map((t) => t.stop()));
    this.tasks = [];
  }

  /** Finds new gaps and queues a backfill for each; returns the gaps found. */
  async scanSequences(): Promise<GapRow[]> {
    const found: GapRow[] = [];
    for (const system of this.systems) {
      const gaps = await this.sequences.scan(system, this.options.gapGraceSeconds);
      for (const gap of gaps) {
        this.metrics.gaps.inc({ system });
        this.logger.warn({ system, gapId: gap.id, from: gap.fromSequence, to: gap.toSequence }, 'sequence gap: pulling the missing range');
        await this.queueBackfill(gap);
        found.push(gap);
      }
    }
    return found;
  }

  async resumeOpenGaps(): Promise<void> {
    for (const gap of await this.sequences.openGaps(60, 100)) await this.queueBackfill(gap);
  }

  async scheduleOverdueReconciliations(): Promise<void> {
    const provinces = await this.reconcileRequests.overdueProvinces(this.options.reconcileOverdueSeconds ?? 10);
    for (const province of provinces) await requestDossierReconciliation(this.reconciliationQueue, province);
  }

  private async queueBackfill(gap: GapRow): Promise<void> {
    try {
      await this.ingestQueue.add(backfillSequenceGapJob.name, backfillSequenceGapJob.payload.parse({ gapId: gap.id }), {
        ...backfillSequenceGapJob.options,
        jobId: backfillJobId(gap.id),
      });
    } catch (error) {
      // The gap is stored OPEN; resumeOpenGaps queues it once the queue is back.
      this.logger.warn({ gapId: gap.id, err: { message: (error as Error).message } }, 'backfill not queued yet');
    }
  }
}
