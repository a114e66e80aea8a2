import {
  FlowProducer,
  Queue,
  Worker,
  createPostgresBackend,
  withBackend,
  type JobsOptions,
  type Processor,
  type QueueOptions,
  type WorkerOptions,
} from 'bullmq';
import { Redis } from 'ioredis';

export type QueueEngineKind = 'redis' | 'postgres';

/**
 * The engine behind the BullMQ queues. Redis is the production engine; BullMQ's PostgreSQL
 * backend is the zero-dependency fallback of the embedded default. Job code never knows which.
 */
export interface QueueEngine {
  readonly kind: QueueEngineKind;
  queue<D>(name: string, defaultJobOptions?: JobsOptions): Queue<D>;
  worker<D>(name: string, processor: Processor<D>, options?: Partial<WorkerOptions>): Worker<D>;
  flowProducer(): FlowProducer;
  close(): Promise<void>;
}

export interface QueueEngineOptions {
  /** Key prefix (Redis) or queue-name prefix (PostgreSQL); lets several hubs or test files share a server. */
  prefix?: string;
}

export function createQueueEngine(kind: QueueEngineKind, url: string, options: QueueEngineOptions = {}): QueueEngine {
  const prefix = options.prefix ?? 'lienthong';
  return kind === 'redis' ? new RedisQueueEngine(url, prefix) : new PostgresQueueEngine(url, prefix);
}

class RedisQueueEngine implements QueueEngine {
  readonly kind = 'redis' as const;
  /** Producers fail fast when Redis is unreachable; callers decide what to do (the outbox retries). */
  private readonly producer: Redis;
  private readonly closers: Array<() => Promise<unknown>> = [];

  constructor(
    private readonly url: string,
    private readonly prefix: string,
  ) {
    this.producer = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
  }

  queue<D>(name: string, defaultJobOptions?: JobsOptions): Queue<D> {
    const options: QueueOptions = { connection: this.producer, prefix: this.prefix, ...(defaultJobOptions ? { defaultJobOptions } : {}) };
    const queue = new Queue<D>(name, options);
    this.closers.push(() => queue.close());
    return queue;
  }

  worker<D>(name: string, processor: Processor<D>, options: Partial<WorkerOptions> = {}): Worker<D> {
    // Workers block on Redis and must retry forever: BullMQ requires maxRetriesPerRequest null.
    const connection = new Redis(this.url, { maxRetriesPerRequest: null });
    const worker = new Worker<D>(name, processor, { ...options, connection, prefix: this.prefix });
    this.closers.push(async () => {
      await worker.close();
      connection.disconnect();
    });
    return worker;
  }

  flowProducer(): FlowProducer {
    const flow = new FlowProducer({ connection: this.producer, prefix: this.prefix });
    this.closers.push(() => flow.close());
    return flow;
  }

  async close(): Promise<void> {
    // Workers first (they drain their active jobs), then queues, then the shared connection.
    for (const close of this.closers.reverse()) await close();
    this.producer.disconnect();
  }
}

class PostgresQueueEngine implements QueueEngine {
  readonly kind = 'postgres' as const;
  private readonly classes = withBackend(createPostgresBackend);
  private readonly closers: Array<() => Promise<unknown>> = [];

  constructor(
    private readonly url: string,
    private readonly prefix: string,
  ) {}

  /** BullMQ creates its own schema only when asked to migrate; without it workers fail in a loop. */
  private connection() {
    return { connectionString: this.url, schema: 'bullmq', migrate: true, max: 5 };
  }

  queue<D>(name: string, defaultJobOptions?: JobsOptions): Queue<D> {
    const queue = new this.classes.Queue<D>(name, {
      connection: this.connection(),
      prefix: this.prefix,
      ...(defaultJobOptions ? { defaultJobOptions } : {}),
    });
    this.closers.push(() => queue.close());
    return queue as unknown as Queue<D>;
  }

  worker<D>(name: string, processor: Processor<D>, options: Partial<WorkerOptions> = {}): Worker<D> {
    const worker = new this.classes.Worker<D>(name, processor as never, {
      ...(options as object),
      connection: this.connection(),
      prefix: this.prefix,
    });
    this.closers.push(() => worker.close());
    return worker as unknown as Worker<D>;
  }

  flowProducer(): FlowProducer {
    const flow = new this.classes.FlowProducer({ connection: this.connection(), prefix: this.prefix });
    this.closers.push(() => flow.close());
    return flow as unknown as FlowProducer;
  }

  async close(): Promise<void> {
    for (const close of this.closers.reverse()) await close();
  }
}
