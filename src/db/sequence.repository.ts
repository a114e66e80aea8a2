import type { Sql } from 'postgres';
import type { GapStatus } from './ingest.schema.js';

export interface GapRow {
  id: string;
  system: string;
  fromSequence: number;
  toSequence: number;
  status: GapStatus;
  detectedAt: Date;
  finishedAt: Date | null;
  pulled: number;
  detail: string | null;
}

const GAP_COLUMNS = `id, system, from_sequence::float8 as "fromSequence", to_sequence::float8 as "toSequence", status,
  detected_at as "detectedAt", finished_at as "finishedAt", pulled, detail`;

/** Per-sender sequence numbers: how far they arrived without a hole, and the holes found. */
export class SequenceRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Moves a system's contiguous mark over the sequence numbers that arrived and records every
   * hole older than `graceSeconds` (younger ones may still be in flight: a batch and a single
   * event race). A hole is recorded once; the mark moves past it, and the backfill covers it.
   * Runs under a row lock taken with SKIP LOCKED, so concurrent scanners never double a gap.
   */
  async scan(system: string, graceSeconds: number, limit = 10_000): Promise<GapRow[]> {
    return this.sql.begin(async (tx): Promise<GapRow[]> => {
      await tx`
        insert into sender_sequences (system, contiguous_through)
        select ${system}, min(sequence) - 1 from inbound_events where system = ${system} and sequence is not null
        having min(sequence) is not null
        on conflict (system) do nothing`;
      const [mark] = await tx<{ through: number }[]>`
        select contiguous_through::float8 as through from sender_sequences where system = ${system} for update skip locked`;
      if (!mark) return [];
      const rows = await tx<{ sequence: number; age: number }[]>`
        select sequence::float8 as sequence, extract(epoch from now() - received_at)::float8 as age
        from inbound_events where system = ${system} and sequence > ${mark.through}
        order by sequence limit ${limit}`;
      let expected = mark.through + 1;
      const holes: Array<[number, number]> = [];
      for (const row of rows) {
        if (row.sequence < expected) continue;
        if (row.sequence === expected) {
          expected += 1;
          continue;
        }
        if (row.age < graceSeconds) break;
        holes.push([expected, row.sequence - 1]);
        expected = row.sequence + 1;
      }
      if (expected - 1 !== mark.through) {
        await tx`update sender_sequences set contiguous_through = ${expected - 1}, updated_at = now() where system = ${system}`;
      }
      if (holes.length === 0) return [];
      return tx.unsafe<GapRow[]>(
        `insert into sequence_gaps (system, from_sequence, to_sequence)
         select $1, f, t from unnest($2::bigint[], $3::bigint[]) as h(f, t)
         returning ${GAP_COLUMNS}`,
        [system, holes.map((h) => h[0]), holes.map((h) => h[1])] as never[],
      );
    });
  }

  async findGap(id: string): Promise<GapRow | null> {
    const [row] = await this.sql.unsafe<GapRow[]>(`select ${GAP_COLUMNS} from sequence_gaps where id = $1`, [id]);
    return row ?? null;
  }

  async finishGap(id: string, status: Exclude<GapStatus, 'OPEN'>, pulled: number, detail: string): Promise<void> {
    await this.sql`update sequence_gaps set status = ${status}, finished_at = now(), pulled = ${pulled}, detail = ${detail} where id = ${id}`;
  }

  /** Gaps still open after `olderThanSeconds`: their backfill job may have been lost. */
  async openGaps(olderThanSeconds: number, limit: number): Promise<GapRow[]> {
    return this.sql.unsafe<GapRow[]>(
      `select ${GAP_COLUMNS} from sequence_gaps
       where status = 'OPEN' and detected_at < now() - make_interval(secs => $1) order by detected_at limit $2`,
      [olderThanSeconds, limit],
    );
  }

  async recentGaps(system: string, limit: number): Promise<GapRow[]> {
    return this.sql.unsafe<GapRow[]>(`select ${GAP_COLUMNS} from sequence_gaps where system = $1 order by detected_at desc limit $2`, [system, limit]);
  }

  async contiguousThrough(system: string): Promise<number | null> {
    const [row] = await this.sql<{ through: number }[]>`select contiguous_through::float8 as through from sender_sequences where system = ${system}`;
    return row?.through ?? null;
  }

  /** Provinces of a system's dossier events around a sequence range: where the backfill reads. */
  async provincesAround(system: string, fromSequence: number, toSequence: number, margin: number): Promise<string[]> {
    const rows = await this.sql<{ province: string }[]>`
      select distinct payload->>'provinceCode' as province from inbound_events
      where system = ${system} and entity_type = 'dossier' and sequence between ${fromSequence - margin} and ${toSequence + margin}
        and payload ? 'provinceCode'`;
    return rows.map((r) => r.province);
  }
}
