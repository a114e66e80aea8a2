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
