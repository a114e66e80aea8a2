import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { MismatchQuery, MismatchRepository, MismatchRow } from '../db/mismatch.repository.js';
import type { ReconciliationRepository, RunRow } from '../db/reconciliation.repository.js';
import type { RunStatus } from '../db/schema.js';
import { reconcileProvinceJob } from '../jobs/reconcile-province.job.js';
import type { AdministrativeUnitService } from './administrative-unit.service.js';
import type { Page } from './dossier-query.service.js';

export type RequestOutcome =
  | { ok: true; run: RunRow }
  | { ok: false; error: { code: 'UNKNOWN_PROVINCE' | 'QUEUE_UNAVAILABLE'; message: string } };

/** What people and schedules ask of reconciliation, and what auditors read back. */
export class ReconciliationRequestService {
  constructor(
    private readonly runs: ReconciliationRepository,
    private readonly mismatches: MismatchRepository,
    private readonly units: AdministrativeUnitService,
    private readonly queue: Queue,
  ) {}

  async request(provinceCode: string, requestedBy: string | null): Promise<RequestOutcome> {
    if (!(await this.units.isProvince(provinceCode))) {
      return { ok: false, error: { code: 'UNKNOWN_PROVINCE', message: `no province has code ${provinceCode}` } };
    }
    // BullMQ refuses ":" in custom job ids.
    const jobId = `request-${randomUUID()}`;
    const run = await this.runs.createRun({ jobId, provinceCode, trigger: 'REQUEST', requestedBy });
    const payload = reconcileProvinceJob.payload.parse({ provinceCode, runId: run.id });
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
