import type { DataQualityField, DataQualityIssueKind } from '../../domain/civil-data-quality.js';
import type { DemoCommune } from '../demo/demo-communes.js';
import type { DemoDataset } from '../demo/demo-dataset.js';
import {
  vietnamYear,
  type DemoAddress,
  type DemoCivilEvent,
  type DemoDisagreementKind,
  type DemoEventPerson,
  type DemoEventRole,
  type DemoPopulation,
  type DemoRegistrationOutcome,
} from '../population/demo-population.js';
import type { CivilRegistrationKind, CivilRegistrationStatus, CivilRegistrationType } from './civil-registration.js';
import { CODE_BY_STATUS, CODE_BY_TYPE, MODULE_BY_KIND, SEX_CODE, formatRegistryDate, formatRegistryDateTime, registryDateFromIso } from './mapping.js';
import type { BirthRecord, DeathRecord, MarriageRecord } from './payload.js';

/** A record as the registry stores and serves it (the wire shape, before zod's transforms). */
export type NativeRecord = WireRecord<BirthRecord> | WireRecord<DeathRecord> | WireRecord<MarriageRecord>;
/** Ids travel as `""` when absent, as the registry sends them. */
type WireRecord<T> = {
  [K in keyof T]: K extends `${string}SoDDCN` ? string : K extends 'ketQuaXuLy' ? WireResult | null : K extends 'maHoSo' ? string | null : T[K];
};
interface WireResult {
  soDinhDanh: string;
  soDangKy: string;
  quyenSo: string;
  trangSo: string;
  ngayDangKy: string;
}

export interface DemoRegistryEntry {
  record: NativeRecord;
  provinceCode: string;
  updatedAtMs: number;
  /** Every personal id the record names, as the registry has them (wrong ones included). */
  personalIds: string[];
}

export interface RegistryDisagreement {
  registrationId: string;
  dossierCode: string;
  kind: DemoDisagreementKind;
  role: DemoEventRole;
  /** The id the population database holds for the person. */
  personalId: string;
  registryValue: string;
  populationValue: string;
}

/**
 * A seeded data-quality drift as a check of the registry against the population database sees
 * it: what the registry shows and what the database shows for the same person and field.
 */
export interface RegistryDataQualityDrift {
  registrationId: string;
  dossierCode: string;
  kind: DataQualityIssueKind;
  role: DemoEventRole;
  field: DataQualityField;
  /** The personal id as the registry names the person (a mistyped one for UNKNOWN_PERSONAL_ID). */
  personalId: string;
  registryValue: string;
  /** Null where the database holds no such citizen (an unknown id) or no death (still alive). */
  populationValue: string | null;
}

export interface RegistryGroundTruth {
  registrations: number;
  byKind: Partial<Record<CivilRegistrationKind, number>>;
  byStatus: Partial<Record<CivilRegistrationStatus, number>>;
  /** Registrations that disagree with the population database on purpose. */
  disagreements: RegistryDisagreement[];
  disagreementRate: number;
  /**
   * Every registration a data-quality check must flag, with both values: the disagreements
   * above plus the mistyped birth dates, at most one per registration.
   */
  dataQuality: RegistryDataQualityDrift[];
  dataQualityByKind: Partial<Record<DataQualityIssueKind, number>>;
}

export interface DemoRegistry {
  entries: DemoRegistryEntry[];
  groundTruth: RegistryGroundTruth;
}

const STATUS_BY_OUTCOME: Readonly<Record<DemoRegistrationOutcome, CivilRegistrationStatus>> = {
  AWAITING: 'AWAITING_ACCEPTANCE',
  SUPPLEMENT: 'SUPPLEMENT_REQUESTED',
  PROCESSING: 'PROCESSING',
  REGISTERED: 'REGISTERED',
  REFUSED: 'REFUSED',
};

/** Entries per book of the register; a commune opens a new book when one is full. */
const ENTRIES_PER_BOOK = 100;

/**
 * The registry's records for the demo population's events: one per birth, death or marriage
 * dossier that reached the registry, numbered as the registry numbers them (record ids per module
 * and province; register number, book and page per commune, module and year), with the names and
 * ids of the disagreements the population derivation picked written in as the registry has them.
 */
