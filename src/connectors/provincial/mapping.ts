import { validateDossierCode } from '../../domain/dossier-code.js';
import type { DossierStatus } from '../../domain/dossier-status.js';
import { procedureByCode } from '../../domain/procedures.js';
import { civilDayNumber, isCalendarDate } from '../../domain/vietnam-calendar.js';
import type { DossierCreate, DossierObservation } from '../connector.js';
import type { DossierReceiveRequest, ProvincialDossierRecord } from './payloads.js';

/**
 * `TrangThaiHoSo` of the one-stop-shop system → canonical status. The provincial system speaks
 * the national codes 1–10 (VIETNAM-EGOV.md §2.1), so the table is the identity on meanings; it
 * is still a table, so a vendor's extra code (0 "interoperating", 11…) is visibly unmapped.
 */
export const PROVINCIAL_STATUS_BY_CODE: Readonly<Record<number, DossierStatus>> = {
  1: 'SUBMITTED',
  2: 'RECEIVED',
  3: 'REJECTED',
  4: 'PROCESSING',
  5: 'SUPPLEMENT_REQUESTED',
  6: 'AWAITING_FINANCIAL_OBLIGATION',
  7: 'WITHDRAWN',
  8: 'SUSPENDED',
  9: 'RESOLVED',
  10: 'RESULT_RETURNED',
};

/** Canonical status → `TrangThaiHoSo`, for write-backs. */
export const PROVINCIAL_CODE_BY_STATUS: Readonly<Record<DossierStatus, number>> = {
  SUBMITTED: 1,
  RECEIVED: 2,
  REJECTED: 3,
  PROCESSING: 4,
  SUPPLEMENT_REQUESTED: 5,
  AWAITING_FINANCIAL_OBLIGATION: 6,
  WITHDRAWN: 7,
  SUSPENDED: 8,
  RESOLVED: 9,
  RESULT_RETURNED: 10,
};

/** The canonical status of a native code, or null when the code has no canonical meaning. */
export function provincialStatus(code: number): DossierStatus | null {
  return Object.hasOwn(PROVINCIAL_STATUS_BY_CODE, code) ? (PROVINCIAL_STATUS_BY_CODE[code] ?? null) : null;
}

/** Vietnam keeps UTC+7 all year; the system writes wall-clock times without an offset. */
const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/** `yyyyMMddHHmmss` on a Vietnamese wall clock (milliseconds are dropped). */
export function formatVietnamTimestamp(instant: Date): string {
  return formatVietnamTimestampMs(instant.getTime());
}

const DAY_MS = 86_400_000;
/** `yyyyMMdd` by Vietnamese day number: a change feed formats millions of stamps over a few hundred days. */
const dayTexts = new Map<number, string>();

