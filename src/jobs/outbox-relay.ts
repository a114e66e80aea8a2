import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { InboxRepository, OutboxRow } from '../db/inbox.repository.js';
import { every, type PeriodicTask } from '../runtime/periodic.js';
import type { IngestMetrics } from '../services/ingest-metrics.js';
import { applyInboundEventJob, applyJobId } from './apply-inbound-event.job.js';

export interface OutboxRelayOptions {
  /** Outbox rows moved per transaction. */
  batchSize?: number;
  /** How often the relay looks for rows nobody nudged it about (other processes, failed moves). */
  pollMs?: number;
  /** How long a published event may stay unapplied before its job is checked. */
  sweepAfterSeconds?: number;
  sweepEveryMs?: number;
  /** Longest wait for the queue to take a batch. */
  publishTimeoutMs?: number;
}

/**
 * Moves outbox rows to BullMQ. A row is marked published only after the queue took its job,
 * whose id derives from the row's id, so a row moved twice is still one job. The sweeper looks
 * at rows published a while ago whose event is still unapplied: a job the queue lost (Redis
 * restarted without its last writes, keys evicted) is published again, a job that failed for
 * good is retried. With Redis down, rows wait in PostgreSQL and move when it returns.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly publishTimeoutMs: number;
  private readonly sweepAfterSeconds: number;
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private failing = false;
  private tasks: PeriodicTask[] = [];

  constructor(
    private readonly inbox: InboxRepository,
    private readonly queue: Queue,
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
    this.sweepAfterSeconds = options.sweepAfterSeconds ?? 30;
  }

  start(): void {
    this.stopped = false;
    this.tasks = [
      every('outbox relay', this.options.pollMs ?? 1_000, () => Promise.resolve(this.nudge()), this.logger),
      every('outbox sweeper', this.options.sweepEveryMs ?? 5_000, () => this.sweep(), this.logger),
    ];
    this.nudge();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.tasks.map((t) => t.stop()));
    await this.draining;
  }

  /** New rows are waiting: move them now (coalesced with a move in progress). */
  nudge(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = null;
    });
  }

  /** Resolves when the rows present now have been moved (or the move failed). */
  async flush(): Promise<void> {
    this.nudge();
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      do {
        this.again = false;
        let moved: number;
        do {
          moved = await this.inbox.publishPending(this.batchSize, (rows) => this.publish(rows));
          if (moved > 0) this.metrics.published.inc({ how: 'relay' }, moved);
        } while (moved === this.batchSize && !this.stopped);
      } while (this.again && !this.stopped);
      if (this.failing) this.logger.info('outbox relay: the queue takes jobs again');
      this.failing = false;
    } catch (error) {
      // Rows stay unpublished; the next poll tries again.
      if (!this.failing) this.logger.warn({ err: { message: (error as Error).message } }, 'outbox relay: the queue is unavailable; events wait in PostgreSQL');
      this.failing = true;
    }
  }

  private async publish(rows: OutboxRow[]): Promise<void> {
    await withTimeout(
      this.queue.addBulk(
        rows.map((row) => ({
          name: applyInboundEventJob.name,
          data: applyInboundEventJob.payload.parse({ inboundEventId: row.inboundEventId, outboxId: row.id }),
          opts: { ...applyInboundEventJob.options, jobId: applyJobId(row.id) },
        })),
      ),
      this.publishTimeoutMs,
    );
  }

  /** Checks the jobs of events published long ago and still unapplied; returns how many were published again. */
  async sweep(): Promise<number> {
    let republished = 0;
    await this.inbox.sweep(this.sweepAfterSeconds, this.batchSize, async (rows) => {
      const lost: OutboxRow[] = [];
      for (const row of rows) {
        const jobId = applyJobId(row.id);
        const state = await withTimeout(this.queue.getJobState(jobId), this.publishTimeoutMs);
        if (state === 'unknown') {
          lost.push(row);
        } else if (state === 'failed' || state === 'completed') {
          // Failed for good, or completed without applying (a race with a process that died):
          // the event is still ACCEPTED, so it runs again.
          const job = await this.queue.getJob(jobId);
          await job?.remove();
          lost.push(row);
        }
      }
      if (lost.length > 0) {
        await this.publish(lost);
        republished += lost.length;
        this.metrics.published.inc({ how: 'sweeper' }, lost.length);
        this.logger.warn({ events: lost.length }, 'outbox sweeper: published again events whose jobs the queue had lost');
      }
    });
    return republished;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the queue did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
