import type { Sql } from 'postgres';

export interface AuditEntry {
  action: string;
  actor: string;
  actorUnit: string | null;
  subjectPersonalId: string | null;
  purpose: string | null;
  reference: string | null;
  fields: readonly string[];
  requestId: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditRow {
  id: string;
  seq: number;
  at: Date;
  action: string;
  actor: string;
  actorUnit: string | null;
  subjectPersonalId: string | null;
  purpose: string | null;
  reference: string | null;
  fields: string[];
  requestId: string | null;
  hash: string;
  prevHash: string;
}

/** Appends audit events; nothing in the hub updates or deletes them (PostgreSQL refuses it too). */
export class AuditRepository {
  constructor(private readonly sql: Sql) {}

  async append(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const rows = entries.map((e) => ({
      action: e.action,
      actor: e.actor,
      actor_unit: e.actorUnit,
      subject_personal_id: e.subjectPersonalId,
      purpose: e.purpose,
      reference: e.reference,
      fields: [...e.fields],
      request_id: e.requestId,
      detail: e.detail ?? {},
    }));
    await this.sql`insert into audit_events ${this.sql(rows as never)}`;
  }

  /** Newest first; `beforeSeq` continues a page. */
  async page(
    filter: { action?: string | null; actor?: string | null; subjectPersonalId?: string | null; reference?: string | null; from?: Date | null; to?: Date | null },
    beforeSeq: number | null,
    limit: number,
  ): Promise<AuditRow[]> {
    const sql = this.sql;
    return sql<AuditRow[]>`
      select id::text, seq::int, at, action, actor, actor_unit as "actorUnit", subject_personal_id as "subjectPersonalId",
             purpose, reference, fields, request_id as "requestId", hash, prev_hash as "prevHash"
      from audit_events
      where true
        ${filter.action ? sql`and action = ${filter.action}` : sql``}
        ${filter.actor ? sql`and actor = ${filter.actor}` : sql``}
        ${filter.subjectPersonalId ? sql`and subject_personal_id = ${filter.subjectPersonalId}` : sql``}
        ${filter.reference ? sql`and reference = ${filter.reference}` : sql``}
        ${filter.from ? sql`and at >= ${filter.from}` : sql``}
        ${filter.to ? sql`and at <= ${filter.to}` : sql``}
        ${beforeSeq !== null ? sql`and seq < ${beforeSeq}` : sql``}
      order by seq desc
      limit ${limit}`;
  }

  async readsOf(subjectPersonalId: string, limit: number): Promise<Array<AuditEntry & { at: Date }>> {
    const rows = await this.sql<
      { at: Date; action: string; actor: string; actor_unit: string | null; subject_personal_id: string | null; purpose: string | null; reference: string | null; fields: string[]; request_id: string | null }[]
    >`select at, action, actor, actor_unit, subject_personal_id, purpose, reference, fields, request_id
      from audit_events where subject_personal_id = ${subjectPersonalId} order by at desc, id desc limit ${limit}`;
    return rows.map((r) => ({
      at: r.at,
      action: r.action,
      actor: r.actor,
      actorUnit: r.actor_unit,
      subjectPersonalId: r.subject_personal_id,
      purpose: r.purpose,
      reference: r.reference,
      fields: r.fields,
      requestId: r.request_id,
    }));
  }
}
