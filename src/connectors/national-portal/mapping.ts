import type { DossierStatus } from '../../domain/dossier-status.js';
import { validateDossierCode } from '../../domain/dossier-code.js';
import { normalizeProcedureCode, procedureByCode } from '../../domain/procedures.js';
import { civilDayNumber, isCalendarDate } from '../../domain/vietnam-calendar.js';
import type { DossierCreate, DossierObservation, StatusWrite } from '../connector.js';
import type { HoSo, PortalDossierSummary, QuaTrinhXuLy, UpdateItem } from './payload.js';

/**
 * The portal's vocabularies and the mappings between its records and the hub's. The portal
 * speaks the national `TrangThaiHoSo` 1–10 (VIETNAM-EGOV.md §2.1), so the status table is the
 * identity on meanings; it is still a table, so a code outside it is visibly unmapped.
 */
export const PORTAL_STATUS_BY_CODE: Readonly<Record<string, DossierStatus>> = {
  '1': 'SUBMITTED',
  '2': 'RECEIVED',
  '3': 'REJECTED',
  '4': 'PROCESSING',
  '5': 'SUPPLEMENT_REQUESTED',
  '6': 'AWAITING_FINANCIAL_OBLIGATION',
  '7': 'WITHDRAWN',
  '8': 'SUSPENDED',
  '9': 'RESOLVED',
  '10': 'RESULT_RETURNED',
};

export const PORTAL_CODE_BY_STATUS: Readonly<Record<DossierStatus, string>> = {
  SUBMITTED: '1',
  RECEIVED: '2',
  REJECTED: '3',
  PROCESSING: '4',
  SUPPLEMENT_REQUESTED: '5',
  AWAITING_FINANCIAL_OBLIGATION: '6',
  WITHDRAWN: '7',
  SUSPENDED: '8',
  RESOLVED: '9',
  RESULT_RETURNED: '10',
};

/**
 * The state a progress line (`QuaTrinhXuLy.TrangThai`) records for each status: §2.3 knows
 * 2 received, 4 processing and 9 finished, so pauses are processing and every end is finished.
 */
export const PROGRESS_STATE_BY_STATUS: Readonly<Record<DossierStatus, '2' | '4' | '9'>> = {
  SUBMITTED: '2',
  RECEIVED: '2',
  REJECTED: '9',
  PROCESSING: '4',
  SUPPLEMENT_REQUESTED: '4',
  AWAITING_FINANCIAL_OBLIGATION: '4',
  WITHDRAWN: '9',
  SUSPENDED: '4',
  RESOLVED: '9',
  RESULT_RETURNED: '9',
};

export function portalStatus(code: string): DossierStatus | null {
  return Object.hasOwn(PORTAL_STATUS_BY_CODE, code) ? (PORTAL_STATUS_BY_CODE[code] ?? null) : null;
}

/** Who the hub is in the portal's progress lines: a system, never a named officer. */
export const HUB_ACTOR = {
  NguoiXuLy: 'Trục liên thông',
  ChucDanh: 'Hệ thống',
  PhongBanXuLy: 'Hệ thống liên thông dữ liệu hồ sơ',
} as const;

/** What the hub knows of a dossier when it creates it on the portal. */
export interface PortalDossierInput {
  code: string;
  procedureCode: string;
  procedureName: string;
  /** 1 counter, 2 online, 3 postal. */
  channel: 1 | 2 | 3;
  applicantName: string;
  /** 12-digit personal id, or a 9-digit legacy CMND. */
  applicantPersonalId: string;
  summary?: string;
  status: DossierStatus;
  submittedAt: Date;
  receivedAt: Date | null;
  dueAt: Date | null;
  finishedAt: Date | null;
  returnedAt: Date | null;
  /** Agency id of the receiving unit `NNN.NN.NN.Xnn`. */
  agencyId: string;
  provinceCode: string;
  communeCode: string;
}

