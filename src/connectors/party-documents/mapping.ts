import { isCalendarDate } from '../../domain/vietnam-calendar.js';
import {
  hubDocumentId,
  type DocumentSecrecy,
  type DocumentStatus,
  type DocumentStatusEvent,
  type DocumentUrgency,
  type HubDocument,
} from '../document-source.js';
import type { PartyDocumentRecord, PartyStatusPacket } from './payload.js';

/**
 * iCPV document types (`DocumentType/Type`) with the abbreviations of party numbering
 * (Hướng dẫn 36-HD/VPTW): the Annex III set plus KL, TT and QĐi, which only the Party uses.
 * The numeric codes are the simulated system's own; the abbreviation is what the hub keeps.
 */
export const PARTY_DOCUMENT_TYPES: Readonly<Record<string, { code: string; name: string }>> = {
  '1': { code: 'NQ', name: 'Nghị quyết' },
  '2': { code: 'QĐ', name: 'Quyết định' },
  '3': { code: 'CT', name: 'Chỉ thị' },
  '4': { code: 'KL', name: 'Kết luận' },
  '5': { code: 'QĐi', name: 'Quy định' },
  '6': { code: 'TT', name: 'Thông tri' },
  '7': { code: 'HD', name: 'Hướng dẫn' },
  '8': { code: 'KH', name: 'Kế hoạch' },
  '9': { code: 'BC', name: 'Báo cáo' },
  '10': { code: 'TB', name: 'Thông báo' },
  '11': { code: 'CV', name: 'Công văn' },
};

/** `OtherInfo/Priority`, the edXML urgency mark (mức độ khẩn). */
export const PARTY_PRIORITY_CODES = ['0', '1', '2', '3'] as const;
export type PartyPriorityCode = (typeof PARTY_PRIORITY_CODES)[number];
export const PARTY_URGENCY: Readonly<Record<PartyPriorityCode, DocumentUrgency>> = {
  '0': 'NORMAL',
  '1': 'URGENT',
  '2': 'VERY_URGENT',
  '3': 'FLASH',
};

/**
 * `OtherInfo/SecretLevel`, the secrecy mark (độ mật, Law 29/2018/QH14). QCVN 102:2016 has no
 * element for it; the simulated iCPV adds `SecretLevel` next to `Priority`. The vocabulary is
 * closed: an unknown level is a broken payload, never silently "not secret".
 */
export const PARTY_SECRET_LEVEL_CODES = ['0', '1', '2', '3'] as const;
export type PartySecretLevelCode = (typeof PARTY_SECRET_LEVEL_CODES)[number];
export const PARTY_SECRECY: Readonly<Record<PartySecretLevelCode, DocumentSecrecy>> = {
  '0': 'NONE',
  '1': 'CONFIDENTIAL',
  '2': 'SECRET',
  '3': 'TOP_SECRET',
};

/** edXML status packet codes (QCVN 102:2016) that iCPV sends; other codes keep a null status. */
export const PARTY_STATUS: Readonly<Record<string, { status: DocumentStatus; label: string }>> = {
  '01': { status: 'ARRIVED', label: 'Đã đến' },
  '02': { status: 'REJECTED', label: 'Từ chối tiếp nhận' },
  '03': { status: 'REGISTERED', label: 'Đã tiếp nhận, vào sổ' },
  '04': { status: 'ASSIGNED', label: 'Phân công' },
  '05': { status: 'PROCESSING', label: 'Đang xử lý' },
  '06': { status: 'COMPLETED', label: 'Hoàn thành' },
  '13': { status: 'RECALL_REQUESTED', label: 'Yêu cầu lấy lại' },
  '15': { status: 'RECALL_AGREED', label: 'Đồng ý cập nhật, lấy lại' },
  '16': { status: 'RECALL_REFUSED', label: 'Từ chối cập nhật, lấy lại' },
};

export function partyStatus(code: string): DocumentStatus | null {
  return PARTY_STATUS[code]?.status ?? null;
}

/** Party numbering prints the number, a hyphen, the type and the issuer: `370-QĐ/TU`, no colon. */
export function formatPartyNumber(codeNumber: string, codeNotation: string): string {
  return `${codeNumber}-${codeNotation}`;
}

export interface PartyNumber {
  number: string;
  typeCode: string;
  /** The issuing body's abbreviation: `TU` Tỉnh ủy, `ĐU` đảng ủy xã, `BTCTU` Ban Tổ chức Tỉnh ủy… */
  issuerCode: string;
}

const PARTY_NUMBER = /^(?:Số\s+)?(\d{1,11})-([^\s/-]+)\/(\S+)$/u;

