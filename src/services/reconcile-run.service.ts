import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import type { DossierSource } from '../connectors/connector.js';
import type { RunRow, ReconciliationRepository } from '../db/reconciliation.repository.js';
import type { RunFeedRepository } from '../db/run-feed.repository.js';
import {
  RUN_SYSTEMS,
  type CandidateInput,
  type PartitionRow,
  type PartitionRowRange,
  type RunPipelineRepository,
  type RunSystem,
} from '../db/run-pipeline.repository.js';
import type { RunSourceRecord } from '../db/schema.js';
import type { DossierSyncService } from './dossier-sync.service.js';
import { StepClock } from './step-clock.js';

/** Turns one partition row into the findings the rules give (pure; see reconcile-classifier.ts). */
export interface DossierClassifier {
  readonly rulesVersion: string;
  /** Classes whose live mismatches a dossier run owns (resolves when no longer found). */
  readonly dossierClasses: readonly string[];
  classify(row: PartitionRow, context: ClassifyContext): CandidateInput[];
  duplicate(group: { system: string; codes: string[]; communeCode: string; procedureCode: string; receivedAt: Date }): CandidateInput[];
}

export interface ClassifyContext {
  now: Date;
  toleranceMs: number;
  /** Systems read for this province at least once: only these can be reported as missing a dossier. */
  consulted: readonly RunSystem[];
}

export interface RunPlan {
  run: RunRow;
  /** Partitions still to compare (all of them on a first plan; none once the run is done). */
  partitions: PartitionRowRange[];
}

export interface ReconcileRunOptions {
  /** Dossiers per partition job (at least 1,000). */
  partitionSize: number;
  /** Partition jobs a worker runs at the same time (the reconciliation queue's concurrency). */
  partitionJobsAtOnce: number;
}

/** Records a FULL run stages per transaction: a killed worker reads at most this many again. */
const STAGE_BATCH_RECORDS = 10_000;

const TERMINAL = new Set(['SUCCEEDED', 'PARTIAL', 'FAILED']);

/**
 * The first two steps of a dossier run. `plan` reads the three systems' change feeds into the
 * hub's observations (from the start for a FULL run, from the last watermark for an incremental
 * one; every page, the cursor and the run's own progress in one transaction, so a killed worker
 * resumes where it stopped) and splits the run into partitions. `comparePartition` diffs one
 * partition in PostgreSQL and classifies what differs. The finalize step is in reconcile-finalize.
 */
export class ReconcileRunService {
  constructor(
    private readonly sql: Sql,
    private readonly runs: ReconciliationRepository,
    private readonly pipeline: RunPipelineRepository,
    private readonly staging: RunFeedRepository,
    private readonly sync: DossierSyncService,
    private readonly sources: Readonly<Record<RunSystem, DossierSource>>,
    private readonly classifier: DossierClassifier,
    private readonly logger: Logger,
    private readonly options: ReconcileRunOptions,
  ) {}

  async plan(runId: string): Promise<RunPlan> {
    const found = await this.runs.findRun(runId);
    if (!found) throw new Error(`reconciliation run ${runId} does not exist`);
    if (TERMINAL.has(found.status) || found.phase === 'DONE') return { run: found, partitions: [] };
    await this.sql`
      update reconciliation_runs set status = 'RUNNING', started_at = coalesce(started_at, now()),
        rules_version = coalesce(rules_version, ${this.classifier.rulesVersion})
      where id = ${runId}`;
    let run = (await this.runs.findRun(runId)) as RunRow;
    const log = this.logger.child({ runId, provinceCode: run.provinceCode, mode: run.mode });

    if (run.phase === 'PULLING') {
      const clock = new StepClock();
      const staged = run.mode === 'FULL';
      if (staged) {
        await this.staging.dropFinished();
        await this.staging.create(runId);
      }
      const sources = await this.pullAll(run, log, staged);
      clock.lap('pull');
      const neverRead = sources.filter((s) => s.error !== null && s.cursorTo === null);
      if (neverRead.length > 0) {
        // Without one full read of a system, every dossier would look missing there: no diff at all.
        const reason = neverRead.map((s) => `${s.system} could not be read (${s.error?.code}: ${s.error?.message})`).join('; ');
        await this.runs.failRun(runId, 'FAILED', reason, sources);
        await this.sql`update reconciliation_runs set phase = 'DONE' where id = ${runId}`;
        log.warn({ reason }, 'reconciliation run failed');
        return { run: (await this.runs.findRun(runId)) as RunRow, partitions: [] };
      }
      const scoped = run.mode === 'INCREMENTAL';
      if (staged) await this.staging.index(runId);
      await this.sql.begin(async (tx) => {
        if (scoped) {
          const [row] = await tx<{ startedAt: Date }[]>`select started_at as "startedAt" from reconciliation_runs where id = ${runId}`;
          await this.pipeline.fixIncrementalScope(tx, runId, run.provinceCode, run.since ?? (row as { startedAt: Date }).startedAt);
        }
        const codes = staged ? this.staging.sourceOfCodes(tx, runId, run.provinceCode) : undefined;
        let size = this.options.partitionSize;
        if (scoped) {
          // A scope smaller than a partition still goes to every partition job the worker runs at
          // once, so that PostgreSQL folds its halves on two cores.
          const [scope] = await tx<{ n: number }[]>`select count(*)::int as n from run_scope where run_id = ${runId}`;
          size = Math.min(size, Math.ceil((scope?.n ?? 0) / this.options.partitionJobsAtOnce));
        }
        await this.pipeline.createPartitions(tx, runId, run.provinceCode, scoped, size, codes);
        await tx`update reconciliation_runs set phase = 'COMPARING' where id = ${runId}`;
      });
      clock.lap('scope');
      run = (await this.runs.findRun(runId)) as RunRow;
      log.info({ partitions: run.partitionsTotal, dossiers: run.dossiersCompared, planMs: clock.steps }, 'reconciliation run planned');
    }
    const partitions = (await this.pipeline.partitions(runId)).filter((p) => p.doneAt === null);
    return { run, partitions };
  }

