import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildDemoDataset, type DemoDossier } from '../../src/connectors/demo/demo-dataset.js';
import { WebhookSender, type OutgoingEvent } from '../../src/connectors/webhook-sender.js';
import { generateWebhookSecret } from '../../src/http/webhook-signature.js';
import { INGEST_QUEUE } from '../../src/jobs/apply-inbound-events.job.js';
import { silentLogger } from '../../src/logger.js';
import { startLocalRedis, type RunningRedis } from '../../src/runtime/local-redis.js';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';
import { createTestDatabase, eventually, type TestDatabase } from '../support/test-database.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const STATUSES = ['RECEIVED', 'PROCESSING', 'SUPPLEMENT_REQUESTED', 'PROCESSING', 'RESOLVED'] as const;
const dataset = buildDemoDataset({ seed: 4711, dossierCount: 1_000, anchor: new Date('2026-11-20T00:00:00+07:00') });

/** Five versions of each dossier's status, in a scrambled order across dossiers and versions. */
function eventsFor(dossiers: readonly DemoDossier[], tag: string): OutgoingEvent[] {
  const events: OutgoingEvent[] = dossiers.flatMap((d) =>
    STATUSES.map((status, i) => ({
      id: `${tag}-${d.code}-v${i + 1}`,
      type: 'dossier.status_changed' as const,
      timestamp: new Date(Date.UTC(2026, 10, 19, 1, 0, i)),
      version: i + 1,
      data: { dossierCode: d.code, procedureCode: d.procedureCode, provinceCode: d.provinceCode, communeCode: d.communeCode, status },
    })),
  );
  // Deterministic shuffle: later versions often arrive before earlier ones.
  let seed = 17;
  for (let i = events.length - 1; i > 0; i -= 1) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [events[i], events[j]] = [events[j] as OutgoingEvent, events[i] as OutgoingEvent];
  }
  return events;
}

/** Pushes in batches with a few deliveries in flight; returns the ids the hub acknowledged. */
async function pushAll(sender: WebhookSender, events: OutgoingEvent[], batch: number, inFlight: number, onAck?: (acked: number) => Promise<void>): Promise<string[]> {
  const acked: string[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < events.length) {
      const slice = events.slice(next, next + batch);
      next += batch;
      const reply = await sender.send(slice);
      if (reply.status !== 200) throw new Error(`push refused: ${reply.status} ${JSON.stringify(reply.body).slice(0, 300)}`);
      acked.push(...slice.map((e) => e.id as string));
      await onAck?.(acked.length);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return acked;
}

async function outcome(db: TestDatabase, ids: string[]) {
  const rows = await db.sql<{ status: string; apply_count: number; n: number }[]>`
    select status, apply_count, count(*)::int as n from inbound_events where event_id = any(${ids}) group by status, apply_count order by 1, 2`;
  return rows;
}

async function finalVersions(db: TestDatabase, dossiers: readonly DemoDossier[]): Promise<Record<string, number>> {
  const rows = await db.sql<{ source_version: string; n: number }[]>`
    select source_version, count(*)::int as n from observations
    where system = 'provincial' and dossier_code = any(${dossiers.map((d) => d.code)}) group by source_version`;
  return Object.fromEntries(rows.map((r) => [r.source_version, r.n]));
}

describe('pushes survive a Redis crash', () => {
  let dir: string;
  let redis: RunningRedis;
  let db: TestDatabase;
  let hub: HubProcess;
  const secret = generateWebhookSecret();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lienthong-redis-crash-'));
    await chmod(dir, 0o755);
    // A redis-server of this test's own, with its append-only file: killing it is the point.
    redis = await startLocalRedis({ dataDir: dir, preferredPort: 0, logger: silentLogger() });
    db = await createTestDatabase();
    hub = await startHubProcess({
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `crash${randomBytes(4).toString('hex')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_DOSSIERS: '50',
      RECONCILE_PROVINCES: '',
      INGEST_SECRETS: `provincial=${secret}`,
      INGEST_SWEEP_AFTER_SECONDS: '3',
    });
  });

  afterAll(async () => {
    await hub?.stop();
    await redis?.stop();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies every accepted event exactly once when redis-server is killed (SIGKILL) during 1,000 pushes and restarted', async () => {
    const dossiers = dataset.dossiers.slice(0, 200);
    const events = eventsFor(dossiers, 'crash');
    expect(events).toHaveLength(1_000);
    const sender = new WebhookSender({ hubUrl: hub.graphqlUrl, system: 'provincial', secret, retries: 5 });
    let killed = false;
    const acked = await pushAll(sender, events, 10, 8, async (count) => {
      if (!killed && count >= 300) {
        killed = true;
        redis.process.kill('SIGKILL');
        await new Promise((resolve) => redis.process.once('exit', resolve));
      }
    });
    expect(killed).toBe(true);
    // PostgreSQL was up throughout: every push was acknowledged, Redis or not.
    expect(acked).toHaveLength(1_000);
    const [waiting] = await db.sql<{ n: number }[]>`select count(*)::int as n from inbound_events where status = 'ACCEPTED'`;
    expect(waiting?.n).toBeGreaterThan(0);

    redis = await startLocalRedis({ dataDir: dir, preferredPort: redis.port, logger: silentLogger() });
    await eventually(
      async () => {
        const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from inbound_events where status = 'ACCEPTED'`;
        return row?.n === 0 ? true : undefined;
      },
      { what: 'every accepted event to be processed after Redis returned', timeoutMs: 120_000, intervalMs: 250 },
    );
    const rows = await outcome(db, acked);
    // Each event was applied, or found older than its dossier's state, exactly once.
    expect(rows.every((r) => r.apply_count === 1 && (r.status === 'APPLIED' || r.status === 'SUPERSEDED'))).toBe(true);
    expect(rows.reduce((sum, r) => sum + r.n, 0)).toBe(1_000);
    expect(await finalVersions(db, dossiers)).toEqual({ '5': 200 });
    expect(hub.child.exitCode).toBeNull();
  });
});

