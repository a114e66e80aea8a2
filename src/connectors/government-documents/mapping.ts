import { isCalendarDate } from '../../domain/vietnam-calendar.js';
import {
  hubDocumentId,
  type ArchiveAccess,
  type ArchiveFile,
  type ArchiveRetention,
  type CalendarDay,
  type DigitizationState,
  type DocumentDirection,
  type DocumentStatus,
  type DocumentStatusEvent,
  type DocumentUrgency,
  type HubDocument,
} from '../document-source.js';
import type { QlvbArchiveFile, QlvbDocument, QlvbTraceEntry } from './payload.js';

/**
 * Document types of Decree 30/2020/NĐ-CP Annex III by the name QLVB stores (`TypeName`; Annex VI
 * has no type code). Công văn has no abbreviation in Annex III and prints none in its number;
 * the hub files it as `CV`, as party numbering does.
 */
export const GOVERNMENT_DOCUMENT_TYPES: Readonly<Record<string, string>> = {
  'Nghị quyết': 'NQ',
  'Quyết định': 'QĐ',
  'Chỉ thị': 'CT',
  'Quy chế': 'QC',
  'Quy định': 'QyĐ',
  'Thông cáo': 'TC',
  'Thông báo': 'TB',
  'Hướng dẫn': 'HD',
  'Chương trình': 'CTr',
  'Kế hoạch': 'KH',
  'Phương án': 'PA',
  'Đề án': 'ĐA',
  'Dự án': 'DA',
  'Báo cáo': 'BC',
  'Biên bản': 'BB',
  'Tờ trình': 'TTr',
  'Hợp đồng': 'HĐ',
  'Công điện': 'CĐ',
  'Bản ghi nhớ': 'BGN',
  'Bản thỏa thuận': 'BTT',
  'Giấy ủy quyền': 'GUQ',
  'Giấy mời': 'GM',
  'Giấy giới thiệu': 'GGT',
  'Giấy nghỉ phép': 'GNP',
  'Phiếu gửi': 'PG',
  'Phiếu chuyển': 'PC',
  'Phiếu báo': 'PB',
  'Công văn': 'CV',
};

const TYPE_BY_NAME = new Map(
  Object.entries(GOVERNMENT_DOCUMENT_TYPES).map(([name, code]) => [name.normalize('NFC').toLowerCase(), code]),
);
/** Abbreviations that may open a ký hiệu; anything else opening it is an organ (công văn). */
const TYPE_CODES = new Set(Object.values(GOVERNMENT_DOCUMENT_TYPES).filter((code) => code !== 'CV'));

/** The Annex III code of a type name however it is cased; null for a name outside Annex III. */
export function governmentTypeCode(typeName: string): string | null {
  return TYPE_BY_NAME.get(typeName.normalize('NFC').trim().toLowerCase()) ?? null;
}

/** Sổ văn bản: QLVB keeps incoming and outgoing documents in separate books. */
export const BOOK_DIRECTIONS: Readonly<Record<'VB_DEN' | 'VB_DI', DocumentDirection>> = {
  VB_DEN: 'INCOMING',
  VB_DI: 'OUTGOING',
};
export const DIRECTION_QUERY: Readonly<Record<DocumentDirection, 'incoming' | 'outgoing'>> = {
  INCOMING: 'incoming',
  OUTGOING: 'outgoing',
};

/**
 * `Priority` (Annex VI, num1): the urgency mark. Annex VI names secrecy in the same field, but
 * Law 29/2018/QH14 forbids keeping or sending state secrets on systems connected to the
 * internet, which QLVB is, so QLVB documents carry urgency only and are never classified.
 */
export const GOVERNMENT_PRIORITY_CODES = [0, 1, 2, 3] as const;
export type GovernmentPriorityCode = (typeof GOVERNMENT_PRIORITY_CODES)[number];
export const GOVERNMENT_URGENCY: Readonly<Record<GovernmentPriorityCode, DocumentUrgency>> = {
  0: 'NORMAL',
  1: 'URGENT',
  2: 'VERY_URGENT',
  3: 'FLASH',
};

