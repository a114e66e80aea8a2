import type { PendingQuery, Row, Sql } from 'postgres';
import type { Logger } from 'pino';
import type { Tx } from '../db/client.js';
import type { ReconciliationRepository, RunRow } from '../db/reconciliation.repository.js';
import type { CandidateInput, RunPipelineRepository } from '../db/run-pipeline.repository.js';
import type { RunStatus } from '../db/schema.js';
import type { DossierClassifier } from './reconcile-run.service.js';
import { RunFeedRepository } from '../db/run-feed.repository.js';
import { SyncCursorRepository } from '../db/sync-cursor.repository.js';
import { ReportRenderer, type ReportFinding, type ReportRules, type RunTotals } from './run-report.js';
import { RunReportRepository } from '../db/run-report.repository.js';
import { StepClock } from './step-clock.js';

/** Facts found outside partitions (flags pushed systems raised), merged at finalize. */
export interface ExtraFindingSource {
  findings(run: RunRow, codes: readonly string[] | undefined): Promise<CandidateInput[]>;
}

export interface FinalizeOptions {
  /** Runs that may still find a mismatch after its corrections were applied before it is escalated. */
  maxFailedVerifications: number;
  /** Systems the hub can write corrections to. */
  correctableSystems: readonly string[];
}

/** Findings read per query while a report renders. */
const REPORT_PAGE = 5_000;

/** Classes a correction can settle, and how: a status write, or opening the dossier where it is missing. */
const STATUS_CLASSES = ['STATUS_BEHIND', 'STATUS_CONFLICT'];
const MISSING_PREFIX = 'MISSING_IN_';
const DATA_QUALITY = 'DATA_QUALITY';
/** Partition number of findings made at finalize (duplicates, flags). */
const FINALIZE_PARTITION = -1;

export interface FinalizeOutcome {
  run: RunRow;
  /** Corrections to send (none for a dry run). */
  corrections: string[];
}

/**
 * The last step of a run, in one transaction: merge what the partitions found into the live
 * mismatches, count a failed verification for each mismatch still found after its correction
 * was applied (escalating after N), resolve what is no longer found and verify its corrections,
 * plan corrections for what the rules settle, compute the totals, and issue the report with its
 * SHA-256 (recorded in the hash-chained audit trail). A second finalize of a finished run only
 * returns the corrections still to send.
 */
export class ReconcileFinalizeService {
  constructor(
    private readonly sql: Sql,
    private readonly runs: ReconciliationRepository,
    private readonly pipeline: RunPipelineRepository,
    private readonly classifier: DossierClassifier,
    private readonly rules: ReportRules,
    private readonly extra: ExtraFindingSource | null,
    private readonly logger: Logger,
    private readonly options: FinalizeOptions,
    private readonly cursors = new SyncCursorRepository(sql),
    private readonly reports = new RunReportRepository(sql),
  ) {}

  async finalize(runId: string, codes?: readonly string[]): Promise<FinalizeOutcome> {
    const found = await this.runs.findRun(runId);
    if (!found) throw new Error(`reconciliation run ${runId} does not exist`);
    if (found.phase === 'DONE') return { run: found, corrections: await this.pendingCorrections(runId) };
    const run = found;
    const clock = new StepClock();
    if (run.mode === 'FULL' && run.kind === 'DOSSIERS') {
      // A FULL run rewrites observations and dossiers in bulk (all of them on its first load).
      // Vacuumed here, in the run's own (nightly) time, not by autovacuum during the incremental
      // runs that follow: on two cores its passes over a million dossiers doubled their time.
      // Pages nothing changed since the last vacuum are skipped (the visibility map).
      await this.sql`vacuum (analyze) observations, dossiers`;
      clock.lap('vacuum');
    }
    // Read beside the ANALYZE below: neither needs the other.
    const extraFindings = this.extraFindings(run, codes);
    extraFindings.catch(() => undefined);
    let statuses: Promise<number> = Promise.resolve(0);
    try {
      // The run's candidates arrived after PostgreSQL last sampled the table: planned from stale
      // statistics, every statement below thought the run had one candidate and chose nested loops
      // that read all of them once per candidate (3.6 s for the delete of 10,000, 14 s of 20,000).
      // Only the columns statements here filter and join on: a whole-table ANALYZE computes
      // statistics of eight more (0.36-0.49 s against 0.10-0.34 s in incremental runs of 10,000
      // dossiers). Autovacuum's own, whole-table ANALYZEs skip the jsonb and long text (0014).
      await this.sql`analyze run_candidates (run_id, dossier_code, class, pending_sync, expected_status)`;
      clock.lap('analyze');
      // The partitions' settled statuses go to the dossiers in a transaction of their own, on
      // another connection, while this one merges mismatches and renders the report (the two used
      // to take one after the other 0.8 s and 1.0 s of an incremental run of 10,000 dossiers).
      // Idempotent: a finalize that fails after it committed writes the same statuses again.
      if (run.kind === 'DOSSIERS') {
        statuses = this.applyPartitionStatuses(run);
        statuses.catch(() => undefined);
      }
      return await this.finalizeRest(run, clock, extraFindings, statuses);
    } finally {
      // Nothing this finalize started is left running when it returns or fails.
      await Promise.allSettled([statuses, extraFindings]);
    }
  }