describe('a worker killed mid-job', () => {
  let db: TestDatabase;
  let api: HubProcess;
  let worker: WorkerProcess | null = null;
  const secret = generateWebhookSecret();
  const prefix = `wk${randomBytes(4).toString('hex')}`;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = {
      DATABASE_URL: db.url,
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: prefix,
      HOST: '127.0.0.1',
      DEMO_DOSSIERS: '50',
      RECONCILE_PROVINCES: '',
      INGEST_SECRETS: `provincial=${secret}`,
      INGEST_SWEEP_AFTER_SECONDS: '3',
    };
    api = await startHubProcess({ ...env, PORT: '0', ROLE: 'api' });
  });

  afterAll(async () => {
    if (worker && worker.child.exitCode === null) {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
    await api?.stop();
    await db?.drop();
  });

  // Two worker boots and the killed worker's job locks expiring (lockDuration) take more than the default minute under load.
  it('runs the killed jobs again and applies each event once', async () => {
    const dossiers = dataset.dossiers.slice(200, 600);
    const events = eventsFor(dossiers, 'kill');
    const sender = new WebhookSender({ hubUrl: api.graphqlUrl, system: 'provincial', secret, retries: 5 });
    const acked = await pushAll(sender, events, 100, 4);
    expect(acked).toHaveLength(2_000);

    worker = await startWorkerProcess({ ...env, PORT: '0' });
    const processed = async (): Promise<number> => {
      const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from inbound_events where status <> 'ACCEPTED'`;
      return row?.n ?? 0;
    };
    await eventually(async () => ((await processed()) >= 300 ? true : undefined), { what: 'the worker to be busy', timeoutMs: 60_000, intervalMs: 20 });
    worker.child.kill('SIGKILL');
    const { signal } = await worker.exited;
    expect(signal).toBe('SIGKILL');
    const atKill = await processed();
    expect(atKill).toBeLessThan(2_000);

    worker = await startWorkerProcess({ ...env, PORT: '0' });
    await eventually(async () => ((await processed()) === 2_000 ? true : undefined), {
      what: 'every event to be processed by the new worker',
      timeoutMs: 120_000,
      intervalMs: 250,
    });
    const rows = await outcome(db, acked);
    expect(rows.every((r) => r.apply_count === 1)).toBe(true);
    expect(rows.reduce((sum, r) => sum + r.n, 0)).toBe(2_000);
    expect(await finalVersions(db, dossiers)).toEqual({ '5': 400 });

    // The jobs the killed worker held were taken up again (BullMQ counts them as stalled).
    const connection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    const queue = new Queue(INGEST_QUEUE, { connection, prefix });
    try {
      // Each job carries a batch of events; together the completed ones carry all 2,000.
      const jobs = await queue.getJobs(['completed'], 0, -1);
      expect(new Set(jobs.flatMap((j) => (j.data as { inboundEventIds: string[] }).inboundEventIds)).size).toBe(2_000);
      expect(await queue.getJobCountByTypes('failed', 'waiting', 'active', 'delayed')).toBe(0);
      const rerun = jobs.filter((j) => j.stalledCounter > 0 || j.attemptsStarted > 1);
      expect(rerun.length).toBeGreaterThan(0);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }, 180_000);
});
