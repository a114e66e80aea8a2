import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { InboxRepository, OutboxRow } from '../db/inbox.repository.js';
import { every, type PeriodicTask } from '../runtime/periodic.js';
import type { IngestMetrics } from '../services/ingest-metrics.js';
import { MAX_EVENTS_PER_APPLY_JOB, applyInboundEventsJob, applyJobId } from './apply-inbound-events.job.js';

export interface OutboxRelayOptions {
  /** Outbox rows moved per transaction, as one job. */
  batchSize?: number;
  /**
   * How long a nudge waits before the rows are moved, so that the rows of many deliveries go in
   * one job: the apply path's cost is per job more than per event. Acknowledgements do not wait
   * for it.
   */
  lingerMs?: number;
  /** How often the relay looks for rows nobody nudged it about (other processes, failed moves). */
  pollMs?: number;
  /**
   * How often the poll reads the whole outbox instead of reading on from the last row moved: for
   * rows committed by a hub process that died before its relay moved them (each process's door
   * tells its own relay where its rows begin, and a relay reads the whole outbox when it starts).
   */
  fullScanEveryMs?: number;
  /** How long a published event may stay unapplied before its job is checked. */
  sweepAfterSeconds?: number;
  sweepEveryMs?: number;
  /** Longest wait for the queue to take a batch. */
  publishTimeoutMs?: number;
}

