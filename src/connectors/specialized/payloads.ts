import { z } from 'zod';
import { SPECIALIZED_STATUS_BY_WORD, specializedTimeMs, type SpecializedStatusWord } from './mapping.js';

/**
 * The ministry software's REST contract: camelCase English fields, ISO 8601 timestamps with an
 * offset, its own case ids cross-referenced to the national dossier code.
 */
/** Largest `pageSize` of the listing: bulk readers take a thousand cases at a time. */
export const SPECIALIZED_MAX_PAGE_SIZE = 1_000;
export const SPECIALIZED_MAX_LOOKUP = 100;

const time = z.string().refine((text) => specializedTimeMs(text) !== null, 'expected an ISO 8601 timestamp with an offset');

export const specializedCaseSchema = z.object({
  /** The software's own id, `HT-{yyyy}-{nnnnnnn}`. */
  caseId: z.string().min(1),
  nationalDossierCode: z.string().min(1),
  procedureCode: z.string().min(1),
  procedureName: z.string(),
  provinceCode: z.string().regex(/^\d{2}$/),
  communeCode: z.string().regex(/^\d{5}$/),
  receivingAgencyId: z.string(),
  applicant: z.object({ fullName: z.string(), personalId: z.string() }),
  /** A status word; unknown words pass and map to no canonical status. */
  status: z.string().min(1),
  receivedAt: time.nullable(),
  dueAt: time.nullable(),
  /** Registered, refused or withdrawn. */
  decidedAt: time.nullable(),
  deliveredAt: time.nullable(),
  updatedAt: time,
  /** Increases by one with every change of the case. */
  revision: z.number().int().nonnegative(),
});

export type SpecializedCase = z.infer<typeof specializedCaseSchema>;

export const caseListReplySchema = z.object({
  data: z.array(specializedCaseSchema),
  page: z.number().int().min(1),
  pageSize: z.number().int().min(1),
  totalPages: z.number().int().nonnegative(),
  totalItems: z.number().int().nonnegative(),
});

export type CaseListReply = z.infer<typeof caseListReplySchema>;

export const caseLookupReplySchema = z.object({ data: z.array(specializedCaseSchema) });

export const specializedHealthReplySchema = z.object({ status: z.string(), version: z.string(), time });

/** Error replies: `{ error: { code, message } }` with a 4xx status. */
export const specializedErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const statusWord = z.enum(Object.keys(SPECIALIZED_STATUS_BY_WORD) as [SpecializedStatusWord, ...SpecializedStatusWord[]]);
const correctionId = z.string().min(1).max(100);

/** `POST /api/cases/by-national-code/{code}/status`: a status set from outside the software. */
export const caseStatusWriteRequestSchema = z.object({
  status: statusWord,
  /** Idempotency key: the same correction is applied once. */
  correctionId,
  reason: z.string().max(1000),
  /** When the status was reached; the decision and delivery dates take it. */
  at: time,
});
export type CaseStatusWriteRequest = z.infer<typeof caseStatusWriteRequestSchema>;

/**
 * `POST /api/cases`: a dossier transferred from the one-stop shop (or the hub on its behalf),
 * taken in at the status and with the dates the sender holds. What the sender may not know is
 * optional and recorded empty.
 */
export const caseTransferRequestSchema = z.object({
  correctionId,
  nationalDossierCode: z.string().min(1).max(64),
  procedureCode: z.string().min(1).max(100),
  procedureName: z.string().max(1000).optional(),
  provinceCode: z.string().regex(/^\d{2}$/, 'must be a two-digit province code'),
  communeCode: z.string().regex(/^\d{5}$/, 'must be a five-digit commune code'),
  receivingAgencyId: z.string().max(50).optional(),
  applicant: z.object({
    fullName: z.string().max(500).optional(),
    personalId: z.string().regex(/^(?:\d{9}|\d{12})$/, 'must be a 12-digit personal id or a 9-digit legacy id').nullable(),
  }),
  status: statusWord,
  receivedAt: time.nullable(),
  dueAt: time.nullable(),
  decidedAt: time.nullable(),
  deliveredAt: time.nullable(),
  reason: z.string().max(1000),
  at: time,
});
export type CaseTransferRequest = z.infer<typeof caseTransferRequestSchema>;

/** The reply to a status write and to a transfer: the case as it is now. */
export const caseWriteReplySchema = z.object({
  data: specializedCaseSchema,
  /** True when the correction id had been applied before: nothing changed now. */
  replayed: z.boolean(),
});
