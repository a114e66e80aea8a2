import type { Tx } from './client.js';

export interface EntityStateRow {
  system: string;
  entityType: string;
  entityKey: string;
  sourceVersion: number | null;
  sourceTimestamp: Date;
  eventType: string;
  inboundEventId: string;
  data: Record<string, unknown>;
}

/** The latest state each system pushed about each entity: the ordering guard of the push path. */
export class EntityStateRepository {
  /**
   * Serialises the apply steps of one entity of one system until the transaction ends, then
   * reads its state. Two events about one dossier never interleave, whatever worker runs them.
   */
  async lockAndGet(tx: Tx, system: string, entityType: string, entityKey: string): Promise<EntityStateRow | null> {
    await tx`select pg_advisory_xact_lock(hashtextextended(${`${system}|${entityType}|${entityKey}`}, 0))`;
    const [row] = await tx<EntityStateRow[]>`
      select system, entity_type as "entityType", entity_key as "entityKey", source_version::float8 as "sourceVersion",
             source_timestamp as "sourceTimestamp", event_type as "eventType", inbound_event_id as "inboundEventId", data
      from entity_states where system = ${system} and entity_type = ${entityType} and entity_key = ${entityKey}`;
    return row ?? null;
  }

  /**
   * `lockAndGet` for many entities at once: the locks are taken in one order (by key hash), so
   * two transactions locking overlapping sets wait for each other instead of deadlocking. The
   * states are read after the locks are held, by a statement of their own, so they are the
   * latest committed ones.
   */
  async lockAndGetMany(tx: Tx, keys: ReadonlyArray<{ system: string; entityType: string; entityKey: string }>): Promise<Map<string, EntityStateRow>> {
    const found = new Map<string, EntityStateRow>();
    if (keys.length === 0) return found;
    const names = [...new Set(keys.map((k) => `${k.system}|${k.entityType}|${k.entityKey}`))];
    await tx`
      select pg_advisory_xact_lock(h) from (select distinct hashtextextended(k, 0) as h from unnest(${names}::text[]) as k order by 1) as locks`;
    const rows = await tx<EntityStateRow[]>`
      select s.system, s.entity_type as "entityType", s.entity_key as "entityKey", s.source_version::float8 as "sourceVersion",
             s.source_timestamp as "sourceTimestamp", s.event_type as "eventType", s.inbound_event_id as "inboundEventId", s.data
      from entity_states s
      join unnest(${keys.map((k) => k.system)}::text[], ${keys.map((k) => k.entityType)}::text[], ${keys.map((k) => k.entityKey)}::text[])
        as k(system, entity_type, entity_key)
        on s.system = k.system and s.entity_type = k.entity_type and s.entity_key = k.entity_key`;
    for (const row of rows) found.set(entityStateKey(row), row);
    return found;
  }

  /** Writes the states of many entities (one row per entity), in key order. */
  async putMany(tx: Tx, rows: readonly EntityStateRow[]): Promise<void> {
    if (rows.length === 0) return;
    const sorted = [...rows].sort((a, b) => compareText(entityStateKey(a), entityStateKey(b)));
    await tx`
      insert into entity_states (system, entity_type, entity_key, source_version, source_timestamp, event_type, inbound_event_id, data)
      select system, entity_type, entity_key, source_version, source_timestamp, event_type, inbound_event_id, data::jsonb
      from unnest(${sorted.map((r) => r.system)}::text[], ${sorted.map((r) => r.entityType)}::text[], ${sorted.map((r) => r.entityKey)}::text[],
                  ${sorted.map((r) => r.sourceVersion) as number[]}::bigint[], ${sorted.map((r) => r.sourceTimestamp.toISOString())}::timestamptz[],
                  ${sorted.map((r) => r.eventType)}::text[], ${sorted.map((r) => r.inboundEventId)}::uuid[], ${sorted.map((r) => JSON.stringify(r.data))}::text[])
        as t(system, entity_type, entity_key, source_version, source_timestamp, event_type, inbound_event_id, data)
      on conflict (system, entity_type, entity_key) do update set
        source_version = excluded.source_version, source_timestamp = excluded.source_timestamp,
        event_type = excluded.event_type, inbound_event_id = excluded.inbound_event_id, data = excluded.data, updated_at = now()`;
  }

  async put(tx: Tx, row: EntityStateRow): Promise<void> {
    await tx`
      insert into entity_states (system, entity_type, entity_key, source_version, source_timestamp, event_type, inbound_event_id, data)
      values (${row.system}, ${row.entityType}, ${row.entityKey}, ${row.sourceVersion}, ${row.sourceTimestamp}, ${row.eventType},
              ${row.inboundEventId}, ${tx.json(row.data as never)})
      on conflict (system, entity_type, entity_key) do update set
        source_version = excluded.source_version, source_timestamp = excluded.source_timestamp,
        event_type = excluded.event_type, inbound_event_id = excluded.inbound_event_id, data = excluded.data, updated_at = now()`;
  }
}

/** One entity of one system: `system|entityType|entityKey`. */
export function entityStateKey(row: { system: string; entityType: string; entityKey: string }): string {
  return `${row.system}|${row.entityType}|${row.entityKey}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
