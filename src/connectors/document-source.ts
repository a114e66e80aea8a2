import type { ChangePage, Connector } from './connector.js';

/** The systems that hold official documents: the Party's (iCPV) and the government's (QLVB). */
export const DOCUMENT_SOURCE_IDS = ['party-documents', 'government-documents'] as const;
export type DocumentSourceId = (typeof DOCUMENT_SOURCE_IDS)[number];

/** Which book of the holding office the record sits in (sổ văn bản đến / đi). */
export const DOCUMENT_DIRECTIONS = ['INCOMING', 'OUTGOING'] as const;
export type DocumentDirection = (typeof DOCUMENT_DIRECTIONS)[number];

/** Mức độ khẩn: thường, Khẩn, Thượng khẩn, Hỏa tốc — in rising order. */
export const DOCUMENT_URGENCIES = ['NORMAL', 'URGENT', 'VERY_URGENT', 'FLASH'] as const;
export type DocumentUrgency = (typeof DOCUMENT_URGENCIES)[number];

/**
 * Độ mật under Law 29/2018/QH14 on protecting state secrets: none, Mật, Tối mật, Tuyệt mật —
 * in rising order. The hub serves the metadata of every level; who may read which field of a
 * classified document is decided above the connectors.
 */
export const DOCUMENT_SECRECY_LEVELS = ['NONE', 'CONFIDENTIAL', 'SECRET', 'TOP_SECRET'] as const;
export type DocumentSecrecy = (typeof DOCUMENT_SECRECY_LEVELS)[number];

/**
 * Where a document stands in its holder's processing, in the vocabulary of the edXML status
 * packets (QCVN 102:2016: 01 arrived … 06 done, 13/15/16 recall or update), plus the two states
 * of an outgoing document in its issuer's book.
 */
export const DOCUMENT_STATUSES = [
  /** Outgoing: numbered, signed and sent (đã ban hành). */
  'ISSUED',
  /** Outgoing: withdrawn by its issuer (thu hồi). */
  'WITHDRAWN',
  /** 01: delivered, not yet handled. */
  'ARRIVED',
  /** 02: the recipient refused it. */
  'REJECTED',
  /** 03: accepted and entered in the incoming book (vào sổ). */
  'REGISTERED',
  /** 04: assigned to a person or unit (phân công). */
  'ASSIGNED',
  /** 05: being handled. */
  'PROCESSING',
  /** 06: handled (hoàn thành). */
  'COMPLETED',
  /** 13: the sender asked to take it back or replace it. */
  'RECALL_REQUESTED',
  /** 15: the recipient agreed to the recall or update. */
  'RECALL_AGREED',
  /** 16: the recipient refused the recall or update. */
  'RECALL_REFUSED',
] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/**
 * One document record in canonical terms. Date-only native fields (issued, due, arrival dates)
 * become the instant 00:00 of that day in Vietnam (UTC+7).
 */
export interface HubDocument {
  /** `{source}:{native id}`; stable across reads, safe as a GraphQL ID and a DataLoader key. */
  id: string;
  source: DocumentSourceId;
  /** The book the record sits in; null for party documents, whose feed has no holder's view. */
  direction: DocumentDirection | null;
  /** Số và ký hiệu as printed: `370-QĐ/TU` (party), `145/QĐ-UBND` or `1234/UBND-VP` (government). */
  number: string;
  /** Annex III / HD 36 abbreviation (`QĐ`, `NQ`, `QĐi`…), `CV` for công văn; null when unknown. */
  typeCode: string | null;
  typeName: string;
  /** Trích yếu. Served for every secrecy level: the API layer decides who may see it. */
  subject: string;
  /** Mã định danh of the issuing organ (`NNN.NN.NN.Xnn`); null when the system does not say. */
  issuerOrganId: string | null;
  issuerName: string;
  issuedAt: Date;
  /** Hạn trả lời (outgoing) or thời hạn giải quyết (incoming); null when none was set. */
  dueAt: Date | null;
  /** Ngày đến, for incoming records only. */
  arrivedAt: Date | null;
  urgency: DocumentUrgency;
  secrecy: DocumentSecrecy;
  pageCount: number;
  signerName: string;
  signerPosition: string;
  provinceCode: string;
  /**
   * Five-digit commune whose office holds the record: the receiver for INCOMING, the issuer for
   * OUTGOING and for party documents; null when the holder is a province-level organ.
   */
  communeCode: string | null;
  /** Null when the native status has no canonical meaning; `nativeStatus` always says what it was. */
  status: DocumentStatus | null;
  /** The system's own status code or word, unchanged (`05`, `DANG_XU_LY`). */
  nativeStatus: string;
  /** When the system last changed the record, by its own clock. */
  updatedAt: Date;
}