  /** Findings made at finalize: duplicate records, and the flags pushed systems raised. */
  private async extraFindings(run: RunRow, codes: readonly string[] | undefined): Promise<CandidateInput[]> {
    if (run.kind !== 'DOSSIERS') return [];
    const [groups, flagged] = await Promise.all([
      this.pipeline.duplicates(run.provinceCode, run.id, run.mode !== 'FULL'),
      this.extra ? this.extra.findings(run, codes) : Promise.resolve([]),
    ]);
    return [...groups.flatMap((group) => this.classifier.duplicate(group)), ...flagged];
  }

  private async finalizeRest(run: RunRow, clock: StepClock, extraFindings: Promise<CandidateInput[]>, statuses: Promise<number>): Promise<FinalizeOutcome> {
    const runId = run.id;
    const scoped = run.mode !== 'FULL';
    const extra = await extraFindings;
    clock.lap('duplicates');

    await this.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${`reconcile:${run.provinceCode}:${run.kind}`}))`;
      await tx`update reconciliation_runs set phase = 'FINALIZING' where id = ${runId}`;
      if (extra.length > 0) await this.pipeline.replaceCandidates(tx, runId, FINALIZE_PARTITION, extra);
      // A duplicate record is not a dossier the other systems should hold: no MISSING_IN_* for it.
      await tx`
        delete from run_candidates c
        where c.run_id = ${runId} and c.class like ${`${MISSING_PREFIX}%`}
          and exists (select 1 from run_candidates d where d.run_id = c.run_id and d.dossier_code = c.dossier_code and d.class = 'DUPLICATE')`;
      const classes = run.kind === 'DOSSIERS' ? this.classifier.dossierClasses : ['DATA_QUALITY'];
      clock.lap('prepare');
      const resolvedCodes = await this.mergeMismatches(tx, run, classes, scoped);
      clock.lap('mismatches');
      await this.planCorrections(tx, run);
      clock.lap('corrections');
      const totals = await this.totals(tx, runId);
      clock.lap('totals');
      const failed = run.sources.filter((s) => s.error !== null);
      const status: RunStatus = failed.length > 0 ? 'PARTIAL' : 'SUCCEEDED';
      const failureReason =
        failed.length > 0
          ? failed.map((s) => `${s.system} failed after ${s.read} changes (${s.error?.code}: ${s.error?.message}); its last stored state was used`).join('; ')
          : null;
      const [finished] = await tx<{ finishedAt: Date }[]>`
        update reconciliation_runs set status = ${status}, phase = 'DONE', finished_at = now(), failure_reason = ${failureReason},
          mismatch_count = ${totals.mismatches}, counts_by_class = ${tx.json(totals.byClass)}, totals = ${tx.json(totals as never)}
        where id = ${runId} returning finished_at as "finishedAt"`;
      await this.issueReport(tx, { ...run, status, failureReason, finishedAt: (finished as { finishedAt: Date }).finishedAt }, totals);
      clock.lap('report');
      // Last, so its flag writes rarely wait for the status transaction's row locks; a failed
      // status transaction fails this one too.
      const statusesWritten = await statuses;
      clock.lap('statuses');
      if (run.kind === 'DOSSIERS') await this.updateDossiers(tx, run, scoped, resolvedCodes);
      clock.lap('dossiers');
      this.logger.debug({ runId, dossiers: statusesWritten }, 'partition statuses written');
      if (run.mode === 'FULL' && run.kind === 'DOSSIERS') {
        // The feeds' cursors move only now that every partition merged what was read up to them;
        // the run's staging table goes with the transaction that ends the run.
        for (const source of run.sources) {
          if (source.cursorTo !== null) await this.cursors.save(tx, source.system, `province:${run.provinceCode}`, source.cursorTo);
        }
        await tx.unsafe(`drop table if exists ${RunFeedRepository.table(run.id)}`);
      }
    });
    clock.lap('commit');
    const finished = (await this.runs.findRun(runId)) as RunRow;
    this.logger.info(
      {
        runId,
        provinceCode: run.provinceCode,
        mode: run.mode,
        status: finished.status,
        mismatches: finished.mismatchCount,
        countsByClass: finished.countsByClass,
        finalizeMs: clock.steps,
      },
      'reconciliation run finished',
    );
    return { run: finished, corrections: await this.pendingCorrections(runId) };
  }

  /** Opens, updates and resolves the run's mismatches; returns the codes of dossiers whose mismatches it resolved. */
  private async mergeMismatches(tx: Tx, run: RunRow, classes: readonly string[], scoped: boolean): Promise<string[]> {
    const runId = run.id;
    const merged = await tx<{ id: string; class: string }[]>`
      insert into mismatches (dossier_code, province_code, commune_code, procedure_code, class, owner_unit, lagging_system,
        lagging_systems, leading_system, expected_status, settled_by, observed, detail, first_run_id, last_run_id)
      select c.dossier_code, ${run.provinceCode}, c.commune_code, c.procedure_code, c.class, c.commune_code, c.lagging_systems[1],
        c.lagging_systems, c.leading_system, c.expected_status, c.settled_by, c.observed, c.detail, ${runId}::uuid, ${runId}::uuid
      from run_candidates c where c.run_id = ${runId} and not c.pending_sync
      order by c.dossier_code, c.class
      on conflict (dossier_code, class) where state <> 'RESOLVED' do update set
        last_seen_at = now(), last_run_id = excluded.last_run_id, observed = excluded.observed,
        lagging_system = excluded.lagging_system, lagging_systems = excluded.lagging_systems,
        leading_system = excluded.leading_system, expected_status = excluded.expected_status,
        settled_by = excluded.settled_by, detail = excluded.detail,
        commune_code = excluded.commune_code, procedure_code = excluded.procedure_code
      returning id, class`;
    for (let i = 0; i < merged.length; i += 5_000) {
      const links = merged.slice(i, i + 5_000).map((r) => ({ run_id: runId, mismatch_id: r.id, class: r.class }));
      await tx`insert into run_findings ${tx(links)} on conflict do nothing`;
    }
    // Found again although its corrections were applied before this run began: a failed verification.
    await tx`
      with again as (
        select m.id from mismatches m
        where m.last_run_id = ${runId} and m.state = 'CORRECTING'
          and exists (select 1 from corrections c where c.mismatch_id = m.id and c.state = 'APPLIED' and c.applied_at < ${run.startedAt ?? new Date()})
      ), failed as (
        update corrections c set state = 'FAILED', last_error = 'the next run still found the mismatch'
        from again where c.mismatch_id = again.id and c.state = 'APPLIED' returning c.mismatch_id
      )
      update mismatches m set failed_verifications = m.failed_verifications + 1,
        state = case when m.failed_verifications + 1 >= ${this.options.maxFailedVerifications} then 'ESCALATED' else 'OPEN' end,
        resolved_by = case when m.failed_verifications + 1 >= ${this.options.maxFailedVerifications} then 'reconciliation' else m.resolved_by end,
        resolution_note = case when m.failed_verifications + 1 >= ${this.options.maxFailedVerifications}
          then 'escalated: corrections were applied ' || (m.failed_verifications + 1) || ' times and the systems still disagree' else m.resolution_note end
      from again where m.id = again.id`;
    // What this run's scope no longer shows is resolved; its applied corrections are verified.
    const inScope = scoped ? tx`and exists (select 1 from run_scope r where r.run_id = ${runId} and r.dossier_code = m.dossier_code)` : tx``;
    const resolved = await tx<{ id: string; dossierCode: string }[]>`
      update mismatches m set state = 'RESOLVED', resolved_at = now(), resolved_by = 'reconciliation',
        resolution_note = coalesce(m.resolution_note || '; ', '') || 'no longer found by run ' || ${runId}
      where m.province_code = ${run.provinceCode} and m.state <> 'RESOLVED' and m.last_run_id <> ${runId}
        and m.class = any(${classes as string[]}) ${inScope}
      returning m.id, m.dossier_code as "dossierCode"`;
    if (resolved.length > 0) {
      await tx`
        update corrections set state = 'VERIFIED', verified_at = now()
        where state = 'APPLIED' and mismatch_id = any(${resolved.map((r) => r.id)}::uuid[])`;
    }
    return [...new Set(resolved.map((r) => r.dossierCode))];
  }

  /**
   * Dossiers on which the systems agree took their common status in their partition; those the
   * partitions found differing take the rules' status. Status classes only: a MISSING_IN_* finding
   * may yet be dropped as a duplicate record's (see finalize), so those wait for updateDossiers.
   * Returns how many dossiers changed.
   */
  private async applyPartitionStatuses(run: RunRow): Promise<number> {
    return this.sql.begin(async (tx) => {
      // Two finalizes of one province write statuses one after the other.
      await tx`select pg_advisory_xact_lock(hashtext(${`reconcile-statuses:${run.provinceCode}`}))`;
      const settled = () => tx`
        c.run_id = ${run.id} and c.partition <> ${FINALIZE_PARTITION} and c.expected_status is not null
          and c.settled_by is not null and c.class = any(${STATUS_CLASSES})`;
      return (await this.setSettledStatuses(tx, settled)).count;
    });
  }

  /**
   * The dossiers are found by key (`= any(array(…))`): joined, the planner read all of the
   * province's dossiers for the run's few thousand (0.6-0.8 s a statement).
   */
  private setSettledStatuses(tx: Tx, settled: () => PendingQuery<Row[]>) {
    return tx`
      update dossiers d set status = c.expected_status, updated_at = now()
      from run_candidates c
      where d.code = any(array(select c.dossier_code from run_candidates c where ${settled()}))
        and c.dossier_code = d.code and ${settled()} and d.status is distinct from c.expected_status`;
  }

  private async updateDossiers(tx: Tx, run: RunRow, scoped: boolean, resolvedCodes: readonly string[]): Promise<void> {
    // What applyPartitionStatuses leaves: dossiers missing somewhere (duplicates' records dropped
    // by now) and the findings made at finalize.
    await this.setSettledStatuses(
      tx,
      () => tx`
        c.run_id = ${run.id} and c.expected_status is not null and c.settled_by is not null
          and (c.class like ${`${MISSING_PREFIX}%`} or (c.partition = ${FINALIZE_PARTITION} and c.class = any(${STATUS_CLASSES})))`,
    );
    if (scoped) {
      // Every other change of a mismatch's state keeps its dossier's flag (see resolveMismatch), so
      // only this run's changes move flags: its findings (a duplicate's other code may lie outside
      // the scope) hold an open mismatch now; the dossiers whose mismatches it resolved may hold none.
      await tx`
        update dossiers d set has_open_mismatch = true
        where d.code = any(array(select c.dossier_code from run_candidates c where c.run_id = ${run.id} and not c.pending_sync))
          and not d.has_open_mismatch`;
      if (resolvedCodes.length > 0) {
        await tx`
          update dossiers d set has_open_mismatch = false
          where d.code = any(${resolvedCodes as string[]}) and d.has_open_mismatch
            and not exists (select 1 from mismatches m where m.dossier_code = d.code and m.state <> 'RESOLVED')`;
      }
      return;
    }
    await tx`
      update dossiers d set has_open_mismatch = true
      where d.code in (select m.dossier_code from mismatches m where m.province_code = ${run.provinceCode} and m.state <> 'RESOLVED')
        and not d.has_open_mismatch`;
    await tx`
      update dossiers d set has_open_mismatch = false
      where d.province_code = ${run.provinceCode} and d.has_open_mismatch
        and not exists (select 1 from mismatches m where m.dossier_code = d.code and m.state <> 'RESOLVED')`;
  }

  /**
   * One correction per live mismatch of this run the rules settle, per lagging system the hub
   * can write to. A live correction already pending or applied is reused, never sent twice; a
   * dry run records its corrections as PLANNED and sends nothing.
   */
  private async planCorrections(tx: Tx, run: RunRow): Promise<void> {
    const state = run.dryRun ? 'PLANNED' : 'PENDING';
    await tx`
      insert into corrections (mismatch_id, run_id, dossier_code, target_system, action, status, settled_by, dry_run, state)
      select m.id, ${run.id}::uuid, m.dossier_code, t.system,
        case when m.class like ${`${MISSING_PREFIX}%`} then 'CREATE_DOSSIER' else 'WRITE_STATUS' end,
        m.expected_status, m.settled_by, ${run.dryRun}, ${state}
      from mismatches m cross join lateral unnest(m.lagging_systems) as t(system)
      where m.last_run_id = ${run.id} and m.state in ('OPEN', 'CORRECTING') and m.settled_by is not null
        and m.expected_status is not null and t.system = any(${this.options.correctableSystems as string[]})
        and (m.class = any(${STATUS_CLASSES}) or m.class like ${`${MISSING_PREFIX}%`})
      on conflict do nothing`;
    if (!run.dryRun) {
      await tx`
        update mismatches m set state = 'CORRECTING'
        where m.last_run_id = ${run.id} and m.state = 'OPEN'
          and exists (select 1 from corrections c where c.mismatch_id = m.id and c.state = 'PENDING' and not c.dry_run)`;
    }
  }

  private async totals(tx: Tx, runId: string): Promise<RunTotals> {
    const counted = await tx<{ kind: string; key: string; n: number }[]>`
      select 'class' as kind, class as key, count(*)::int as n from run_candidates where run_id = ${runId} and not pending_sync group by class
      union all
      select 'pending', class, count(*)::int from run_candidates where run_id = ${runId} and pending_sync group by class
      union all
      select 'commune', commune_code, count(*)::int from run_candidates where run_id = ${runId} and not pending_sync group by commune_code
      union all
      select 'procedure', procedure_code, count(*)::int from run_candidates where run_id = ${runId} and not pending_sync group by procedure_code
      union all
      select 'timeliness', timeliness_before || '→' || timeliness_after, count(distinct dossier_code)::int from run_candidates
        where run_id = ${runId} and not pending_sync and timeliness_before is distinct from timeliness_after
          and timeliness_before is not null and timeliness_after is not null
        group by timeliness_before, timeliness_after
      union all
      select 'correction', target_system || ':' || action || ':' || state, count(*)::int from corrections where run_id = ${runId}
        group by target_system, action, state`;
    const pick = (kind: string) => Object.fromEntries(counted.filter((r) => r.kind === kind).map((r) => [r.key, r.n] as const));
    const byClass = pick('class');
    const pendingByClass = pick('pending');
    return {
      mismatches: Object.values(byClass).reduce((a, b) => a + b, 0),
      pendingSync: Object.values(pendingByClass).reduce((a, b) => a + b, 0),
      byClass,
      pendingByClass,
      byCommune: pick('commune'),
      byProcedure: pick('procedure'),
      timelinessChanges: pick('timeliness'),
      corrections: pick('correction'),
    };
  }

  /**
   * Renders the run's report from its candidates a page at a time (keyset on code and class, the
   * order every export lists them in), storing each export in parts as it goes: a report of
   * 10⁵ findings never sits whole in the worker's memory.
   */
  private async issueReport(tx: Tx, run: RunRow, totals: RunTotals): Promise<void> {
    const renderer = new ReportRenderer(
      {
        run: {
          id: run.id,
          provinceCode: run.provinceCode,
          kind: run.kind,
          mode: run.mode,
          trigger: run.trigger,
          dryRun: run.dryRun,
          status: run.status,
          failureReason: run.failureReason,
          startedAt: run.startedAt,
          finishedAt: run.finishedAt,
          since: run.since,
          toleranceSeconds: run.toleranceSeconds,
          dossiersCompared: run.dossiersCompared,
        },
        rules: this.rules,
        sources: run.sources,
        totals,
      },
      this.reports.partSink(tx, run.id),
    );
    const pageAfter = (after: { dossierCode: string; class: string } | null) => {
      const keyset = after === null ? tx`` : tx`and (c.dossier_code collate "C", c.class collate "C") > (${after.dossierCode} collate "C", ${after.class} collate "C")`;
      const query = tx<Omit<ReportFinding, 'corrections'>[]>`
        select c.dossier_code as "dossierCode", c.class, c.commune_code as "communeCode", c.procedure_code as "procedureCode",
          c.lagging_systems as "laggingSystems", c.leading_system as "leadingSystem", c.expected_status as "expectedStatus",
          c.settled_by as "settledBy", c.pending_sync as "pendingSync", c.observed, c.detail,
          c.timeliness_before as "timelinessBefore", c.timeliness_after as "timelinessAfter"
        from run_candidates c
        where c.run_id = ${run.id} ${keyset}
        order by c.dossier_code collate "C", c.class collate "C"
        limit ${REPORT_PAGE}`.execute();
      // Awaited in the next turn of the loop; a failure fails the transaction there.
      query.catch(() => undefined);
      return query;
    };
    // Each page is the first 5,000 of the run's candidates past the last one in code-unit order,
    // which no index holds (the key's collation is the database's): a sort of every candidate
    // left, in memory rather than on disk (0.17 s a page of an incremental run of 10,000).
    await tx`set local work_mem = '64MB'`;
    // PostgreSQL reads the next page while this process renders the one before.
    let next = pageAfter(null);
    for (;;) {
      const page = await next;
      if (page.length === 0) break;
      const planned = tx<{ dossierCode: string; class: string; list: string[] }[]>`
        select m.dossier_code as "dossierCode", m.class,
          array_agg(k.target_system || ':' || k.action || ':' || k.state order by k.target_system, k.action) as list
        from unnest(${[...new Set(page.map((f) => f.dossierCode))]}::text[]) as p(code)
        join mismatches m on m.dossier_code = p.code
        join corrections k on k.mismatch_id = m.id and k.run_id = ${run.id}
        group by m.dossier_code, m.class`.execute();
      const last = page[page.length - 1] as Omit<ReportFinding, 'corrections'>;
      const more = page.length === REPORT_PAGE;
      if (more) next = pageAfter({ dossierCode: last.dossierCode, class: last.class });
      const byKey = new Map((await planned).map((p) => [`${p.dossierCode}\u0000${p.class}`, p.list]));
      await renderer.add(
        page.map((f) => ({
          ...f,
          // Names, ids and dates of citizens stay in the hub; the report says what differs, not the values.
          observed: f.class === DATA_QUALITY ? { issues: f.observed.issues ?? {} } : f.observed,
          corrections: byKey.get(`${f.dossierCode}\u0000${f.class}`) ?? [],
        })),
      );
      if (!more) break;
    }
    const digests = await renderer.finish();
    await this.reports.issue(tx, run.id, digests);
    await tx`
      insert into audit_events (action, actor, actor_unit, reference, detail)
      values ('REPORT_ISSUED', 'reconciliation', ${run.provinceCode}, ${`run:${run.id}`},
        ${tx.json({ rulesVersion: this.rules.version, dryRun: run.dryRun, reports: digests.map((r) => ({ format: r.format, sha256: r.sha256, bytes: r.bytes })) })})`;
  }

  private async pendingCorrections(runId: string): Promise<string[]> {
    const rows = await this.sql<{ id: string }[]>`select id from corrections where run_id = ${runId} and state = 'PENDING' and not dry_run order by id`;
    return rows.map((r) => r.id);
  }
}
