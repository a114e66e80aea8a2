import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CivilRegistration } from '../../../src/connectors/civil-registration/civil-registration.js';
import { CivilRegistrationConnector } from '../../../src/connectors/civil-registration/client.js';
import type { RegistryGroundTruth } from '../../../src/connectors/civil-registration/demo-registry.js';
import { createCivilRegistrationSimulator, type CivilRegistrationSimulator } from '../../../src/connectors/civil-registration/simulator.js';
import { buildDemoDataset, type DemoDataset } from '../../../src/connectors/demo/demo-dataset.js';
import { PopulationConnector } from '../../../src/connectors/population/client.js';
import { buildDemoPopulation } from '../../../src/connectors/population/demo-population.js';
import { createPopulationSimulator, type PopulationSimulator } from '../../../src/connectors/population/simulator.js';
import type { SimResponse, SimulatorServer } from '../../../src/connectors/simulator-kit.js';
import { AuditRepository } from '../../../src/db/audit.repository.js';
import { DATA_QUALITY_ISSUE_KINDS, personalIdsToCheck } from '../../../src/domain/civil-data-quality.js';
import { silentLogger } from '../../../src/logger.js';
import {
  CivilDataQualityService,
  RECONCILIATION_ACTOR,
  type DataQualityCheckResult,
  type DataQualityFinding,
} from '../../../src/services/civil-data-quality.service.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

const SEED = 20250701;
const ANCHOR = new Date('2025-10-01T00:00:00+07:00');
const PROVINCES = ['96', '51'] as const;

let dataset: DemoDataset;
let registrySim: CivilRegistrationSimulator;
let populationSim: PopulationSimulator;
let registry: CivilRegistrationConnector;
let population: PopulationConnector;
let db: TestDatabase;
let audit: AuditRepository;
let truth: RegistryGroundTruth;
/** Each province's registrations in feed order, read once straight from the connector. */
const feeds = new Map<string, CivilRegistration[]>();
let malforms: Array<[{ server: SimulatorServer }, SimulatorServer['malform']]>;
const logLines: string[] = [];
const logger = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (logLines.push(chunk.toString()), done()) }));