/** QLVB processing words (`ProcessingStatus`, and `Action` of a trace entry). */
export const GOVERNMENT_STATUS: Readonly<Record<string, { status: DocumentStatus; label: string }>> = {
  DA_BAN_HANH: { status: 'ISSUED', label: 'Đã ban hành' },
  DA_THU_HOI: { status: 'WITHDRAWN', label: 'Đã thu hồi' },
  CHO_TIEP_NHAN: { status: 'ARRIVED', label: 'Chờ tiếp nhận' },
  TRA_LAI: { status: 'REJECTED', label: 'Trả lại' },
  DA_VAO_SO: { status: 'REGISTERED', label: 'Đã vào sổ' },
  DA_PHAN_PHOI: { status: 'ASSIGNED', label: 'Đã phân phối, giao xử lý' },
  DANG_XU_LY: { status: 'PROCESSING', label: 'Đang xử lý' },
  DA_XU_LY: { status: 'COMPLETED', label: 'Đã xử lý xong' },
};

export function governmentStatus(word: string): DocumentStatus | null {
  return GOVERNMENT_STATUS[word]?.status ?? null;
}

/** `Rights` (chế độ sử dụng) is free text; anything not known to be public is treated as restricted. */
export const ARCHIVE_RIGHTS: Readonly<Record<string, ArchiveAccess>> = {
  'công khai': 'PUBLIC',
  'sử dụng rộng rãi': 'PUBLIC',
  'hạn chế': 'RESTRICTED',
  'hạn chế sử dụng': 'RESTRICTED',
  'mật': 'RESTRICTED',
};

export function archiveAccess(rights: string): ArchiveAccess {
  return ARCHIVE_RIGHTS[rights.normalize('NFC').trim().toLowerCase()] ?? 'RESTRICTED';
}

/** QLVB's digitisation states (`Digitization.State`). */
export const QLVB_DIGITIZATION_CODES = ['CHUA_SO_HOA', 'DANG_SO_HOA', 'DA_SO_HOA'] as const;
export type QlvbDigitizationCode = (typeof QLVB_DIGITIZATION_CODES)[number];
export const DIGITIZATION: Readonly<Record<QlvbDigitizationCode, DigitizationState>> = {
  CHUA_SO_HOA: 'NOT_STARTED',
  DANG_SO_HOA: 'IN_PROGRESS',
  DA_SO_HOA: 'DIGITIZED',
};
export const DIGITIZATION_QUERY: Readonly<Record<DigitizationState, QlvbDigitizationCode>> = {
  NOT_STARTED: 'CHUA_SO_HOA',
  IN_PROGRESS: 'DANG_SO_HOA',
  DIGITIZED: 'DA_SO_HOA',
};

export interface Retention {
  retention: ArchiveRetention;
  years: number | null;
}

const TERM = /^(\d{1,3}) năm$/u;

/** `Maintenance` (thời hạn bảo quản): `Vĩnh viễn` or `N năm`; null for anything else. */
export function parseMaintenance(text: string): Retention | null {
  const value = text.normalize('NFC').trim();
  if (value.toLowerCase() === 'vĩnh viễn') return { retention: 'PERMANENT', years: null };
  const term = TERM.exec(value.toLowerCase());
  const years = term ? Number(term[1]) : 0;
  return years > 0 ? { retention: 'TERM', years } : null;
}

export function formatMaintenance(retention: Retention): string {
  return retention.retention === 'PERMANENT' ? 'Vĩnh viễn' : `${retention.years ?? 0} năm`;
}

/** Government numbering prints number, slash, ký hiệu: `145/QĐ-UBND`, công văn `1234/UBND-VP`. */
export function formatGovernmentNumber(codeNumber: string, codeNotation: string): string {
  return `${codeNumber}/${codeNotation}`;
}

export interface GovernmentNumber {
  number: string;
  /** Annex III abbreviation; `CV` when the ký hiệu opens with the organ (a công văn). */
  typeCode: string;
  /** The issuing organ's abbreviation: `UBND`, `SNV`, `VPCP`. */
  organCode: string;
  /** The drafting unit of a công văn (`VP` in `UBND-VP`); null for other types. */
  unitCode: string | null;
}

const GOVERNMENT_NUMBER = /^(?:Số:?\s*)?(\d{1,11})\/([^\s/-]+)-(\S+)$/u;

/** Reads a printed government number; null for any other shape (e.g. a party number). */
export function parseGovernmentNumber(printed: string): GovernmentNumber | null {
  const match = GOVERNMENT_NUMBER.exec(printed.normalize('NFC').trim());
  if (!match) return null;
  const [, number, first, rest] = match;
  if (!number || !first || !rest) return null;
  return TYPE_CODES.has(first)
    ? { number, typeCode: first, organCode: rest, unitCode: null }
    : { number, typeCode: 'CV', organCode: first, unitCode: rest };
}

const VIETNAM_OFFSET_MS = 7 * 3_600_000;
const GOVERNMENT_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;

