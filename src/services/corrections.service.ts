import type { Queue } from 'bullmq';
import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import type { DossierCorrectionSink, StatusWriteResult } from '../connectors/connector.js';
import { isConnectorError } from '../connectors/connector-error.js';
import { isDossierStatus, type DossierStatus } from '../domain/dossier-status.js';

export interface CorrectionRow {
  id: string;
  mismatchId: string;
  dossierCode: string;
  targetSystem: string;
  action: 'WRITE_STATUS' | 'CREATE_DOSSIER' | 'WRITE_DUE_DATE';
  status: string | null;
  settledBy: string;
  state: string;
  attempts: number;
  createdAt: Date;
}

export type CorrectionOutcome =
  | { kind: 'APPLIED'; result: StatusWriteResult }
  | { kind: 'SKIPPED'; reason: string };

export const APPLY_CORRECTION_JOB = 'apply-correction';
export const CORRECTION_QUEUE = 'corrections';

/**
 * Sends corrections to lagging systems. The correction id travels to the system (MaYeuCau,
 * correction_id), which applies it once, so a retried job cannot change a dossier twice. The
 * facts a create needs are read from the hub's index when the job runs (payloads carry only the
 * correction id); handing the applicant's id to another agency system is recorded in the audit trail.
 */
export class CorrectionService {
  constructor(
    private readonly sql: Sql,
    private readonly sinks: Readonly<Partial<Record<string, DossierCorrectionSink>>>,
    private readonly queue: Queue,
    private readonly logger: Logger,
  ) {}

  /** Queues the corrections; the job id is the correction id, so queuing twice sends once. */
  async enqueue(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.queue.addBulk(
      ids.map((id) => ({
        name: APPLY_CORRECTION_JOB,
        data: { correctionId: id },
        opts: { jobId: `correction-${id}`, attempts: 5, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: { count: 10_000 }, removeOnFail: { count: 10_000 } },
      })),
    );
  }

  async apply(correctionId: string): Promise<CorrectionOutcome> {
    const [row] = await this.sql<CorrectionRow[]>`
      select id, mismatch_id as "mismatchId", dossier_code as "dossierCode", target_system as "targetSystem", action, status,
        settled_by as "settledBy", state, attempts, created_at as "createdAt"
      from corrections where id = ${correctionId}`;
    if (!row) return { kind: 'SKIPPED', reason: 'no such correction' };
    if (row.state !== 'PENDING') return { kind: 'SKIPPED', reason: `correction is ${row.state}` };
    const sink = this.sinks[row.targetSystem];
    if (!sink) return this.giveUp(row, `the hub cannot write to ${row.targetSystem}`);
    if (row.status === null || !isDossierStatus(row.status)) return this.giveUp(row, `no status to write (${String(row.status)})`);
    const status: DossierStatus = row.status;
    const reason = `Liên thông hub: đối soát, quy tắc ${row.settledBy}`;
    // The same instant on every attempt: a resend must carry exactly what the first attempt sent.
    const at = row.createdAt;
    try {
      let result: StatusWriteResult;
      if (row.action === 'CREATE_DOSSIER') {
        const [facts] = await this.sql<
          { provinceCode: string; communeCode: string; procedureCode: string; applicantPersonalId: string | null; receivedAt: Date | null; dueAt: Date | null; finishedAt: Date | null; returnedAt: Date | null }[]
        >`select province_code as "provinceCode", commune_code as "communeCode", procedure_code as "procedureCode",
            applicant_personal_id as "applicantPersonalId", received_at as "receivedAt", due_at as "dueAt",
            finished_at as "finishedAt", returned_at as "returnedAt"
          from dossiers where code = ${row.dossierCode}`;
        if (!facts) return this.giveUp(row, 'the dossier is no longer in the hub index');
        result = await sink.createDossier({ correctionId: row.id, dossierCode: row.dossierCode, status, reason, at, ...facts });
        if (facts.applicantPersonalId !== null) {
          await this.sql`
            insert into audit_events (action, actor, actor_unit, subject_personal_id, purpose, reference, fields, detail)
            values ('PERSONAL_DATA_TRANSFERRED', 'reconciliation', ${facts.provinceCode}, ${facts.applicantPersonalId},
              'RECONCILIATION_CORRECTION', ${`dossier:${row.dossierCode}`}, ${['applicantPersonalId']},
              ${this.sql.json({ correctionId: row.id, targetSystem: row.targetSystem })})`;
        }
      } else {
        result = await sink.writeDossierStatus({ correctionId: row.id, dossierCode: row.dossierCode, status, reason, at });
      }
      await this.sql.begin(async (tx) => {
        await tx`
          update corrections set state = 'APPLIED', applied_at = now(), attempts = attempts + 1, last_error = null,
            result_native_status = ${result.nativeStatus}
          where id = ${row.id} and state = 'PENDING'`;
        await tx`
          insert into audit_events (action, actor, reference, detail)
          values ('CORRECTION_APPLIED', 'reconciliation', ${`dossier:${row.dossierCode}`},
            ${tx.json({ correctionId: row.id, targetSystem: row.targetSystem, action: row.action, status, replay: !result.applied })})`;
      });
      return { kind: 'APPLIED', result };
    } catch (error) {
      const message = isConnectorError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
      await this.sql`update corrections set attempts = attempts + 1, last_error = ${message} where id = ${row.id}`;
      // The system refused the write (e.g. the status cannot follow the one it holds): resending
      // will not change its mind, so a person takes over now.
      if (isConnectorError(error) && error.code === 'UPSTREAM_REJECTED') return this.giveUp(row, `was refused: ${message}`);
      throw error;
    }
  }

  /** After the last retry: the correction failed and its mismatch goes to a person. */
  async exhausted(correctionId: string, error: string): Promise<void> {
    const [row] = await this.sql<CorrectionRow[]>`select id, mismatch_id as "mismatchId", dossier_code as "dossierCode", target_system as "targetSystem", state, attempts from corrections where id = ${correctionId}`;
    if (!row || row.state !== 'PENDING') return;
    await this.giveUp(row, `failed after ${row.attempts} attempts: ${error}`);
  }

  private async giveUp(row: Pick<CorrectionRow, 'id' | 'mismatchId' | 'targetSystem'>, reason: string): Promise<CorrectionOutcome> {
    await this.sql.begin(async (tx) => {
      await tx`update corrections set state = 'FAILED', last_error = ${reason} where id = ${row.id}`;
      await tx`
        update mismatches set state = 'ESCALATED', resolved_by = 'reconciliation',
          resolution_note = ${`escalated: the correction to ${row.targetSystem} ${reason}`}
        where id = ${row.mismatchId} and state in ('OPEN', 'CORRECTING')`;
    });
    this.logger.warn({ correctionId: row.id, targetSystem: row.targetSystem, reason }, 'correction escalated');
    return { kind: 'SKIPPED', reason };
  }
}
