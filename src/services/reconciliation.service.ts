import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import type { DossierSource } from '../connectors/connector.js';
import type { SystemId } from '../connectors/system-id.js';
import { canonicalStatus } from '../domain/canonical-status.js';
import { isDossierStatus, type DossierStatus } from '../domain/dossier-status.js';
import { classifyDossier, isExpectedInSpecialized, type ObservedState } from '../domain/mismatch.js';
import { illegalTransitionFinding, type DossierFlag } from '../domain/pushed-transition.js';
import type { DiffRow, FindingInput, ReconciliationRepository, RunRow } from '../db/reconciliation.repository.js';
import type { RunSourceRecord } from '../db/schema.js';
import type { DossierSyncService } from './dossier-sync.service.js';

export interface ReconcileOutcome {
  run: RunRow;
}

/** Per-system facts about dossiers that become findings of their own (e.g. ILLEGAL_TRANSITION). */
export interface DossierFlagSource {
  current(provinceCode: string, codes?: readonly string[]): Promise<DossierFlag[]>;
}

/**
 * Reconciles the dossiers of one province between the provincial one-stop shop and the
 * ministry's specialized software: pull both change feeds, diff in PostgreSQL, classify each
 * difference with the domain rules, record the run and its mismatches.
 */
export class ReconciliationService {
  constructor(
    private readonly sql: Sql,
    private readonly runs: ReconciliationRepository,
    private readonly sync: DossierSyncService,
    private readonly sources: { provincial: DossierSource; specialized: DossierSource },
    private readonly logger: Logger,
    private readonly flags?: DossierFlagSource,
  ) {}

  async reconcileProvince(runId: string): Promise<RunRow> {
    const run = await this.runs.findRun(runId);
    if (!run) throw new Error(`reconciliation run ${runId} does not exist`);
    if (run.status === 'SUCCEEDED' || run.status === 'PARTIAL' || run.status === 'FAILED') return run;
    await this.runs.markRunning(runId);
    const log = this.logger.child({ runId, provinceCode: run.provinceCode });

    const sources: RunSourceRecord[] = [];
    for (const source of [this.sources.provincial, this.sources.specialized]) {
      sources.push(await this.sync.pull(source, run.provinceCode));
    }
    const failed = sources.filter((s) => s.error !== null);
    const neverRead = failed.filter((s) => s.cursorTo === null);
    if (neverRead.length > 0) {
      // Without one full read of a system, every dossier would look missing there: no diff at all.
      const reason = neverRead.map((s) => `${s.system} could not be read (${s.error?.code}: ${s.error?.message})`).join('; ');
      await this.runs.failRun(runId, 'FAILED', reason, sources);
      log.warn({ reason }, 'reconciliation run failed');
      return (await this.runs.findRun(runId)) as RunRow;
    }

    return this.compareAndRecord(run, sources, undefined, log);
  }

  /**
   * Reconciles dossiers of one province that a push just changed, from the observations the hub
   * holds (no pull): the same diff, classification and recording as a province run, limited to
   * these codes. The job id names the run, so a retried job continues the same run.
   */
  async reconcileDossiers(input: { jobId: string; provinceCode: string; codes: readonly string[] }): Promise<RunRow> {
    const run = await this.runs.createRun({ jobId: input.jobId, provinceCode: input.provinceCode, trigger: 'PUSH', requestedBy: null });
    if (run.status === 'SUCCEEDED' || run.status === 'PARTIAL' || run.status === 'FAILED') return run;
    await this.runs.markRunning(run.id);
    const log = this.logger.child({ runId: run.id, provinceCode: run.provinceCode, dossiers: input.codes.length });
    return this.compareAndRecord(run, [], input.codes, log);
  }

  private async compareAndRecord(run: RunRow, sources: RunSourceRecord[], codes: readonly string[] | undefined, log: Logger): Promise<RunRow> {
    const runId = run.id;
    const failed = sources.filter((s) => s.error !== null);
    const { rows, compared } = await this.runs.diffProvince(run.provinceCode, codes);
    const findings: FindingInput[] = [];
    const statuses: Array<{ code: string; status: string | null }> = [];
    for (const row of rows) {
      const observations = observedStates(row);
      const provincialStatus = observations.provincial?.status ?? null;
      const finding = classifyDossier({
        observations,
        expectedInSpecialized: provincialStatus === null ? true : isExpectedInSpecialized(provincialStatus),
      });
      statuses.push({ code: row.code, status: canonicalStatus(observations) });
      if (!finding) continue;
      findings.push({
        dossierCode: row.code,
        communeCode: row.communeCode,
        procedureCode: row.procedureCode,
        class: finding.class,
        laggingSystem: finding.laggingSystem ?? null,
        leadingSystem: finding.leadingSystem ?? null,
        expectedStatus: finding.expectedStatus ?? null,
        observed: Object.fromEntries(
          Object.entries(observations).map(([system, state]) => [
            system,
            { status: state.status, nativeStatus: state.nativeStatus, updatedAt: state.updatedAt.toISOString() },
          ]),
        ),
        detail: finding.detail,
      });
    }
    for (const flag of this.flags ? await this.flags.current(run.provinceCode, codes) : []) {
      const finding = illegalTransitionFinding(flag);
      findings.push({
        dossierCode: flag.dossierCode,
        communeCode: flag.communeCode,
        procedureCode: flag.procedureCode,
        class: finding.class,
        laggingSystem: null,
        leadingSystem: null,
        expectedStatus: null,
        observed: { [flag.system]: { status: flag.to, nativeStatus: flag.nativeStatus, updatedAt: flag.at.toISOString() } },
        detail: finding.detail,
      });
    }
    const countsByClass: Record<string, number> = {};
    for (const finding of findings) countsByClass[finding.class] = (countsByClass[finding.class] ?? 0) + 1;
    const status = failed.length > 0 ? 'PARTIAL' : 'SUCCEEDED';
    const failureReason =
      failed.length > 0
        ? failed.map((s) => `${s.system} failed after ${s.read} changes (${s.error?.code}: ${s.error?.message}); its last stored state was used`).join('; ')
        : null;
    await this.sql.begin(async (tx) => {
      await this.runs.recordFindings(tx, runId, run.provinceCode, findings, statuses, codes);
      await this.runs.finishRun(tx, runId, { status, dossiersCompared: compared, countsByClass, sources, failureReason });
    });
    log.info({ status, compared, mismatches: findings.length, countsByClass }, 'reconciliation run finished');
    return (await this.runs.findRun(runId)) as RunRow;
  }
}

function observedStates(row: DiffRow): Partial<Record<SystemId, ObservedState>> {
  const states: Partial<Record<SystemId, ObservedState>> = {};
  if (row.provincial) states.provincial = toState(row.provincial);
  if (row.specialized) states.specialized = toState(row.specialized);
  return states;
}

function toState(side: { status: string | null; nativeStatus: string; updatedAt: Date }): ObservedState {
  const status: DossierStatus | null = side.status !== null && isDossierStatus(side.status) ? side.status : null;
  return { status, nativeStatus: side.nativeStatus, updatedAt: side.updatedAt };
}
