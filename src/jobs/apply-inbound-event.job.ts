import { UnrecoverableError, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { InboundApplyService } from '../services/inbound-apply.service.js';
import type { IngestMetrics } from '../services/ingest-metrics.js';
import { defineJob } from './job-definition.js';
import { requestDossierReconciliation } from './reconcile-dossiers.job.js';

export const INGEST_QUEUE = 'ingest';

export interface ApplyInboundEventDeps {
  apply: InboundApplyService;
  /** The reconciliation queue, for the per-dossier run a dossier change asks for. */
  reconciliationQueue: Queue;
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
        await requestDossierReconciliation(deps.reconciliationQueue, outcome.reconcileProvince);
      } catch (error) {
        // The request is stored with the change; the ingest sweeper schedules it later.
        deps.logger.debug({ err: { message: (error as Error).message } }, 'per-dossier reconciliation not scheduled now');
      }
    }
    return { status: outcome.status, reason: outcome.reason?.code ?? null };
  },
});
