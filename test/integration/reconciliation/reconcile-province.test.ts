import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildDemoDataset, type DemoDataset } from '../../../src/connectors/demo/demo-dataset.js';
import { ProvincialConnector } from '../../../src/connectors/provincial/client.js';
import { createProvincialSimulator } from '../../../src/connectors/provincial/simulator.js';
import { SpecializedConnector } from '../../../src/connectors/specialized/client.js';
import { createSpecializedSimulator } from '../../../src/connectors/specialized/simulator.js';
import { MismatchRepository } from '../../../src/db/mismatch.repository.js';
import { ObservationRepository } from '../../../src/db/observation.repository.js';
import { SyncCursorRepository } from '../../../src/db/sync-cursor.repository.js';
import { ReconciliationRepository } from '../../../src/db/reconciliation.repository.js';
import { AdministrativeUnitRepository } from '../../../src/db/administrative-unit.repository.js';
import { createQueueEngine, type QueueEngine } from '../../../src/jobs/queue-engine.js';
import { RECONCILIATION_QUEUE, reconcileProvinceJob } from '../../../src/jobs/reconcile-province.job.js';
import { startWorkers } from '../../../src/jobs/workers.js';
import { silentLogger } from '../../../src/logger.js';
import { AdministrativeUnitService } from '../../../src/services/administrative-unit.service.js';
import { DossierSyncService } from '../../../src/services/dossier-sync.service.js';
import { ReconciliationRequestService } from '../../../src/services/reconciliation-request.service.js';
import { ReconciliationService } from '../../../src/services/reconciliation.service.js';
import { createTestDatabase, eventually, type TestDatabase } from '../../support/test-database.js';

const logger = silentLogger();

