import type { Sql } from 'postgres';
import type { Tx } from './client.js';
import type { RunKind, RunMode, RunPhase, RunSourceRecord, RunStatus } from './schema.js';

/** SCHEDULE and REQUEST runs cover a province; PUSH runs the dossiers a push just changed. */
export type RunTrigger = 'SCHEDULE' | 'REQUEST' | 'PUSH';

export interface RunRow {
  id: string;
  jobId: string;
  provinceCode: string;
  trigger: RunTrigger;
  kind: RunKind;
  mode: RunMode;
  dryRun: boolean;
  rulesVersion: string | null;
  since: Date | null;
  toleranceSeconds: number;
  phase: RunPhase;
  partitionsTotal: number;
  partitionsDone: number;
  totals: Record<string, unknown>;
  status: RunStatus;
  requestedBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  dossiersCompared: number;
  mismatchCount: number;
  countsByClass: Record<string, number>;
  sources: RunSourceRecord[];
  failureReason: string | null;
}

/** One dossier of a province whose systems disagree, or that one system lacks. */
export interface DiffRow {
  code: string;
  communeCode: string;
  procedureCode: string;
  provincial: { status: string | null; nativeStatus: string; updatedAt: Date } | null;
  specialized: { status: string | null; nativeStatus: string; updatedAt: Date } | null;
}

export interface FindingInput {
  dossierCode: string;
  communeCode: string;
  procedureCode: string;
  class: string;
  laggingSystem: string | null;
  leadingSystem: string | null;
  expectedStatus: string | null;
  observed: Record<string, { status: string | null; nativeStatus: string; updatedAt: string }>;
  detail: string;
}

const RUN_COLUMNS = `id, job_id as "jobId", province_code as "provinceCode", trigger, status, kind, mode,
  dry_run as "dryRun", rules_version as "rulesVersion", since, tolerance_seconds as "toleranceSeconds", phase,
  partitions_total as "partitionsTotal", partitions_done as "partitionsDone", totals,
  requested_by as "requestedBy", created_at as "createdAt", started_at as "startedAt",
  finished_at as "finishedAt", dossiers_compared as "dossiersCompared", mismatch_count as "mismatchCount",
  counts_by_class as "countsByClass", sources, failure_reason as "failureReason"`;

export class ReconciliationRepository {
  constructor(
    private readonly sql: Sql,
    /** Runs created without their own tolerance take this one (seconds). */
    private readonly defaults: { toleranceSeconds: number } = { toleranceSeconds: 900 },
  ) {}

  async createRun(input: {
    jobId: string;
    provinceCode: string;
    trigger: RunTrigger;
    requestedBy: string | null;
    kind?: RunKind;
    mode?: RunMode;
    dryRun?: boolean;
    since?: Date | null;
    toleranceSeconds?: number;
  }): Promise<RunRow> {
    const mode = input.mode ?? (input.trigger === 'PUSH' ? 'DOSSIERS' : 'FULL');
    const [row] = await this.sql.unsafe<RunRow[]>(
      `insert into reconciliation_runs (job_id, province_code, trigger, requested_by, kind, mode, dry_run, since, tolerance_seconds)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (job_id) do update set job_id = excluded.job_id
       returning ${RUN_COLUMNS}`,
      [
        input.jobId,
        input.provinceCode,
        input.trigger,
        input.requestedBy,
        input.kind ?? 'DOSSIERS',
        mode,
        input.dryRun ?? false,
        input.since ?? null,
        input.toleranceSeconds ?? this.defaults.toleranceSeconds,
      ] as never[],
    );
    if (!row) throw new Error('insert into reconciliation_runs returned no row');
    return row;
  }

  async markRunning(runId: string): Promise<void> {
    await this.sql`update reconciliation_runs set status = 'RUNNING', started_at = coalesce(started_at, now()) where id = ${runId}`;
  }

