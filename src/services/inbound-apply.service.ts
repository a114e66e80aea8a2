import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import type { DossierObservation } from '../connectors/connector.js';
import { isSystemId, type SystemId } from '../connectors/system-id.js';
import type { Tx } from '../db/client.js';
import type { DossierFlagRepository } from '../db/dossier-flag.repository.js';
import type { DossierReconcileRequestRepository } from '../db/dossier-reconcile-request.repository.js';
import type { EntityStateRepository, EntityStateRow } from '../db/entity-state.repository.js';
import type { InboxRepository, InboundRow } from '../db/inbox.repository.js';
import type { ObservationRepository } from '../db/observation.repository.js';
import { STATUS_CODE, isDossierStatus } from '../domain/dossier-status.js';
import type { DocumentEventData, DossierEventData } from '../domain/inbound-event.js';
import { upsertDocuments, type IndexedDocument } from '../db/document.repository.js';
import { checkPushedTransition } from '../domain/pushed-transition.js';
import { compareSourcePosition, versionNumber, type SourcePosition } from '../domain/source-order.js';

export type ApplyStatus = 'APPLIED' | 'SUPERSEDED' | 'REJECTED';

export type ApplyOutcome =
  | { kind: 'MISSING' }
  /** The event had been processed before (a re-run job): nothing was done this time. */
  | { kind: 'ALREADY'; status: string }
  | {
      kind: 'DONE';
      system: string;
      status: ApplyStatus;
      reason: { code: string; message: string } | null;
      /** Set when a dossier changed: its province has a per-dossier reconciliation pending. */
      reconcileProvince: string | null;
    };

/** What one call of `applyMany` did. */
export interface BatchApplyOutcome {
  /** Events processed by this call, per system and status. */
  counts: Array<{ system: string; status: ApplyStatus; count: number }>;
  /** Events processed before (a re-run job), left alone. */
  already: number;
  /** Ids with no event. */
  missing: number;
  /** Provinces with a per-dossier reconciliation now pending. */
  reconcileProvinces: string[];
  /** The first error of an event that could not be applied this time; the others were. */
  failure: Error | null;
}

interface Decision {
  status: ApplyStatus;
  reason: { code: string; message: string } | null;
  reconcileProvince: string | null;
}

/**
 * Applies one accepted event, exactly once in effect: the event row is locked and must still be
 * ACCEPTED, the entity is locked for the transaction, the event applies only when it is newer
 * than what the hub holds (else SUPERSEDED), and the state change, the event's new status and
 * the removal of its outbox row commit together. A re-run finds the event processed and does
 * nothing.
 */
/** A pushed document in the index's canonical shape. */
function documentFromPush(system: SystemId, data: DocumentEventData, updatedAt: Date): IndexedDocument {
  return {
    id: `${system}:${data.documentId}`,
    source: system === 'party-documents' ? 'party-documents' : 'government-documents',
    direction: data.direction ?? null,
    number: data.number,
    typeCode: data.typeCode ?? null,
    typeName: data.typeName ?? '',
    subject: data.subject,
    issuerOrganId: data.issuerOrganId ?? null,
    issuerName: data.issuerName,
    // The payload is stored as JSON: its instants come back as ISO strings.
    issuedAt: new Date(data.issuedAt),
    dueAt: data.dueAt ? new Date(data.dueAt) : null,
    arrivedAt: data.arrivedAt ? new Date(data.arrivedAt) : null,
    urgency: data.urgency,
    secrecy: data.secrecy,
    pageCount: data.pageCount ?? 0,
    signerName: '',
    signerPosition: '',
    provinceCode: data.provinceCode,
    communeCode: data.communeCode ?? null,
    dossierCode: data.dossierCode ?? null,
    status: data.status ?? null,
    nativeStatus: data.nativeStatus ?? '',
    updatedAt,
  };
}

export class InboundApplyService {
  constructor(
    private readonly sql: Sql,
    private readonly inbox: InboxRepository,
    private readonly states: EntityStateRepository,
    private readonly observations: ObservationRepository,
    private readonly flags: DossierFlagRepository,
    private readonly reconcileRequests: DossierReconcileRequestRepository,
    private readonly logger: Logger,
  ) {}

  /**
   * Applies the events of one job, in the order given (the outbox's), each exactly once in
   * effect. An event that fails does not stop the others; its error is reported at the end.
   */
  async applyMany(inboundIds: readonly string[]): Promise<BatchApplyOutcome> {
    const counts = new Map<string, { system: string; status: ApplyStatus; count: number }>();
    const provinces = new Set<string>();
    let already = 0;
    let missing = 0;
    let failure: Error | null = null;
    for (const id of inboundIds) {
      let outcome: ApplyOutcome;
      try {
        outcome = await this.apply(id);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
        continue;
      }
      if (outcome.kind === 'MISSING') missing += 1;
      else if (outcome.kind === 'ALREADY') already += 1;
      else {
        const key = `${outcome.system}|${outcome.status}`;
        const entry = counts.get(key) ?? { system: outcome.system, status: outcome.status, count: 0 };
        entry.count += 1;
        counts.set(key, entry);
        if (outcome.reconcileProvince) provinces.add(outcome.reconcileProvince);
      }
    }
    return { counts: [...counts.values()], already, missing, reconcileProvinces: [...provinces], failure };
  }

