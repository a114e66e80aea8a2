import { randomBytes } from 'node:crypto';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildDemoDataset } from '../../src/connectors/demo/demo-dataset.js';
import { NationalPortalConnector } from '../../src/connectors/national-portal/client.js';
import { createNationalPortalSimulator } from '../../src/connectors/national-portal/simulator.js';
import { ProvincialConnector } from '../../src/connectors/provincial/client.js';
import { createProvincialSimulator } from '../../src/connectors/provincial/simulator.js';
import { SpecializedConnector } from '../../src/connectors/specialized/client.js';
import { createSpecializedSimulator } from '../../src/connectors/specialized/simulator.js';
import { RunFeedRepository } from '../../src/db/run-feed.repository.js';
import { RunReportRepository } from '../../src/db/run-report.repository.js';
import { AdministrativeUnitRepository } from '../../src/db/administrative-unit.repository.js';
import { MismatchRepository } from '../../src/db/mismatch.repository.js';
import { ObservationRepository } from '../../src/db/observation.repository.js';
import type { RunRow } from '../../src/db/reconciliation.repository.js';
import { SyncCursorRepository } from '../../src/db/sync-cursor.repository.js';
import { createQueueEngine, type QueueEngine } from '../../src/jobs/queue-engine.js';
import { startWorkers } from '../../src/jobs/workers.js';
import { silentLogger } from '../../src/logger.js';
import { createReconciliationRuntime } from '../../src/runtime/reconciliation.js';
import { AdministrativeUnitService } from '../../src/services/administrative-unit.service.js';
import { DossierSyncService } from '../../src/services/dossier-sync.service.js';
import { ReconciliationRequestService } from '../../src/services/reconciliation-request.service.js';
import { createTestDatabase, eventually, type TestDatabase } from '../support/test-database.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const logger = silentLogger();
const PROVINCE = '96';

interface ReportBody {
  run: Record<string, unknown>;
  sources: unknown[];
  totals: unknown;
  findings: unknown[];
}

/**
 * A worker killed with SIGKILL in the middle of a run (and the run's staged records lost, as a
 * PostgreSQL crash empties unlogged tables): the run is taken up again by a new worker and ends
 * with the same report as a run nobody interrupted, over the same systems.
 */
