import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_QUEUE } from '../../../src/jobs/apply-inbound-events.job.js';
import { silentLogger } from '../../../src/logger.js';
import { startLocalRedis, type RunningRedis } from '../../../src/runtime/local-redis.js';
import { startIngestHarness, statusEvent, type IngestHarness } from '../../support/ingest-harness.js';
import { eventually } from '../../support/test-database.js';

const logger = silentLogger();

async function statuses(hub: IngestHarness, ids: string[]): Promise<Record<string, number>> {
  const rows = await hub.db.sql<{ status: string; n: number }[]>`
    select status, count(*)::int as n from inbound_events where event_id = any(${ids}) group by status`;
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

describe('the outbox relay', () => {
  let dir: string;
  let redis: RunningRedis;
  let hub: IngestHarness;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lienthong-relay-'));
    await chmod(dir, 0o755);
    redis = await startLocalRedis({ dataDir: dir, preferredPort: 0, logger });
    hub = await startIngestHarness({ redisUrl: redis.url });
  });

  afterAll(async () => {
    await hub?.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts pushes while Redis is down and drains the backlog when it returns', async () => {
    const port = redis.port;
    redis.process.kill('SIGKILL');
    await new Promise((resolve) => redis.process.once('exit', resolve));

    const events = hub.dataset.dossiers.slice(0, 50).map((d) => statusEvent(d, { status: 'PROCESSING', version: 10 }));
    const reply = await hub.sender('provincial').send(events);
    expect(reply.status).toBe(200);
    const ids = events.map((e) => e.id as string);
    expect(await statuses(hub, ids)).toEqual({ ACCEPTED: 50 });
    const [waiting] = await hub.db.sql<{ n: number }[]>`select count(*)::int as n from outbox where published_at is null`;
    expect(waiting?.n).toBe(50);

    redis = await startLocalRedis({ dataDir: dir, preferredPort: port, logger });
    expect(redis.port).toBe(port);
    await eventually(async () => ((await statuses(hub, ids))['APPLIED'] === 50 ? true : undefined), {
      what: 'the backlog to drain',
      timeoutMs: 30_000,
    });
  });

  it('publishes again the jobs the queue lost, and they are applied once', async () => {
    // No workers yet, and the relay driven by the test: published jobs wait in Redis, then Redis loses them.
    const harness = await startIngestHarness({ redisUrl: redis.url, workers: false, background: false, env: { INGEST_SWEEP_AFTER_SECONDS: '1' } });
    try {
      const dossiers = harness.dataset.dossiers.slice(0, 20);
      const events = dossiers.map((d) => statusEvent(d, { status: 'PROCESSING', version: 10 }));
      expect((await harness.sender('provincial').send(events)).status).toBe(200);
      await harness.runtime.relay.flush();
      const queue = harness.engine.queue(INGEST_QUEUE);
      // One job carries the delivery's 20 events.
      const [job] = await queue.getJobs(['waiting']);
      expect(await queue.getJobCountByTypes('waiting')).toBe(1);
      expect((job?.data as { inboundEventIds: string[] }).inboundEventIds).toHaveLength(20);
      await queue.obliterate({ force: true });
      expect(await queue.getJobCountByTypes('waiting')).toBe(0);

      const republished = await eventually(async () => {
        const n = await harness.runtime.relay.sweep();
        return n > 0 ? n : undefined;
      });
      expect(republished).toBe(20);
      harness.startWorkers();
      const ids = events.map((e) => e.id as string);
      await eventually(async () => ((await statuses(harness, ids))['APPLIED'] === 20 ? true : undefined), { what: 'the re-published jobs' });
      const counts = await harness.db.sql<{ apply_count: number; n: number }[]>`
        select apply_count, count(*)::int as n from inbound_events where event_id = any(${ids}) group by apply_count`;
      expect(counts).toEqual([{ apply_count: 1, n: 20 }]);
    } finally {
      await harness.close();
    }
  });
});
