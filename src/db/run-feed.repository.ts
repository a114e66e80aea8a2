import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Sql } from 'postgres';
import type { DossierObservation } from '../connectors/connector.js';
import type { Tx } from './client.js';

/** Columns of a run's staging table, in COPY order. */
const STAGED_COLUMNS = [
  'system',
  'seq',
  'dossier_code',
  'province_code',
  'native_id',
  'native_status',
  'status',
  'commune_code',
  'procedure_code',
  'applicant_personal_id',
  'received_at',
  'due_at',
  'finished_at',
  'returned_at',
  'source_updated_at',
  'source_version',
] as const;

/** What a partition merge changed. */
export interface MergeCounts {
  observations: number;
  dossiers: number;
}

/**
 * The staging of a FULL run: every record the three feeds give lands first in an unlogged table
 * of the run's own (`run_feed_<run id>`), by COPY, with no index while it fills; each partition
 * job then merges its code range into the hub's observations and dossiers, writing only rows
 * that changed. Re-reading a million unchanged dossiers thus costs a COPY and a join, not three
 * million `insert … on conflict` probes in page-sized transactions.
 *
 * Unlogged: PostgreSQL empties the table after a crash. A resumed pull therefore checks that the
 * table still holds what the run's recorded progress says it read, and reads a feed again from
 * its start when it does not (see {@link stagedCount}).
 */
export class RunFeedRepository {
  constructor(private readonly sql: Sql) {}

  /** The staging table's name (run ids are UUIDs: hex digits only once the dashes are gone). */
  static table(runId: string): string {
    if (!/^[0-9a-f-]{36}$/i.test(runId)) throw new Error(`not a run id: ${runId}`);
    return `run_feed_${runId.replaceAll('-', '').toLowerCase()}`;
  }

  async create(runId: string): Promise<void> {
    const table = RunFeedRepository.table(runId);
    await this.sql.unsafe(`
      create unlogged table if not exists ${table} (
        system text not null, seq bigint not null, dossier_code text not null, province_code text not null,
        native_id text, native_status text not null, status text, commune_code text not null, procedure_code text not null,
        applicant_personal_id text, received_at timestamptz, due_at timestamptz, finished_at timestamptz,
        returned_at timestamptz, source_updated_at timestamptz not null, source_version text not null)`);
  }

  async exists(runId: string): Promise<boolean> {
    const [row] = await this.sql<{ found: boolean }[]>`select to_regclass(${RunFeedRepository.table(runId)}) is not null as found`;
    return row?.found === true;
  }