export function buildDemoRegistry(dataset: DemoDataset, population: DemoPopulation): DemoRegistry {
  const communes = new Map<string, DemoCommune>(dataset.communes.map((commune) => [commune.code, commune]));
  const serials = new Map<string, number>();
  const registerNumbers = registerNumbering(population.events);
  const entries: DemoRegistryEntry[] = [];
  const disagreements: RegistryDisagreement[] = [];
  const dataQuality: RegistryDataQualityDrift[] = [];
  const byKind: RegistryGroundTruth['byKind'] = {};
  const byStatus: RegistryGroundTruth['byStatus'] = {};

  for (const event of population.events) {
    const module = MODULE_BY_KIND[event.kind];
    const serialKey = `${module}-${event.provinceCode}`;
    const serial = (serials.get(serialKey) ?? 0) + 1;
    serials.set(serialKey, serial);
    const id = `${serialKey}-${String(serial).padStart(7, '0')}`;
    const people = event.people.map((person) => asRegistryHasIt(event, person));
    const record = renderRecord(event, id, people, registerNumbers.get(event.dossierCode) ?? null, communes.get(event.communeCode));
    entries.push({
      record,
      provinceCode: event.provinceCode,
      updatedAtMs: event.updatedAtMs,
      personalIds: [...new Set(people.map((person) => person.personalId).filter((value): value is string => value !== null))],
    });
    byKind[event.kind] = (byKind[event.kind] ?? 0) + 1;
    const status = STATUS_BY_OUTCOME[event.outcome];
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (event.disagreement) disagreements.push({ registrationId: id, ...event.disagreement });
    const drift = dataQualityDrift(event, id);
    if (drift) dataQuality.push(drift);
  }
  const dataQualityByKind: RegistryGroundTruth['dataQualityByKind'] = {};
  for (const drift of dataQuality) dataQualityByKind[drift.kind] = (dataQualityByKind[drift.kind] ?? 0) + 1;
  return {
    entries,
    groundTruth: {
      registrations: entries.length,
      byKind,
      byStatus,
      disagreements,
      disagreementRate: entries.length === 0 ? 0 : disagreements.length / entries.length,
      dataQuality,
      dataQualityByKind,
    },
  };
}

/** The drift of a registration in the terms of a data-quality check, or null when it has none. */
function dataQualityDrift(event: DemoCivilEvent, registrationId: string): RegistryDataQualityDrift | null {
  const base = { registrationId, dossierCode: event.dossierCode };
  const disagreement = event.disagreement;
  if (disagreement) {
    const { role, personalId, registryValue, populationValue } = disagreement;
    switch (disagreement.kind) {
      case 'UNKNOWN_PERSONAL_ID':
        return { ...base, kind: 'UNKNOWN_PERSONAL_ID', role, field: 'personalId', personalId: registryValue, registryValue, populationValue: null };
      case 'NAME_MISMATCH':
        return { ...base, kind: 'NAME_DIFFERS', role, field: 'fullName', personalId, registryValue, populationValue };
      case 'DEATH_NOT_IN_POPULATION':
        return { ...base, kind: 'DEATH_NOT_RECORDED', role, field: 'deathDate', personalId, registryValue, populationValue: null };
    }
  }
  const drift = event.birthDateDrift;
  if (drift) {
    const { role, personalId, registryValue, populationValue } = drift;
    return { ...base, kind: 'BIRTH_DATE_DIFFERS', role, field: 'birthDate', personalId, registryValue, populationValue };
  }
  return null;
}

/** The person as the registrar typed them: a wrong id, another spelling or another birth date where the event drifts. */
function asRegistryHasIt(event: DemoCivilEvent, person: DemoEventPerson): DemoEventPerson {
  const drift = event.birthDateDrift;
  if (drift && drift.role === person.role && drift.personalId === person.personalId) return { ...person, birthDate: drift.registryValue };
  const disagreement = event.disagreement;
  if (!disagreement || disagreement.role !== person.role || disagreement.personalId !== person.personalId) return person;
  switch (disagreement.kind) {
    case 'UNKNOWN_PERSONAL_ID':
      return { ...person, personalId: disagreement.registryValue };
    case 'NAME_MISMATCH':
      return { ...person, fullName: disagreement.registryValue };
    case 'DEATH_NOT_IN_POPULATION':
      return person;
  }
}

/** Register numbers per (commune, module, year), in order of registration. */
function registerNumbering(events: readonly DemoCivilEvent[]): Map<string, { number: number; year: number }> {
  const registered = events
    .filter((event): event is DemoCivilEvent & { registeredAtMs: number } => event.registeredAtMs !== null)
    .sort((a, b) => a.registeredAtMs - b.registeredAtMs || (a.dossierCode < b.dossierCode ? -1 : 1));
  const counters = new Map<string, number>();
  const numbers = new Map<string, { number: number; year: number }>();
  for (const event of registered) {
    const year = vietnamYear(event.registeredAtMs);
    const key = `${event.communeCode}:${event.kind}:${year}`;
    const number = (counters.get(key) ?? 0) + 1;
    counters.set(key, number);
    numbers.set(event.dossierCode, { number, year });
  }
  return numbers;
}

