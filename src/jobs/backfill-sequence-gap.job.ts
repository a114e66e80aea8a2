import { z } from 'zod';
import type { SequenceBackfillService } from '../services/sequence-backfill.service.js';
import { INGEST_QUEUE } from './apply-inbound-events.job.js';
import { defineJob } from './job-definition.js';

export interface BackfillSequenceGapDeps {
  backfill: SequenceBackfillService;
}

export function backfillJobId(gapId: string): string {
  return `backfill-${gapId}`;
}

export const backfillSequenceGapJob = defineJob({
  queue: INGEST_QUEUE,
  name: 'backfill-sequence-gap',
  payload: z.object({ gapId: z.uuid() }),
  options: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { count: 5_000 },
    removeOnFail: { count: 5_000 },
  },
  handler: (deps: BackfillSequenceGapDeps) => async (data, job) => {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const gap = await deps.backfill.backfill(data.gapId, lastAttempt);
    return { status: gap?.status ?? 'MISSING', pulled: gap?.pulled ?? 0 };
  },
});
