import { z } from 'zod';
import { parseSpecializedTime } from './mapping.js';

/**
 * The ministry software's REST contract: camelCase English fields, ISO 8601 timestamps with an
 * offset, its own case ids cross-referenced to the national dossier code.
 */
export const SPECIALIZED_MAX_PAGE_SIZE = 500;
export const SPECIALIZED_MAX_LOOKUP = 100;

const time = z.string().refine((text) => parseSpecializedTime(text) !== null, 'expected an ISO 8601 timestamp with an offset');

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