export function hoSoFromInput(input: PortalDossierInput): HoSo {
  const idType = /^\d{9}$/.test(input.applicantPersonalId) ? '2' : '1';
  const finishedAt = input.finishedAt === null ? '' : formatPortalTimestamp(input.finishedAt);
  return {
    MaHoSo: input.code,
    MaTTHC: input.procedureCode,
    TenTTHC: input.procedureName,
    KenhThucHien: String(input.channel) as HoSo['KenhThucHien'],
    LoaiDoiTuong: '1',
    ChuHoSo: input.applicantName,
    SoGiayToChuHoSo: input.applicantPersonalId,
    DinhDanhCHS: [{ LoaiDinhDanh: idType, SoDinhDanh: input.applicantPersonalId }],
    TrichYeuHoSo: input.summary ?? `${input.procedureName} - ${input.applicantName}`.slice(0, 1000),
    NgayNopHoSo: formatPortalTimestamp(input.submittedAt),
    NgayTiepNhan: optionalTimestamp(input.receivedAt),
    NgayHenTra: optionalTimestamp(input.dueAt),
    NgayTra: optionalTimestamp(input.returnedAt),
    NgayKetThucXuLy: finishedAt,
    NgayTuChoi: input.status === 'REJECTED' ? finishedAt : '',
    TrangThaiHoSo: PORTAL_CODE_BY_STATUS[input.status],
    DonViXuLy: input.agencyId,
    MaTinh: input.provinceCode,
    MaXa: input.communeCode,
    NoiNopHoSo: '2',
    GhiChu: '',
  };
}

/**
 * The record a correction creates when the portal lacks a dossier. The hub holds less than a
 * province's sync sends, so what it does not know stays empty where the portal allows it:
 * no applicant name, no summary beyond the procedure's name. Where the portal requires a value:
 * - `DonViXuLy` is the agency id the national dossier code begins with (`{agency}-{yyMMdd}-{n}`);
 *   a code in the short `Xnn` form leaves it empty, and the portal refuses the record (error "1").
 * - `NgayNopHoSo` is the reception instant (the correction's instant when not received): the hub
 *   does not keep the filing instant, and a counter filing is received as it is filed.
 * - `KenhThucHien` is 2: the record reaches the portal by interchange, not at a counter.
 */
export function hoSoFromCreate(create: DossierCreate): HoSo {
  const procedureName = procedureByCode(create.procedureCode)?.name ?? '';
  const finishedAt = optionalTimestamp(create.finishedAt);
  return {
    MaHoSo: create.dossierCode,
    MaTTHC: create.procedureCode,
    TenTTHC: procedureName,
    KenhThucHien: '2',
    LoaiDoiTuong: '1',
    ChuHoSo: '',
    SoGiayToChuHoSo: create.applicantPersonalId ?? '',
    DinhDanhCHS: identityOf(create.applicantPersonalId),
    TrichYeuHoSo: procedureName,
    NgayNopHoSo: formatPortalTimestamp(create.receivedAt ?? create.at),
    NgayTiepNhan: optionalTimestamp(create.receivedAt),
    NgayHenTra: optionalTimestamp(create.dueAt),
    NgayTra: optionalTimestamp(create.returnedAt),
    NgayKetThucXuLy: finishedAt,
    NgayTuChoi: create.status === 'REJECTED' ? finishedAt : '',
    TrangThaiHoSo: PORTAL_CODE_BY_STATUS[create.status],
    DonViXuLy: agencyOfDossierCode(create.dossierCode) ?? '',
    MaTinh: create.provinceCode,
    MaXa: create.communeCode,
    NoiNopHoSo: '2',
    GhiChu: create.reason.slice(0, 1000),
  };
}

/**
 * The update that goes with a create, carrying the correction id as `MaYeuCau`: the facts the
 * hub knows (never the ones it leaves empty, so it cannot blank a record the portal already
 * held). The portal applies a MaYeuCau once, so a resend of the correction is answered as a
 * replay, and the same id with other facts is refused ("5").
 */
export function updateFromCreate(create: DossierCreate): UpdateItem {
  const record = hoSoFromCreate(create);
  return {
    MaHoSo: record.MaHoSo,
    MaYeuCau: create.correctionId,
    MaTTHC: record.MaTTHC,
    ...(create.applicantPersonalId === null ? {} : { SoGiayToChuHoSo: record.SoGiayToChuHoSo, DinhDanhCHS: record.DinhDanhCHS }),
    NgayTiepNhan: record.NgayTiepNhan,
    NgayHenTra: record.NgayHenTra,
    NgayTra: record.NgayTra,
    NgayKetThucXuLy: record.NgayKetThucXuLy,
    NgayTuChoi: record.NgayTuChoi,
    TrangThaiHoSo: record.TrangThaiHoSo,
    MaTinh: record.MaTinh,
    MaXa: record.MaXa,
    GhiChu: record.GhiChu,
  };
}

