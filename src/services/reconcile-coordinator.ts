import type { Sql } from 'postgres';
import type { ReconciliationRepository, RunRow } from '../db/reconciliation.repository.js';
import type { CandidateInput, RunPipelineRepository } from '../db/run-pipeline.repository.js';
import { illegalTransitionFinding, type DossierFlag } from '../domain/pushed-transition.js';
import type { ExtraFindingSource, ReconcileFinalizeService } from './reconcile-finalize.service.js';
import type { ReconcileRunService } from './reconcile-run.service.js';
import type { CorrectionService } from './corrections.service.js';

/** Reconciles the dossiers a push just changed. */
export interface DossierReconciler {
  reconcileDossiers(input: { jobId: string; provinceCode: string; codes: readonly string[] }): Promise<RunRow>;
}

/** The read step of a data-quality run: leaves the run ready to finalize (or DONE when it failed). */
export interface DataQualityRunner {
  plan(runId: string): Promise<RunRow>;
}

/**
 * Runs the dossiers a push changed through the same steps as a province run (scope, one
 * partition per 1,000, finalize, corrections) inside one job: pushes come in small numbers and
 * want their answer within seconds, so they do not wait for a flow of their own.
 */
export class PushedDossierReconciler implements DossierReconciler {
  constructor(
    private readonly sql: Sql,
    private readonly runs: ReconciliationRepository,
    private readonly pipeline: RunPipelineRepository,
    private readonly runner: ReconcileRunService,
    private readonly finalizer: ReconcileFinalizeService,
    private readonly corrections: CorrectionService | null,
  ) {}

  async reconcileDossiers(input: { jobId: string; provinceCode: string; codes: readonly string[] }): Promise<RunRow> {
    const run = await this.runs.createRun({ jobId: input.jobId, provinceCode: input.provinceCode, trigger: 'PUSH', requestedBy: null, mode: 'DOSSIERS' });
    if (run.phase === 'DONE') return run;
    if (run.phase === 'PULLING') {
      await this.sql.begin(async (tx) => {
        await tx`update reconciliation_runs set status = 'RUNNING', started_at = coalesce(started_at, now()) where id = ${run.id}`;
        await tx`delete from run_scope where run_id = ${run.id}`;
        await tx`
          insert into run_scope (run_id, dossier_code)
          select ${run.id}::uuid, d.code from dossiers d where d.code = any(${input.codes as string[]}) and d.province_code = ${input.provinceCode}
          on conflict do nothing`;
        await this.pipeline.createPartitions(tx, run.id, input.provinceCode, true, 1_000);
        await tx`update reconciliation_runs set phase = 'COMPARING' where id = ${run.id}`;
      });
    }
    for (const partition of await this.pipeline.partitions(run.id)) {
      if (partition.doneAt === null) await this.runner.comparePartition(run.id, partition.index);
    }
    const outcome = await this.finalizer.finalize(run.id, input.codes);
    if (this.corrections) await this.corrections.enqueue(outcome.corrections);
    return outcome.run;
  }
}

/** ILLEGAL_TRANSITION flags raised when a system pushed a status that cannot follow its last one. */
export class FlagFindings implements ExtraFindingSource {
  constructor(private readonly flags: { current(provinceCode: string, codes?: readonly string[]): Promise<DossierFlag[]> }) {}

  async findings(run: RunRow, codes: readonly string[] | undefined): Promise<CandidateInput[]> {
    const flags = await this.flags.current(run.provinceCode, codes);
    return flags.map((flag) => {
      const finding = illegalTransitionFinding(flag);
      return {
        dossierCode: flag.dossierCode,
        class: finding.class,
        communeCode: flag.communeCode,
        procedureCode: flag.procedureCode,
        laggingSystems: [],
        leadingSystem: null,
        expectedStatus: null,
        settledBy: null,
        pendingSync: false,
        observed: { [flag.system]: { status: flag.to, nativeStatus: flag.nativeStatus, updatedAt: flag.at.toISOString() } },
        detail: finding.detail,
        timelinessBefore: null,
        timelinessAfter: null,
      };
    });
  }
}
