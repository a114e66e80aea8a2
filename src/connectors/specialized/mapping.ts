import { validateDossierCode } from '../../domain/dossier-code.js';
import type { DossierStatus } from '../../domain/dossier-status.js';
import { procedureByCode } from '../../domain/procedures.js';
import { isCalendarDate } from '../../domain/vietnam-calendar.js';
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

const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * The instant of an ISO 8601 timestamp with an offset (or Z), or null when it is not a real one.
 * Computed from the fields, not with Date.parse, which rolls 30 February over to 2 March.
 */
export function parseSpecializedTime(text: string): Date | null {
  const match = ISO_WITH_OFFSET.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offsetHours = Number(match[9] ?? 0);
  const offsetMinutes = Number(match[10] ?? 0);
  if (offsetHours > 14 || offsetMinutes > 59) return null;
  const offsetMs = (match[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMs);
}

/** The specialized software's view of a case in canonical terms. */
export function toObservation(record: SpecializedCase): DossierObservation {
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
    receivedAt: optionalTime(record.receivedAt),
    dueAt: optionalTime(record.dueAt),
    finishedAt: optionalTime(record.decidedAt),
    returnedAt: optionalTime(record.deliveredAt),
    updatedAt: requiredTime(record.updatedAt),
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

function optionalTime(text: string | null): Date | null {
  return text === null ? null : requiredTime(text);
}

function requiredTime(text: string): Date {
  const instant = parseSpecializedTime(text);
  // The payload schema admits only valid timestamps, so this is a caller passing an unchecked record.
  if (!instant) throw new RangeError(`'${text}' is not an ISO 8601 timestamp with an offset`);
  return instant;
}
