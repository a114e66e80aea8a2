import type { Logger } from 'pino';
import { z } from 'zod';
import type { InboundApplyService } from '../services/inbound-apply.service.js';
import type { IngestMetrics } from '../services/ingest-metrics.js';
import { defineJob } from './job-definition.js';
import type { DossierReconcileScheduler } from './reconcile-dossiers.job.js';

export const INGEST_QUEUE = 'ingest';

/** Most events one job carries: one relay batch. */
export const MAX_EVENTS_PER_APPLY_JOB = 1_000;

export interface ApplyInboundEventsDeps {
  apply: InboundApplyService;
  /** Asks for the per-dossier reconciliation run a dossier change needs. */
  reconcile: DossierReconcileScheduler;
  metrics: IngestMetrics;
  logger: Logger;
}

/**
 * The job id of a batch of outbox rows: their first and last ids, their number and the publish
 * attempt, so the same rows published twice in one attempt are one job, and a batch published
 * again (the queue lost it, or it failed for good) is a new one.
 */
export function applyJobId(rows: ReadonlyArray<{ id: string; publishCount: number }>): string {
  const ids = rows.map((r) => BigInt(r.id));
  const first = ids.reduce((a, b) => (b < a ? b : a));
  const last = ids.reduce((a, b) => (b > a ? b : a));
  const attempt = Math.max(...rows.map((r) => r.publishCount)) + 1;
  return `apply-${first}-${last}-${rows.length}-${attempt}`;
}

export const applyInboundEventsJob = defineJob({
  queue: INGEST_QUEUE,
  name: 'apply-inbound-events',
  // Ids only: the events themselves, which may carry personal data, stay in PostgreSQL.
  payload: z
    .object({
      inboundEventIds: z.array(z.uuid()).min(1).max(MAX_EVENTS_PER_APPLY_JOB),
      /** Each event's outbox row, by position (bigints as text); absent in jobs published before. */
      outboxIds: z.array(z.string().regex(/^\d+$/)).max(MAX_EVENTS_PER_APPLY_JOB).optional(),
    })
    .refine((p) => p.outboxIds === undefined || p.outboxIds.length === p.inboundEventIds.length, {
      message: 'outboxIds must name one row per event',
      path: ['outboxIds'],
    }),
  options: {
    attempts: 12,
    backoff: { type: 'exponential', delay: 500 },
    removeOnComplete: { age: 3_600, count: 20_000 },
    removeOnFail: { count: 20_000 },
  },
  handler: (deps: ApplyInboundEventsDeps) => async (data) => {
    const batch = await deps.apply.applyMany(data.inboundEventIds, data.outboxIds);
    for (const { system, status, count } of batch.counts) deps.metrics.applied.inc({ system, status: status.toLowerCase() }, count);
    for (const province of batch.reconcileProvinces) {
      try {
        await deps.reconcile.request(province);
      } catch (error) {
        // The requests are stored with the changes; the ingest sweeper schedules them later.
        deps.logger.debug({ err: { message: (error as Error).message } }, 'per-dossier reconciliation not scheduled now');
      }
    }
    // Events not applied this time (a transient failure) make the job run again; the applied
    // ones are found processed then and left alone.
    if (batch.failure) throw batch.failure;
    return { applied: batch.counts.reduce((n, c) => n + c.count, 0), already: batch.already, skipped: batch.skipped };
  },
});
