import type { Queue } from 'bullmq';
import { z } from 'zod';
import type { DossierReconcileRequestRepository } from '../db/dossier-reconcile-request.repository.js';
import type { DossierReconciler } from '../services/reconcile-coordinator.js';
import { defineJob } from './job-definition.js';
import { RECONCILIATION_QUEUE } from './reconcile-province.job.js';

export interface ReconcileDossiersDeps {
  requests: DossierReconcileRequestRepository;
  reconciliation: DossierReconciler;
}

/** Dossiers reconciled by one run at most; more wait for the next. */
const RUN_LIMIT = 1_000;
/** Pushes within this window share one run per province. */
export const DOSSIER_RECONCILE_WINDOW_MS = 1_000;

export const reconcileDossiersJob = defineJob({
  queue: RECONCILIATION_QUEUE,
  name: 'reconcile-dossiers',
  payload: z.object({ provinceCode: z.string().regex(/^\d{2}$/) }),
  options: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: { count: 1_000 },
    removeOnFail: { count: 5_000 },
  },
  handler: (deps: ReconcileDossiersDeps) => async (data, job) => {
    const pending = await deps.requests.pending(data.provinceCode, RUN_LIMIT);
    if (pending.length === 0) return { dossiers: 0 };
    const run = await deps.reconciliation.reconcileDossiers({
      jobId: String(job.id),
      provinceCode: data.provinceCode,
      codes: pending.map((p) => p.dossierCode),
    });
    await deps.requests.done(pending);
    return { runId: run.id, dossiers: pending.length, mismatches: run.mismatchCount };
  },
});

/**
 * Asks for a reconciliation of a province's pushed dossiers. The job id names the province and
 * the current window, so the pushes of one window share one run; requests left behind (a window
 * whose job had already started, a queue that was down) are picked up by the ingest sweeper.
 */
export async function requestDossierReconciliation(queue: Queue, provinceCode: string, now = Date.now()): Promise<void> {
  const window = Math.floor(now / DOSSIER_RECONCILE_WINDOW_MS);
  await queue.add(reconcileDossiersJob.name, reconcileDossiersJob.payload.parse({ provinceCode }), {
    ...reconcileDossiersJob.options,
    // BullMQ refuses ':' in custom job ids.
    jobId: `reconcile-dossiers-${provinceCode}-${window}`,
    delay: DOSSIER_RECONCILE_WINDOW_MS - (now % DOSSIER_RECONCILE_WINDOW_MS),
  });
}

/**
 * Per process, asks for each province's reconciliation once per window: every apply of a dossier
 * event calls it, and only the first call of a window needs to reach the queue.
 */
export class DossierReconcileScheduler {
  private readonly requested = new Map<string, number>();

  constructor(private readonly queue: Queue) {}

  async request(provinceCode: string, now = Date.now()): Promise<void> {
    const window = Math.floor(now / DOSSIER_RECONCILE_WINDOW_MS);
    if (this.requested.get(provinceCode) === window) return;
    await requestDossierReconciliation(this.queue, provinceCode, now);
    this.requested.set(provinceCode, window);
  }
}
