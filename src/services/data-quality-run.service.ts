import type { Sql } from 'postgres';
import type { ReconciliationRepository, RunRow } from '../db/reconciliation.repository.js';
import type { CandidateInput, RunPipelineRepository } from '../db/run-pipeline.repository.js';
import type { SyncCursorRepository } from '../db/sync-cursor.repository.js';
import type { CivilDataQualityService } from './civil-data-quality.service.js';
import type { DataQualityRunner } from './reconcile-coordinator.js';

const SYSTEM = 'civil-registration';
const scopeOf = (provinceCode: string) => `province:${provinceCode}:data-quality`;

/**
 * The read step of a data-quality run: civil registrations of the province (all of them for a
 * FULL run, those changed since the last watermark otherwise) checked against the population
 * database, the findings stored as the run's candidates. The finalize step is the dossier runs'
 * one. A re-run after a crash reads again from the run's starting cursor and replaces what it
 * stored, so the report comes out the same.
 */
export class DataQualityRunService implements DataQualityRunner {
  constructor(
    private readonly sql: Sql,
    private readonly runs: ReconciliationRepository,
    private readonly pipeline: RunPipelineRepository,
    private readonly cursors: SyncCursorRepository,
    private readonly checks: CivilDataQualityService,
  ) {}

  async plan(runId: string): Promise<RunRow> {
    const run = await this.runs.findRun(runId);
    if (!run) throw new Error(`reconciliation run ${runId} does not exist`);
    if (run.phase === 'DONE' || run.phase === 'FINALIZING') return run;
    await this.sql`update reconciliation_runs set status = 'RUNNING', started_at = coalesce(started_at, now()), rules_version = 'data-quality-1' where id = ${runId}`;
    const started = run.sources.find((s) => s.system === SYSTEM);
    const cursor = started ? started.cursorFrom : run.mode === 'FULL' ? null : await this.cursors.cursor(SYSTEM, scopeOf(run.provinceCode));
    await this.pipeline.saveSourceProgress(this.sql, runId, { system: SYSTEM, cursorFrom: cursor, cursorTo: null, read: 0, error: null, complete: false });
    const result = await this.checks.checkProvince({ provinceCode: run.provinceCode, cursor, requestId: run.jobId });
    const [registry] = result.sources;
    if (registry.error !== null && registry.read === 0 && registry.cursorTo === cursor) {
      const reason = `${SYSTEM} could not be read (${registry.error.code}: ${registry.error.message})`;
      await this.runs.failRun(runId, 'FAILED', reason, result.sources);
      await this.sql`update reconciliation_runs set phase = 'DONE' where id = ${runId}`;
      return (await this.runs.findRun(runId)) as RunRow;
    }
    const candidates: CandidateInput[] = result.findings.map((f) => ({
      dossierCode: f.dossierCode,
      class: f.class,
      communeCode: f.communeCode,
      procedureCode: f.procedureCode,
      laggingSystems: [],
      leadingSystem: null,
      expectedStatus: null,
      settledBy: null,
      pendingSync: false,
      observed: { ...f.observed, issues: { kinds: f.issues.map((i) => `${i.role}:${i.kind}`) } },
      detail: f.detail,
      timelinessBefore: null,
      timelinessAfter: null,
    }));
    await this.sql.begin(async (tx) => {
      await this.pipeline.replaceCandidates(tx, runId, 0, candidates);
      if (registry.cursorTo !== null) await this.cursors.save(tx, SYSTEM, scopeOf(run.provinceCode), registry.cursorTo);
      await tx`
        update reconciliation_runs set phase = 'FINALIZING', sources = ${tx.json(result.sources.map((s) => ({ ...s, complete: true })))},
          dossiers_compared = ${registry.read}
        where id = ${runId}`;
    });
    return (await this.runs.findRun(runId)) as RunRow;
  }
}
