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
  /** The outbox row written with an accepted event (a bigint, as text); null for the others. */
  outboxId: string | null;
}

/** One delivery's checked events, as the door hands them to the inbox. */
export interface InboxDelivery {
  system: SystemId;
  channel: InboundChannel;
  /** The webhook-id, or the Idempotency-Key of a GraphQL request. */
  deliveryId: string | null;
  events: readonly InboundEvent[];
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
   * Stores the events of several deliveries with one outbox row each, in one SQL statement: they
   * commit together or not at all. An event id the system used before is not stored again: it
   * comes back as DUPLICATE (same content, the earlier event's redelivery count goes up) or
   * CONFLICT (other content), with the earlier event's id and status. The answer holds one list
   * per delivery, in the order of `deliveries`, each in the order of its events.
   *
   * The deliveries must not share a (system, event id): the caller keeps a repeated event for a
   * later statement, which then sees the first one as stored.
   */
  async acceptMany(deliveries: readonly InboxDelivery[], options: { signal?: AbortSignal } = {}): Promise<AcceptedEvent[][]> {
    const rows = deliveries.flatMap((d) => d.events.map((event) => ({ delivery: d, event })));
    if (rows.length === 0) return deliveries.map(() => []);
    // Column arrays through unnest: one prepared statement whatever the group's size. Results
    // come back by ordinality, so each delivery gets exactly its own events.
    const query = this.sql<{ ord: string; id: string | null; status: AcceptStatus | null; current: InboundStatus | null; outbox: string | null }[]>`
      with input as (
        select * from unnest(
          ${rows.map((r) => r.delivery.system)}::text[], ${rows.map((r) => r.delivery.channel)}::text[],
          ${rows.map((r) => r.delivery.deliveryId)}::text[], ${rows.map((r) => r.event.id)}::text[],
          ${rows.map((r) => r.event.type)}::text[], ${rows.map((r) => r.event.entityType)}::text[],
          ${rows.map((r) => r.event.entityKey)}::text[], ${rows.map((r) => r.event.version) as number[]}::bigint[],
          ${rows.map((r) => r.event.timestamp.toISOString())}::timestamptz[], ${rows.map((r) => r.event.sequence) as number[]}::bigint[],
          ${rows.map((r) => r.event.dataJson)}::text[], ${rows.map((r) => r.event.hash)}::text[]
        ) with ordinality as t(system, channel, delivery_id, event_id, type, entity_type, entity_key, source_version, source_timestamp,
                               sequence, payload, payload_hash, ord)
      ),
      ins as (
        -- A redelivery (same id, same content) counts on the stored event and comes back with its
        -- status; an id reused for other content is neither changed nor returned (a CONFLICT,
        -- looked up below). Waits for a concurrent writer of the same event instead of skipping it.
        insert into inbound_events (system, event_id, type, entity_type, entity_key, source_version, source_timestamp,
                                    sequence, channel, delivery_id, payload, payload_hash)
        select system, event_id, type, entity_type, entity_key, source_version, source_timestamp,
               sequence, channel, delivery_id, payload::jsonb, payload_hash
        from input order by ord
        on conflict (system, event_id) do update set duplicates = inbound_events.duplicates + 1
          where inbound_events.payload_hash = excluded.payload_hash
        returning new.id, new.system, new.event_id, new.status, old.id is null as fresh
      ),
      queued as (
        insert into outbox (inbound_event_id)
        select ins.id from ins join input i on i.system = ins.system and i.event_id = ins.event_id where ins.fresh order by i.ord
        returning id, inbound_event_id
      )
      select i.ord::text as ord, ins.id,
             case when ins.fresh then 'ACCEPTED' when ins.id is not null then 'DUPLICATE' end as status,
             ins.status as current, queued.id::text as outbox
      from input i
      left join ins on ins.system = i.system and ins.event_id = i.event_id
      left join queued on queued.inbound_event_id = ins.id
      order by i.ord`;
    const cancel = (): void => void query.cancel();
    options.signal?.addEventListener('abort', cancel, { once: true });
    let found;
    try {
      found = await query;
    } finally {
      options.signal?.removeEventListener('abort', cancel);
    }
    const answers: Array<AcceptedEvent | null> = rows.map((r, index) => {
      const row = found[index];
      if (!row?.id || !row.status || !row.current || Number(row.ord) !== index + 1) return null;
      return { eventId: r.event.id, inboundId: row.id, status: row.status, currentStatus: row.current, outboxId: row.outbox };
    });
    const unresolved = rows.flatMap((r, index) => (answers[index] === null ? [{ ...r, index }] : []));
    if (unresolved.length > 0) {
      // An event id reused for other content: the insert neither changed nor returned the stored
      // event. Look it up (with a new snapshot, so one a concurrent statement stored is seen too).
      const again = await this.sql<{ ord: string; id: string; status: InboundStatus; same: boolean }[]>`
        with input as (
          select * from unnest(${unresolved.map((r) => r.delivery.system)}::text[], ${unresolved.map((r) => r.event.id)}::text[],
                               ${unresolved.map((r) => r.event.hash)}::text[]) with ordinality as t(system, event_id, payload_hash, ord)
        ),
        earlier as (
          select i.ord, e.id, e.status, e.payload_hash = i.payload_hash as same
          from input i join inbound_events e on e.system = i.system and e.event_id = i.event_id
        ),
        dup as (
          update inbound_events e set duplicates = e.duplicates + 1 from earlier where e.id = earlier.id and earlier.same
          returning e.id
        )
        select ord::text as ord, id, status, same from earlier`;
      for (const row of again) {
        const r = unresolved[Number(row.ord) - 1];
        if (!r) continue;
        answers[r.index] = { eventId: r.event.id, inboundId: row.id, status: row.same ? 'DUPLICATE' : 'CONFLICT', currentStatus: row.status, outboxId: null };
      }
    }
    let at = 0;
    return deliveries.map((d) =>
      d.events.map((event) => {
        const answer = answers[at++];
        if (!answer) throw new Error(`event ${event.id} of ${d.system} was neither stored nor found`);
        return answer;
      }),
    );
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

  /**
   * Locks the events of one apply batch, in id order; events another transaction holds (a
   * second job carrying the same event) are skipped: that one applies them.
   */
  async lockManyForApply(tx: Tx, ids: readonly string[]): Promise<InboundRow[]> {
    if (ids.length === 0) return [];
    return tx.unsafe<InboundRow[]>(`select ${COLUMNS} from inbound_events where id = any($1::uuid[]) order by id for update skip locked`, [ids as string[]]);
  }

  /**
   * `finish` for a batch: each event's new status and reason, and its outbox row dropped, found by
   * the outbox id the job carries for it (`outboxIds`, by event id; jobs published before jobs
   * carried them give none, and their rows are found by event id, without an index).
   */
  async finishMany(
    tx: Tx,
    results: ReadonlyArray<{ id: string; status: Exclude<InboundStatus, 'ACCEPTED'>; reason: { code: string; message: string } | null }>,
    outboxIds: ReadonlyMap<string, string> | null = null,
  ): Promise<void> {
    if (results.length === 0) return;
    const ids = results.map((r) => r.id);
    const rows = outboxIds === null ? [] : ids.flatMap((id) => outboxIds.get(id) ?? []);
    const byKey = outboxIds !== null && rows.length === ids.length;
    await tx`
      with done as (
        update inbound_events e set status = r.status, reason_code = r.reason_code, reason = r.reason,
          processed_at = now(), apply_count = e.apply_count + 1
        from unnest(${ids}::uuid[], ${results.map((r) => r.status)}::text[],
                    ${results.map((r) => r.reason?.code ?? null)}::text[], ${results.map((r) => r.reason?.message ?? null)}::text[])
          as r(id, status, reason_code, reason)
        where e.id = r.id
        returning e.id
      )
      delete from outbox
      where ${byKey ? tx`id = any(${rows}::bigint[]) and ` : tx``}inbound_event_id in (select id from done)`;
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
   * Takes up to `limit` unpublished outbox rows with ids above `after`, hands them to `publish`,
   * and marks them published, under the job id `publish` answers, only when it resolves. One
   * relay moves rows at a time (a transaction-scoped advisory lock, one lock where a row lock
   * per row wrote to every row twice): while another holds it, answers `busy` and moves nothing.
   */
  async publishPending(limit: number, publish: (rows: OutboxRow[]) => Promise<string>, after = '0'): Promise<number | 'busy'> {
    return this.sql.begin(async (tx) => {
      // Along the primary key from `after` (the last row this relay moved): the rows the door
      // added since. No index holds published_at (its marking stays a heap-only update), so the
      // published rows between are read and passed over; a relay starts from further back only
      // now and then. The planner is kept on the key's order: with statistics taken while nearly
      // every row was published it expects few unpublished rows and chose a scan of the whole
      // table and a sort (75 ms a call with 190,000 rows, where the key gives 500 rows in 1 ms).
      // The marking commits without waiting for the disk, so it does not queue for the WAL flush
      // with the door's commits: a marking lost in a crash leaves the rows unpublished, and they are
      // published again under the same job id (the queue keeps one job; applying twice is a no-op).
      const [lock] = await tx<{ ok: boolean }[]>`
        select set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true),
               set_config('synchronous_commit', 'off', true), pg_try_advisory_xact_lock(${RELAY_LOCK_KEY}::bigint) as ok`;
      if (!lock?.ok) return 'busy' as const;
      const rows = await tx<OutboxRow[]>`
        select id::text as id, inbound_event_id as "inboundEventId", publish_count as "publishCount", job_id as "jobId" from outbox
        where id > ${after}::bigint and published_at is null order by outbox.id limit ${limit}`;
      if (rows.length === 0) return 0;
      const jobId = await publish(rows);
      await tx`
        update outbox set published_at = now(), publish_count = publish_count + 1, job_id = ${jobId}
        where id = any(${rows.map((r) => r.id)}::bigint[])`;
      return rows.length;
    });
  }

  /**
   * Outbox rows published more than `olderThanSeconds` ago whose event is still not applied,
   * among the next `window` rows after `from` in id order: `check` looks at their jobs and
   * answers the rows the queue lost, which go back to the relay (unpublished); the others are
   * checked again after the same delay. Answers where the next call reads on ('0' once the whole
   * outbox was read): a call reads a bounded part of the outbox (no index holds published_at).
   */
  async sweep(
    olderThanSeconds: number,
    limit: number,
    check: (rows: OutboxRow[]) => Promise<OutboxRow[]>,
    options: { from?: string; window?: number } = {},
  ): Promise<{ lost: number; next: string }> {
    const from = options.from ?? '0';
    const window = options.window ?? 20_000;
    return this.sql.begin(async (tx) => {
      const [range] = await tx<{ upto: string | null; n: number }[]>`
        select max(id)::text as upto, count(*)::int as n from (select id from outbox where id > ${from}::bigint order by id limit ${window}) w`;
      if (!range?.upto) return { lost: 0, next: '0' };
      const rows = await tx<OutboxRow[]>`
        select id::text as id, inbound_event_id as "inboundEventId", publish_count as "publishCount", job_id as "jobId" from outbox
        where id > ${from}::bigint and id <= ${range.upto}::bigint
          and published_at is not null and published_at < now() - make_interval(secs => ${olderThanSeconds})
        order by outbox.id limit ${limit} for update skip locked`;
      const next = rows.length === limit ? (rows.at(-1)?.id ?? '0') : range.n < window ? '0' : range.upto;
      if (rows.length === 0) return { lost: 0, next };
      const lost = new Set((await check(rows)).map((r) => r.id));
      await tx`
        update outbox set published_at = case when id = any(${[...lost]}::bigint[]) then null else now() end
        where id = any(${rows.map((r) => r.id)}::bigint[])`;
      return { lost: lost.size, next };
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

/** The advisory lock one relay holds while it moves rows ('outbox' in ASCII). */
const RELAY_LOCK_KEY = '122550254464888';

export interface OutboxRow {
  /** A bigint, kept as text. */
  id: string;
  inboundEventId: string;
  /** Times the row was published before. */
  publishCount: number;
  /** The job it was last published in; null for rows published one job each, before batches. */
  jobId: string | null;
}
