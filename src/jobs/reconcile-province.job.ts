import { z } from 'zod';
import type { ReconciliationRepository } from '../db/reconciliation.repository.js';
import type { ReconciliationService } from '../services/reconciliation.service.js';
import { defineJob } from './job-definition.js';

export interface ReconcileProvinceDeps {
  runs: ReconciliationRepository;
  reconciliation: ReconciliationService;
}

export const RECONCILIATION_QUEUE = 'reconciliation';

export const reconcileProvinceJob = defineJob({
  queue: RECONCILIATION_QUEUE,
  name: 'reconcile-province',
  payload: z.object({
    provinceCode: z.string().regex(/^\d{2}$/),
    /** Present when a person asked for the run (the run row exists already); absent on a schedule. */
    runId: z.uuid().optional(),
  }),
  options: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { count: 1_000 },
    removeOnFail: { count: 5_000 },
  },
  handler: (deps: ReconcileProvinceDeps) => async (data, job) => {
    const run = data.runId
      ? await deps.runs.findRun(data.runId)
      : await deps.runs.createRun({ jobId: String(job.id), provinceCode: data.provinceCode, trigger: 'SCHEDULE', requestedBy: null });
    if (!run) throw new Error(`reconciliation run ${data.runId} does not exist`);
    const finished = await deps.reconciliation.reconcileProvince(run.id);
    return { runId: finished.id, status: finished.status, mismatches: finished.mismatchCount };
  },
});
