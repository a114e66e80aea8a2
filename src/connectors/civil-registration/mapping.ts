import type { DossierStatus } from '../../domain/dossier-status.js';
import type { Sex } from '../../domain/personal-id.js';
import type {
  CivilRegistration,
  CivilRegistrationKind,
  CivilRegistrationPerson,
  CivilRegistrationStatus,
  CivilRegistrationType,
} from './civil-registration.js';
import type { BirthRecord, DeathRecord, MarriageRecord, RegistrationRecord } from './payload.js';

/** Module codes of the registry (KS khai sinh, KT khai tử, KH kết hôn; VIETNAM-EGOV.md §4). */
export const KIND_BY_MODULE: Readonly<Record<string, CivilRegistrationKind>> = {
  KS: 'BIRTH',
  KT: 'DEATH',
  KH: 'MARRIAGE',
};
export const MODULE_BY_KIND: Readonly<Record<Exclude<CivilRegistrationKind, 'OTHER'>, string>> = {
  BIRTH: 'KS',
  DEATH: 'KT',
  MARRIAGE: 'KH',
};

/** BTP `trangThai` (§4): 1, 2, 3, 4, 6 from the registry; 5 "trả kết quả" from the interconnection push. */
export const STATUS_BY_CODE: Readonly<Record<number, { status: CivilRegistrationStatus; label: string }>> = {
  1: { status: 'AWAITING_ACCEPTANCE', label: 'Chờ tiếp nhận' },
  2: { status: 'SUPPLEMENT_REQUESTED', label: 'Yêu cầu bổ sung' },
  3: { status: 'PROCESSING', label: 'Đang xử lý' },
  4: { status: 'REGISTERED', label: 'Hoàn thành đăng ký' },
  5: { status: 'RESULT_RETURNED', label: 'Trả kết quả' },
  6: { status: 'REFUSED', label: 'Từ chối' },
};
export const CODE_BY_STATUS: Readonly<Record<CivilRegistrationStatus, number>> = {
  AWAITING_ACCEPTANCE: 1,
  SUPPLEMENT_REQUESTED: 2,
  PROCESSING: 3,
  REGISTERED: 4,
  RESULT_RETURNED: 5,
  REFUSED: 6,
};

/**
 * The dossier status a registration implies for the administrative dossier behind it, so the
 * registry can stand as one more observation of that dossier: registered = resolved.
 */
export const DOSSIER_STATUS_BY_REGISTRATION_STATUS: Readonly<Record<CivilRegistrationStatus, DossierStatus>> = {
  AWAITING_ACCEPTANCE: 'RECEIVED',
  SUPPLEMENT_REQUESTED: 'SUPPLEMENT_REQUESTED',
  PROCESSING: 'PROCESSING',
  REGISTERED: 'RESOLVED',
  RESULT_RETURNED: 'RESULT_RETURNED',
  REFUSED: 'REJECTED',
};

/** `loaiDangKy` (the simulated registry's codes). */
export const TYPE_BY_CODE: Readonly<Record<string, CivilRegistrationType>> = {
  '1': 'STANDARD',
  '2': 'RE_REGISTRATION',
  '3': 'MOBILE',
  '4': 'PARENT_RECOGNITION',
};
export const CODE_BY_TYPE: Readonly<Record<CivilRegistrationType, string>> = {
  STANDARD: '1',
  RE_REGISTRATION: '2',
  MOBILE: '3',
  PARENT_RECOGNITION: '4',
};

/**
 * The administrative procedure (mã TTHC, VIETNAM-EGOV.md §4) a registration is an instance of,
 * by what it records and how. The registry's records do not carry the code; findings and reports
 * are kept by procedure, so it is derived here. Parent recognition exists only with a birth.
 */