/** One step of a document's processing history (an edXML status packet or a trace entry). */
export interface DocumentStatusEvent {
  status: DocumentStatus | null;
  nativeStatus: string;
  at: Date;
  /** The organ that reported the step. */
  organId: string;
  organName: string | null;
  /** Department and officer, or the system's note; never personal data beyond an officer's name. */
  note: string | null;
}

/** A system that holds documents and can list what changed in a province. */
export interface DocumentSource extends Connector {
  readonly system: DocumentSourceId;
  /**
   * Documents by hub id (`{source}:{native id}`). Ids of another source and ids the system does
   * not know are absent from the result; the order of the result is not the order of the ids.
   */
  documentsByIds(ids: readonly string[]): Promise<HubDocument[]>;
  /** Documents of a province changed after the cursor (null = from the beginning), oldest change first. */
  documentChanges(provinceCode: string, cursor: string | null, limit: number): Promise<ChangePage<HubDocument>>;
}

/** Thời hạn bảo quản: vĩnh viễn, or a term of years (Decree 30/2020 Annex VI `Maintenance`). */
export const ARCHIVE_RETENTIONS = ['PERMANENT', 'TERM'] as const;
export type ArchiveRetention = (typeof ARCHIVE_RETENTIONS)[number];

/** Chế độ sử dụng (`Rights`). */
export const ARCHIVE_ACCESS_LEVELS = ['PUBLIC', 'RESTRICTED'] as const;
export type ArchiveAccess = (typeof ARCHIVE_ACCESS_LEVELS)[number];

export const DIGITIZATION_STATES = ['NOT_STARTED', 'IN_PROGRESS', 'DIGITIZED'] as const;
export type DigitizationState = (typeof DIGITIZATION_STATES)[number];

/** A calendar day `YYYY-MM-DD`, for historical dates that have no meaningful time of day. */
export type CalendarDay = string;

/**
 * A record (hồ sơ lưu trữ) of a district People's Committee dissolved on 1 July 2025, held since
 * the handover by the commune that took over its archives.
 */
export interface ArchiveFile {
  /** `{source}:{native id}`. */
  id: string;
  /** Mã hồ sơ as printed: `{OrganId}.{FileCatalog}.{FileNotation}`. */
  fileCode: string;
  title: string;
  retention: ArchiveRetention;
  /** Years of a TERM retention; null for PERMANENT. */
  retentionYears: number | null;
  access: ArchiveAccess;
  /** The organ that formed the record, e.g. `UBND huyện Trần Văn Thời`. */
  creator: string;
  startDate: CalendarDay;
  endDate: CalendarDay;
  documentCount: number;
  pageCount: number;
  /** Never above `pageCount`. */
  pagesDigitized: number;
  digitization: DigitizationState;
  provinceCode: string;
  receivingCommuneCode: string;
  handedOverAt: Date;
  /** The dissolved district as it was named, e.g. `Huyện Trần Văn Thời`. */
  formerDistrictName: string;
}

/** Archive files of one receiving commune, or of every receiving commune of one province. */
export type ArchiveFileFilter = (
  | { provinceCode: string; communeCode?: undefined }
  | { communeCode: string; provinceCode?: undefined }
) & { digitization?: DigitizationState };

/** A system that holds archive records taken over from dissolved districts. */
export interface ArchiveSource extends Connector {
  archiveFiles(filter: ArchiveFileFilter): Promise<ArchiveFile[]>;
}

/** The hub id of a native record. */
export function hubDocumentId(source: DocumentSourceId, nativeId: string): string {
  return `${source}:${nativeId}`;
}

/** The native id inside a hub id of this source, or null when the id belongs elsewhere. */
export function nativeIdOf(source: DocumentSourceId, hubId: string): string | null {
  const prefix = `${source}:`;
  return hubId.startsWith(prefix) && hubId.length > prefix.length ? hubId.slice(prefix.length) : null;
}
