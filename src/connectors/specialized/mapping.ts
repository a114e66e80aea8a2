import { validateDossierCode } from '../../domain/dossier-code.js';
import type { DossierStatus } from '../../domain/dossier-status.js';
import { procedureByCode } from '../../domain/procedures.js';
import { civilDayNumber, isCalendarDate } from '../../domain/vietnam-calendar.js';
import type { DossierCreate, DossierObservation, StatusWrite } from '../connector.js';
import type { CaseStatusWriteRequest, CaseTransferRequest, SpecializedCase } from './payloads.js';

/**
 * Status words of the Ministry of Justice's civil-status software → canonical status. The
 * software receives a dossier only after the one-stop shop has received it, so it has no word
 * for SUBMITTED; each other canonical status has exactly one word.
 */
export const SPECIALIZED_STATUS_BY_WORD = {
  /** Taken in from the one-stop shop, not yet assigned. */
  accepted: 'RECEIVED',
  in_review: 'PROCESSING',
  needs_documents: 'SUPPLEMENT_REQUESTED',
  awaiting_fee: 'AWAITING_FINANCIAL_OBLIGATION',
  on_hold: 'SUSPENDED',
  /** Registered; the extract or certificate is ready. */
  approved: 'RESOLVED',
  /** Handed over to the applicant. */
  delivered: 'RESULT_RETURNED',
  denied: 'REJECTED',
  withdrawn: 'WITHDRAWN',
} as const satisfies Readonly<Record<string, DossierStatus>>;

export type SpecializedStatusWord = keyof typeof SPECIALIZED_STATUS_BY_WORD;

/** Canonical status → status word; SUBMITTED has none (see above). */
export const SPECIALIZED_WORD_BY_STATUS: Readonly<Record<Exclude<DossierStatus, 'SUBMITTED'>, SpecializedStatusWord>> = {
  RECEIVED: 'accepted',
  PROCESSING: 'in_review',
  SUPPLEMENT_REQUESTED: 'needs_documents',
  AWAITING_FINANCIAL_OBLIGATION: 'awaiting_fee',
  SUSPENDED: 'on_hold',
  RESOLVED: 'approved',
  RESULT_RETURNED: 'delivered',
  REJECTED: 'denied',
  WITHDRAWN: 'withdrawn',
};

// A Map, not property access: a word such as 'constructor' must not find Object's prototype.
const BY_WORD: ReadonlyMap<string, DossierStatus> = new Map(Object.entries(SPECIALIZED_STATUS_BY_WORD));

/** The canonical status of a status word, or null when the word has no canonical meaning. */
export function specializedStatus(word: string): DossierStatus | null {
  return BY_WORD.get(word) ?? null;
}

/** The status word for a canonical status, or null for SUBMITTED, which the software never holds. */
export function specializedWord(status: DossierStatus): SpecializedStatusWord | null {
  return status === 'SUBMITTED' ? null : SPECIALIZED_WORD_BY_STATUS[status];
}

const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/** ISO 8601 with milliseconds and the Vietnam offset, as the software writes it: `2026-02-27T16:21:16.000+07:00`. */
export function formatSpecializedTime(instant: Date): string {
  return formatSpecializedTimeMs(instant.getTime());
}

const DAY_MS = 86_400_000;
/** `yyyy-MM-ddT` by Vietnamese day number: a listing formats millions of stamps over a few hundred days. */
const dayTexts = new Map<number, string>();