/** Reads a printed party number (`Số 370-QĐ/TU` or `370-QĐ/TU`); null for any other shape. */
export function parsePartyNumber(printed: string): PartyNumber | null {
  const match = PARTY_NUMBER.exec(printed.normalize('NFC').trim());
  if (!match) return null;
  const [, number, typeCode, issuerCode] = match;
  return number && typeCode && issuerCode ? { number, typeCode, issuerCode } : null;
}

const VIETNAM_OFFSET_MS = 7 * 3_600_000;
const PARTY_DATE = /^(\d{4})\/(\d{2})\/(\d{2})$/;
const PARTY_TIMESTAMP = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** True for an edXML date `yyyy/MM/dd` naming a real calendar day. */
export function isPartyDate(text: string): boolean {
  const match = PARTY_DATE.exec(text);
  return match !== null && isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** True for an edXML timestamp `yyyy/MM/dd HH:mm:ss` (Vietnam wall clock). */
export function isPartyTimestamp(text: string): boolean {
  const match = PARTY_TIMESTAMP.exec(text);
  return (
    match !== null &&
    isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3])) &&
    Number(match[4]) < 24 &&
    Number(match[5]) < 60 &&
    Number(match[6]) < 60
  );
}

/** An edXML date as the instant 00:00 of that day in Vietnam. */
export function parsePartyDate(text: string): Date {
  const match = PARTY_DATE.exec(text);
  if (!match || !isPartyDate(text)) throw new RangeError(`not an edXML date: ${text}`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) - VIETNAM_OFFSET_MS);
}

/** An edXML timestamp, read on the Vietnam wall clock (UTC+7, no daylight saving). */
export function parsePartyTimestamp(text: string): Date {
  const match = PARTY_TIMESTAMP.exec(text);
  if (!match || !isPartyTimestamp(text)) throw new RangeError(`not an edXML timestamp: ${text}`);
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - VIETNAM_OFFSET_MS);
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** The Vietnamese calendar day of an instant as an edXML date `yyyy/MM/dd`. */
export function formatPartyDate(instant: Date): string {
  const d = new Date(instant.getTime() + VIETNAM_OFFSET_MS);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
}

/** An instant on the Vietnam wall clock as an edXML timestamp `yyyy/MM/dd HH:mm:ss`. */
export function formatPartyTimestamp(instant: Date): string {
  const d = new Date(instant.getTime() + VIETNAM_OFFSET_MS);
  return `${formatPartyDate(instant)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** A document record of the iCPV feed in canonical terms. */
export function toHubDocument(record: PartyDocumentRecord): HubDocument {
  const info = record.RecordInfo;
  const header = record.edXML.edXMLEnvelope.edXMLHeader.MessageHeader;
  const type = PARTY_DOCUMENT_TYPES[header.DocumentType.Type];
  const statusCode = info.CurrentStatus.StatusCode;
  return {
    id: hubDocumentId('party-documents', header.DocumentId),
    source: 'party-documents',
    direction: null,
    number: formatPartyNumber(header.Code.CodeNumber, header.Code.CodeNotation),
    typeCode: type?.code ?? null,
    typeName: header.DocumentType.TypeName || type?.name || '',
    subject: header.Subject,
    issuerOrganId: header.From.OrganId,
    issuerName: header.From.OrganName,
    issuedAt: parsePartyDate(header.PromulgationInfo.PromulgationDate),
    dueAt: header.DueDate ? parsePartyDate(header.DueDate) : null,
    arrivedAt: null,
    urgency: PARTY_URGENCY[header.OtherInfo.Priority],
    secrecy: PARTY_SECRECY[header.OtherInfo.SecretLevel],
    pageCount: header.OtherInfo.PageAmount,
    signerName: header.SignerInfo.FullName,
    signerPosition: header.SignerInfo.Position,
    provinceCode: info.ProvinceCode,
    communeCode: info.CommuneCode,
    status: partyStatus(statusCode),
    nativeStatus: statusCode,
    updatedAt: parsePartyTimestamp(info.UpdatedAt),
  };
}

/** One edXML status packet as a step of the document's history. */
export function toStatusEvent(packet: PartyStatusPacket): DocumentStatusEvent {
  const header = packet.edXML.edXMLEnvelope.edXMLHeader.MessageHeader;
  const staff = [header.StaffInfo?.Department, header.StaffInfo?.Staff].filter((part) => part).join(' — ');
  return {
    status: partyStatus(header.StatusCode),
    nativeStatus: header.StatusCode,
    at: parsePartyTimestamp(header.Timestamp),
    organId: header.From.OrganId,
    organName: header.From.OrganName || null,
    note: [header.Description, staff].filter((part) => part).join('; ') || null,
  };
}
