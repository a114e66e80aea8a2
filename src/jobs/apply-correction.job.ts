import { z } from 'zod';
import { APPLY_CORRECTION_JOB, CORRECTION_QUEUE, type CorrectionService } from '../services/corrections.service.js';
import { defineJob } from './job-definition.js';

/**
 * Sends one correction to its lagging system, retried with backoff. The last failed attempt
 * escalates the mismatch to a person; a correction already applied or failed is not sent again.
 */
export const applyCorrectionJob = defineJob({
  queue: CORRECTION_QUEUE,
  name: APPLY_CORRECTION_JOB,
  payload: z.object({ correctionId: z.uuid() }),
  options: { attempts: 5, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: { count: 10_000 }, removeOnFail: { count: 10_000 } },
  handler: (deps: { corrections: CorrectionService }) => async (data, job) => {
    try {
      const outcome = await deps.corrections.apply(data.correctionId);
      return outcome.kind === 'APPLIED' ? { applied: outcome.result.applied, nativeStatus: outcome.result.nativeStatus } : { skipped: outcome.reason };
    } catch (error) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        await deps.corrections.exhausted(data.correctionId, error instanceof Error ? error.message : String(error));
      }
      throw error;
    }
  },
});
