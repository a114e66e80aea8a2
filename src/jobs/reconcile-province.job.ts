import type { FlowProducer, Queue } from 'bullmq';
import { z } from 'zod';
import type { ReconciliationRepository } from '../db/reconciliation.repository.js';
import type { ReconcileRunService } from '../services/reconcile-run.service.js';
import type { DataQualityRunner } from '../services/reconcile-coordinator.js';
import { defineJob } from './job-definition.js';

export const RECONCILIATION_QUEUE = 'reconciliation';

export interface ReconcileProvinceDeps {
  runs: ReconciliationRepository;
  runner: ReconcileRunService;
  dataQuality: DataQualityRunner | null;
  flows: FlowProducer;
  queue: Queue;
}

/** Job options of the run's steps: each step is idempotent, so every retry is safe. */
const STEP_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { count: 5_000 },
  removeOnFail: { count: 5_000 },
} as const;

export const reconcileProvinceJob = defineJob({
  queue: RECONCILIATION_QUEUE,
  name: 'reconcile-province',
  payload: z.object({
    provinceCode: z.string().regex(/^\d{2}$/),
    /** Present when a person asked for the run (the run row exists already); absent on a schedule. */
    runId: z.uuid().optional(),
    /** On a schedule: which run to start. */
    mode: z.enum(['FULL', 'INCREMENTAL', 'DATA_QUALITY']).default('FULL'),
  }),
  options: { ...STEP_OPTIONS, attempts: 3 },
  handler: (deps: ReconcileProvinceDeps) => async (data, job) => {
    const run = data.runId
      ? await deps.runs.findRun(data.runId)
      : await deps.runs.createRun({
          jobId: String(job.id),
          provinceCode: data.provinceCode,
          trigger: 'SCHEDULE',
          requestedBy: null,
          kind: data.mode === 'DATA_QUALITY' ? 'DATA_QUALITY' : 'DOSSIERS',
          mode: data.mode === 'INCREMENTAL' ? 'INCREMENTAL' : 'FULL',
        });
    if (!run) throw new Error(`reconciliation run ${data.runId} does not exist`);
    if (run.kind === 'DATA_QUALITY') {
      if (!deps.dataQuality) throw new Error('data-quality runs are not configured in this process');
      const planned = await deps.dataQuality.plan(run.id);
      if (planned.phase === 'DONE') return { runId: run.id, status: planned.status };
      await deps.queue.add(finalizeRunJob.name, { runId: run.id }, { ...finalizeRunJob.options, jobId: finalizeJobId(run.id) });
      return { runId: run.id, phase: 'FINALIZING' };
    }
    const plan = await deps.runner.plan(run.id);
    if (plan.run.phase === 'DONE') return { runId: run.id, status: plan.run.status };
    // run → partitions → finalize: the finalize job waits for every partition job. Job ids name
    // the run, so a plan step re-run after a crash adds nothing twice.
    await deps.flows.add({
      name: finalizeRunJob.name,
      queueName: RECONCILIATION_QUEUE,
      data: { runId: run.id },
      opts: { ...finalizeRunJob.options, jobId: finalizeJobId(run.id) },
      children: plan.partitions.map((p) => ({
        name: reconcilePartitionJob.name,
        queueName: RECONCILIATION_QUEUE,
        data: { runId: run.id, index: p.index },
        opts: { ...reconcilePartitionJob.options, jobId: `partition-${run.id}-${p.index}`, failParentOnFailure: true },
      })),
    });
    return { runId: run.id, partitions: plan.partitions.length };
  },
});

export const reconcilePartitionJob = defineJob({
  queue: RECONCILIATION_QUEUE,
  name: 'reconcile-partition',
  payload: z.object({ runId: z.uuid(), index: z.number().int().min(0) }),
  options: STEP_OPTIONS,
  handler: (deps: { runner: ReconcileRunService }) => async (data) => deps.runner.comparePartition(data.runId, data.index),
});

export function finalizeJobId(runId: string): string {
  return `finalize-${runId}`;
}

export const finalizeRunJob = defineJob({
  queue: RECONCILIATION_QUEUE,
  name: 'finalize-run',
  payload: z.object({ runId: z.uuid() }),
  options: STEP_OPTIONS,
  handler:
    (deps: { finalize: { finalize(runId: string): Promise<{ run: { status: string; mismatchCount: number }; corrections: string[] }> }; corrections: { enqueue(ids: readonly string[]): Promise<void> } }) =>
    async (data) => {
      const outcome = await deps.finalize.finalize(data.runId);
      await deps.corrections.enqueue(outcome.corrections);
      return { runId: data.runId, status: outcome.run.status, mismatches: outcome.run.mismatchCount, corrections: outcome.corrections.length };
    },
});