  async finishRun(
    tx: Tx,
    runId: string,
    result: { status: RunStatus; dossiersCompared: number; countsByClass: Record<string, number>; sources: RunSourceRecord[]; failureReason: string | null },
  ): Promise<void> {
    const mismatchCount = Object.values(result.countsByClass).reduce((a, b) => a + b, 0);
    await tx`
      update reconciliation_runs set
        status = ${result.status},
        finished_at = now(),
        dossiers_compared = ${result.dossiersCompared},
        mismatch_count = ${mismatchCount},
        counts_by_class = ${tx.json(result.countsByClass)},
        sources = ${tx.json(result.sources as never)},
        failure_reason = ${result.failureReason}
      where id = ${runId}`;
  }

  async failRun(runId: string, status: RunStatus, reason: string, sources: RunSourceRecord[]): Promise<void> {
    await this.sql`
      update reconciliation_runs set status = ${status}, finished_at = now(), failure_reason = ${reason},
        sources = ${this.sql.json(sources as never)}
      where id = ${runId}`;
  }

  async findRun(id: string): Promise<RunRow | null> {
    const [row] = await this.sql.unsafe<RunRow[]>(`select ${RUN_COLUMNS} from reconciliation_runs where id = $1`, [id]);
    return row ?? null;
  }

  async findRunByJob(jobId: string): Promise<RunRow | null> {
    const [row] = await this.sql.unsafe<RunRow[]>(`select ${RUN_COLUMNS} from reconciliation_runs where job_id = $1`, [jobId]);
    return row ?? null;
  }

