import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReconciliationRunDocument, ReconciliationRunsDocument, RequestReconciliationDocument } from '../../src/generated/operations.js';
import { execute } from '../support/graphql-client.js';
import { fetchTruth, seededDriftProblems, type FoundMismatch } from '../support/seeded-drift.js';
import { superuser } from '../support/tokens.js';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';
import { createTestDatabase, eventually, type TestDatabase } from '../support/test-database.js';

describe('the hub on a machine without redis-server', () => {
  let db: TestDatabase;
  let hub: HubProcess;
  let auth: Record<string, string>;

  beforeAll(async () => {
    auth = await superuser();
    db = await createTestDatabase();
    hub = await startHubProcess({
      DATABASE_URL: db.url,
      REDIS_URL: '',
      // No redis-server can be found on this PATH: the hub must fall back to PostgreSQL queues.
      PATH: '/nonexistent',
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_DOSSIERS: '400',
      RECONCILE_EVERY_SECONDS: '3600',
    });
  });

  afterAll(async () => {
    await hub?.stop();
    await db?.drop();
  });

  it('says that queues run on PostgreSQL and how to install Redis', () => {
    expect(hub.output()).toContain("Queues      BullMQ's PostgreSQL backend");
    expect(hub.output()).toContain('apt-get install -y redis-server');
    expect(hub.output()).toContain('brew install redis');
  });

  it('runs the scheduled and the requested reconciliations on BullMQ’s PostgreSQL backend', async () => {
    const truth = await fetchTruth(hub.simulators['provincial'] as string, hub.simulators['national-portal'] as string);
    const requested = await execute(hub.graphqlUrl, RequestReconciliationDocument, { provinceCode: '96' }, auth);
    expect(requested.errors).toEqual([]);
    const requestedId = requested.data?.requestReconciliation.id;
    const runs = await eventually(
      async () => {
        const result = await execute(hub.graphqlUrl, ReconciliationRunsDocument, { first: 20 }, auth);
        const done = (result.data?.reconciliationRuns ?? []).filter((r) => r.status === 'SUCCEEDED');
        const scheduled = new Set(done.filter((r) => r.trigger === 'SCHEDULE').map((r) => r.provinceCode));
        return scheduled.has('96') && scheduled.has('51') && done.some((r) => r.id === requestedId) ? done : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250, what: 'scheduled runs of 96 and 51 and the requested run' },
    );
    // The first scheduled run of each province reads everything: it finds exactly what was seeded.
    const found: FoundMismatch[] = [];
    for (const run of ['96', '51'].map((p) => runs.filter((r) => r.trigger === 'SCHEDULE' && r.provinceCode === p).at(-1))) {
      const result = await execute(hub.graphqlUrl, ReconciliationRunDocument, { id: run?.id as string, first: 200 }, auth);
      expect(result.errors).toEqual([]);
      found.push(...(result.data?.reconciliationRun?.findings.edges ?? []).map((e) => e.node));
    }
    expect(seededDriftProblems(found, truth)).toEqual([]);
  });
});
