import { z } from 'zod';

/**
 * Where a reader of the specialized software's listing stands: every case ordered at or before
 * (updatedAtMs, caseId) has been delivered. Position 0 with an empty case id is the beginning.
 */
export interface ChangePosition {
  updatedAtMs: number;
  caseId: string;
}

export const START_POSITION: ChangePosition = { updatedAtMs: 0, caseId: '' };

const encodedSchema = z.object({ v: z.literal(1), t: z.number().int().nonnegative(), c: z.string() });

/** Opaque to the hub: base64url of a small versioned JSON object. */
export function encodeChangeCursor(position: ChangePosition): string {
  return Buffer.from(JSON.stringify({ v: 1, t: position.updatedAtMs, c: position.caseId }), 'utf8').toString('base64url');
}

/** The position in a cursor this connector issued; a RangeError for anything else (a caller bug). */
export function decodeChangeCursor(cursor: string): ChangePosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw new RangeError('not a specialized change cursor');
  }
  const parsed = encodedSchema.safeParse(decoded);
  if (!parsed.success) throw new RangeError('not a specialized change cursor');
  return { updatedAtMs: parsed.data.t, caseId: parsed.data.c };
}

/** True when a case ordered at (updatedAtMs, caseId) comes after the position. */
export function isAfter(updatedAtMs: number, caseId: string, position: ChangePosition): boolean {
  return updatedAtMs > position.updatedAtMs || (updatedAtMs === position.updatedAtMs && caseId > position.caseId);
}