export const PROCEDURE_BY_KIND_AND_TYPE: Readonly<Record<Exclude<CivilRegistrationKind, 'OTHER'>, Partial<Record<CivilRegistrationType, string>>>> = {
  BIRTH: { STANDARD: '1.001193', PARENT_RECOGNITION: '1.000689', MOBILE: '1.003583', RE_REGISTRATION: '1.004884' },
  DEATH: { STANDARD: '1.000656', MOBILE: '1.000419', RE_REGISTRATION: '1.005461' },
  MARRIAGE: { STANDARD: '1.000894', MOBILE: '1.000593', RE_REGISTRATION: '1.004746' },
};

/**
 * The procedure code of a registration; an unknown variant counts as the kind's ordinary
 * procedure, and a record of a module the hub does not model has none (null).
 */
export function procedureCodeOf(kind: CivilRegistrationKind, type: CivilRegistrationType | null): string | null {
  if (kind === 'OTHER') return null;
  const byType = PROCEDURE_BY_KIND_AND_TYPE[kind];
  return (type === null ? undefined : byType[type]) ?? byType.STANDARD ?? null;
}

export const SEX_BY_CODE: Readonly<Record<'1' | '2', Sex>> = { '1': 'MALE', '2': 'FEMALE' };
export const SEX_CODE: Readonly<Record<Sex, '1' | '2'>> = { MALE: '1', FEMALE: '2' };

export function registrationStatus(code: number): CivilRegistrationStatus | null {
  return Object.hasOwn(STATUS_BY_CODE, code) ? (STATUS_BY_CODE[code]?.status ?? null) : null;
}

/** A registry record in canonical terms. */
export function registrationFromRecord(record: RegistrationRecord): CivilRegistration {
  const result = record.ketQuaXuLy;
  const kind = Object.hasOwn(KIND_BY_MODULE, record.module) ? (KIND_BY_MODULE[record.module] ?? 'OTHER') : 'OTHER';
  const base: CivilRegistration = {
    id: record.id,
    kind,
    nativeModule: record.module,
    type: Object.hasOwn(TYPE_BY_CODE, record.loaiDangKy) ? (TYPE_BY_CODE[record.loaiDangKy] ?? null) : null,
    status: registrationStatus(record.trangThai),
    nativeStatus: String(record.trangThai),
    lodgedAt: registryDay(record.ngayDangKy),
    registeredAt: result ? registryDay(result.ngayDangKy) : null,
    registrationNumber: result?.soDangKy ?? null,
    book: result?.quyenSo ?? null,
    page: result?.trangSo ?? null,
    placeProvinceCode: record.noiDangKy.maTinh,
    placeCommuneCode: record.noiDangKy.maXa,
    dossierCode: record.maHoSo,
    people: [],
    issuedPersonalId: null,
    deathDate: null,
    updatedAt: registryInstant(record.thoiGianCapNhat),
  };
  if (isBirth(record)) {
    const childId = result?.soDinhDanh ?? record.nksSoDDCN;
    const people: CivilRegistrationPerson[] = [
      person('CHILD', childId, record.nksHoTen, record.nksGioiTinh, record.nksNgaySinh),
      person('MOTHER', record.meSoDDCN, record.meHoTen, '2', record.meNgaySinh),
    ];
    if (record.chaHoTen !== '') people.push(person('FATHER', record.chaSoDDCN, record.chaHoTen, '1', record.chaNgaySinh));
    people.push(person('DECLARANT', record.nycSoDDCN, record.nycHoTen, null, '', record.nycQuanHe));
    return { ...base, people, issuedPersonalId: result?.soDinhDanh ?? null };
  }
  if (isDeath(record)) {
    return {
      ...base,
      people: [
        person('DECEASED', record.nktSoDDCN, record.nktHoTen, record.nktGioiTinh, record.nktNgaySinh),
        person('DECLARANT', record.nycSoDDCN, record.nycHoTen, null, '', record.nycQuanHe),
      ],
      deathDate: isoFromRegistryDate(record.nktNgayChet),
    };
  }
  if (isMarriage(record)) {
    return {
      ...base,
      people: [
        person('HUSBAND', record.chongSoDDCN, record.chongHoTen, '1', record.chongNgaySinh),
        person('WIFE', record.voSoDDCN, record.voHoTen, '2', record.voNgaySinh),
      ],
    };
  }
  return base;
}

