import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { isPartyDate, isPartyTimestamp, PARTY_PRIORITY_CODES, PARTY_SECRET_LEVEL_CODES } from './mapping.js';

/**
 * The iCPV wire contract as the connector accepts it: XML decoded by fast-xml-parser (every
 * value kept as text, so `01` stays `01`), then checked here. Anything that does not match is an
 * UPSTREAM_INVALID_RESPONSE; nothing is half-read.
 */

/** Namespace of the edXML envelope (QCVN 102:2016/BTTTT). */
export const EDXML_NAMESPACE = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
/** Namespace of the simulated iCPV wrappers around envelopes (feeds, sets, status lists). */
export const ICPV_NAMESPACE = 'urn:lienthong:sim:icpv:1.0';

/** Limits of the iCPV interface: ids per fetch, records per feed page. */
export const ICPV_LIMITS = { maxBatch: 50, maxPage: 100, defaultPage: 50 } as const;

/** Elements that may repeat. Declared up front so one occurrence still decodes as a list. */
const REPEATED = new Set(['DocumentRecord', 'To', 'TraceHeader', 'Reference', 'StatusPacket']);

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => REPEATED.has(name),
  // Decides lists by tag name only; building a path string per tag made parsing three times slower.
  jPath: false,
});

/**
 * Validates before parsing: fast-xml-parser alone turns some truncated documents into a partial
 * object without complaint, and a cut-off feed must never read as a shorter feed.
 */
export function decodeIcpvXml(text: string): unknown {
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) throw new SyntaxError(`malformed XML: ${verdict.err.msg} (line ${verdict.err.line})`);
  return parser.parse(text);
}

export const ORGAN_ID = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;

const text = z.string();
const required = z.string().min(1);
const partyDate = z.string().refine(isPartyDate, 'expected a date yyyy/MM/dd');
const partyTimestamp = z.string().refine(isPartyTimestamp, 'expected a timestamp yyyy/MM/dd HH:mm:ss');
/** An empty or absent element means "not set". */
const optionalPartyDate = z
  .union([z.literal(''), partyDate])
  .optional()
  .transform((value) => (value ? value : null));
const count = z
  .string()
  .regex(/^\d{1,9}$/, 'expected a whole number')
  .transform(Number);
const statusCode = z.string().regex(/^\d{2}$/, 'expected a two-digit status code');

const organ = z.object({ OrganId: z.string().regex(ORGAN_ID, 'expected an organ id NNN.NN.NN.Xnn'), OrganName: required });

export const messageHeaderSchema = z.object({
  From: organ,
  To: z.array(organ).min(1),
  Code: z.object({
    CodeNumber: z.string().regex(/^\d{1,11}$/, 'expected a document number'),
    CodeNotation: z.string().min(1).max(30),
  }),
  PromulgationInfo: z.object({ Place: text, PromulgationDate: partyDate }),
  DocumentType: z.object({ Type: z.string().regex(/^\d{1,3}$/), TypeName: text }),
  Subject: required.max(500),
  SignerInfo: z.object({ Competence: text.optional(), Position: required, FullName: required }),
  DueDate: optionalPartyDate,
  OtherInfo: z.object({
    Priority: z.enum(PARTY_PRIORITY_CODES),
    SecretLevel: z.enum(PARTY_SECRET_LEVEL_CODES),
    PageAmount: count.pipe(z.number().int().min(1).max(999)),
  }),
  DocumentId: required,
});

export const documentRecordSchema = z.object({
  RecordInfo: z.object({
    ProvinceCode: z.string().regex(/^\d{2}$/),
    /** Empty for documents of province-level and central organs. */
    CommuneCode: z
      .union([z.literal(''), z.string().regex(/^\d{5}$/)])
      .optional()
      .transform((value) => (value ? value : null)),
    Version: count,
    UpdatedAt: partyTimestamp,
    CurrentStatus: z.object({ StatusCode: statusCode, Timestamp: partyTimestamp }),
  }),
  edXML: z.object({
    edXMLEnvelope: z.object({ edXMLHeader: z.object({ MessageHeader: messageHeaderSchema }) }),
  }),
});
export type PartyDocumentRecord = z.output<typeof documentRecordSchema>;

/** Lists say how many items they carry, so a list that lost items on the way is caught. */
const COUNT_MISMATCH = 'Count does not match the number of items';

export const documentFeedSchema = z
  .object({
    DocumentFeed: z
      .object({
        ProvinceCode: z.string().regex(/^\d{2}$/),
        Count: count,
        NextCursor: required,
        HasMore: z.enum(['true', 'false']).transform((value) => value === 'true'),
        DocumentRecord: z.array(documentRecordSchema).default([]),
      })
      .refine((feed) => feed.Count === feed.DocumentRecord.length, COUNT_MISMATCH),
  })
  .transform(({ DocumentFeed: feed }) => feed);

export const documentSetSchema = z
  .object({
    DocumentSet: z
      .object({ Count: count, DocumentRecord: z.array(documentRecordSchema).default([]) })
      .refine((set) => set.Count === set.DocumentRecord.length, COUNT_MISMATCH),
  })
  .transform(({ DocumentSet: set }) => set.DocumentRecord);

export const statusPacketSchema = z.object({
  edXML: z.object({
    edXMLEnvelope: z.object({
      edXMLHeader: z.object({
        MessageHeader: z.object({
          From: z.object({ OrganId: z.string().regex(ORGAN_ID), OrganName: text.optional() }),
          ResponseFor: z.object({ DocumentId: required }),
          StaffInfo: z.object({ Department: text.optional(), Staff: text.optional() }).optional(),
          StatusCode: statusCode,
          Description: text.optional(),
          Timestamp: partyTimestamp,
        }),
      }),
    }),
  }),
});
export type PartyStatusPacket = z.output<typeof statusPacketSchema>;

export const statusListSchema = z
  .object({
    StatusList: z
      .object({ DocumentId: required, Count: count, StatusPacket: z.array(statusPacketSchema).default([]) })
      .refine((list) => list.Count === list.StatusPacket.length, COUNT_MISMATCH),
  })
  .transform(({ StatusList: list }) => list);

export const healthSchema = z.object({
  HealthStatus: z.object({ Status: z.enum(['UP', 'DEGRADED', 'DOWN']), ServerTime: partyTimestamp, Documents: count.optional() }),
});