  async apply(inboundId: string): Promise<ApplyOutcome> {
    return this.sql.begin(async (tx): Promise<ApplyOutcome> => {
      // Safe without waiting for the disk: the transaction commits or is lost whole, and a lost
      // one leaves the event ACCEPTED with its outbox row, which the sweeper publishes again.
      await tx`set local synchronous_commit = off`;
      const event = await this.inbox.lockForApply(tx, inboundId);
      if (!event) return { kind: 'MISSING' };
      if (event.status !== 'ACCEPTED') return { kind: 'ALREADY', status: event.status };
      const current = await this.states.lockAndGet(tx, event.system, event.entityType, event.entityKey);
      const decision = await this.decide(tx, event, current);
      if (decision.status === 'APPLIED') {
        await this.states.put(tx, {
          system: event.system,
          entityType: event.entityType,
          entityKey: event.entityKey,
          sourceVersion: event.sourceVersion,
          sourceTimestamp: event.sourceTimestamp,
          eventType: event.type,
          inboundEventId: event.id,
          data: event.payload,
        });
      }
      await this.inbox.finish(tx, event.id, decision.status, decision.reason);
      this.logger.debug({ system: event.system, inboundId: event.id, type: event.type, status: decision.status, reason: decision.reason?.code }, 'pushed event processed');
      return { kind: 'DONE', system: event.system, ...decision };
    });
  }

  private async decide(tx: Tx, event: InboundRow, current: EntityStateRow | null): Promise<Decision> {
    const incoming: SourcePosition = { version: event.sourceVersion, timestamp: event.sourceTimestamp };
    if (current) {
      const verdict = compareSourcePosition(incoming, { version: current.sourceVersion, timestamp: current.sourceTimestamp });
      if (!verdict.newer) return superseded(verdict.code, `${verdict.message} (pushed earlier by ${event.system})`);
    }
    if (!isSystemId(event.system)) return rejected('UNKNOWN_SYSTEM', `no system has id ${event.system}`);
    switch (event.entityType) {
      case 'dossier':
        return this.applyDossier(tx, event, event.system, current);
      case 'document':
        // Pushed documents join the document index, linked to the dossier they are about.
        await upsertDocuments(tx, [documentFromPush(event.system, event.payload as unknown as DocumentEventData, event.sourceTimestamp)]);
        return { status: 'APPLIED', reason: null, reconcileProvince: null };
      case 'civil_registration':
        // The pushed record itself is the hub's copy (entity_states), written by the caller.
        return { status: 'APPLIED', reason: null, reconcileProvince: null };
      default:
        return rejected('UNKNOWN_ENTITY', `the hub does not apply ${event.entityType} events`);
    }
  }

  private async applyDossier(tx: Tx, event: InboundRow, system: SystemId, previous: EntityStateRow | null): Promise<Decision> {
    const data = event.payload as unknown as DossierEventData;
    const [observed] = await tx<{ status: string | null; source_updated_at: Date; source_version: string }[]>`
      select status, source_updated_at, source_version from observations
      where dossier_code = ${data.dossierCode} and system = ${system} for update`;
    const incoming: SourcePosition = { version: event.sourceVersion, timestamp: event.sourceTimestamp };
    if (observed) {
      // The change feed may have brought a newer state of this system than any push.
      const verdict = compareSourcePosition(incoming, { version: versionNumber(observed.source_version), timestamp: observed.source_updated_at });
      if (!verdict.newer) return superseded(verdict.code, `${verdict.message} (read from ${system}'s change feed)`);
    }
    const from = observed?.status ?? statusIn(previous);
    const previousVersion = observed ? versionNumber(observed.source_version) : (previous?.sourceVersion ?? null);
    const check = checkPushedTransition({
      from: from !== null && isDossierStatus(from) ? from : null,
      to: data.status,
      consecutive: event.sourceVersion !== null && previousVersion !== null && event.sourceVersion === previousVersion + 1,
    });
    const observation: DossierObservation = {
      system,
      dossierCode: data.dossierCode,
      nativeId: data.nativeId ?? null,
      procedureCode: data.procedureCode,
      communeCode: data.communeCode,
      provinceCode: data.provinceCode,
      applicantPersonalId: data.applicantPersonalId ?? null,
      nativeStatus: data.nativeStatus ?? String(STATUS_CODE[data.status]),
      status: data.status,
      receivedAt: instant(data.receivedAt),
      dueAt: instant(data.dueAt),
      finishedAt: instant(data.finishedAt),
      returnedAt: instant(data.returnedAt),
      updatedAt: event.sourceTimestamp,
      sourceVersion: event.sourceVersion === null ? event.sourceTimestamp.toISOString() : String(event.sourceVersion),
    };
    await this.observations.upsertMany(tx, [observation]);
    if (check.ok) {
      await this.flags.clearIllegalTransition(tx, data.dossierCode, system);
    } else {
      await this.flags.raiseIllegalTransition(tx, {
        dossierCode: data.dossierCode,
        system,
        provinceCode: data.provinceCode,
        communeCode: data.communeCode,
        procedureCode: data.procedureCode,
        from: from !== null && isDossierStatus(from) ? from : null,
        to: data.status,
        nativeStatus: observation.nativeStatus,
        at: event.sourceTimestamp,
        inboundEventId: event.id,
        reason: check.error.message,
      });
    }
    await this.reconcileRequests.add(tx, data.dossierCode, data.provinceCode);
    return {
      status: 'APPLIED',
      reason: check.ok ? null : { code: 'ILLEGAL_TRANSITION', message: `applied as ${system}'s observed state and flagged: ${check.error.message}` },
      reconcileProvince: data.provinceCode,
    };
  }
}

function statusIn(state: EntityStateRow | null): string | null {
  const status = state?.data['status'];
  return typeof status === 'string' ? status : null;
}

function instant(value: string | null | undefined): Date | null {
  return value ? new Date(value) : null;
}

function superseded(code: string, message: string): Decision {
  return { status: 'SUPERSEDED', reason: { code, message }, reconcileProvince: null };
}

function rejected(code: string, message: string): Decision {
  return { status: 'REJECTED', reason: { code, message }, reconcileProvince: null };
}