/** True for a QLVB date `dd/MM/yyyy` naming a real calendar day. */
export function isGovernmentDate(text: string): boolean {
  const match = GOVERNMENT_DATE.exec(text);
  return match !== null && isCalendarDate(Number(match[3]), Number(match[2]), Number(match[1]));
}

/** A QLVB date as the calendar day `YYYY-MM-DD`. */
export function governmentCalendarDay(text: string): CalendarDay {
  const match = GOVERNMENT_DATE.exec(text);
  if (!match || !isGovernmentDate(text)) throw new RangeError(`not a dd/MM/yyyy date: ${text}`);
  return `${match[3]}-${match[2]}-${match[1]}`;
}

/** A QLVB date as the instant 00:00 of that day in Vietnam. */
export function parseGovernmentDate(text: string): Date {
  return new Date(Date.parse(`${governmentCalendarDay(text)}T00:00:00Z`) - VIETNAM_OFFSET_MS);
}

/** The Vietnamese calendar day of an instant as `dd/MM/yyyy`. */
export function formatGovernmentDate(instant: Date): string {
  const d = new Date(instant.getTime() + VIETNAM_OFFSET_MS);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

/** An instant as ISO 8601 on the Vietnam clock, `2026-10-15T09:12:00+07:00`, as QLVB writes it. */
export function formatGovernmentTimestamp(instant: Date): string {
  return `${new Date(instant.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 19)}+07:00`;
}

/** A QLVB document record in canonical terms. */
export function toHubDocument(doc: QlvbDocument): HubDocument {
  const incoming = doc.BookType === 'VB_DEN';
  return {
    id: hubDocumentId('government-documents', doc.Id),
    source: 'government-documents',
    direction: BOOK_DIRECTIONS[doc.BookType],
    number: formatGovernmentNumber(doc.CodeNumber, doc.CodeNotation),
    typeCode: governmentTypeCode(doc.TypeName),
    typeName: doc.TypeName,
    subject: doc.Subject,
    issuerOrganId: doc.OrganId,
    issuerName: doc.OrganName,
    issuedAt: parseGovernmentDate(doc.IssuedDate),
    dueAt: doc.DueDate === null ? null : parseGovernmentDate(doc.DueDate),
    arrivedAt: incoming ? parseGovernmentDate(doc.ArrivalDate) : null,
    urgency: GOVERNMENT_URGENCY[doc.Priority],
    secrecy: 'NONE',
    pageCount: doc.PageAmount,
    signerName: doc.SignerInfo.FullName,
    signerPosition: doc.SignerInfo.Position,
    provinceCode: doc.ProvinceCode,
    communeCode: doc.CommuneCode,
    status: governmentStatus(doc.ProcessingStatus),
    nativeStatus: doc.ProcessingStatus,
    updatedAt: new Date(doc.UpdatedAt),
  };
}

/** One entry of an incoming document's TraceHeaderList as a step of its history. */
export function toStatusEvent(entry: QlvbTraceEntry): DocumentStatusEvent {
  return {
    status: governmentStatus(entry.Action),
    nativeStatus: entry.Action,
    at: new Date(entry.Timestamp),
    organId: entry.OrganId,
    organName: entry.OrganName,
    note: entry.Note,
  };
}

/** A QLVB archive record in canonical terms. */
export function toArchiveFile(file: QlvbArchiveFile): ArchiveFile {
  const retention = parseMaintenance(file.Maintenance);
  if (!retention) throw new RangeError(`unreadable Maintenance: ${file.Maintenance}`);
  return {
    id: hubDocumentId('government-documents', file.Id),
    fileCode: `${file.FileCode.OrganId}.${file.FileCode.FileCatalog}.${file.FileCode.FileNotation}`,
    title: file.Title,
    retention: retention.retention,
    retentionYears: retention.years,
    access: archiveAccess(file.Rights),
    creator: file.Creator,
    startDate: governmentCalendarDay(file.StartDate),
    endDate: governmentCalendarDay(file.EndDate),
    documentCount: file.DocTotal,
    pageCount: file.PageTotal,
    pagesDigitized: file.Digitization.PagesDigitized,
    digitization: DIGITIZATION[file.Digitization.State],
    provinceCode: file.ProvinceCode,
    receivingCommuneCode: file.Handover.ReceivingCommuneCode,
    handedOverAt: parseGovernmentDate(file.Handover.HandoverDate),
    formerDistrictName: file.Handover.FormerDistrict,
  };
}
