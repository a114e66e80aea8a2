import type { Queue } from 'bullmq';
import type { z } from 'zod';
import type { JobDefinition } from './job-definition.js';

/**
 * One repeatable job per province (`{job name}-{province}`). Upserting is idempotent, so every
 * process start converges on the configured interval; provinces no longer configured lose their
 * schedule. A schedule with `every` runs at once, then at each interval.
 */
export async function upsertProvinceSchedules<S extends z.ZodType>(
  queue: Queue,
  job: JobDefinition<S, never, unknown> | JobDefinition<S, any, unknown>, // eslint-disable-line @typescript-eslint/no-explicit-any
  provinceCodes: readonly string[],
  everyMs: number,
): Promise<void> {
  const prefix = `${job.name}-`;
  const wanted = new Set(provinceCodes.map((code) => `${prefix}${code}`));
  for (const scheduler of await queue.getJobSchedulers()) {
    if (scheduler.key.startsWith(prefix) && !wanted.has(scheduler.key)) await queue.removeJobScheduler(scheduler.key);
  }
  for (const provinceCode of provinceCodes) {
    await queue.upsertJobScheduler(`${prefix}${provinceCode}`, { every: everyMs }, {
      name: job.name,
      data: job.payload.parse({ provinceCode }) as unknown,
      opts: job.options,
    });
  }
}