/**
 * Moves outbox rows to BullMQ, a batch of rows per job. Rows are marked published only after the
 * queue took their job, whose id derives from the rows' ids and publish attempt, so rows moved
 * twice in one attempt are still one job. The sweeper looks at rows published a while ago whose
 * event is still unapplied: rows of a job the queue lost (Redis restarted without its last
 * writes, keys evicted) or that failed for good go back to the relay, which publishes them
 * again. With Redis down, rows wait in PostgreSQL and move when it returns.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly publishTimeoutMs: number;
  private readonly sweepAfterSeconds: number;
  private readonly lingerMs: number;
  private readonly fullScanEveryMs: number;
  private draining: Promise<void> | null = null;
  private lingering: NodeJS.Timeout | null = null;
  private again = false;
  /**
   * The highest outbox id this relay published: drains read on from it, since new rows mostly come
   * after it. `restartAt`, when lower, is where the next drain starts instead: the first row of a
   * delivery the door stored (its statement may have committed after one with higher ids); the
   * first row of a move that failed; 0 at start, on a flush (the sweeper's) and now and then.
   */
  private cursor = 0n;
  private restartAt: bigint | null = 0n;
  private lastFullScan = 0;
  /** Where the sweeper reads on (it reads the outbox a part at a time). */
  private sweepFrom = '0';
  /** The last move found another relay moving rows. */
  private busy = false;
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
    this.batchSize = Math.min(options.batchSize ?? 500, MAX_EVENTS_PER_APPLY_JOB);
    this.lingerMs = options.lingerMs ?? 250;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
    this.sweepAfterSeconds = options.sweepAfterSeconds ?? 30;
    this.fullScanEveryMs = options.fullScanEveryMs ?? 300_000;
  }

  start(): void {
    this.stopped = false;
    this.tasks = [
      every(
        'outbox relay',
        this.options.pollMs ?? 1_000,
        () => {
          if (Date.now() - this.lastFullScan >= this.fullScanEveryMs) this.restartFrom(0n);
          return Promise.resolve(this.nudge());
        },
        this.logger,
      ),
      every('outbox sweeper', this.options.sweepEveryMs ?? 5_000, () => this.sweep(), this.logger),
    ];
    this.nudge();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.lingering) clearTimeout(this.lingering);
    this.lingering = null;
    await Promise.all(this.tasks.map((t) => t.stop()));
    await this.draining;
  }

  /**
   * New rows are waiting, from `fromOutboxId` on when given: move them shortly (coalesced with
   * the nudges meanwhile and a move in progress).
   */
  nudge(fromOutboxId?: string): void {
    if (fromOutboxId !== undefined) this.restartFrom(BigInt(fromOutboxId) - 1n);
    if (this.stopped || this.lingering) return;
    if (this.lingerMs <= 0) return this.drainNow();
    this.lingering = setTimeout(() => {
      this.lingering = null;
      this.drainNow();
    }, this.lingerMs);
  }

  /** Resolves when the rows present now have been moved (or the move failed). */
  async flush(): Promise<void> {
    if (this.lingering) clearTimeout(this.lingering);
    this.lingering = null;
    this.restartFrom(0n);
    for (;;) {
      this.drainNow();
      while (this.draining) await this.draining;
      if (!this.busy || this.stopped) return;
      // Another relay held the lock: read again once it is done.
      if (this.lingering) clearTimeout(this.lingering);
      this.lingering = null;
      await new Promise((resolve) => setTimeout(resolve, Math.max(10, this.lingerMs)));
    }
  }

  private drainNow(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = null;
    });
  }

  private restartFrom(from: bigint): void {
    if (this.restartAt === null || from < this.restartAt) this.restartAt = from;
  }

  private async drain(): Promise<void> {
    let after = 0n;
    try {
      do {
        this.again = false;
        after = this.restartAt !== null && this.restartAt < this.cursor ? this.restartAt : this.cursor;
        if (this.restartAt === 0n) this.lastFullScan = Date.now();
        this.restartAt = null;
        let moved: number | 'busy';
        do {
          moved = await this.inbox.publishPending(this.batchSize, (rows) => this.publish(rows), after.toString());
          this.busy = moved === 'busy';
          if (moved === 'busy') {
            // Another relay is moving rows; it may have read before this process's rows committed.
            this.restartFrom(after);
            this.again = false;
            if (!this.stopped && !this.lingering) this.lingering = setTimeout(() => ((this.lingering = null), this.drainNow()), Math.max(10, this.lingerMs));
            return;
          }
          after = this.cursor;
          if (moved > 0) this.metrics.published.inc({ how: 'relay' }, moved);
        } while (moved === this.batchSize && !this.stopped);
      } while (this.again && !this.stopped);
      if (this.failing) this.logger.info('outbox relay: the queue takes jobs again');
      this.failing = false;
    } catch (error) {
      // Rows stay unpublished; the next poll tries again from the first row of the failed move.
      this.restartFrom(after);
      if (!this.failing) this.logger.warn({ err: { message: (error as Error).message } }, 'outbox relay: the queue is unavailable; events wait in PostgreSQL');
      this.failing = true;
    }
  }

  /** Publishes one job for the rows; answers its id. */
  private async publish(rows: OutboxRow[]): Promise<string> {
    const jobId = applyJobId(rows);
    await withTimeout(
      this.queue.add(applyInboundEventsJob.name, applyInboundEventsJob.payload.parse({ inboundEventIds: rows.map((r) => r.inboundEventId), outboxIds: rows.map((r) => r.id) }), {
        ...applyInboundEventsJob.options,
        jobId,
      }),
      this.publishTimeoutMs,
    );
    // Only once the queue took them: a failed move is read again from where it began.
    for (const row of rows) if (BigInt(row.id) > this.cursor) this.cursor = BigInt(row.id);
    return jobId;
  }

  /** Checks the jobs of events published long ago and still unapplied; returns how many rows go back to the relay. */
  async sweep(): Promise<number> {
    const { lost, next } = await this.inbox.sweep(this.sweepAfterSeconds, this.batchSize, async (rows) => {
      const byJob = new Map<string, OutboxRow[]>();
      for (const row of rows) {
        // Rows published one job each (before jobs carried batches) are published again in a batch.
        const jobId = row.jobId ?? `apply-${row.id}`;
        byJob.set(jobId, [...(byJob.get(jobId) ?? []), row]);
      }
      const gone: OutboxRow[] = [];
      for (const [jobId, jobRows] of byJob) {
        const state = await withTimeout(this.queue.getJobState(jobId), this.publishTimeoutMs);
        // Lost; failed for good; or completed without applying these (a race with a process that
        // died): the events are still ACCEPTED, so they run again, in a new job.
        if (state === 'unknown' || state === 'failed' || state === 'completed') gone.push(...jobRows);
      }
      return gone;
    }, { from: this.sweepFrom });
    this.sweepFrom = next;
    if (lost > 0) {
      this.metrics.published.inc({ how: 'sweeper' }, lost);
      this.logger.warn({ events: lost }, 'outbox sweeper: events whose jobs the queue lost go to the relay again');
      await this.flush();
    }
    return lost;
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
