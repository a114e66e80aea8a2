import type { Job, Worker, WorkerOptions } from 'bullmq';
import type { Logger } from 'pino';
import { parsePayload, type JobDefinition } from './job-definition.js';
import type { QueueEngine } from './queue-engine.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyJob = JobDefinition<any, any, unknown>;

export interface BoundJob {
  definition: AnyJob;
  deps: unknown;
}

/** Jobs of one queue a worker process runs at the same time unless told otherwise. */
export const DEFAULT_JOB_CONCURRENCY = 2;

/**
 * Starts one worker per queue that dispatches by job name. Boot fails if a queue receives a job
 * name with no handler, so a job can never sit unprocessed for lack of code.
 */
export function startWorkers(
  engine: QueueEngine,
  jobs: readonly BoundJob[],
  logger: Logger,
  options: { concurrency?: number; worker?: Partial<WorkerOptions> } = {},
): Worker[] {
  type Handler = (data: unknown, job: Job) => Promise<unknown>;
  const byQueue = new Map<string, Map<string, Handler>>();
  for (const { definition, deps } of jobs) {
    const handlers = byQueue.get(definition.queue) ?? new Map<string, Handler>();
    if (handlers.has(definition.name)) throw new Error(`job ${definition.name} is registered twice`);
    const handle = definition.handler(deps);
    handlers.set(definition.name, (data: unknown, job: Job) => handle(parsePayload(definition, data), job));
    byQueue.set(definition.queue, handlers);
  }
  const workers: Worker[] = [];
  for (const [queue, handlers] of byQueue) {
    const worker = engine.worker(
      queue,
      async (job) => {
        const handler = handlers.get(job.name);
        if (!handler) throw new Error(`no handler for job ${job.name} on queue ${queue}`);
        return handler(job.data, job);
      },
      { ...options.worker, concurrency: options.concurrency ?? DEFAULT_JOB_CONCURRENCY },
    );
    worker.on('failed', (job, error) => {
      logger.warn({ queue, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: { message: error.message } }, 'job failed');
    });
    worker.on('error', (error) => logger.error({ queue, err: { message: error.message } }, 'worker error'));
    workers.push(worker);
  }
  return workers;
}