beforeAll(async () => {
  dataset = buildDemoDataset({ seed: SEED, dossierCount: 2400, anchor: ANCHOR });
  const people = buildDemoPopulation(dataset);
  registrySim = createCivilRegistrationSimulator({ dataset, seed: SEED, population: people });
  populationSim = createPopulationSimulator({ dataset, seed: SEED, population: people, rateLimit: null });
  const [registryUrl, populationUrl] = await Promise.all([registrySim.server.listen(0), populationSim.server.listen(0)]);
  registry = new CivilRegistrationConnector({ baseUrl: registryUrl, logger });
  population = new PopulationConnector({ baseUrl: populationUrl, logger });
  malforms = [
    [registrySim, registrySim.server.malform],
    [populationSim, populationSim.server.malform],
  ];
  db = await createTestDatabase();
  audit = new AuditRepository(db.sql);
  truth = (await (await fetch(`${registryUrl}/__admin/ground-truth`)).json()) as RegistryGroundTruth;
  const reader = new CivilRegistrationConnector({ baseUrl: registryUrl, logger: silentLogger() });
  for (const province of PROVINCES) {
    const items: CivilRegistration[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page = await reader.registrationChanges(province, cursor, 500);
      items.push(...page.items);
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    feeds.set(province, items);
  }
  await reader.close();
});

afterAll(async () => {
  await Promise.all([registry?.close(), population?.close(), registrySim?.server.close(), populationSim?.server.close()]);
  await db?.drop();
});

afterEach(() => {
  for (const [sim, malform] of malforms) {
    sim.server.resetFaults();
    sim.server.malform = malform;
  }
});

function service(pageSize: number): CivilDataQualityService {
  return new CivilDataQualityService(registry, population, audit, logger, { pageSize });
}

function requestId(): string {
  return `dq-test-${randomBytes(6).toString('hex')}`;
}

/** `code|kind|role` → the person and both values, from the findings. */
function found(findings: readonly DataQualityFinding[]): Map<string, { personalId: string; registryValue: string; populationValue: string | null }> {
  return new Map(
    findings.flatMap((finding) =>
      finding.issues.map((issue) => [
        `${finding.dossierCode}|${issue.kind}|${issue.role}`,
        { personalId: issue.personalId, registryValue: issue.registrationValue, populationValue: issue.populationValue },
      ]),
    ),
  );
}

/** The same, from the ground truth, for the registrations `ids` (all of a province when omitted). */
function expected(province: string, ids?: ReadonlySet<string>): Map<string, { personalId: string; registryValue: string; populationValue: string | null }> {
  const inProvince = new Set((feeds.get(province) ?? []).map((registration) => registration.id));
  return new Map(
    truth.dataQuality
      .filter((drift) => inProvince.has(drift.registrationId) && (ids === undefined || ids.has(drift.registrationId)))
      .map((drift) => [
        `HT:${drift.registrationId}|${drift.kind}|${drift.role}`,
        { personalId: drift.personalId, registryValue: drift.registryValue, populationValue: drift.populationValue },
      ]),
  );
}

function sorted<K, V>(map: Map<K, V>): Array<[K, V]> {
  return [...map.entries()].sort(([a], [b]) => (String(a) < String(b) ? -1 : 1));
}

/** Fails every successful answer of a simulator after the first `passing`, with its body cut in half. */
function breakAfter(server: SimulatorServer, passing: number): void {
  let answered = 0;
  server.malform = (res: SimResponse) => {
    answered += 1;
    return answered <= passing ? res : { ...res, body: res.body.slice(0, Math.floor(res.body.length / 2)) };
  };
  server.setFaults({ malformedRate: 1 });
}

describe('CivilDataQualityService.checkProvince against the civil-status and population simulators', () => {
  const results = new Map<string, { result: DataQualityCheckResult; requestId: string }>();

  beforeAll(async () => {
    for (const province of PROVINCES) {
      const id = requestId();
      results.set(province, { result: await service(100).checkProvince({ provinceCode: province, cursor: null, requestId: id }), requestId: id });
    }
  });

  it('seeds every kind of drift, about 1% of registrations each', () => {
    const total = truth.registrations;
    for (const kind of DATA_QUALITY_ISSUE_KINDS) {
      const count = truth.dataQualityByKind[kind] ?? 0;
      expect(count, kind).toBeGreaterThan(0.005 * total);
      expect(count, kind).toBeLessThan(0.015 * total);
    }
  });

  it.each(PROVINCES)('reports every seeded drift of province %s with its kind, person and both values, and nothing else', (province) => {
    const { result } = results.get(province) as { result: DataQualityCheckResult };
    expect(sorted(found(result.findings))).toEqual(sorted(expected(province)));
    expect(result.findings.length).toBeGreaterThan(0);
  });

  it.each(PROVINCES)('reads the whole feed of province %s and looks everyone up without error', (province) => {
    const { result } = results.get(province) as { result: DataQualityCheckResult };
    const [registrySource, populationSource] = result.sources;
    const feed = feeds.get(province) ?? [];
    expect(registrySource).toMatchObject({ system: 'civil-registration', cursorFrom: null, read: feed.length, error: null });
    expect(registrySource.cursorTo).toEqual(expect.any(String));
    expect(populationSource).toMatchObject({ system: 'population', error: null });
    expect(populationSource.read).toBeGreaterThanOrEqual(new Set(feed.flatMap(personalIdsToCheck)).size);
  });

  it('keeps each finding under its registration, commune and procedure, with both systems’ values', () => {
    const findings = PROVINCES.flatMap((province) => (results.get(province) as { result: DataQualityCheckResult }).result.findings);
    const dossiers = new Map(dataset.dossiers.map((dossier) => [dossier.code, dossier]));
    const drifts = new Map(truth.dataQuality.map((drift) => [`HT:${drift.registrationId}`, drift]));
    expect(new Set(findings.map((finding) => finding.dossierCode)).size).toBe(findings.length);
    for (const finding of findings) {
      const drift = drifts.get(finding.dossierCode);
      if (!drift) throw new Error(`no seeded drift for ${finding.dossierCode}`);
      const dossier = dossiers.get(drift.dossierCode);
      expect(finding).toMatchObject({
        class: 'DATA_QUALITY',
        communeCode: dossier?.communeCode,
        procedureCode: dossier?.procedureCode,
        laggingSystem: null,
        leadingSystem: null,
        expectedStatus: null,
      });
      expect(finding.detail).toMatch(/National Population Database/);
      const registrySide = finding.observed['civil-registration'][drift.role];
      const populationSide = finding.observed.population[drift.role];
      if (drift.field === 'personalId') {
        expect(registrySide).toEqual({ personalId: drift.registryValue });
        expect(populationSide).toEqual({ personalId: null });
      } else {
        expect(registrySide).toEqual({ personalId: drift.personalId, [drift.field]: drift.registryValue });
        expect(populationSide).toEqual({ personalId: drift.personalId, [drift.field]: drift.populationValue });
      }
    }
  });

  it.each(PROVINCES)('records one audit event per person looked up and registration in province %s, as the reconciliation, with the data-quality purpose', async (province) => {
    const { requestId: id } = results.get(province) as { requestId: string };
    const rows = await db.sql<{ action: string; actor: string; actor_unit: string; subject_personal_id: string; purpose: string; reference: string; fields: string[]; detail: { found: boolean } }[]>`
      select action, actor, actor_unit, subject_personal_id, purpose, reference, fields, detail from audit_events where request_id = ${id}`;
    const wanted = (feeds.get(province) ?? []).flatMap((registration) => personalIdsToCheck(registration).map((subject) => `HT:${registration.id}|${subject}`));
    expect(rows.map((row) => `${row.reference}|${row.subject_personal_id}`).sort()).toEqual(wanted.sort());
    for (const row of rows) {
      expect(row).toMatchObject({ action: 'CITIZEN_READ', actor: RECONCILIATION_ACTOR, actor_unit: province, purpose: 'CHECK_DATA_QUALITY' });
      expect(row.fields).toEqual(['fullName', 'birthDate', 'deceased', 'deathDate']);
    }
    const unknown = new Set(truth.dataQuality.filter((drift) => drift.kind === 'UNKNOWN_PERSONAL_ID').map((drift) => drift.personalId));
    expect(rows.filter((row) => !row.detail.found).every((row) => unknown.has(row.subject_personal_id))).toBe(true);
    expect(rows.some((row) => unknown.has(row.subject_personal_id) && !row.detail.found)).toBe(true);
  });

  it('logs no name, personal id or birth date', () => {
    const text = logLines.join('');
    expect(text).toContain('civil data-quality check done');
    for (const drift of truth.dataQuality) {
      expect(text).not.toContain(drift.personalId);
      expect(text).not.toContain(drift.registryValue);
      if (drift.populationValue !== null) expect(text).not.toContain(drift.populationValue);
    }
  });

  it('reads nothing and finds nothing when resumed from the cursor it reached', async () => {
    const { result } = results.get('96') as { result: DataQualityCheckResult };
    const id = requestId();
    const again = await service(100).checkProvince({ provinceCode: '96', cursor: result.sources[0].cursorTo, requestId: id });
    expect(again.findings).toEqual([]);
    expect(again.sources[0]).toMatchObject({ cursorFrom: result.sources[0].cursorTo, cursorTo: result.sources[0].cursorTo, read: 0, error: null });
    expect(await db.sql`select 1 from audit_events where request_id = ${id}`).toHaveLength(0);
  });
});

describe('CivilDataQualityService.checkProvince when a system fails mid-read', () => {
  it('returns what it checked before the registry failed, with the error, and the rest on resuming from its cursor', async () => {
    breakAfter(registrySim.server, 2);
    const first = await service(100).checkProvince({ provinceCode: '96', cursor: null, requestId: requestId() });
    expect(first.sources[0]).toMatchObject({ read: 200, error: { code: 'UPSTREAM_INVALID_RESPONSE' } });
    expect(first.sources[1].error).toBeNull();
    const checked = new Set((feeds.get('96') ?? []).slice(0, 200).map((registration) => registration.id));
    expect(sorted(found(first.findings))).toEqual(sorted(expected('96', checked)));

    registrySim.server.resetFaults();
    const rest = await service(100).checkProvince({ provinceCode: '96', cursor: first.sources[0].cursorTo, requestId: requestId() });
    expect(rest.sources[0]).toMatchObject({ cursorFrom: first.sources[0].cursorTo, read: (feeds.get('96') ?? []).length - 200, error: null });
    expect(sorted(found([...first.findings, ...rest.findings]))).toEqual(sorted(expected('96')));
  });

  it('never reports people it could not look up as unknown: a failed lookup stops the check before their page', async () => {
    // Pages of ten registrations name fewer than 50 people: one SOAP request each.
    breakAfter(populationSim.server, 1);
    const id = requestId();
    const first = await service(10).checkProvince({ provinceCode: '51', cursor: null, requestId: id });
    expect(first.sources[1]).toMatchObject({ system: 'population', error: { code: 'UPSTREAM_INVALID_RESPONSE' } });
    expect(first.sources[0]).toMatchObject({ read: 10, error: null });
    const checked = (feeds.get('51') ?? []).slice(0, 10);
    expect(sorted(found(first.findings))).toEqual(sorted(expected('51', new Set(checked.map((registration) => registration.id)))));
    // Only the reads of the page that was looked up are on record.
    const rows = await db.sql<{ n: number }[]>`select count(*)::int as n from audit_events where request_id = ${id}`;
    expect(rows[0]?.n).toBe(checked.flatMap(personalIdsToCheck).length);

    populationSim.server.resetFaults();
    const rest = await service(100).checkProvince({ provinceCode: '51', cursor: first.sources[0].cursorTo, requestId: requestId() });
    expect(rest.sources.map((source) => source.error)).toEqual([null, null]);
    expect(sorted(found([...first.findings, ...rest.findings]))).toEqual(sorted(expected('51')));
  });
});
