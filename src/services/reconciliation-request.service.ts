import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { MismatchQuery, MismatchRepository, MismatchRow } from '../db/mismatch.repository.js';
import type { ReconciliationRepository, RunRow } from '../db/reconciliation.repository.js';
import type { RunStatus } from '../db/schema.js';
import { reconcileProvinceJob } from '../jobs/reconcile-province.job.js';
import type { Sql } from 'postgres';
import { RunReportRepository, type ReportFormat, type StoredReport } from '../db/run-report.repository.js';
import type { AdministrativeUnitService } from './administrative-unit.service.js';
import type { ScheduleService } from './schedule.service.js';
import type { Page } from './dossier-query.service.js';

export type RequestOutcome =
  | { ok: true; run: RunRow }
  | { ok: false; error: { code: 'UNKNOWN_PROVINCE' | 'FUTURE_WATERMARK' | 'INVALID_SCOPE' | 'QUEUE_UNAVAILABLE'; message: string } };

export interface CorrectionView {
  id: string;
  mismatchId: string;
  targetSystem: string;
  action: string;
  status: string | null;
  settledBy: string;
  state: string;
  dryRun: boolean;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  appliedAt: Date | null;
  verifiedAt: Date | null;
}

export interface RunRequest {
  /** FULL re-reads every feed; INCREMENTAL reads what changed since the last watermark; DATA_QUALITY checks civil registrations. */
  mode?: 'FULL' | 'INCREMENTAL' | 'DATA_QUALITY';
  /** Compute and report corrections without sending any. */
  dryRun?: boolean;
  /** INCREMENTAL only: cover changes since this instant instead of the last watermark. */
  since?: Date | null;
  /** Differences younger than this are pending sync (default 900). */
  toleranceSeconds?: number;
}

/** What people and schedules ask of reconciliation, and what auditors read back. */
export class ReconciliationRequestService {
  constructor(
    private readonly runs: ReconciliationRepository,
    private readonly mismatches: MismatchRepository,
    private readonly units: AdministrativeUnitService,
    private readonly queue: Queue,
    private readonly sql: Sql,
    readonly schedules: ScheduleService,
  ) {}

  /** The run's exports without their bodies. */
  async reports(runId: string): Promise<Array<{ format: string; sha256: string; bytes: number }>> {
    return new RunReportRepository(this.sql).digests(runId);
  }

  /** One export, byte for byte as issued (read in parts), with the run's province for the caller's unit check. */
  async report(runId: string, format: ReportFormat): Promise<StoredReport | null> {
    return new RunReportRepository(this.sql).find(runId, format);
  }

  async corrections(mismatchIds: readonly string[]): Promise<CorrectionView[]> {
    return this.sql<CorrectionView[]>`
      select id, mismatch_id as "mismatchId", target_system as "targetSystem", action, status, settled_by as "settledBy", state,
        dry_run as "dryRun", attempts, last_error as "lastError", created_at as "createdAt", applied_at as "appliedAt", verified_at as "verifiedAt"
      from corrections where mismatch_id = any(${mismatchIds as string[]}::uuid[]) order by created_at, id`;
  }

  async mismatch(id: string): Promise<MismatchRow | null> {
    return this.mismatches.byId(id);
  }

