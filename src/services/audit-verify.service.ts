import { createHash } from 'node:crypto';
import type { Sql } from 'postgres';

export interface AuditVerification {
  ok: boolean;
  checked: number;
  /** The first event whose link is broken, and why; null when the chain is whole. */
  firstBroken: { seq: number; id: number | null; reason: string } | null;
}

interface ChainRow {
  id: number;
  seq: number;
  at: Date;
  action: string;
  actor: string;
  actor_unit: string | null;
  subject_personal_id: string | null;
  purpose: string | null;
  reference: string | null;
  fields: string[];
  request_id: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);
const BATCH = 5_000;

/**
 * Recomputes the audit hash chain independently of the database function that built it: every
 * event's hash over its columns and the previous hash, consecutive positions, and the chain head.
 * An updated row breaks its own hash; a deleted row breaks the next event's link (or the head).
 */
export async function verifyAuditChain(sql: Sql): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prevHash = GENESIS;
  let checked = 0;
  for (;;) {
    const rows = await sql<ChainRow[]>`
      select id, seq, at, action, actor, actor_unit, subject_personal_id, purpose, reference, fields,
             request_id, detail::text as detail, prev_hash, hash
      from audit_events where seq >= ${expectedSeq} order by seq limit ${BATCH}`;
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) {
        return broken(checked, expectedSeq, null, `event ${expectedSeq} is missing (the next one is ${seq})`);
      }
      if (row.prev_hash !== prevHash) {
        return broken(checked, seq, Number(row.id), `its previous-hash link does not match event ${seq - 1}`);
      }
      if (hashOf(row) !== row.hash) {
        return broken(checked, seq, Number(row.id), 'its content does not match its hash (the row was altered)');
      }
      prevHash = row.hash;
      expectedSeq += 1;
      checked += 1;
    }
    if (rows.length < BATCH) break;
  }
  const [head] = await sql<{ seq: string; hash: string }[]>`select seq::text, hash from audit_chain_head where id = 1`;
  if (head && (Number(head.seq) !== expectedSeq - 1 || head.hash !== prevHash)) {
    return broken(checked, expectedSeq, null, `the chain ends at event ${expectedSeq - 1} but its head says ${head.seq} (events were removed from the end)`);
  }
  return { ok: true, checked, firstBroken: null };
}

/** The same canonical text as the database function `audit_event_canonical`. */
export function canonicalText(row: ChainRow): string {
  return [
    String(row.seq),
    row.at.toISOString(),
    row.action,
    row.actor,
    row.actor_unit ?? '',
    row.subject_personal_id ?? '',
    row.purpose ?? '',
    row.reference ?? '',
    row.fields.join(','),
    row.request_id ?? '',
    row.detail,
    row.prev_hash,
  ].join('|');
}

function hashOf(row: ChainRow): string {
  return createHash('sha256').update(canonicalText(row), 'utf8').digest('hex');
}

function broken(checked: number, seq: number, id: number | null, reason: string): AuditVerification {
  return { ok: false, checked, firstBroken: { seq, id, reason } };
}