/** {@link formatSpecializedTime} of epoch milliseconds, without a Date and an ISO string per stamp. */
export function formatSpecializedTimeMs(time: number): string {
  if (!Number.isFinite(time)) throw new RangeError('cannot format an invalid Date');
  const local = time + VIETNAM_OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  let dayText = dayTexts.get(day);
  if (dayText === undefined) {
    if (dayTexts.size >= 100_000) dayTexts.clear();
    dayText = new Date(day * DAY_MS).toISOString().slice(0, 11);
    dayTexts.set(day, dayText);
  }
  const ms = Math.floor(local - day * DAY_MS);
  const seconds = Math.floor(ms / 1_000);
  const millis = ms % 1_000;
  const hh = pad(Math.floor(seconds / 3_600), 2);
  return `${dayText}${hh}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}.${pad(millis, 3)}+07:00`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * The instant of an ISO 8601 timestamp with an offset (or Z), or null when it is not a real one:
 * `yyyy-MM-ddTHH:mm:ss`, optionally `.` and 1–9 digits of a second (milliseconds are kept, the
 * rest dropped), then `Z` or `±HH:mm` up to ±14:59. Computed from the fields, not with Date.parse,
 * which rolls 30 February over to 2 March.
 */
export function parseSpecializedTime(text: string): Date | null {
  const ms = specializedTimeMs(text);
  return ms === null ? null : new Date(ms);
}

/**
 * {@link parseSpecializedTime} as epoch milliseconds, character by character: a listing of a
 * million cases carries five timestamps per case. It agrees with Date.parse on every timestamp
 * it accepts.
 */
export function specializedTimeMs(text: string): number | null {
  const length = text.length;
  if (
    length < 20 ||
    !isDigitRun(text, 0, 4) ||
    text.charCodeAt(4) !== DASH ||
    !isDigitRun(text, 5, 2) ||
    text.charCodeAt(7) !== DASH ||
    !isDigitRun(text, 8, 2) ||
    text.charCodeAt(10) !== LETTER_T ||
    !isDigitRun(text, 11, 2) ||
    text.charCodeAt(13) !== COLON ||
    !isDigitRun(text, 14, 2) ||
    text.charCodeAt(16) !== COLON ||
    !isDigitRun(text, 17, 2)
  ) {
    return null;
  }
  let index = 19;
  let millis = 0;
  if (text.charCodeAt(index) === DOT) {
    const first = index + 1;
    index = first;
    while (index < length && isDigit(text.charCodeAt(index))) index += 1;
    const count = index - first;
    if (count < 1 || count > 9) return null;
    millis = digitAt(text, first) * 100 + (count > 1 ? digitAt(text, first + 1) * 10 : 0) + (count > 2 ? digitAt(text, first + 2) : 0);
  }
  let offsetMs = 0;
  const zone = text.charCodeAt(index);
  if (zone === LETTER_Z) {
    if (index + 1 !== length) return null;
  } else if (zone === PLUS || zone === DASH) {
    if (index + 6 !== length || !isDigitRun(text, index + 1, 2) || text.charCodeAt(index + 3) !== COLON || !isDigitRun(text, index + 4, 2)) {
      return null;
    }
    const offsetHours = twoDigitsAt(text, index + 1);
    const offsetMinutes = twoDigitsAt(text, index + 4);
    if (offsetHours > 14 || offsetMinutes > 59) return null;
    offsetMs = (zone === DASH ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  } else {
    return null;
  }
  const year = twoDigitsAt(text, 0) * 100 + twoDigitsAt(text, 2);
  const month = twoDigitsAt(text, 5);
  const day = twoDigitsAt(text, 8);
  const hour = twoDigitsAt(text, 11);
  const minute = twoDigitsAt(text, 14);
  const second = twoDigitsAt(text, 17);
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  return civilDayNumber(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1_000 + millis - offsetMs;
}

const DASH = 45;
const PLUS = 43;
const DOT = 46;
const COLON = 58;
const LETTER_T = 84;
const LETTER_Z = 90;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isDigitRun(text: string, start: number, count: number): boolean {
  for (let index = start; index < start + count; index += 1) {
    if (!isDigit(text.charCodeAt(index))) return false;
  }
  return true;
}

function digitAt(text: string, index: number): number {
  return text.charCodeAt(index) - 48;
}

function twoDigitsAt(text: string, index: number): number {
  return digitAt(text, index) * 10 + digitAt(text, index + 1);
}

/** The specialized software's view of a case in canonical terms. */
export function toObservation(record: SpecializedCase): DossierObservation {
  return observationAt(
    record,
    optionalTimeMs(record.receivedAt),
    optionalTimeMs(record.dueAt),
    optionalTimeMs(record.decidedAt),
    optionalTimeMs(record.deliveredAt),
    requiredTimeMs(record.updatedAt),
  );
}

/**
 * {@link toObservation} of a case whose timestamps are read already (epoch milliseconds, null for
 * a null one): the listing reader reads each timestamp once, as it checks it.
 */
export function observationAt(
  record: SpecializedCase,
  receivedMs: number | null,
  dueMs: number | null,
  decidedMs: number | null,
  deliveredMs: number | null,
  updatedMs: number,
): DossierObservation {
  return {
    system: 'specialized',
    dossierCode: record.nationalDossierCode,
    nativeId: record.caseId,
    procedureCode: record.procedureCode,
    communeCode: record.communeCode,
    provinceCode: record.provinceCode,
    applicantPersonalId: record.applicant.personalId === '' ? null : record.applicant.personalId,
    nativeStatus: record.status,
    status: specializedStatus(record.status),
    receivedAt: receivedMs === null ? null : new Date(receivedMs),
    dueAt: dueMs === null ? null : new Date(dueMs),
    finishedAt: decidedMs === null ? null : new Date(decidedMs),
    returnedAt: deliveredMs === null ? null : new Date(deliveredMs),
    updatedAt: new Date(updatedMs),
    sourceVersion: String(record.revision),
  };
}

/**
 * The status write a correction sends; null for SUBMITTED, which the software cannot hold (it
 * takes a dossier in only once the one-stop shop has received it).
 */
export function statusWriteRequest(write: StatusWrite): CaseStatusWriteRequest | null {
  const status = specializedWord(write.status);
  if (status === null) return null;
  return { status, correctionId: write.correctionId, reason: write.reason.slice(0, 1000), at: formatSpecializedTime(write.at) };
}

/**
 * The transfer a correction sends when the software lacks a dossier (null for SUBMITTED, as
 * above): the facts the hub holds, the receiving unit from the dossier code
 * (`{agency id}-{yyMMdd}-{n}`); the applicant's name stays out, as the hub does not keep it.
 */
export function transferRequestFromCreate(create: DossierCreate): CaseTransferRequest | null {
  const status = specializedWord(create.status);
  if (status === null) return null;
  const parsedCode = validateDossierCode(create.dossierCode);
  const procedureName = procedureByCode(create.procedureCode)?.name;
  const time = (instant: Date | null): string | null => (instant === null ? null : formatSpecializedTime(instant));
  return {
    correctionId: create.correctionId,
    nationalDossierCode: create.dossierCode,
    procedureCode: create.procedureCode,
    ...(procedureName === undefined ? {} : { procedureName }),
    provinceCode: create.provinceCode,
    communeCode: create.communeCode,
    ...(parsedCode.ok ? { receivingAgencyId: parsedCode.value.agencyId } : {}),
    applicant: { personalId: create.applicantPersonalId },
    status,
    receivedAt: time(create.receivedAt),
    dueAt: time(create.dueAt),
    decidedAt: time(create.finishedAt),
    deliveredAt: time(create.returnedAt),
    reason: create.reason.slice(0, 1000),
    at: formatSpecializedTime(create.at),
  };
}

function optionalTimeMs(text: string | null): number | null {
  return text === null ? null : requiredTimeMs(text);
}

function requiredTimeMs(text: string): number {
  const ms = specializedTimeMs(text);
  // The payload schema admits only valid timestamps, so this is a caller passing an unchecked record.
  if (ms === null) throw new RangeError(`'${text}' is not an ISO 8601 timestamp with an offset`);
  return ms;
}
