import type { Sql } from 'postgres';
import type { SystemId } from '../connectors/system-id.js';
import type { InboundEvent } from '../domain/inbound-event.js';
import type { Tx } from './client.js';
import type { InboundChannel, InboundStatus, RejectionReason } from './ingest.schema.js';

/** What happened to each event of a delivery at the door. */
export type AcceptStatus = 'ACCEPTED' | 'DUPLICATE' | 'CONFLICT';

export interface AcceptedEvent {
  eventId: string;
  /** The hub's id of the event (of the earlier one, for a duplicate). */
  inboundId: string;
  status: AcceptStatus;
  /** For a duplicate: where the earlier delivery of the event stands now. */
  currentStatus: InboundStatus;
}

export interface InboundRow {
  id: string;
  system: string;
  eventId: string;
  type: string;
  entityType: string;
  entityKey: string;
  sourceVersion: number | null;
  sourceTimestamp: Date;
  sequence: number | null;
  channel: InboundChannel;
  deliveryId: string | null;
  payload: Record<string, unknown>;
  status: InboundStatus;
  reasonCode: string | null;
  reason: string | null;
  duplicates: number;
  applyCount: number;
  receivedAt: Date;
  processedAt: Date | null;
}

export interface InboundQuery {
  system?: string | undefined;
  statuses?: readonly InboundStatus[] | undefined;
  types?: readonly string[] | undefined;
  entityKey?: string | undefined;
  /** Keyset: rows received before this (received_at as PostgreSQL prints it, id), newest first. */
  before?: { receivedAt: string; id: string } | undefined;
}

export interface SystemCounts {
  system: string;
  accepted: number;
  pending: number;
  applied: number;
  superseded: number;
  rejected: number;
  duplicates: number;
  lastReceivedAt: Date | null;
}

const COLUMNS = `id, system, event_id as "eventId", type, entity_type as "entityType", entity_key as "entityKey",
  source_version::float8 as "sourceVersion", source_timestamp as "sourceTimestamp", sequence::float8 as sequence, channel,
  delivery_id as "deliveryId", payload, status, reason_code as "reasonCode", reason, duplicates,
  apply_count as "applyCount", received_at as "receivedAt", processed_at as "processedAt"`;

/**
 * The inbox and its outbox. A delivery's events and their outbox rows are written by one SQL
 * statement, so they commit together or not at all, before the sender is acknowledged.
 */
