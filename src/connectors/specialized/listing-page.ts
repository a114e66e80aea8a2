import type { DossierObservation } from '../connector.js';
import { isAsciiCode, isDigits, isInt, isRecord } from '../field-checks.js';
import { isAscii } from '../latin1-json.js';
import { observationAt, specializedTimeMs } from './mapping.js';
import type { SpecializedCase } from './payloads.js';

/** A page of the case listing in canonical terms: each case's id and listing instant are its observation's `nativeId` and `updatedAt`. */
export interface ListingPage {
  items: DossierObservation[];
  totalItems: number;
}

/**
 * A listing reply checked field by field and mapped in the same pass: a province's listing holds
 * a million cases, and through `caseListReplySchema` and `toObservation` each one became a zod
 * copy and had every timestamp read twice. This accepts only what the schema accepts, and maps
 * it exactly as `toObservation` does (test/unit/connectors/change-page-readers.test.ts holds it
 * to both); for anything else it answers null, and the caller reads the reply through the
 * schema, which names what is wrong.
 *
 * The reply may be the Latin-1 view of the body (`parseJsonAsLatin1`): the strings an
 * observation takes must be ASCII, the others are checked for their type only, as the schema does.
 */
export function readListingPage(reply: unknown): ListingPage | null {
  if (!isRecord(reply)) return null;
  const { data, page, pageSize, totalPages, totalItems } = reply;
  if (!Array.isArray(data) || !isInt(page) || page < 1 || !isInt(pageSize) || pageSize < 1) return null;
  if (!isInt(totalPages) || totalPages < 0 || !isInt(totalItems) || totalItems < 0) return null;
  const items: DossierObservation[] = [];
  for (const record of data as unknown[]) {
    const observation = readCase(record);
    if (observation === null) return null;
    items.push(observation);
  }
  return { items, totalItems };
}

/** One case of `specializedCaseSchema`, mapped; null when the schema would refuse it (or it is not ASCII where it must be). */
function readCase(value: unknown): DossierObservation | null {
  if (!isRecord(value)) return null;
  if (!isAsciiCode(value['caseId']) || !isAsciiCode(value['nationalDossierCode']) || !isAsciiCode(value['procedureCode'])) return null;
  if (typeof value['procedureName'] !== 'string' || typeof value['receivingAgencyId'] !== 'string') return null;
  if (!isDigits(value['provinceCode'], 2) || !isDigits(value['communeCode'], 5)) return null;
  const applicant = value['applicant'];
  if (!isRecord(applicant) || typeof applicant['fullName'] !== 'string') return null;
  const personalId = applicant['personalId'];
  if (typeof personalId !== 'string' || !isAscii(personalId)) return null;
  if (!isAsciiCode(value['status'])) return null;
  const revision = value['revision'];
  if (!isInt(revision) || revision < 0) return null;
  const receivedMs = nullableTimeMs(value['receivedAt']);
  const dueMs = nullableTimeMs(value['dueAt']);
  const decidedMs = nullableTimeMs(value['decidedAt']);
  const deliveredMs = nullableTimeMs(value['deliveredAt']);
  const updated = value['updatedAt'];
  const updatedMs = typeof updated === 'string' ? specializedTimeMs(updated) : null;
  if (updatedMs === null || Number.isNaN(receivedMs) || Number.isNaN(dueMs) || Number.isNaN(decidedMs) || Number.isNaN(deliveredMs)) {
    return null;
  }
  return observationAt(value as unknown as SpecializedCase, receivedMs, dueMs, decidedMs, deliveredMs, updatedMs);
}

/** Epoch milliseconds of a timestamp, null for null ("not yet"), NaN for anything else. */
function nullableTimeMs(value: unknown): number | null {
  if (value === null) return null;
  return typeof value === 'string' ? (specializedTimeMs(value) ?? Number.NaN) : Number.NaN;
}