/** {@link formatVietnamTimestamp} of epoch milliseconds, without a Date and an ISO string per stamp. */
export function formatVietnamTimestampMs(time: number): string {
  if (!Number.isFinite(time)) throw new RangeError('cannot format an invalid Date');
  const local = time + VIETNAM_OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  let dayText = dayTexts.get(day);
  if (dayText === undefined) {
    if (dayTexts.size >= 100_000) dayTexts.clear();
    const iso = new Date(day * DAY_MS).toISOString();
    dayText = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`;
    dayTexts.set(day, dayText);
  }
  const seconds = Math.floor((local - day * DAY_MS) / 1_000);
  return `${dayText}${twoDigits(Math.floor(seconds / 3_600))}${twoDigits(Math.floor(seconds / 60) % 60)}${twoDigits(seconds % 60)}`;
}

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** The instant of a `yyyyMMddHHmmss` Vietnam-time stamp, or null when it is not a real date and time. */
export function parseVietnamTimestamp(text: string): Date | null {
  const ms = vietnamTimestampMs(text);
  return ms === null ? null : new Date(ms);
}

/**
 * {@link parseVietnamTimestamp} as epoch milliseconds. Digit by digit and by arithmetic rather
 * than by regular expression and Date parsing: every record of a change feed carries up to six
 * stamps, and a million-dossier feed reads them all.
 */
export function vietnamTimestampMs(text: string): number | null {
  if (text.length !== 14) return null;
  for (let index = 0; index < 14; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return null;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 4, 2);
  const day = digits(text, 6, 2);
  const hour = digits(text, 8, 2);
  const minute = digits(text, 10, 2);
  const second = digits(text, 12, 2);
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  return civilDayNumber(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1_000 - VIETNAM_OFFSET_MS;
}

function digits(text: string, start: number, length: number): number {
  let value = 0;
  for (let index = start; index < start + length; index += 1) value = value * 10 + text.charCodeAt(index) - 48;
  return value;
}

/** True for a valid stamp, or for the empty string the system sends for "no date". */
export function isVietnamTimestampOrEmpty(text: string): boolean {
  return text === '' || vietnamTimestampMs(text) !== null;
}

/** True for a valid stamp. */
export function isVietnamTimestamp(text: string): boolean {
  return vietnamTimestampMs(text) !== null;
}

/** The provincial system's view of a dossier in canonical terms. */
export function toObservation(record: ProvincialDossierRecord): DossierObservation {
  return observationAt(
    record,
    optionalTimestampMs(record.NgayTiepNhan),
    optionalTimestampMs(record.NgayHenTra),
    optionalTimestampMs(record.NgayKetThucXuLy),
    optionalTimestampMs(record.NgayTra),
    requiredTimestampMs(record.NgayCapNhat),
  );
}

/**
 * {@link toObservation} of a record whose stamps are read already (epoch milliseconds, null for
 * an empty one): the change-feed reader reads each stamp once, as it checks it.
 */
export function observationAt(
  record: ProvincialDossierRecord,
  receivedMs: number | null,
  dueMs: number | null,
  finishedMs: number | null,
  returnedMs: number | null,
  updatedMs: number,
): DossierObservation {
  return {
    system: 'provincial',
    dossierCode: record.MaHoSo,
    // The one-stop shop keys dossiers by the national code itself.
    nativeId: null,
    procedureCode: record.MaTTHC,
    communeCode: record.MaXa,
    provinceCode: record.MaTinh,
    applicantPersonalId: record.SoGiayToChuHoSo === '' ? null : record.SoGiayToChuHoSo,
    nativeStatus: String(record.TrangThaiHoSo),
    status: provincialStatus(record.TrangThaiHoSo),
    receivedAt: receivedMs === null ? null : new Date(receivedMs),
    dueAt: dueMs === null ? null : new Date(dueMs),
    finishedAt: finishedMs === null ? null : new Date(finishedMs),
    returnedAt: returnedMs === null ? null : new Date(returnedMs),
    updatedAt: new Date(updatedMs),
    sourceVersion: String(record.PhienBan),
  };
}

/**
 * The receipt (`POST /api/v1/hoso`) a correction sends when the one-stop shop lacks a dossier:
 * the correction id as MaYeuCau, the facts the hub holds, and the unit from the dossier code
 * (`{agency id}-{yyMMdd}-{n}`). The applicant's name and the filing instant stay out: the hub
 * does not keep them.
 */
export function receiveRequestFromCreate(create: DossierCreate): DossierReceiveRequest {
  const parsedCode = validateDossierCode(create.dossierCode);
  const procedureName = procedureByCode(create.procedureCode)?.name;
  return {
    MaYeuCau: create.correctionId,
    MaHoSo: create.dossierCode,
    MaTTHC: create.procedureCode,
    ...(procedureName === undefined ? {} : { TenTTHC: procedureName }),
    ...(parsedCode.ok ? { MaDonVi: parsedCode.value.agencyId } : {}),
    MaXa: create.communeCode,
    MaTinh: create.provinceCode,
    ...(create.applicantPersonalId === null ? {} : { SoGiayToChuHoSo: create.applicantPersonalId }),
    TrangThaiHoSo: PROVINCIAL_CODE_BY_STATUS[create.status],
    NgayTiepNhan: optionalStamp(create.receivedAt),
    NgayHenTra: optionalStamp(create.dueAt),
    NgayKetThucXuLy: optionalStamp(create.finishedAt),
    NgayTra: optionalStamp(create.returnedAt),
    LyDo: create.reason.slice(0, 1000),
    ThoiDiem: formatVietnamTimestamp(create.at),
  };
}

function optionalStamp(instant: Date | null): string {
  return instant === null ? '' : formatVietnamTimestamp(instant);
}

function optionalTimestampMs(text: string): number | null {
  return text === '' ? null : requiredTimestampMs(text);
}

function requiredTimestampMs(text: string): number {
  const ms = vietnamTimestampMs(text);
  // The payload schema admits only valid stamps, so this is a caller passing an unchecked record.
  if (ms === null) throw new RangeError(`'${text}' is not a yyyyMMddHHmmss timestamp`);
  return ms;
}