  /** Records staged for one system: equals the run's recorded `read` unless PostgreSQL lost the table's contents. */
  async stagedCount(runId: string, system: string): Promise<number> {
    const [row] = await this.sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${RunFeedRepository.table(runId)} where system = $1`, [system]);
    return row?.n ?? 0;
  }

  async clearSystem(runId: string, system: string): Promise<void> {
    await this.sql.unsafe(`delete from ${RunFeedRepository.table(runId)} where system = $1`, [system]);
  }

  /**
   * Appends records in the caller's transaction. `firstSeq` numbers them in feed order, so that
   * of two records of one dossier read in one run (it changed during the read) the later wins.
   */
  async stage(tx: Tx, runId: string, items: readonly DossierObservation[], firstSeq: number): Promise<void> {
    if (items.length === 0) return;
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += 1) {
      const o = items[i] as DossierObservation;
      lines.push(
        [
          text(o.system),
          String(firstSeq + i),
          text(o.dossierCode),
          text(o.provinceCode),
          text(o.nativeId),
          text(o.nativeStatus),
          text(o.status),
          text(o.communeCode),
          text(o.procedureCode),
          text(o.applicantPersonalId),
          instant(o.receivedAt),
          instant(o.dueAt),
          instant(o.finishedAt),
          instant(o.returnedAt),
          instant(o.updatedAt),
          text(o.sourceVersion),
        ].join('\t'),
      );
    }
    const copy = await tx.unsafe(`copy ${RunFeedRepository.table(runId)} (${STAGED_COLUMNS.join(', ')}) from stdin`).writable();
    await pipeline(Readable.from([`${lines.join('\n')}\n`]), copy);
  }

  /** Indexes the filled table for the partitions' range reads, and gives the planner its statistics. */
  async index(runId: string): Promise<void> {
    const table = RunFeedRepository.table(runId);
    await this.sql.unsafe(`create index if not exists ${table}_code on ${table} (dossier_code, system)`);
    await this.sql.unsafe(`analyze ${table}`);
  }

  /**
   * Merges one code range into observations and dossiers, in the caller's transaction. Of several
   * records of one dossier in one system the latest (its own change time, then feed order) wins;
   * an observation is only replaced by a newer or different one, as a feed page would; the
   * provincial system's receipt and return dates overwrite, the others only fill what is unknown.
   * Running it twice changes nothing the second time.
   */
  async mergeRange(tx: Tx, runId: string, fromCode: string, toCode: string | null): Promise<MergeCounts> {
    const table = RunFeedRepository.table(runId);
    const params = toCode === null ? [fromCode] : [fromCode, toCode];
    // Every table is limited to the range, the hub's own too: joined on the key alone, the planner
    // may hash a whole table for each partition while it grows during a first load.
    const range = (alias: string, column = 'dossier_code') => `${alias}.${column} >= $1${toCode === null ? '' : ` and ${alias}.${column} < $2`}`;
    const latest = (where: string, key: string) => `
      select distinct on (${key}) * from ${table} f where ${range('f')}${where}
      order by ${key}, f.source_updated_at desc, f.seq desc`;
    // A partition's records are sorted to pick each dossier's latest; keep that sort in memory.
    await tx`set local work_mem = '64MB'`;
    const observations = await tx.unsafe(
      `with t as (${latest('', 'f.dossier_code, f.system')})
      insert into observations (dossier_code, system, province_code, native_id, native_status, status, commune_code,
        procedure_code, received_at, due_at, finished_at, returned_at, source_updated_at, source_version)
      select t.dossier_code, t.system, t.province_code, t.native_id, t.native_status, t.status, t.commune_code,
        t.procedure_code, t.received_at, t.due_at, t.finished_at, t.returned_at, t.source_updated_at, t.source_version
      from t left join observations o on o.dossier_code = t.dossier_code and o.system = t.system and ${range('o')}
      where o.dossier_code is null or ${newer('o', 't')}
      on conflict (dossier_code, system) do update set
        province_code = excluded.province_code, native_id = excluded.native_id, native_status = excluded.native_status,
        status = excluded.status, commune_code = excluded.commune_code, procedure_code = excluded.procedure_code,
        received_at = excluded.received_at, due_at = excluded.due_at, finished_at = excluded.finished_at,
        returned_at = excluded.returned_at, source_updated_at = excluded.source_updated_at,
        source_version = excluded.source_version, observed_at = now()
      where ${newer('observations', 'excluded')}`,
      params,
    );
    const authoritative = await tx.unsafe(
      `with t as (${latest(` and f.system = 'provincial'`, 'f.dossier_code')})
      insert into dossiers (code, province_code, commune_code, procedure_code, applicant_personal_id, received_at, due_at, finished_at, returned_at)
      select t.dossier_code, t.province_code, t.commune_code, t.procedure_code, t.applicant_personal_id,
        t.received_at, t.due_at, t.finished_at, t.returned_at
      from t left join dossiers d on d.code = t.dossier_code and ${range('d', 'code')}
      where d.code is null or ${authoritativeDiffers('d', 't')}
      on conflict (code) do update set
        province_code = excluded.province_code, commune_code = excluded.commune_code, procedure_code = excluded.procedure_code,
        applicant_personal_id = coalesce(excluded.applicant_personal_id, dossiers.applicant_personal_id),
        received_at = excluded.received_at, due_at = excluded.due_at, finished_at = excluded.finished_at,
        returned_at = excluded.returned_at, updated_at = now()
      where ${authoritativeDiffers('dossiers', 'excluded')}`,
      params,
    );
    // Other systems only fill what is still unknown (or open a dossier the provincial system lacks).
    const filled = await tx.unsafe(
      `with t as (${latest(` and f.system <> 'provincial'`, 'f.dossier_code')})
      insert into dossiers (code, province_code, commune_code, procedure_code, applicant_personal_id, received_at, due_at, finished_at, returned_at)
      select t.dossier_code, t.province_code, t.commune_code, t.procedure_code, t.applicant_personal_id,
        t.received_at, t.due_at, t.finished_at, t.returned_at
      from t left join dossiers d on d.code = t.dossier_code and ${range('d', 'code')}
      where d.code is null or ${fillable('d', 't')}
      on conflict (code) do update set
        applicant_personal_id = coalesce(dossiers.applicant_personal_id, excluded.applicant_personal_id),
        received_at = coalesce(dossiers.received_at, excluded.received_at),
        due_at = coalesce(dossiers.due_at, excluded.due_at),
        finished_at = coalesce(dossiers.finished_at, excluded.finished_at),
        returned_at = coalesce(dossiers.returned_at, excluded.returned_at),
        updated_at = now()
      where ${fillable('dossiers', 'excluded')}`,
      params,
    );
    return { observations: observations.count, dossiers: authoritative.count + filled.count };
  }

  /** Dossier codes in code order, staged or already known in the province, for splitting a run. */
  sourceOfCodes(tx: Tx, runId: string, provinceCode: string) {
    return tx`select dossier_code as code from ${tx(RunFeedRepository.table(runId))} union select code from dossiers where province_code = ${provinceCode}`;
  }

  async drop(runId: string): Promise<void> {
    await this.sql.unsafe(`drop table if exists ${RunFeedRepository.table(runId)}`);
  }

  /** Drops the staging tables of runs that are done or gone (a run drops its own when it finishes). */
  async dropFinished(): Promise<number> {
    const tables = await this.sql<{ name: string }[]>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind = 'r' and c.relname ~ '^run_feed_[0-9a-f]{32}$'
        and not exists (
          select 1 from reconciliation_runs r
          where replace(r.id::text, '-', '') = substr(c.relname, 10) and r.phase <> 'DONE')`;
    for (const { name } of tables) await this.sql.unsafe(`drop table if exists ${name}`);
    return tables.length;
  }
}