/** The full agency id `NNN.NN.NN.Xnn` a national dossier code begins with, or null. */
export function agencyOfDossierCode(code: string): string | null {
  const parsed = validateDossierCode(code);
  return parsed.ok && /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/.test(parsed.value.agencyId) ? parsed.value.agencyId : null;
}

function identityOf(personalId: string | null): HoSo['DinhDanhCHS'] {
  if (personalId === null || personalId === '') return [];
  return [{ LoaiDinhDanh: /^\d{9}$/.test(personalId) ? '2' : '1', SoDinhDanh: personalId }];
}

/**
 * The update a status correction sends: the status, the date field the status implies, the
 * reason as a note, and the correction id as `MaYeuCau`, so a resend is answered, not re-applied.
 */
export function updateFromStatusWrite(write: StatusWrite): UpdateItem {
  const at = formatPortalTimestamp(write.at);
  const item: UpdateItem = {
    MaHoSo: write.dossierCode,
    MaYeuCau: write.correctionId,
    TrangThaiHoSo: PORTAL_CODE_BY_STATUS[write.status],
    GhiChu: write.reason.slice(0, 1000),
  };
  switch (write.status) {
    case 'RESOLVED':
    case 'WITHDRAWN':
      return { ...item, NgayKetThucXuLy: at };
    case 'REJECTED':
      return { ...item, NgayKetThucXuLy: at, NgayTuChoi: at };
    case 'RESULT_RETURNED':
      return { ...item, NgayTra: at };
    case 'RECEIVED':
      return { ...item, NgayTiepNhan: at };
    case 'SUBMITTED':
    case 'PROCESSING':
    case 'SUPPLEMENT_REQUESTED':
    case 'AWAITING_FINANCIAL_OBLIGATION':
    case 'SUSPENDED':
      return item;
  }
}

/** The progress line that goes with a status correction. */
export function progressFromStatusWrite(write: StatusWrite): QuaTrinhXuLy {
  return {
    MaHoSo: write.dossierCode,
    ...HUB_ACTOR,
    ThoiDiemXuLy: formatPortalTimestamp(write.at),
    NoiDungXuLy: write.reason.slice(0, 2000) || 'Đồng bộ trạng thái hồ sơ',
    TrangThai: PROGRESS_STATE_BY_STATUS[write.status],
    NgayBatDau: '',
    NgayKetThucTheoQuyDinh: '',
  };
}

/** The portal's view of a dossier in canonical terms (from the change feed or a read-back). */
export function observationFromRecord(record: PortalDossierSummary): DossierObservation {
  return observationAt(
    record,
    optionalMs(record.NgayTiepNhan),
    optionalMs(record.NgayHenTra),
    optionalMs(record.NgayKetThucXuLy),
    optionalMs(record.NgayTra),
    requiredMs(record.NgayCapNhat),
  );
}

/**
 * {@link observationFromRecord} of a record whose stamps are read already (epoch milliseconds,
 * null for an empty one): the change-feed reader reads each stamp once, as it checks it.
 */
export function observationAt(
  record: PortalDossierSummary,
  receivedMs: number | null,
  dueMs: number | null,
  finishedMs: number | null,
  returnedMs: number | null,
  updatedMs: number,
): DossierObservation {
  const applicantPersonalId = record.DinhDanhCHS.find((id) => id.LoaiDinhDanh === '1')?.SoDinhDanh ?? null;
  return {
    system: 'national-portal',
    dossierCode: record.MaHoSo,
    nativeId: null,
    // Provinces publish codes with their agency suffix (`1.001193.000.00.00.H56`); the hub keys on the national part.
    procedureCode: normalizeProcedureCode(record.MaTTHC) ?? record.MaTTHC,
    communeCode: record.MaXa,
    provinceCode: record.MaTinh,
    applicantPersonalId: applicantPersonalId !== null && PERSONAL_ID.test(applicantPersonalId) ? applicantPersonalId : null,
    nativeStatus: record.TrangThaiHoSo,
    status: portalStatus(record.TrangThaiHoSo),
    receivedAt: receivedMs === null ? null : new Date(receivedMs),
    dueAt: dueMs === null ? null : new Date(dueMs),
    finishedAt: finishedMs === null ? null : new Date(finishedMs),
    returnedAt: returnedMs === null ? null : new Date(returnedMs),
    updatedAt: new Date(updatedMs),
    sourceVersion: String(record.PhienBan),
  };
}

