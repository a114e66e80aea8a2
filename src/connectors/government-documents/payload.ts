import { z } from 'zod';
import {
  GOVERNMENT_PRIORITY_CODES,
  QLVB_DIGITIZATION_CODES,
  isGovernmentDate,
  parseMaintenance,
} from './mapping.js';

/**
 * The QLVB wire contract as the connector accepts it: JSON with the field names of Decree
 * 30/2020/NĐ-CP Annex VI, plus the record's own id, unit codes, processing status and version.
 * Anything that does not match is an UPSTREAM_INVALID_RESPONSE; nothing is half-read.
 */

/** Limits of the QLVB interface: ids per fetch, records per listing page, files per archive page. */
export const QLVB_LIMITS = { maxBatch: 50, maxPage: 200, defaultPage: 100, maxArchivePage: 200 } as const;

export const ORGAN_ID = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;

const organId = z.string().regex(ORGAN_ID, 'expected an organ id NNN.NN.NN.Xnn');
const governmentDate = z.string().refine(isGovernmentDate, 'expected a date dd/MM/yyyy');
const timestamp = z.iso.datetime({ offset: true });
const provinceCode = z.string().regex(/^\d{2}$/);
const communeCode = z.string().regex(/^\d{5}$/);
const priority = z.literal(GOVERNMENT_PRIORITY_CODES);

export const traceEntrySchema = z.object({
  OrganId: organId,
  OrganName: z.string().nullable(),
  Timestamp: timestamp,
  Action: z.string().min(1),
  Note: z.string().nullable(),
});
export type QlvbTraceEntry = z.output<typeof traceEntrySchema>;

/** Fields common to both books (Annex VI Part II, section "common"). */
const common = {
  Id: z.string().min(1).max(64),
  ProvinceCode: provinceCode,
  /** The commune whose office holds the record; null for province-level organs. */
  CommuneCode: communeCode.nullable(),
  FileCode: z.object({
    OrganId: organId,
    FileCatalog: z.number().int().min(1900).max(2100),
    FileNotation: z.string().min(1).max(20),
  }),
  DocOrdinal: z.number().int().min(1).max(999),
  TypeName: z.string().min(1).max(100),
  CodeNumber: z.string().regex(/^\d{1,11}$/, 'expected a document number'),
  CodeNotation: z.string().min(1).max(30),
  IssuedDate: governmentDate,
  /** The issuer's organ id: not an Annex VI field, kept from the edXML `From` of the exchange. */
  OrganId: organId.nullable(),
  OrganName: z.string().min(1).max(200),
  Subject: z.string().min(1).max(500),
  Language: z.string().max(30),
  PageAmount: z.number().int().min(1).max(999),
  Description: z.string().max(500).nullable(),
  SignerInfo: z.object({ Position: z.string().min(1).max(100), FullName: z.string().min(1).max(50) }),
  Priority: priority,
  ProcessingStatus: z.string().min(1),
  Version: z.number().int().min(1),
  UpdatedAt: timestamp,
};

export const outgoingDocumentSchema = z.object({
  ...common,
  BookType: z.literal('VB_DI'),
  To: z.array(z.object({ OrganId: organId, OrganName: z.string().min(1).max(200) })).min(1),
  IssuedAmount: z.number().int().min(1).max(999),
  /** Hạn trả lời. */
  DueDate: governmentDate.nullable(),
});

export const incomingDocumentSchema = z.object({
  ...common,
  BookType: z.literal('VB_DEN'),
  ArrivalDate: governmentDate,
  /** Số đến; null until the document is entered in the incoming book. */
  ArrivalNumber: z.number().int().min(1).max(9_999_999_999).nullable(),
  ToPlaces: z.string().max(1000),
  TraceHeaderList: z.array(traceEntrySchema),
  /** Thời hạn giải quyết. */
  DueDate: governmentDate.nullable(),
});

export const documentSchema = z.discriminatedUnion('BookType', [outgoingDocumentSchema, incomingDocumentSchema]);
export type QlvbDocument = z.output<typeof documentSchema>;

/** Every QLVB answer is `{ Success: true, Data }`; the connector reads Data. */
function envelope<T extends z.ZodType>(data: T) {
  return z
    .object({ Success: z.literal(true), Data: data })
    .transform((body) => (body as unknown as { Data: z.output<T> }).Data);
}

export const documentPageSchema = envelope(
  z.object({ Items: z.array(documentSchema), NextCursor: z.string().min(1), HasMore: z.boolean() }),
);

export const documentSetSchema = envelope(z.object({ Items: z.array(documentSchema) }));

export const archiveFileSchema = z
  .object({
    Id: z.string().min(1).max(64),
    ProvinceCode: provinceCode,
    FileCode: z.object({
      OrganId: organId,
      FileCatalog: z.number().int().min(1900).max(2100),
      FileNotation: z.string().min(1).max(20),
    }),
    Title: z.string().min(1).max(500),
    Maintenance: z.string().max(30).refine((text) => parseMaintenance(text) !== null, 'expected "Vĩnh viễn" or "N năm"'),
    Rights: z.string().max(30),
    Creator: z.string().min(1),
    Language: z.string().max(30),
    StartDate: governmentDate,
    EndDate: governmentDate,
    DocTotal: z.number().int().min(0),
    PageTotal: z.number().int().min(0),
    Description: z.string().max(500).nullable(),
    Digitization: z.object({
      State: z.enum(QLVB_DIGITIZATION_CODES),
      PagesDigitized: z.number().int().min(0),
    }),
    Handover: z.object({
      FormerDistrict: z.string().min(1),
      FormerProvince: z.string().min(1),
      ReceivingCommuneCode: communeCode,
      ReceivingOrganName: z.string().min(1),
      HandoverDate: governmentDate,
      MinuteNumber: z.string().min(1),
    }),
  })
  .refine((file) => file.Digitization.PagesDigitized <= file.PageTotal, 'more pages digitised than the file has');
export type QlvbArchiveFile = z.output<typeof archiveFileSchema>;

export const archivePageSchema = envelope(
  z.object({
    Items: z.array(archiveFileSchema),
    Page: z.number().int().min(1),
    PageSize: z.number().int().min(1),
    Total: z.number().int().min(0),
  }),
);

export const healthSchema = envelope(
  z.object({ Status: z.enum(['UP', 'DEGRADED', 'DOWN']), ServerTime: timestamp, Version: z.string().optional() }),
);
