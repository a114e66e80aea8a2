import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { InboundApplyService } from '../services/inbound-apply.service.js';
import type { IngestMetrics } from '../services/ingest-metrics.js';
import { defineJob } from './job-definition.js';
import type { DossierReconcileScheduler } from './reconcile-dossiers.job.js';

export const INGEST_QUEUE = 'ingest';

export interface ApplyInboundEventDeps {
  apply: InboundApplyService;
  /** Asks for the per-dossier reconciliation run a dossier change needs. */
  reconcile: DossierReconcileScheduler;
  metrics: IngestMetrics;
  logger: Logger;
}

/** The job id of an outbox row: deterministic, so a row published twice is one job. */
export function applyJobId(outboxId: string): string {
  return `apply-${outboxId}`;
}

export const applyInboundEventJob = defineJob({
  queue: INGEST_QUEUE,
  name: 'apply-inbound-event',
  // Ids only: the event itself, which may carry personal data, stays in PostgreSQL.
  payload: z.object({ inboundEventId: z.uuid(), outboxId: z.string().regex(/^\d+$/) }),
  options: {
    attempts: 12,
    backoff: { type: 'exponential', delay: 500 },
    removeOnComplete: { age: 3_600, count: 20_000 },
    removeOnFail: { count: 20_000 },
  },
  handler: (deps: ApplyInboundEventDeps) => async (data) => {
    const outcome = await deps.apply.apply(data.inboundEventId);
    if (outcome.kind === 'MISSING') throw new UnrecoverableError(`inbound event ${data.inboundEventId} does not exist`);
    if (outcome.kind === 'ALREADY') return { status: outcome.status, replay: true };
    deps.metrics.applied.inc({ system: outcome.system, status: outcome.status.toLowerCase() });
    if (outcome.reconcileProvince) {
      try {
        await deps.reconcile.request(outcome.reconcileProvince);
      } catch (error) {
        // The request is stored with the change; the ingest sweeper schedules it later.
        deps.logger.debug({ err: { message: (error as Error).message } }, 'per-dossier reconciliation not scheduled now');
      }
    }
    return { status: outcome.status, reason: outcome.reason?.code ?? null };
  },
});