  /** Diffs and classifies one partition; running it again replaces what it found before. */
  async comparePartition(runId: string, index: number): Promise<{ candidates: number }> {
    const run = await this.runs.findRun(runId);
    if (!run) throw new Error(`reconciliation run ${runId} does not exist`);
    const partition = await this.pipeline.partition(runId, index);
    if (!partition) throw new Error(`run ${runId} has no partition ${index}`);
    if (partition.doneAt !== null || run.phase === 'DONE') return { candidates: 0 };
    const clock = new StepClock();
    if (run.mode === 'FULL' && (await this.staging.exists(runId))) {
      // What the feeds gave for this range becomes the hub's observations first (only what changed is written).
      await this.sql.begin((tx) => this.staging.mergeRange(tx, runId, partition.fromCode, partition.toCode));
      clock.lap('merge');
    }
    const rows = await this.pipeline.diffPartition(run.provinceCode, runId, run.mode === 'INCREMENTAL', partition);
    clock.lap('diff');
    const read = await this.sql<{ system: string }[]>`
      select distinct system from sync_cursors where scope = ${`province:${run.provinceCode}`} and system = any(${[...RUN_SYSTEMS]})`;
    const consulted = RUN_SYSTEMS.filter(
      (system) => read.some((r) => r.system === system) || run.sources.some((s) => s.system === system && s.cursorTo !== null),
    );
    const context: ClassifyContext = { now: run.startedAt ?? new Date(), toleranceMs: run.toleranceSeconds * 1_000, consulted };
    const candidates = rows.flatMap((row) => this.classifier.classify(row, context));
    clock.lap('classify');
    await this.pipeline.recordPartition(runId, index, candidates);
    clock.lap('record');
    this.logger.info({ runId, partition: index, differing: rows.length, candidates: candidates.length, partitionMs: clock.steps }, 'reconciliation partition compared');
    return { candidates: candidates.length };
  }

  /**
   * Reads the three systems' feeds for the run at the same time (each waits on its own system),
   * resuming each from the run's own recorded progress. A FULL run starts each feed from the
   * beginning and stages what it reads (see RunFeedRepository), saving no cursor until the run's
   * partitions have merged it; an incremental one reads from the stored watermark into the
   * observations. Each batch's progress replaces only that system's entry of the run's sources,
   * in the batch's transaction.
   */
  private async pullAll(run: RunRow, log: Logger, staged: boolean): Promise<RunSourceRecord[]> {
    const progress = new Map(run.sources.map((s) => [s.system, s]));
    // allSettled: a defect in one pull must not leave the others writing after the step has failed.
    const settled = await Promise.allSettled(
      RUN_SYSTEMS.map(async (system): Promise<RunSourceRecord> => {
        let before = progress.get(system);
        if (before && staged && (await this.staging.stagedCount(run.id, system)) !== before.read) {
          // PostgreSQL restarted and emptied the unlogged staging: read this feed again from its start.
          log.warn({ system, read: before.read }, 'staged records lost; reading the feed again');
          await this.staging.clearSystem(run.id, system);
          before = undefined;
        }
        if (before && (before.error !== null || before.complete === true)) return before;
        const resume = before
          ? { cursorFrom: before.cursorFrom, cursor: before.cursorTo, read: before.read }
          : run.mode === 'FULL'
            ? { cursorFrom: null, cursor: null, read: 0 }
            : undefined;
        const record = await this.sync.pull(this.sources[system], run.provinceCode, {
          ...(resume ? { resume } : {}),
          ...(staged
            ? { saveCursor: 'never' as const, batchRecords: STAGE_BATCH_RECORDS, stage: (tx, items, firstSeq) => this.staging.stage(tx, run.id, items, firstSeq) }
            : { saveCursor: run.mode === 'FULL' ? ('at-end' as const) : ('each-page' as const) }),
          onPage: (tx, page) => this.pipeline.saveSourceProgress(tx, run.id, { ...page, complete: false }),
        });
        if (record.error) log.warn({ system, code: record.error.code, read: record.read }, 'a system failed during the run');
        const done = { ...record, complete: true };
        await this.pipeline.saveSourceProgress(this.sql, run.id, done);
        return done;
      }),
    );
    const failure = settled.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
    return settled.map((r) => (r as PromiseFulfilledResult<RunSourceRecord>).value);
  }
}