function renderRecord(
  event: DemoCivilEvent,
  id: string,
  people: readonly DemoEventPerson[],
  register: { number: number; year: number } | null,
  commune: DemoCommune | undefined,
): NativeRecord {
  const role = (wanted: DemoEventRole) => people.find((person) => person.role === wanted);
  const common = {
    id,
    loaiDangKy: CODE_BY_TYPE[event.variant satisfies CivilRegistrationType],
    maHoSo: event.dossierCode,
    noiDangKy: { maTinh: event.provinceCode, maXa: event.communeCode, tenCoQuan: `UBND ${commune?.name ?? event.communeCode}` },
    ngayDangKy: formatRegistryDate(new Date(event.lodgedAtMs)),
    trangThai: CODE_BY_STATUS[STATUS_BY_OUTCOME[event.outcome]],
    thoiGianCapNhat: formatRegistryDateTime(new Date(event.updatedAtMs)),
    ketQuaXuLy:
      event.registeredAtMs === null || register === null
        ? null
        : {
            soDinhDanh: event.kind === 'BIRTH' ? (role('CHILD')?.personalId ?? '') : '',
            soDangKy: String(register.number),
            quyenSo: `${String(Math.ceil(register.number / ENTRIES_PER_BOOK)).padStart(2, '0')}/${register.year}`,
            trangSo: String(((register.number - 1) % ENTRIES_PER_BOOK) + 1),
            ngayDangKy: formatRegistryDate(new Date(event.registeredAtMs)),
          },
  };
  switch (event.kind) {
    case 'BIRTH': {
      const child = required(role('CHILD'));
      const mother = required(role('MOTHER'));
      const father = role('FATHER');
      const declarant = required(role('DECLARANT'));
      return {
        ...common,
        module: 'KS',
        nksHoTen: child.fullName,
        nksGioiTinh: SEX_CODE[child.sex],
        nksNgaySinh: registryDateFromIso(child.birthDate ?? ''),
        nksNoiSinh: place(child.address),
        nksDanToc: child.ethnicityCode,
        nksQuocTich: 'VN',
        // A newborn's id comes with the result; an adult re-registering has theirs already.
        nksSoDDCN: event.variant === 'RE_REGISTRATION' ? (child.personalId ?? '') : '',
        meHoTen: mother.fullName,
        meNgaySinh: mother.birthDate ? registryDateFromIso(mother.birthDate) : '',
        meSoDDCN: mother.personalId ?? '',
        meNoiCuTru: place(mother.address),
        chaHoTen: father?.fullName ?? '',
        chaNgaySinh: father?.birthDate ? registryDateFromIso(father.birthDate) : '',
        chaSoDDCN: father?.personalId ?? '',
        chaNoiCuTru: place(father?.address ?? null),
        nycHoTen: declarant.fullName,
        nycQuanHe: declarant.relation ?? '',
        nycSoDDCN: declarant.personalId ?? '',
      };
    }
    case 'DEATH': {
      const deceased = required(role('DECEASED'));
      const declarant = required(role('DECLARANT'));
      const death = event.death;
      if (!death) throw new Error('a death event has its death');
      return {
        ...common,
        module: 'KT',
        nktHoTen: deceased.fullName,
        nktGioiTinh: SEX_CODE[deceased.sex],
        nktNgaySinh: deceased.birthDate ? registryDateFromIso(deceased.birthDate) : '',
        nktSoDDCN: deceased.personalId ?? '',
        nktNgayChet: registryDateFromIso(death.date),
        nktGioPhutChet: death.time,
        nktNoiChet: death.place,
        nktNguyenNhanChet: death.cause,
        gbtLoai: '1',
        gbtSo: `${id.slice(-5)}/GBT`,
        gbtNgay: registryDateFromIso(death.date),
        gbtCoQuanCap: death.place === 'Tại nhà' ? `UBND ${commune?.name ?? event.communeCode}` : death.place,
        nycHoTen: declarant.fullName,
        nycQuanHe: declarant.relation ?? '',
        nycSoDDCN: declarant.personalId ?? '',
      };
    }
    case 'MARRIAGE': {
      const husband = required(role('HUSBAND'));
      const wife = required(role('WIFE'));
      return {
        ...common,
        module: 'KH',
        chongHoTen: husband.fullName,
        chongNgaySinh: husband.birthDate ? registryDateFromIso(husband.birthDate) : '',
        chongSoDDCN: husband.personalId ?? '',
        chongDanToc: husband.ethnicityCode,
        chongQuocTich: 'VN',
        chongNoiCuTru: place(husband.address),
        chongSoLanKH: '1',
        voHoTen: wife.fullName,
        voNgaySinh: wife.birthDate ? registryDateFromIso(wife.birthDate) : '',
        voSoDDCN: wife.personalId ?? '',
        voDanToc: wife.ethnicityCode,
        voQuocTich: 'VN',
        voNoiCuTru: place(wife.address),
        voSoLanKH: '1',
      };
    }
  }
}

function place(address: DemoAddress | null): { maTinh: string; maHuyen: string; maXa: string; dcChiTiet: string } {
  return { maTinh: address?.provinceCode ?? '', maHuyen: '', maXa: address?.communeCode ?? '', dcChiTiet: address?.detail ?? '' };
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('a demo event names everyone its kind needs');
  return value;
}
