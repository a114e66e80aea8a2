import type { PendingQuery, Row, Sql } from 'postgres';
import type { Tx } from './client.js';
import type { RunSourceRecord } from './schema.js';

/** The dossier systems a dossier run compares, in the order their columns appear. */
export const RUN_SYSTEMS = ['provincial', 'specialized', 'national-portal'] as const;
export type RunSystem = (typeof RUN_SYSTEMS)[number];

/** What one system says about one dossier, as a partition reads it. */
export interface SideRow {
  status: string | null;
  nativeStatus: string;
  updatedAt: Date;
  communeCode: string;
  dueAt: Date | null;
}

/** A dossier of a partition on which the systems may disagree, with each system's side. */
export interface PartitionRow {
  code: string;
  communeCode: string;
  procedureCode: string;
  receivedAt: Date | null;
  dueAt: Date | null;
  finishedAt: Date | null;
  returnedAt: Date | null;
  sides: Partial<Record<RunSystem, SideRow>>;
}

export interface CandidateInput {
  dossierCode: string;
  class: string;
  communeCode: string;
  procedureCode: string;
  laggingSystems: string[];
  leadingSystem: string | null;
  expectedStatus: string | null;
  settledBy: string | null;
  pendingSync: boolean;
  /** When a pending candidate stops being pending if nothing changes (absent or null when not pending). */
  pendingUntil?: Date | null;
  observed: Record<string, Record<string, unknown>>;
  detail: string;
  timelinessBefore: string | null;
  timelinessAfter: string | null;
}

export interface PartitionRowRange {
  index: number;
  fromCode: string;
  toCode: string | null;
  dossiers: number;
  doneAt: Date | null;
}

type RawPartitionRow = {
  code: string;
  commune_code: string;
  procedure_code: string;
  received_at: Date | null;
  due_at: Date | null;
  finished_at: Date | null;
  returned_at: Date | null;
} & Record<string, unknown>;

/** Candidates written per statement (one JSON document of about a kilobyte each). */
const CANDIDATES_PER_STATEMENT = 5_000;

const PARTITION_FLOOR = 1_000;

const SIDE_PREFIXES = [
  ['provincial', 'p'],
  ['specialized', 's'],
  ['national-portal', 'n'],
] as const;

function toPartitionRow(r: RawPartitionRow): PartitionRow {
  const sides: Partial<Record<RunSystem, SideRow>> = {};
  for (const [system, prefix] of SIDE_PREFIXES) {
    if (r[`${prefix}_has`] !== true) continue;
    sides[system] = {
      status: r[`${prefix}_status`] as string | null,
      nativeStatus: r[`${prefix}_native`] as string,
      updatedAt: r[`${prefix}_updated`] as Date,
      communeCode: r[`${prefix}_commune`] as string,
      dueAt: r[`${prefix}_due`] as Date | null,
    };
  }
  return {
    code: r.code,
    communeCode: r.commune_code,
    procedureCode: r.procedure_code,
    receivedAt: r.received_at,
    dueAt: r.due_at,
    finishedAt: r.finished_at,
    returnedAt: r.returned_at,
    sides,
  };
}

/**
 * The set-based parts of a run: its scope and partitions, the per-partition diff over the three
 * systems' observations, and the candidates a partition found. Everything a partition writes is
 * keyed by (run, partition) and replaced as a whole, so a re-run job cannot count twice.
 */