/** The observation-replacement rule of a feed page: a newer change, or the same instant with other content. */
function newer(stored: string, incoming: string): string {
  return `(${stored}.source_updated_at < ${incoming}.source_updated_at
    or (${stored}.source_updated_at = ${incoming}.source_updated_at
        and (${stored}.native_status, ${stored}.source_version, ${stored}.commune_code, ${stored}.due_at,
             ${stored}.received_at, ${stored}.finished_at, ${stored}.returned_at)
            is distinct from (${incoming}.native_status, ${incoming}.source_version, ${incoming}.commune_code, ${incoming}.due_at,
             ${incoming}.received_at, ${incoming}.finished_at, ${incoming}.returned_at)))`;
}

function authoritativeDiffers(stored: string, incoming: string): string {
  return `(${stored}.province_code, ${stored}.commune_code, ${stored}.procedure_code, ${stored}.applicant_personal_id,
           ${stored}.received_at, ${stored}.due_at, ${stored}.finished_at, ${stored}.returned_at)
    is distinct from (${incoming}.province_code, ${incoming}.commune_code, ${incoming}.procedure_code,
           coalesce(${incoming}.applicant_personal_id, ${stored}.applicant_personal_id),
           ${incoming}.received_at, ${incoming}.due_at, ${incoming}.finished_at, ${incoming}.returned_at)`;
}

function fillable(stored: string, incoming: string): string {
  return ['applicant_personal_id', 'received_at', 'due_at', 'finished_at', 'returned_at']
    .map((c) => `(${stored}.${c} is null and ${incoming}.${c} is not null)`)
    .join(' or ');
}

/** A value in COPY's text format: backslash, tab, newline and carriage return escaped; null as \N. */
function text(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] as string) : value;
}

function instant(value: Date | null): string {
  return value === null ? '\\N' : value.toISOString();
}