describe('reconcileProvince', () => {
  let db: TestDatabase;
  let dataset: DemoDataset;
  let provincialSim: ReturnType<typeof createProvincialSimulator>;
  let specializedSim: ReturnType<typeof createSpecializedSimulator>;
  let provincial: ProvincialConnector;
  let specialized: SpecializedConnector;
  let runs: ReconciliationRepository;
  let service: ReconciliationService;
  let engine: QueueEngine;
  let requests: ReconciliationRequestService;

  const truthFor = (province: string): Map<string, string> =>
    new Map(
      dataset.drift
        .filter((d) => dataset.dossiers.find((x) => x.code === d.dossierCode)?.provinceCode === province)
        .map((d) => [d.dossierCode, d.expectedClass]),
    );

  const openMismatches = async (province: string): Promise<Map<string, string>> => {
    const rows = await db.sql<{ dossier_code: string; class: string }[]>`
      select dossier_code, class from mismatches where province_code = ${province} and state = 'OPEN'`;
    return new Map(rows.map((r) => [r.dossier_code, r.class]));
  };

  const newRun = async (province: string) =>
    runs.createRun({ jobId: `test:${randomBytes(6).toString('hex')}`, provinceCode: province, trigger: 'REQUEST', requestedBy: 'test' });

  beforeAll(async () => {
    db = await createTestDatabase();
    dataset = buildDemoDataset({ seed: 4242, dossierCount: 800, anchor: new Date('2026-11-20T00:00:00+07:00') });
    provincialSim = createProvincialSimulator({ dataset, seed: 4242 });
    specializedSim = createSpecializedSimulator({ dataset, seed: 4242 });
    const resilience = { timeoutMs: 1_000, retries: 0, breakerThreshold: 1_000 };
    provincial = new ProvincialConnector({ baseUrl: await provincialSim.server.listen(0), logger, resilience });
    specialized = new SpecializedConnector({ baseUrl: await specializedSim.server.listen(0), logger, resilience });
    runs = new ReconciliationRepository(db.sql);
    service = new ReconciliationService(
      db.sql,
      runs,
      new DossierSyncService(db.sql, new ObservationRepository(), new SyncCursorRepository(db.sql), logger),
      { provincial, specialized },
      logger,
    );
    engine = createQueueEngine('redis', inject('redisUrl'), { prefix: `rec${randomBytes(4).toString('hex')}` });
    requests = new ReconciliationRequestService(
      runs,
      new MismatchRepository(db.db),
      new AdministrativeUnitService(new AdministrativeUnitRepository(db.db)),
      engine.queue(RECONCILIATION_QUEUE),
    );
  });

  afterAll(async () => {
    await engine?.close();
    await Promise.all([provincial?.close(), specialized?.close()]);
    await Promise.all([provincialSim?.server.close(), specializedSim?.server.close()]);
    await db?.drop();
  });

  it('finds exactly the seeded drift of a province, each with the right class', async () => {
    const run = await service.reconcileProvince((await newRun('96')).id);
    expect(run.status).toBe('SUCCEEDED');
    const truth = truthFor('96');
    expect(truth.size).toBeGreaterThan(5);
    expect(Object.fromEntries(await openMismatches('96'))).toEqual(Object.fromEntries(truth));
    expect(run.mismatchCount).toBe(truth.size);
    expect(run.dossiersCompared).toBe(dataset.dossiers.filter((d) => d.provinceCode === '96').length);
    expect(run.sources.map((s) => s.system)).toEqual(['provincial', 'specialized']);
  });

  it('keeps a mismatch open across runs without opening it twice', async () => {
    const before = await db.sql<{ n: number }[]>`select count(*)::int as n from mismatches where province_code = '96'`;
    const run = await service.reconcileProvince((await newRun('96')).id);
    const after = await db.sql<{ n: number }[]>`select count(*)::int as n from mismatches where province_code = '96'`;
    expect(after[0]?.n).toBe(before[0]?.n);
    expect(run.mismatchCount).toBe(truthFor('96').size);
    const findings = await db.sql<{ n: number }[]>`select count(*)::int as n from run_findings where run_id = ${run.id}`;
    expect(findings[0]?.n).toBe(run.mismatchCount);
  });

  it('resolves a STATUS_BEHIND mismatch once the lagging provincial system catches up', async () => {
    const behind = dataset.drift.find(
      (d) => d.expectedClass === 'STATUS_BEHIND' && d.laggingSystem === 'provincial' && d.specializedStatus &&
        dataset.dossiers.find((x) => x.code === d.dossierCode)?.provinceCode === '96',
    );
    if (!behind?.specializedStatus) throw new Error('the dataset has no provincial STATUS_BEHIND drift in province 96');
    await provincial.writeDossierStatus({
      correctionId: randomBytes(8).toString('hex'),
      dossierCode: behind.dossierCode,
      status: behind.specializedStatus,
      reason: 'test',
      at: new Date(),
    });
    const run = await service.reconcileProvince((await newRun('96')).id);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.sources.find((s) => s.system === 'provincial')?.read).toBe(1);
    const open = await openMismatches('96');
    expect(open.has(behind.dossierCode)).toBe(false);
    expect(open.size).toBe(truthFor('96').size - 1);
    const [resolved] = await db.sql<{ state: string }[]>`select state from mismatches where dossier_code = ${behind.dossierCode}`;
    expect(resolved?.state).toBe('RESOLVED');
  });

  it('marks a run PARTIAL with the typed connector error when a system answers malformed JSON', async () => {
    specializedSim.server.setFaults({ malformedRate: 1 });
    try {
      const run = await service.reconcileProvince((await newRun('96')).id);
      expect(run.status).toBe('PARTIAL');
      const source = run.sources.find((s) => s.system === 'specialized');
      expect(source?.error?.code).toBe('UPSTREAM_INVALID_RESPONSE');
      expect(run.failureReason).toContain('specialized');
    } finally {
      specializedSim.server.resetFaults();
    }
  });

  it('fails a run that cannot read a system at all, and never reports it clean', async () => {
    specializedSim.server.setFaults({ down: true });
    try {
      const run = await service.reconcileProvince((await newRun('51')).id);
      expect(run.status).toBe('FAILED');
      expect(run.failureReason).toMatch(/specialized could not be read \(UPSTREAM_UNAVAILABLE/);
      expect((await openMismatches('51')).size).toBe(0);
    } finally {
      specializedSim.server.resetFaults();
    }
  });

  it('runs a requested reconciliation through the BullMQ worker', async () => {
    startWorkers(engine, [{ definition: reconcileProvinceJob, deps: { runs, reconciliation: service } }], logger);
    const outcome = await requests.request('51', 'test');
    if (!outcome.ok) throw new Error(outcome.error.message);
    const run = await eventually(
      async () => {
        const r = await runs.findRun(outcome.run.id);
        return r?.status === 'SUCCEEDED' ? r : undefined;
      },
      { what: 'the requested run to succeed' },
    );
    expect(Object.fromEntries(await openMismatches('51'))).toEqual(Object.fromEntries(truthFor('51')));
    expect(run.trigger).toBe('REQUEST');
  });

  it('refuses a request for an unknown province without queueing anything', async () => {
    const outcome = await requests.request('99', 'test');
    expect(outcome).toEqual({ ok: false, error: { code: 'UNKNOWN_PROVINCE', message: 'no province has code 99' } });
  });
});