  /**
   * A person settles a mismatch: WAIVED or ESCALATED with a note (pending corrections are
   * withdrawn), or RESOLVED by hand (a later run reopens it if the systems still disagree).
   * Recorded in the audit trail with who, which unit and the note.
   */
  async resolveMismatch(
    id: string,
    resolution: 'RESOLVED' | 'WAIVED' | 'ESCALATED',
    note: string,
    by: { subject: string; unit: string | null; requestId: string | null },
  ): Promise<{ ok: true; mismatch: MismatchRow } | { ok: false; error: { code: 'NOT_FOUND' | 'ALREADY_RESOLVED'; message: string } }> {
    const outcome = await this.sql.begin(async (tx) => {
      const [row] = await tx<{ state: string; dossierCode: string; class: string }[]>`
        select state, dossier_code as "dossierCode", class from mismatches where id = ${id} for update`;
      if (!row) return { ok: false as const, error: { code: 'NOT_FOUND' as const, message: `no mismatch has id ${id}` } };
      if (row.state === 'RESOLVED') {
        return { ok: false as const, error: { code: 'ALREADY_RESOLVED' as const, message: `mismatch ${id} is already RESOLVED; a later run reopens it if the systems disagree again` } };
      }
      await tx`
        update mismatches set state = ${resolution}, resolved_by = ${by.subject}, resolution_note = ${note},
          resolved_at = ${resolution === 'ESCALATED' ? null : new Date()}
        where id = ${id}`;
      if (resolution !== 'RESOLVED') {
        await tx`update corrections set state = 'FAILED', last_error = ${`withdrawn: mismatch ${resolution.toLowerCase()} by ${by.subject}`} where mismatch_id = ${id} and state = 'PENDING'`;
      }
      await tx`
        insert into audit_events (action, actor, actor_unit, reference, request_id, detail)
        values ('MISMATCH_SETTLED', ${by.subject}, ${by.unit}, ${`mismatch:${id}`}, ${by.requestId},
          ${tx.json({ dossierCode: row.dossierCode, class: row.class, from: row.state, to: resolution, note })})`;
      return { ok: true as const };
    });
    if (!outcome.ok) return outcome;
    return { ok: true, mismatch: (await this.mismatches.byId(id)) as MismatchRow };
  }

  async request(provinceCode: string, requestedBy: string | null, options: RunRequest = {}, now = new Date()): Promise<RequestOutcome> {
    if (!(await this.units.isProvince(provinceCode))) {
      return { ok: false, error: { code: 'UNKNOWN_PROVINCE', message: `no province has code ${provinceCode}` } };
    }
    const mode = options.mode ?? 'FULL';
    const since = options.since ?? null;
    if (since !== null) {
      if (mode !== 'INCREMENTAL') return { ok: false, error: { code: 'INVALID_SCOPE', message: 'since applies to INCREMENTAL runs only' } };
      if (since.getTime() > now.getTime()) {
        return { ok: false, error: { code: 'FUTURE_WATERMARK', message: `since ${since.toISOString()} is in the future; the hub cannot have seen changes after ${now.toISOString()}` } };
      }
    }
    if (mode === 'DATA_QUALITY' && options.dryRun) {
      return { ok: false, error: { code: 'INVALID_SCOPE', message: 'a data-quality run sends no corrections; dryRun does not apply' } };
    }
    // BullMQ refuses ":" in custom job ids.
    const jobId = `request-${randomUUID()}`;
    const run = await this.runs.createRun({
      jobId,
      provinceCode,
      trigger: 'REQUEST',
      requestedBy,
      kind: mode === 'DATA_QUALITY' ? 'DATA_QUALITY' : 'DOSSIERS',
      mode: mode === 'INCREMENTAL' ? 'INCREMENTAL' : 'FULL',
      dryRun: options.dryRun ?? false,
      since,
      ...(options.toleranceSeconds !== undefined ? { toleranceSeconds: options.toleranceSeconds } : {}),
    });
    const payload = reconcileProvinceJob.payload.parse({ provinceCode, runId: run.id, mode });
    try {
      await this.queue.add(reconcileProvinceJob.name, payload, { ...reconcileProvinceJob.options, jobId });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.runs.failRun(run.id, 'FAILED', `the queue did not accept the run: ${reason}`, []);
      return { ok: false, error: { code: 'QUEUE_UNAVAILABLE', message: 'the job queue is unavailable; try again shortly' } };
    }
    return { ok: true, run };
  }

  run(id: string): Promise<RunRow | null> {
    return this.runs.findRun(id);
  }

  listRuns(
    filter: { provinceCode?: string | undefined; status?: RunStatus | undefined; provinces?: readonly string[] | undefined },
    limit: number,
  ): Promise<RunRow[]> {
    return this.runs.listRuns(filter, limit);
  }

  async mismatchPage(query: MismatchQuery, after: string | null, first: number): Promise<Page<MismatchRow>> {
    const rows = await this.mismatches.page(query, after, first + 1);
    return { items: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  countMismatches(query: MismatchQuery): Promise<number> {
    return this.mismatches.count(query);
  }
}