  async listRuns(
    filter: { provinceCode?: string | undefined; status?: RunStatus | undefined; provinces?: readonly string[] | undefined },
    limit: number,
  ): Promise<RunRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.provinces) {
      params.push([...filter.provinces]);
      where.push(`province_code = any($${params.length}::text[])`);
    }
    if (filter.provinceCode) {
      params.push(filter.provinceCode);
      where.push(`province_code = $${params.length}`);
    }
    if (filter.status) {
      params.push(filter.status);
      where.push(`status = $${params.length}`);
    }
    params.push(limit);
    return this.sql.unsafe<RunRow[]>(
      `select ${RUN_COLUMNS} from reconciliation_runs ${where.length ? `where ${where.join(' and ')}` : ''}
       order by created_at desc, id limit $${params.length}`,
      params as never[],
    );
  }

  /**
   * Dossiers of a province where the two systems differ or one lacks the dossier: the diff, in
   * SQL. With `codes`, only those dossiers of the province (a per-dossier run after a push).
   */
  async diffProvince(provinceCode: string, codes?: readonly string[]): Promise<{ rows: DiffRow[]; compared: number }> {
    const only = codes ? this.sql`and d.code = any(${codes as string[]})` : this.sql``;
    const [count] = await this.sql<{ n: number }[]>`select count(*)::int as n from dossiers d where d.province_code = ${provinceCode} ${only}`;
    const raw = await this.sql<
      {
        code: string;
        commune_code: string;
        procedure_code: string;
        p_status: string | null;
        p_native: string | null;
        p_updated: Date | null;
        s_status: string | null;
        s_native: string | null;
        s_updated: Date | null;
      }[]
    >`
      select d.code, d.commune_code, d.procedure_code,
             p.status as p_status, p.native_status as p_native, p.source_updated_at as p_updated,
             s.status as s_status, s.native_status as s_native, s.source_updated_at as s_updated
      from dossiers d
      left join observations p on p.dossier_code = d.code and p.system = 'provincial'
      left join observations s on s.dossier_code = d.code and s.system = 'specialized'
      where d.province_code = ${provinceCode} ${only}
        and (p.dossier_code is null or s.dossier_code is null
             or p.status is distinct from s.status or p.status is null)`;
    const rows = raw.map((r) => ({
      code: r.code,
      communeCode: r.commune_code,
      procedureCode: r.procedure_code,
      provincial: r.p_native === null ? null : { status: r.p_status, nativeStatus: r.p_native, updatedAt: r.p_updated as Date },
      specialized: r.s_native === null ? null : { status: r.s_status, nativeStatus: r.s_native, updatedAt: r.s_updated as Date },
    }));
    return { rows, compared: count?.n ?? 0 };
  }

  /**
   * Records a run's findings in one transaction: open or refresh each mismatch, link it to the
   * run, resolve the open ones of the province this run no longer finds, and set each dossier's
   * canonical status and mismatch flag. With `codes`, the run covered only those dossiers, and
   * only their mismatches, statuses and flags are touched.
   */
  async recordFindings(
    tx: Tx,
    runId: string,
    provinceCode: string,
    findings: readonly FindingInput[],
    statuses: ReadonlyArray<{ code: string; status: string | null }>,
    codes?: readonly string[],
  ): Promise<void> {
    const only = (column: string) => (codes ? tx`and ${tx(column)} = any(${codes as string[]})` : tx``);
    // Serialises the write phase of concurrent runs of one province.
    await tx`select pg_advisory_xact_lock(hashtext(${`reconcile:${provinceCode}`}))`;
    if (findings.length > 0) {
      const rows = findings.map((f) => ({
        dossier_code: f.dossierCode,
        province_code: provinceCode,
        commune_code: f.communeCode,
        procedure_code: f.procedureCode,
        class: f.class,
        lagging_system: f.laggingSystem,
        leading_system: f.leadingSystem,
        expected_status: f.expectedStatus,
        observed: f.observed,
        detail: f.detail,
        first_run_id: runId,
        last_run_id: runId,
      }));
      for (let i = 0; i < rows.length; i += 1_000) {
        const batch = rows.slice(i, i + 1_000);
        const ids = await tx<{ id: string; class: string }[]>`
          insert into mismatches ${tx(batch as never)}
          on conflict (dossier_code, class) where state = 'OPEN' do update set
            last_seen_at = now(), last_run_id = excluded.last_run_id, observed = excluded.observed,
            lagging_system = excluded.lagging_system, leading_system = excluded.leading_system,
            expected_status = excluded.expected_status, detail = excluded.detail,
            commune_code = excluded.commune_code, procedure_code = excluded.procedure_code
          returning id, class`;
        const links = ids.map((r) => ({ run_id: runId, mismatch_id: r.id, class: r.class }));
        await tx`insert into run_findings ${tx(links)} on conflict do nothing`;
      }
    }
    await tx`
      update mismatches set state = 'RESOLVED', resolved_at = now()
      where province_code = ${provinceCode} and state = 'OPEN' and last_run_id <> ${runId} ${only('dossier_code')}`;
    // Dossiers on which the systems agree take their common status; the others the derived one.
    await tx`
      update dossiers d set status = p.status, updated_at = now()
      from observations p
      where d.province_code = ${provinceCode} ${only('d.code')} and p.dossier_code = d.code and p.system = 'provincial'
        and p.status is not null and d.status is distinct from p.status
        and not exists (select 1 from observations s where s.dossier_code = d.code and s.system <> 'provincial'
                        and s.status is distinct from p.status)`;
    if (statuses.length > 0) {
      await tx`
        update dossiers d set status = v.status, updated_at = now()
        from json_to_recordset(${tx.json(statuses)}::json) as v(code text, status text)
        where d.code = v.code and d.status is distinct from v.status`;
    }
    await tx`
      update dossiers d set has_open_mismatch = m.open
      from (select d2.code, exists (select 1 from mismatches m where m.dossier_code = d2.code and m.state = 'OPEN') as open
            from dossiers d2 where d2.province_code = ${provinceCode} ${only('d2.code')}) m
      where d.code = m.code and d.has_open_mismatch is distinct from m.open`;
  }
}