describe('a reconciliation worker killed mid-run', () => {
  const seed = 9001;
  const dataset = buildDemoDataset({ seed, dossierCount: 4_000, provinceCodes: [PROVINCE], anchor: new Date('2026-11-20T00:00:00+07:00') });
  const sims = {
    provincial: createProvincialSimulator({ dataset, seed }),
    specialized: createSpecializedSimulator({ dataset, seed }),
    portal: createNationalPortalSimulator({ dataset, seed }),
  };
  let urls: { provincial: string; specialized: string; portal: string };
  const dbs: TestDatabase[] = [];
  const engines: QueueEngine[] = [];
  const inProcess: Worker[] = [];
  const processes: WorkerProcess[] = [];


  const finished = (db: TestDatabase, runId: string) =>
    eventually(
      async () => {
        const [run] = await db.sql<Pick<RunRow, 'status' | 'phase'>[]>`select status, phase from reconciliation_runs where id = ${runId}`;
        return run && run.phase === 'DONE' ? run : undefined;
      },
      { what: `run ${runId} to finish`, timeoutMs: 120_000 },
    );

  const reportOf = async (db: TestDatabase, runId: string): Promise<ReportBody> => {
    return JSON.parse((await new RunReportRepository(db.sql).text(runId, 'json')) ?? '{}') as ReportBody;
  };

  beforeAll(async () => {
    urls = {
      provincial: await sims.provincial.server.listen(0),
      specialized: await sims.specialized.server.listen(0),
      portal: await sims.portal.server.listen(0),
    };
  });

  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await Promise.all(inProcess.map((w) => w.close()));
    await Promise.all(engines.map((e) => e.close()));
    await Promise.all(Object.values(sims).map((s) => s.server.close()));
    await Promise.all(dbs.map((d) => d.drop()));
  });

  const newRun = async (db: TestDatabase, engine: QueueEngine): Promise<string> => {
    const { ReconciliationRepository } = await import('../../src/db/reconciliation.repository.js');
    const { ScheduleService } = await import('../../src/services/schedule.service.js');
    const queue = engine.queue('reconciliation');
    const requests = new ReconciliationRequestService(
      new ReconciliationRepository(db.sql),
      new MismatchRepository(db.db),
      new AdministrativeUnitService(new AdministrativeUnitRepository(db.db)),
      queue,
      db.sql,
      new ScheduleService(db.sql, queue),
    );
    const outcome = await requests.request(PROVINCE, 'test', { dryRun: true });
    if (!outcome.ok) throw new Error(outcome.error.message);
    return outcome.run.id;
  };

  it('finishes after a restart with the same report as an uninterrupted run', async () => {
    // The uninterrupted run, in this process.
    const cleanDb = await createTestDatabase();
    dbs.push(cleanDb);
    const cleanEngine = createQueueEngine('redis', inject('redisUrl'), { prefix: `kc${randomBytes(4).toString('hex')}` });
    engines.push(cleanEngine);
    const resilience = { timeoutMs: 5_000, retries: 0, breakerThreshold: 1_000 };
    const rec = await createReconciliationRuntime({
      config: loadConfig({ RECONCILE_PROVINCES: PROVINCE, RECONCILE_PARTITION_SIZE: '1000' }),
      sql: cleanDb.sql,
      engine: cleanEngine,
      sync: new DossierSyncService(cleanDb.sql, new ObservationRepository(), new SyncCursorRepository(cleanDb.sql), logger),
      systems: {
        provincial: new ProvincialConnector({ baseUrl: urls.provincial, logger, resilience }),
        specialized: new SpecializedConnector({ baseUrl: urls.specialized, logger, resilience }),
        'national-portal': new NationalPortalConnector({ baseUrl: urls.portal, logger, resilience }),
      },
      dataQuality: null,
      logger,
    });
    inProcess.push(...startWorkers(cleanEngine, rec.jobs, logger));
    const cleanRun = await newRun(cleanDb, cleanEngine);
    expect((await finished(cleanDb, cleanRun)).status).toBe('SUCCEEDED');
    const clean = await reportOf(cleanDb, cleanRun);

    // The same run in a worker process killed while it reads the portal (slowed down to make the window wide).
    const db = await createTestDatabase();
    dbs.push(db);
    const prefix = `kk${randomBytes(4).toString('hex')}`;
    const engine = createQueueEngine('redis', inject('redisUrl'), { prefix });
    engines.push(engine);
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: prefix,
      PROVINCIAL_URL: urls.provincial,
      SPECIALIZED_URL: urls.specialized,
      NATIONAL_PORTAL_URL: urls.portal,
      RECONCILE_PROVINCES: '',
      RECONCILE_PARTITION_SIZE: '1000',
      UPSTREAM_TIMEOUT_MS: '5000',
      DEMO_DOSSIERS: '100',
    };
    const first = await startWorkerProcess(env);
    processes.push(first);
    sims.portal.server.setFaults({ latencyMs: 250 });
    const runId = await newRun(db, engine);
    await eventually(
      async () => {
        const [run] = await db.sql<{ sources: Array<{ system: string; read: number; complete?: boolean }> }[]>`
          select sources from reconciliation_runs where id = ${runId}`;
        const portal = run?.sources.find((s) => s.system === 'national-portal');
        return portal && portal.read > 0 && portal.complete === false ? true : undefined;
      },
      { what: 'the run to be reading the portal', timeoutMs: 60_000, intervalMs: 20 },
    );
    first.child.kill('SIGKILL');
    await first.exited;
    sims.portal.server.resetFaults();
    const [midway] = await db.sql<{ phase: string }[]>`select phase from reconciliation_runs where id = ${runId}`;
    expect(midway?.phase).toBe('PULLING');
    // What a PostgreSQL crash does to the run's unlogged staging table, on top of the dead worker:
    // the records staged so far are gone, while the run's progress says they were read.
    const staging = RunFeedRepository.table(runId);
    const [staged] = await db.sql<{ n: number }[]>`select count(*)::int as n from ${db.sql(staging)}`;
    expect(staged?.n).toBeGreaterThan(0);
    await db.sql`truncate ${db.sql(staging)}`;

    const second = await startWorkerProcess(env);
    processes.push(second);
    expect((await finished(db, runId)).status).toBe('SUCCEEDED');
    const resumed = await reportOf(db, runId);

    expect(resumed.findings.length).toBeGreaterThan(50);
    // The Decision 766 reading is taken as of each run's start, and the two runs start seconds
    // apart (a due date can fall between them): everything else must be identical.
    const asOfRun = ({ timelinessBefore: _b, timelinessAfter: _a, ...rest }: Record<string, unknown>) => rest;
    const totalsAsOfRun = ({ timelinessChanges: _t, ...rest }: Record<string, unknown>) => rest;
    expect(resumed.findings.map((f) => asOfRun(f as Record<string, unknown>))).toEqual(clean.findings.map((f) => asOfRun(f as Record<string, unknown>)));
    expect(totalsAsOfRun(resumed.totals as Record<string, unknown>)).toEqual(totalsAsOfRun(clean.totals as Record<string, unknown>));
    expect(resumed.sources).toEqual(clean.sources);
    second.child.kill('SIGTERM');
    await second.exited;
  });
});