/** Every personal id a registration names, in any role (the issued id is the child's). */
export function personalIdsOf(registration: CivilRegistration): string[] {
  const ids = registration.people.map((person) => person.personalId).filter((id): id is string => id !== null);
  return [...new Set(ids)];
}

function person(
  role: CivilRegistrationPerson['role'],
  personalId: string | null,
  fullName: string,
  sexCode: '1' | '2' | null,
  birthDate: string,
  relation: string | null = null,
): CivilRegistrationPerson {
  return {
    role,
    personalId,
    fullName,
    sex: sexCode === null ? null : SEX_BY_CODE[sexCode],
    birthDate: birthDate === '' ? null : isoFromRegistryDate(birthDate),
    relation: relation === '' ? null : relation,
  };
}

function isBirth(record: RegistrationRecord): record is BirthRecord {
  return record.module === 'KS';
}
function isDeath(record: RegistrationRecord): record is DeathRecord {
  return record.module === 'KT';
}
function isMarriage(record: RegistrationRecord): record is MarriageRecord {
  return record.module === 'KH';
}

// --- dates ------------------------------------------------------------------------------------

const VIETNAM_OFFSET_MS = 7 * 3_600_000;
const DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const DATE_TIME = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;

/** `dd/MM/yyyy` naming a real calendar day. */
export function isRegistryDate(text: string): boolean {
  return isoFromRegistryDateOrNull(text) !== null;
}

export function isRegistryDateTime(text: string): boolean {
  return registryInstantOrNull(text) !== null;
}

/** `dd/MM/yyyy` → `yyyy-MM-dd`. */
export function isoFromRegistryDate(text: string): string {
  const iso = isoFromRegistryDateOrNull(text);
  if (iso === null) throw new RangeError('registry dates are checked by the payload schema');
  return iso;
}

/** `yyyy-MM-dd` → `dd/MM/yyyy`. */
export function registryDateFromIso(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

/** The day of an instant on a Vietnamese wall clock, `dd/MM/yyyy`. */
export function formatRegistryDate(instant: Date): string {
  return formatRegistryDateTime(instant).slice(0, 10);
}

/** An instant on a Vietnamese wall clock, `dd/MM/yyyy HH:mm:ss`. */
export function formatRegistryDateTime(instant: Date): string {
  const iso = new Date(instant.getTime() + VIETNAM_OFFSET_MS).toISOString();
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 19)}`;
}

/** 00:00 in Vietnam of a `dd/MM/yyyy` day. */
function registryDay(text: string): Date {
  const iso = isoFromRegistryDate(text);
  return new Date(Date.parse(`${iso}T00:00:00Z`) - VIETNAM_OFFSET_MS);
}

function registryInstant(text: string): Date {
  const instant = registryInstantOrNull(text);
  if (instant === null) throw new RangeError('registry timestamps are checked by the payload schema');
  return instant;
}

function isoFromRegistryDateOrNull(text: string): string | null {
  const match = DATE.exec(text);
  if (!match) return null;
  const [, day, month, year] = match as unknown as [string, string, string, string];
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCFullYear() !== Number(year) || date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) {
    return null;
  }
  return `${year}-${month}-${day}`;
}

function registryInstantOrNull(text: string): Date | null {
  const match = DATE_TIME.exec(text);
  if (!match) return null;
  const [day, month, year, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const instant = new Date(utc - VIETNAM_OFFSET_MS);
  // Date.UTC rolls 31 February over to March: a stamp must read back exactly as written.
  return formatRegistryDateTime(instant) === text ? instant : null;
}