const PERSONAL_ID = /^\d{12}$/;

/** A progress line as the hub reads it back. */
export interface PortalProgressLine {
  at: Date;
  /** `QuaTrinhXuLy.TrangThai` as sent. */
  nativeState: string;
  actor: string;
  title: string;
  department: string;
  content: string;
}

export function progressLineFromRecord(line: QuaTrinhXuLy): PortalProgressLine {
  return {
    at: parseRequired(line.ThoiDiemXuLy),
    nativeState: line.TrangThai,
    actor: line.NguoiXuLy,
    title: line.ChucDanh,
    department: line.PhongBanXuLy,
    content: line.NoiDungXuLy,
  };
}

// --- dates ------------------------------------------------------------------------------------

/** Vietnam keeps UTC+7 all year; the portal writes wall-clock times without an offset. */
const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/** `yyyyMMddHHmmss` on a Vietnamese wall clock (milliseconds are dropped). */
export function formatPortalTimestamp(instant: Date): string {
  return formatPortalTimestampMs(instant.getTime());
}

const DAY_MS = 86_400_000;
/** `yyyyMMdd` by Vietnamese day number: a change feed formats a million stamps over a few hundred days. */
const dayTexts = new Map<number, string>();

/** {@link formatPortalTimestamp} of epoch milliseconds, without building a Date per stamp. */
export function formatPortalTimestampMs(time: number): string {
  if (!Number.isFinite(time)) throw new RangeError('cannot format an invalid Date');
  const local = time + VIETNAM_OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  let dayText = dayTexts.get(day);
  if (dayText === undefined) {
    if (dayTexts.size >= 100_000) dayTexts.clear();
    dayText = new Date(day * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '');
    dayTexts.set(day, dayText);
  }
  const seconds = Math.floor((local - day * DAY_MS) / 1_000);
  return `${dayText}${twoDigits(Math.floor(seconds / 3_600))}${twoDigits(Math.floor(seconds / 60) % 60)}${twoDigits(seconds % 60)}`;
}

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** The instant of a `yyyyMMddHHmmss` Vietnam-time stamp, or null when it is not a real date and time. */
export function parsePortalTimestamp(text: string): Date | null {
  const ms = portalTimestampMs(text);
  return ms === null ? null : new Date(ms);
}

/**
 * {@link parsePortalTimestamp} as epoch milliseconds, digit by digit, with the calendar checked
 * by arithmetic: the portal's change feed carries seven stamps per record, a million records per
 * province. Years before 100 are refused, as they always were here (the portal writes four-digit
 * years of this era).
 */
export function portalTimestampMs(text: string): number | null {
  if (text.length !== 14) return null;
  for (let index = 0; index < 14; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return null;
  }
  const year = twoDigitsAt(text, 0) * 100 + twoDigitsAt(text, 2);
  const month = twoDigitsAt(text, 4);
  const day = twoDigitsAt(text, 6);
  const hour = twoDigitsAt(text, 8);
  const minute = twoDigitsAt(text, 10);
  const second = twoDigitsAt(text, 12);
  if (year < 100 || !isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  return civilDayNumber(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1_000 - VIETNAM_OFFSET_MS;
}

function twoDigitsAt(text: string, index: number): number {
  return (text.charCodeAt(index) - 48) * 10 + text.charCodeAt(index + 1) - 48;
}

export function isPortalTimestamp(text: string): boolean {
  return portalTimestampMs(text) !== null;
}

export function isPortalTimestampOrEmpty(text: string): boolean {
  return text === '' || isPortalTimestamp(text);
}

function optionalTimestamp(instant: Date | null): string {
  return instant === null ? '' : formatPortalTimestamp(instant);
}

function optionalMs(text: string): number | null {
  return text === '' ? null : portalTimestampMs(text);
}

function requiredMs(text: string): number {
  const ms = portalTimestampMs(text);
  if (ms === null) throw new RangeError('timestamps are checked by the payload schema');
  return ms;
}

function parseRequired(text: string): Date {
  return new Date(requiredMs(text));
}