export class InboxRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Stores the events of one delivery with one outbox row each. An event id the system used
   * before is not stored again: it comes back as DUPLICATE (same content) or CONFLICT (other
   * content), with the earlier event's id and status.
   */
  async accept(system: SystemId, channel: InboundChannel, deliveryId: string | null, events: readonly InboundEvent[]): Promise<AcceptedEvent[]> {
    if (events.length === 0) return [];
    const ids = events.map((e) => e.id);
    const hashes = events.map((e) => e.hash);
    // unnest keeps one prepared statement whatever the batch size.
    const rows = await this.sql<{ kind: 'NEW' | 'DUP'; id: string; event_id: string; status: InboundStatus }[]>`
      with input as (
        select * from unnest(
          ${ids}::text[], ${events.map((e) => e.type)}::text[], ${events.map((e) => e.entityType)}::text[],
          ${events.map((e) => e.entityKey)}::text[], ${events.map((e) => e.version) as number[]}::bigint[],
          ${events.map((e) => e.timestamp.toISOString())}::timestamptz[], ${events.map((e) => e.sequence) as number[]}::bigint[],
          ${events.map((e) => JSON.stringify(e.data))}::text[], ${hashes}::text[]
        ) with ordinality as t(event_id, type, entity_type, entity_key, source_version, source_timestamp, sequence, payload, payload_hash, ord)
      ),
      ins as (
        insert into inbound_events (system, event_id, type, entity_type, entity_key, source_version, source_timestamp,
                                    sequence, channel, delivery_id, payload, payload_hash)
        select ${system}, event_id, type, entity_type, entity_key, source_version, source_timestamp,
               sequence, ${channel}, ${deliveryId}, payload::jsonb, payload_hash
        from input order by ord
        on conflict (system, event_id) do nothing
        returning id, event_id
      ),
      queued as (
        insert into outbox (inbound_event_id) select id from ins returning inbound_event_id
      ),
      dup as (
        update inbound_events e set duplicates = e.duplicates + 1
        from input i
        where e.system = ${system} and e.event_id = i.event_id and e.payload_hash = i.payload_hash
          and not exists (select 1 from ins where ins.event_id = i.event_id)
        returning e.id, e.event_id, e.status
      )
      select 'NEW' as kind, ins.id, ins.event_id, 'ACCEPTED' as status from ins
      where exists (select 1 from queued where queued.inbound_event_id = ins.id)
      union all
      select 'DUP' as kind, dup.id, dup.event_id, dup.status from dup`;
    const byId = new Map<string, AcceptedEvent>();
    for (const row of rows) {
      byId.set(row.event_id, {
        eventId: row.event_id,
        inboundId: row.id,
        status: row.kind === 'NEW' ? 'ACCEPTED' : 'DUPLICATE',
        currentStatus: row.status,
      });
    }
    const unresolved = events.filter((e) => !byId.has(e.id));
    if (unresolved.length > 0) {
      // Either the id was used for other content, or a concurrent delivery of the same event
      // committed after this statement's snapshot was taken: look again.
      const earlier = await this.sql<{ id: string; event_id: string; payload_hash: string; status: InboundStatus }[]>`
        select id, event_id, payload_hash, status from inbound_events
        where system = ${system} and event_id = any(${unresolved.map((e) => e.id)}::text[])`;
      const hashOf = new Map(unresolved.map((e) => [e.id, e.hash]));
      const same = earlier.filter((r) => hashOf.get(r.event_id) === r.payload_hash).map((r) => r.id);
      if (same.length > 0) await this.sql`update inbound_events set duplicates = duplicates + 1 where id = any(${same}::uuid[])`;
      for (const row of earlier) {
        byId.set(row.event_id, {
          eventId: row.event_id,
          inboundId: row.id,
          status: hashOf.get(row.event_id) === row.payload_hash ? 'DUPLICATE' : 'CONFLICT',
          currentStatus: row.status,
        });
      }
    }
    return events.map((e) => {
      const found = byId.get(e.id);
      if (!found) throw new Error(`event ${e.id} was neither stored nor found`);
      return found;
    });
  }

  /** Records a delivery refused after the sender was authenticated: reasons only, no payload. */
  async recordRejection(input: {
    system: SystemId;
    channel: InboundChannel;
    deliveryId: string | null;
    httpStatus: number;
    code: string;
    message: string;
    events: number;
    reasons: readonly RejectionReason[];
  }): Promise<void> {
    await this.sql`
      insert into ingest_rejections (system, channel, delivery_id, http_status, code, message, events, reasons)
      values (${input.system}, ${input.channel}, ${input.deliveryId}, ${input.httpStatus}, ${input.code},
              ${input.message}, ${input.events}, ${this.sql.json(input.reasons as never)})`;
  }

  /** Locks an event for its apply step; null when there is no such event. */
  async lockForApply(tx: Tx, id: string): Promise<InboundRow | null> {
    const [row] = await tx.unsafe<InboundRow[]>(`select ${COLUMNS} from inbound_events where id = $1 for update`, [id]);
    return row ?? null;
  }

  /** Ends an event's apply step and drops its outbox row: the relay and sweeper are done with it. */
  async finish(tx: Tx, id: string, status: Exclude<InboundStatus, 'ACCEPTED'>, reason: { code: string; message: string } | null): Promise<void> {
    await tx`
      with done as (
        update inbound_events set status = ${status}, reason_code = ${reason?.code ?? null}, reason = ${reason?.message ?? null},
          processed_at = now(), apply_count = apply_count + 1
        where id = ${id}
        returning id
      )
      delete from outbox where inbound_event_id in (select id from done)`;
  }

  async find(id: string): Promise<InboundRow | null> {
    const [row] = await this.sql.unsafe<InboundRow[]>(`select ${COLUMNS} from inbound_events where id = $1`, [id]);
    return row ?? null;
  }

  /** A page newest first (keyset on received time and id). */
  async page(query: InboundQuery, limit: number): Promise<Array<InboundRow & { cursorAt: string }>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: (n: string) => string, value: unknown): void => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (query.system) add((p) => `system = ${p}`, query.system);
    if (query.statuses && query.statuses.length > 0) add((p) => `status = any(${p}::text[])`, query.statuses);
    if (query.types && query.types.length > 0) add((p) => `type = any(${p}::text[])`, query.types);
    if (query.entityKey) add((p) => `entity_key = ${p}`, query.entityKey);
    if (query.before) {
      params.push(query.before.receivedAt, query.before.id);
      where.push(`(received_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit);
    // The cursor keeps the microseconds a Date would drop.
    return this.sql.unsafe<Array<InboundRow & { cursorAt: string }>>(
      `select ${COLUMNS}, received_at::text as "cursorAt" from inbound_events ${where.length ? `where ${where.join(' and ')}` : ''}
       order by received_at desc, id desc limit $${params.length}`,
      params as never[],
    );
  }

  async count(query: Omit<InboundQuery, 'before'>): Promise<number> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.system) {
      params.push(query.system);
      where.push(`system = $${params.length}`);
    }
    if (query.statuses && query.statuses.length > 0) {
      params.push(query.statuses);
      where.push(`status = any($${params.length}::text[])`);
    }
    if (query.types && query.types.length > 0) {
      params.push(query.types);
      where.push(`type = any($${params.length}::text[])`);
    }
    if (query.entityKey) {
      params.push(query.entityKey);
      where.push(`entity_key = $${params.length}`);
    }
    const [row] = await this.sql.unsafe<{ n: number }[]>(
      `select count(*)::int as n from inbound_events ${where.length ? `where ${where.join(' and ')}` : ''}`,
      params as never[],
    );
    return row?.n ?? 0;
  }

  /** Per-system counts of the inbox, plus the events of refused deliveries. */
  async countsBySystem(): Promise<SystemCounts[]> {
    const rows = await this.sql<
      { system: string; accepted: number; pending: number; applied: number; superseded: number; rejected: number; duplicates: number; last: Date | null }[]
    >`
      with inbox as (
        select system,
               count(*)::int as accepted,
               (count(*) filter (where status = 'ACCEPTED'))::int as pending,
               (count(*) filter (where status = 'APPLIED'))::int as applied,
               (count(*) filter (where status = 'SUPERSEDED'))::int as superseded,
               (count(*) filter (where status = 'REJECTED'))::int as rejected,
               coalesce(sum(duplicates), 0)::int as duplicates,
               max(received_at) as last
        from inbound_events group by system
      ),
      refused as (
        select system, coalesce(sum(events), 0)::int as events, max(received_at) as last from ingest_rejections group by system
      )
      select coalesce(i.system, r.system) as system,
             coalesce(i.accepted, 0) as accepted, coalesce(i.pending, 0) as pending, coalesce(i.applied, 0) as applied,
             coalesce(i.superseded, 0) as superseded, coalesce(i.rejected, 0) + coalesce(r.events, 0) as rejected,
             coalesce(i.duplicates, 0) as duplicates, greatest(i.last, r.last) as last
      from inbox i full join refused r on r.system = i.system
      order by 1`;
    return rows.map((r) => ({
      system: r.system,
      accepted: r.accepted,
      pending: r.pending,
      applied: r.applied,
      superseded: r.superseded,
      rejected: r.rejected,
      duplicates: r.duplicates,
      lastReceivedAt: r.last,
    }));
  }

  /** The latest refused delivery of each system. */
  async lastRejections(): Promise<Array<{ system: string; code: string; message: string; receivedAt: Date }>> {
    return this.sql<Array<{ system: string; code: string; message: string; receivedAt: Date }>>`
      select distinct on (system) system, code, message, received_at as "receivedAt"
      from ingest_rejections order by system, received_at desc`;
  }

  // --- outbox -----------------------------------------------------------------------------

  /**
   * Takes up to `limit` unpublished outbox rows, hands them to `publish`, and marks them
   * published only when it resolves. Rows locked by another relay are skipped.
   */
  async publishPending(limit: number, publish: (rows: OutboxRow[]) => Promise<void>): Promise<number> {
    return this.sql.begin(async (tx) => {
      const rows = await tx<OutboxRow[]>`
        select id::text as id, inbound_event_id as "inboundEventId" from outbox
        where published_at is null order by id limit ${limit} for update skip locked`;
      if (rows.length === 0) return 0;
      await publish(rows);
      await tx`update outbox set published_at = now(), publish_count = publish_count + 1 where id = any(${rows.map((r) => r.id)}::bigint[])`;
      return rows.length;
    });
  }

  /**
   * Outbox rows published more than `olderThanSeconds` ago whose event is still not applied: the
   * sweeper checks each one's job and publishes again what the queue lost.
   */
  async sweep(olderThanSeconds: number, limit: number, check: (rows: OutboxRow[]) => Promise<void>): Promise<number> {
    return this.sql.begin(async (tx) => {
      const rows = await tx<OutboxRow[]>`
        select id::text as id, inbound_event_id as "inboundEventId" from outbox
        where published_at is not null and published_at < now() - make_interval(secs => ${olderThanSeconds})
        order by published_at limit ${limit} for update skip locked`;
      if (rows.length === 0) return 0;
      await check(rows);
      await tx`update outbox set published_at = now() where id = any(${rows.map((r) => r.id)}::bigint[])`;
      return rows.length;
    });
  }

  async outboxBacklog(): Promise<{ unpublished: number; published: number }> {
    const [row] = await this.sql<{ unpublished: number; published: number }[]>`
      select (count(*) filter (where published_at is null))::int as unpublished,
             (count(*) filter (where published_at is not null))::int as published
      from outbox`;
    return row ?? { unpublished: 0, published: 0 };
  }
}

export interface OutboxRow {
  /** A bigint, kept as text. */
  id: string;
  inboundEventId: string;
}
