import type {
  DemoDataset,
  DemoDossier,
  DemoDuplicate,
  DemoSpecializedView,
  DemoSystemView,
} from '../../../src/connectors/demo/demo-dataset.js';
import { DEMO_PROCEDURES } from '../../../src/connectors/demo/demo-procedures.js';

/** Cà Mau (96), the 37th commune: the unit the hand-made dossiers are filed at. */
const PROVINCE = { code: '96', name: 'Cà Mau' };
const COMMUNE = { code: '32002', name: 'Xã thử nghiệm', provinceCode: '96', agencyId: '000.00.37.H96' };
const HOUR_MS = 3_600_000;

let counter = 0;

/**
 * A received, processing dossier filed on 15 September 2025 at the test commune, held by both
 * the provincial system and the ministry's software at PROCESSING; `overrides` replace any field
 * (copies included). Each call numbers a new code.
 */
export function makeDemoDossier(overrides: Partial<DemoDossier> = {}): DemoDossier {
  counter += 1;
  const receivedAtMs = Date.parse('2025-09-15T09:00:00+07:00') + counter * 60_000;
  const base: DemoDossier = {
    code: `${COMMUNE.agencyId}-250915-${String(counter).padStart(4, '0')}`,
    procedureCode: '1.001193',
    procedureName: 'Đăng ký khai sinh',
    agencyId: COMMUNE.agencyId,
    communeCode: COMMUNE.code,
    provinceCode: PROVINCE.code,
    applicantPersonalId: `0961900${String(counter).padStart(5, '0')}`,
    applicantName: 'Nguyễn Thị Lan',
    channel: 1,
    status: 'PROCESSING',
    submittedAtMs: receivedAtMs,
    receivedAtMs,
    dueAtMs: Date.parse('2025-09-16T17:00:00+07:00'),
    processingAtMs: receivedAtMs + HOUR_MS,
    pausedAtMs: null,
    finishedAtMs: null,
    returnedAtMs: null,
    provincial: { status: 'PROCESSING', updatedAtMs: receivedAtMs + HOUR_MS },
    specialized: { caseId: `HT-2025-${String(900_000 + counter).padStart(7, '0')}`, status: 'PROCESSING', updatedAtMs: receivedAtMs + 2 * HOUR_MS },
  };
  return { ...base, ...overrides };
}

/** A provincial copy at PROCESSING with the given drift. */
export function provincialCopy(dossier: DemoDossier, drift: Partial<DemoSystemView> = {}): DemoSystemView {
  return { status: 'PROCESSING', updatedAtMs: (dossier.processingAtMs ?? dossier.submittedAtMs) + 1_000, ...drift };
}

/** A ministry copy at PROCESSING with the given drift. */
export function specializedCopy(dossier: DemoDossier, drift: Partial<DemoSpecializedView> = {}): DemoSpecializedView {
  return {
    caseId: dossier.specialized?.caseId ?? 'HT-2025-0999999',
    status: 'PROCESSING',
    updatedAtMs: (dossier.processingAtMs ?? dossier.submittedAtMs) + 2_000,
    ...drift,
  };
}

/** A dataset holding exactly these dossiers (in this order) and duplicates. */
export function makeDemoDataset(dossiers: DemoDossier[], duplicates: DemoDuplicate[] = []): DemoDataset {
  return {
    seed: 1,
    anchor: new Date('2025-10-01T00:00:00+07:00'),
    provinces: [PROVINCE],
    communes: [COMMUNE],
    procedures: DEMO_PROCEDURES,
    dossiers,
    citizens: [],
    drift: [],
    duplicates,
  };
}
