import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createQueueEngine, type QueueEngineKind } from '../../../src/jobs/queue-engine.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.drop();
});

describe.each<QueueEngineKind>(['redis', 'postgres'])('the %s queue engine', (kind) => {
  it('runs each added job once through a worker and reports its result', async () => {
    const url = kind === 'redis' ? inject('redisUrl') : db.url;
    const engine = createQueueEngine(kind, url, { prefix: `t${randomBytes(4).toString('hex')}` });
    try {
      const seen: number[] = [];
      const queue = engine.queue<{ n: number }>('echo');
      const done = new Promise<void>((resolve) => {
        const worker = engine.worker<{ n: number }>('echo', (job) => {
          seen.push(job.data.n);
          return Promise.resolve(job.data.n * 2);
        });
        worker.on('completed', () => {
          if (seen.length === 3) resolve();
        });
      });
      await queue.add('echo', { n: 1 }, { jobId: 'a' });
      await queue.add('echo', { n: 2 }, { jobId: 'b' });
      await queue.add('echo', { n: 3 }, { jobId: 'c' });
      // The same job id again is a no-op: redelivery never runs a job twice.
      await queue.add('echo', { n: 1 }, { jobId: 'a' });
      await done;
      expect(seen.sort()).toEqual([1, 2, 3]);
      const job = await queue.getJob('b');
      expect(job?.returnvalue).toBe(4);
    } finally {
      await engine.close();
    }
  });
});
