import type { Queue } from 'bullmq';
import { reconcileProvinceJob } from './reconcile-province.job.js';

/**
 * One repeatable reconciliation per province. Upserting is idempotent, so every process start
 * converges on the configured interval; provinces no longer configured lose their schedule.
 */
export async function upsertReconcileSchedules(queue: Queue, provinceCodes: readonly string[], everyMs: number): Promise<void> {
  const wanted = new Set(provinceCodes.map((code) => `reconcile:${code}`));
  for (const scheduler of await queue.getJobSchedulers()) {
    if (scheduler.key.startsWith('reconcile:') && !wanted.has(scheduler.key)) await queue.removeJobScheduler(scheduler.key);
  }
  for (const provinceCode of provinceCodes) {
    await queue.upsertJobScheduler(
      `reconcile:${provinceCode}`,
      { every: everyMs },
      {
        name: reconcileProvinceJob.name,
        data: reconcileProvinceJob.payload.parse({ provinceCode }),
        opts: reconcileProvinceJob.options,
      },
    );
  }
}