export class RunPipelineRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Saves one system's progress in the transaction that stored its page: only that system's
   * entry of the run's sources is replaced (the three feeds are read at once), kept in system order.
   */
  async saveSourceProgress(tx: Tx | Sql, runId: string, source: RunSourceRecord): Promise<void> {
    await tx`
      update reconciliation_runs set sources = (
        select coalesce(jsonb_agg(e order by array_position(${[...RUN_SYSTEMS, 'civil-registration', 'population']}::text[], e->>'system')), '[]'::jsonb)
        from (
          select e from jsonb_array_elements(sources) as t(e) where e->>'system' <> ${source.system}
          union all select ${tx.json(source as never)}::jsonb
        ) x(e)
      )
      where id = ${runId}`;
  }

  /**
   * Fixes an incremental run's scope: dossiers of the province whose observations changed since
   * `since` (a correction applied, or fixed by hand, shows up there too), and those an earlier
   * run of the last day found only pending sync and whose tolerance has passed since, so that
   * they become mismatches even if nothing changes again. A pending difference still within its
   * tolerance that did not change would only be found pending again: a later run takes it.
   */
  async fixIncrementalScope(tx: Tx, runId: string, provinceCode: string, since: Date): Promise<void> {
    await tx`delete from run_scope where run_id = ${runId}`;
    await tx`
      insert into run_scope (run_id, dossier_code)
      select ${runId}::uuid, o.dossier_code from observations o
      where o.province_code = ${provinceCode} and o.observed_at >= ${since}
      union
      select ${runId}::uuid, c.dossier_code from run_candidates c join reconciliation_runs r on r.id = c.run_id
      where r.province_code = ${provinceCode} and r.kind = 'DOSSIERS' and r.id <> ${runId}
        and r.finished_at > now() - interval '1 day' and c.pending_sync
        and (c.pending_until is null or c.pending_until <= (select started_at from reconciliation_runs where id = ${runId}))
      on conflict do nothing`;
  }

  /**
   * Splits the run's dossiers into partitions of `size` (at least 1,000) by dossier code and
   * records them; returns them. FULL runs split the province, incremental ones their scope.
   */
  async createPartitions(
    tx: Tx,
    runId: string,
    provinceCode: string,
    scoped: boolean,
    size: number,
    /** The run's dossier codes when neither its scope nor the province's known dossiers give them (a staged FULL run). */
    codes?: PendingQuery<Row[]>,
  ): Promise<PartitionRowRange[]> {
    const step = Math.max(PARTITION_FLOOR, Math.floor(size));
    await tx`delete from run_partitions where run_id = ${runId}`;
    const source =
      codes ??
      (scoped ? tx`select dossier_code as code from run_scope where run_id = ${runId}` : tx`select code from dossiers where province_code = ${provinceCode}`);
    const bounds = await tx<{ code: string; n: number }[]>`
      select code, n::int from (
        select code, row_number() over (order by code) - 1 as rn, count(*) over () as n from (${source}) s
      ) t where rn % ${step} = 0 order by code`;
    const total = bounds[0]?.n ?? 0;
    const partitions: PartitionRowRange[] = bounds.map((b, index) => ({
      index,
      fromCode: b.code,
      toCode: bounds[index + 1]?.code ?? null,
      dossiers: Math.min(step, total - index * step),
      doneAt: null,
    }));
    if (partitions.length > 0) {
      await tx`insert into run_partitions ${tx(partitions.map((p) => ({ run_id: runId, index: p.index, from_code: p.fromCode, to_code: p.toCode, dossiers: p.dossiers })))}`;
    }
    await tx`update reconciliation_runs set partitions_total = ${partitions.length}, partitions_done = 0, dossiers_compared = ${total} where id = ${runId}`;
    return partitions;
  }

  async partitions(runId: string): Promise<PartitionRowRange[]> {
    return this.sql<PartitionRowRange[]>`
      select index, from_code as "fromCode", to_code as "toCode", dossiers, done_at as "doneAt"
      from run_partitions where run_id = ${runId} order by index`;
  }

  async partition(runId: string, index: number): Promise<PartitionRowRange | null> {
    const [row] = await this.sql<PartitionRowRange[]>`
      select index, from_code as "fromCode", to_code as "toCode", dossiers, done_at as "doneAt"
      from run_partitions where run_id = ${runId} and index = ${index}`;
    return row ?? null;
  }

  /**
   * The dossiers of one partition where the three systems may disagree: a copy missing, statuses
   * or due dates that differ, a status without canonical meaning, or a commune code no longer in
   * force. Rows where every system agrees never leave PostgreSQL; their dossiers take the status
   * the systems agree on in the same statement (the rules' status of the others is set at finalize).
   */
  async diffPartition(provinceCode: string, runId: string, scoped: boolean, range: PartitionRowRange): Promise<PartitionRow[]> {
    const sql = this.sql;
    const upper = (column: string) => (range.toCode === null ? sql`` : sql`and ${sql(column)} < ${range.toCode}`);
    // One pass over the partition's observations in code order (a range of their primary key),
    // folded into one row per dossier: three index probes per dossier, or a hash of a system's
    // whole table, cost ten times more at a million dossiers. A scoped run folds only its scope.
    const observed = scoped
      ? sql`run_scope r join observations o on o.dossier_code = r.dossier_code
            left join administrative_units u on u.code = o.commune_code
            where r.run_id = ${runId} and r.dossier_code >= ${range.fromCode} ${upper('r.dossier_code')}`
      : sql`observations o left join administrative_units u on u.code = o.commune_code
            where o.dossier_code >= ${range.fromCode} ${upper('o.dossier_code')}`;
    const side = (prefix: string, system: string) => sql`
      bool_or(o.system = ${system}) as ${sql(`${prefix}_has`)},
      max(o.status) filter (where o.system = ${system}) as ${sql(`${prefix}_status`)},
      max(o.native_status) filter (where o.system = ${system}) as ${sql(`${prefix}_native`)},
      max(o.source_updated_at) filter (where o.system = ${system}) as ${sql(`${prefix}_updated`)},
      max(o.commune_code) filter (where o.system = ${system}) as ${sql(`${prefix}_commune`)},
      max(o.due_at) filter (where o.system = ${system}) as ${sql(`${prefix}_due`)}`;
    return sql.begin(async (tx) => {
      // The fold sorts a partition's observations; keep that sort in memory.
      await tx`set local work_mem = '64MB'`;
      const raw = await tx<RawPartitionRow[]>`
        with folded as (
          select o.dossier_code,
            ${side('p', 'provincial')}, ${side('s', 'specialized')}, ${side('n', 'national-portal')},
            bool_and(u.code is not null) as units_known
          from ${observed} and o.province_code = ${provinceCode}
          group by o.dossier_code
        ),
        -- Dossiers on which every system that holds them agrees take that status, in this same pass.
        agreed as (
          update dossiers d set status = f.p_status, updated_at = now()
          from folded f
          where d.code = f.dossier_code and f.p_status is not null
            and (not f.s_has or f.s_status = f.p_status) and (not f.n_has or f.n_status = f.p_status)
            and d.status is distinct from f.p_status
          returning 1
        )
        select d.code, d.commune_code, d.procedure_code, d.received_at, d.due_at, d.finished_at, d.returned_at, f.*
        from ${scoped ? tx`run_scope r join dossiers d on d.code = r.dossier_code and r.run_id = ${runId}` : tx`dossiers d`}
        left join folded f on f.dossier_code = d.code
        where d.province_code = ${provinceCode} and d.code >= ${range.fromCode} ${upper('d.code')}
          and (f.dossier_code is null or not (f.p_has and f.s_has and f.n_has)
               or f.p_status is null or f.p_status is distinct from f.s_status or f.p_status is distinct from f.n_status
               or abs(extract(epoch from (f.p_due - f.s_due))) > 60 or (f.p_due is null) <> (f.s_due is null)
               or not f.units_known)
        order by d.code`;
      return raw.map(toPartitionRow);
    });
  }

  /** Replaces what one partition found and marks it done, in one transaction. */
  async recordPartition(runId: string, index: number, candidates: readonly CandidateInput[]): Promise<void> {
    await this.sql.begin(async (tx) => {
      await this.replaceCandidates(tx, runId, index, candidates);
      await tx`update run_partitions set done_at = coalesce(done_at, now()) where run_id = ${runId} and index = ${index}`;
      await tx`
        update reconciliation_runs set partitions_done = (select count(*) from run_partitions where run_id = ${runId} and done_at is not null)
        where id = ${runId}`;
    });
  }

  async replaceCandidates(tx: Tx, runId: string, partition: number, candidates: readonly CandidateInput[]): Promise<void> {
    await tx`delete from run_candidates where run_id = ${runId} and partition = ${partition}`;
    for (let i = 0; i < candidates.length; i += CANDIDATES_PER_STATEMENT) {
      const rows = candidates.slice(i, i + CANDIDATES_PER_STATEMENT).map((c) => ({
        dossier_code: c.dossierCode,
        class: c.class,
        commune_code: c.communeCode,
        procedure_code: c.procedureCode,
        lagging_systems: c.laggingSystems,
        leading_system: c.leadingSystem,
        expected_status: c.expectedStatus,
        settled_by: c.settledBy,
        pending_sync: c.pendingSync,
        pending_until: c.pendingUntil ?? null,
        observed: c.observed,
        detail: c.detail,
        timeliness_before: c.timelinessBefore,
        timeliness_after: c.timelinessAfter,
      }));
      // One JSON document per statement, not sixteen parameters per row (recording 10,000
      // candidates took 1.2-1.5 s, 0.4 s of it in PostgreSQL). A dossier found under two classes
      // by two steps keeps the first (duplicates found province-wide).
      await tx`
        insert into run_candidates (run_id, partition, dossier_code, class, commune_code, procedure_code, lagging_systems,
          leading_system, expected_status, settled_by, pending_sync, pending_until, observed, detail, timeliness_before, timeliness_after)
        select ${runId}::uuid, ${partition}::int, r.dossier_code, r.class, r.commune_code, r.procedure_code, r.lagging_systems,
          r.leading_system, r.expected_status, r.settled_by, r.pending_sync, r.pending_until, r.observed, r.detail,
          r.timeliness_before, r.timeliness_after
        from json_to_recordset(${JSON.stringify(rows)}::text::json) as r(dossier_code text, class text, commune_code text,
          procedure_code text, lagging_systems text[], leading_system text, expected_status text, settled_by text,
          pending_sync boolean, pending_until timestamptz, observed jsonb, detail text, timeliness_before text, timeliness_after text)
        on conflict do nothing`;
    }
  }

  /**
   * Dossiers a system holds twice under two national codes: the same unit, procedure, applicant
   * and receipt instant. Province-wide for FULL runs, the run's scope for incremental ones.
   */
  duplicates(
    provinceCode: string,
    runId: string,
    scoped: boolean,
  ): Promise<Array<{ system: string; codes: string[]; communeCode: string; procedureCode: string; receivedAt: Date }>> {
    const sql = this.sql;
    const scope = scoped
      ? sql`and d.applicant_personal_id in (select d2.applicant_personal_id from run_scope r join dossiers d2 on d2.code = r.dossier_code
              where r.run_id = ${runId} and d2.applicant_personal_id is not null)`
      : sql``;
    // Only an applicant with more than one dossier of one procedure in one commune can have a
    // duplicate: those are found from the dossiers alone, so that only their observations are
    // joined and grouped, not the province's (applicants often have several dossiers).
    return sql.begin(async (tx) => {
      // One hash of the province's dossiers, in memory; parallel workers would each build it again.
      await tx`set local work_mem = '64MB'`;
      await tx`set local max_parallel_workers_per_gather = 0`;
      return tx`
        with several as (
          select d.applicant_personal_id, d.commune_code, d.procedure_code from dossiers d
          where d.province_code = ${provinceCode} and d.applicant_personal_id is not null ${scope}
          group by d.applicant_personal_id, d.commune_code, d.procedure_code having count(*) > 1
        )
        select o.system, array_agg(o.dossier_code order by o.dossier_code) as codes, d.commune_code as "communeCode",
               d.procedure_code as "procedureCode", o.received_at as "receivedAt"
        from several s
        join dossiers d on d.applicant_personal_id = s.applicant_personal_id and d.commune_code = s.commune_code
          and d.procedure_code = s.procedure_code and d.province_code = ${provinceCode}
        join observations o on o.dossier_code = d.code
        where o.province_code = ${provinceCode} and o.received_at is not null
        group by o.system, d.commune_code, d.procedure_code, d.applicant_personal_id, o.received_at
        having count(*) > 1` as never;
    });
  }
}
