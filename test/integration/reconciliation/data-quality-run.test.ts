import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CivilRegistrationConnector } from '../../../src/connectors/civil-registration/client.js';
import type { RegistryGroundTruth } from '../../../src/connectors/civil-registration/demo-registry.js';
import { createCivilRegistrationSimulator } from '../../../src/connectors/civil-registration/simulator.js';
import { buildDemoDataset, type DemoDataset } from '../../../src/connectors/demo/demo-dataset.js';
import { PopulationConnector } from '../../../src/connectors/population/client.js';
import { buildDemoPopulation } from '../../../src/connectors/population/demo-population.js';
import { createPopulationSimulator } from '../../../src/connectors/population/simulator.js';
import { RunReportRepository } from '../../../src/db/run-report.repository.js';
import { AuditRepository } from '../../../src/db/audit.repository.js';
import { ReconciliationRepository } from '../../../src/db/reconciliation.repository.js';
import { RunPipelineRepository } from '../../../src/db/run-pipeline.repository.js';
import { SyncCursorRepository } from '../../../src/db/sync-cursor.repository.js';
import { silentLogger } from '../../../src/logger.js';
import { CivilDataQualityService, registrationFindingCode } from '../../../src/services/civil-data-quality.service.js';
import { DataQualityRunService } from '../../../src/services/data-quality-run.service.js';
import { CommuneIndex, ThreeWayClassifier, reportRules } from '../../../src/services/reconcile-classifier.js';
import { ReconcileFinalizeService } from '../../../src/services/reconcile-finalize.service.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

const logger = silentLogger();
const SEED = 20250701;
const PROVINCE = '96';

/** A data-quality run end to end: registry read, population lookups, finalize, report. */
describe('civil-registration data-quality runs', () => {
  let db: TestDatabase;
  let dataset: DemoDataset;
  let truth: RegistryGroundTruth;
  let runner: DataQualityRunService;
  let finalize: ReconcileFinalizeService;
  let runs: ReconciliationRepository;
  const closers: Array<() => Promise<void>> = [];

  const run = async (mode: 'FULL' | 'INCREMENTAL') => {
    const created = await runs.createRun({ jobId: `dq-${randomBytes(6).toString('hex')}`, provinceCode: PROVINCE, trigger: 'REQUEST', requestedBy: 'test', kind: 'DATA_QUALITY', mode });
    const planned = await runner.plan(created.id);
    expect(planned.phase).toBe('FINALIZING');
    return (await finalize.finalize(created.id)).run;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dataset = buildDemoDataset({ seed: SEED, dossierCount: 2400, anchor: new Date('2025-10-01T00:00:00+07:00') });
    const people = buildDemoPopulation(dataset);
    const registrySim = createCivilRegistrationSimulator({ dataset, seed: SEED, population: people });
    const populationSim = createPopulationSimulator({ dataset, seed: SEED, population: people, rateLimit: null });
    const [registryUrl, populationUrl] = await Promise.all([registrySim.server.listen(0), populationSim.server.listen(0)]);
    const registry = new CivilRegistrationConnector({ baseUrl: registryUrl, logger });
    const population = new PopulationConnector({ baseUrl: populationUrl, logger });
    closers.push(() => registry.close(), () => population.close(), () => registrySim.server.close(), () => populationSim.server.close());
    truth = (await (await fetch(`${registryUrl}/__admin/ground-truth`)).json()) as RegistryGroundTruth;
    runs = new ReconciliationRepository(db.sql);
    const pipeline = new RunPipelineRepository(db.sql);
    runner = new DataQualityRunService(
      db.sql,
      runs,
      pipeline,
      new SyncCursorRepository(db.sql),
      new CivilDataQualityService(registry, population, new AuditRepository(db.sql), logger),
    );
    const classifier = new ThreeWayClassifier(await CommuneIndex.load(db.sql));
    finalize = new ReconcileFinalizeService(db.sql, runs, pipeline, classifier, reportRules(), null, logger, { maxFailedVerifications: 3, correctableSystems: [] });
  });

  afterAll(async () => {
    for (const close of closers) await close();
    await db?.drop();
  });

  it('opens one DATA_QUALITY mismatch per seeded registration of the province, and a report without personal values', async () => {
    const finished = await run('FULL');
    expect(finished.status).toBe('SUCCEEDED');
    const expected = new Set(
      truth.dataQuality
        .filter((d) => dataset.dossiers.find((x) => x.code === d.dossierCode)?.provinceCode === PROVINCE)
        .map((d) => registrationFindingCode(d.registrationId)),
    );
    expect(expected.size).toBeGreaterThan(5);
    const open = await db.sql<{ dossierCode: string; class: string }[]>`
      select dossier_code as "dossierCode", class from mismatches where province_code = ${PROVINCE} and state = 'OPEN'`;
    expect(new Set(open.map((o) => o.dossierCode))).toEqual(expected);
    expect(open.every((o) => o.class === 'DATA_QUALITY')).toBe(true);
    expect(finished.countsByClass).toEqual({ DATA_QUALITY: expected.size });

    const body = (await new RunReportRepository(db.sql).text(finished.id, 'json')) ?? '';
    for (const drift of truth.dataQuality) {
      expect(body.includes(drift.personalId)).toBe(false);
      expect(body.includes(drift.registryValue)).toBe(false);
    }
    const [reads] = await db.sql<{ n: number }[]>`select count(*)::int as n from audit_events where purpose = 'CHECK_DATA_QUALITY'`;
    expect(reads?.n).toBeGreaterThan(0);
  });

  it('an incremental run with nothing new reads nothing and leaves the open mismatches open', async () => {
    const [before] = await db.sql<{ n: number }[]>`select count(*)::int as n from mismatches where state = 'OPEN'`;
    const finished = await run('INCREMENTAL');
    expect(finished.status).toBe('SUCCEEDED');
    expect(finished.sources.find((s) => s.system === 'civil-registration')?.read).toBe(0);
    const [after] = await db.sql<{ n: number }[]>`select count(*)::int as n from mismatches where state = 'OPEN'`;
    expect(after?.n).toBe(before?.n);
  });
});
