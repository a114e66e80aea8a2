import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import type { DossierObservation } from '../connectors/connector.js';
import { isSystemId, type SystemId } from '../connectors/system-id.js';
import type { Tx } from '../db/client.js';
import type { DossierFlagRepository, RaiseFlag } from '../db/dossier-flag.repository.js';
import type { DossierReconcileRequestRepository } from '../db/dossier-reconcile-request.repository.js';
import { entityStateKey, type EntityStateRepository, type EntityStateRow } from '../db/entity-state.repository.js';
import type { InboxRepository, InboundRow } from '../db/inbox.repository.js';
import type { ObservationRepository } from '../db/observation.repository.js';
import { STATUS_CODE, isDossierStatus } from '../domain/dossier-status.js';
import type { DocumentEventData, DossierEventData } from '../domain/inbound-event.js';
import { upsertDocuments, type IndexedDocument } from '../db/document.repository.js';
import { checkPushedTransition } from '../domain/pushed-transition.js';
import { compareSourcePosition, versionNumber, type SourcePosition } from '../domain/source-order.js';

export type ApplyStatus = 'APPLIED' | 'SUPERSEDED' | 'REJECTED';

/** What one call of `applyMany` did. */
export interface BatchApplyOutcome {
  /** Events processed by this call, per system and status. */
  counts: Array<{ system: string; status: ApplyStatus; count: number }>;
  /** Events processed before (a re-run job), left alone. */
  already: number;
  /** Ids with no event, or whose event another job was applying at that moment (it applies it). */
  skipped: number;
  /** Provinces with a per-dossier reconciliation now pending. */
  reconcileProvinces: string[];
  /** The first error of an event that could not be applied this time; the others were. */
  failure: Error | null;
}

export interface InboundApplyOptions {
  /** Most events applied in one transaction. */
  batchSize?: number;
}

interface Decision {
  status: ApplyStatus;
  reason: { code: string; message: string } | null;
}

/** Where the hub's copy of one system's dossier stands while a batch is planned. */
interface Observed {
  status: string | null;
  updatedAt: Date;
  version: string;
}

/** What one transaction writes for its events, one row per entity (the last change wins). */
interface Writes {
  states: Map<string, EntityStateRow>;
  observations: Map<string, DossierObservation>;
  raise: Map<string, RaiseFlag>;
  clear: Map<string, { dossierCode: string; system: SystemId }>;
  requests: Map<string, string>;
  documents: Map<string, IndexedDocument>;
  results: Array<{ id: string; system: string } & Decision>;
}

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

/**
 * Applies accepted events exactly once in effect, a batch per transaction: the events are locked
 * and must still be ACCEPTED, their entities are locked (in one order, so concurrent batches
 * wait rather than deadlock), and each event, in outbox order, applies only when it is newer
 * than what the hub holds, counting the changes before it in the batch (else SUPERSEDED). The
 * state changes, the events' new statuses and the removal of their outbox rows commit together,
 * in about ten statements per batch instead of about ten per event. A re-run finds the events
 * processed and does nothing.
 */
export class InboundApplyService {
  private readonly batchSize: number;

  constructor(
    private readonly sql: Sql,
    private readonly inbox: InboxRepository,
    private readonly states: EntityStateRepository,
    private readonly observations: ObservationRepository,
    private readonly flags: DossierFlagRepository,
    private readonly reconcileRequests: DossierReconcileRequestRepository,
    private readonly logger: Logger,
    options: InboundApplyOptions = {},
  ) {
    this.batchSize = Math.max(1, options.batchSize ?? 250);
  }

  /**
   * Applies the events of one job, in the order given (the outbox's). A batch that fails is
   * applied again one event per transaction, so one event PostgreSQL refuses (or a deadlock)
   * holds back no other; the first error is reported at the end.
   */
  async applyMany(inboundIds: readonly string[], outboxIds?: readonly string[]): Promise<BatchApplyOutcome> {
    // Each event's outbox row, when the job names it (by position): dropped by its key.
    const outboxOf = outboxIds && outboxIds.length === inboundIds.length ? new Map(inboundIds.map((id, i) => [id, outboxIds[i] as string])) : null;
    const outcome: BatchApplyOutcome = { counts: [], already: 0, skipped: 0, reconcileProvinces: [], failure: null };
    const counts = new Map<string, { system: string; status: ApplyStatus; count: number }>();
    const provinces = new Set<string>();
    const run = async (ids: readonly string[]): Promise<void> => {
      const done = await this.applyBatch(ids, outboxOf);
      outcome.already += done.already;
      outcome.skipped += done.skipped;
      for (const r of done.results) {
        const key = `${r.system}|${r.status}`;
        const entry = counts.get(key) ?? { system: r.system, status: r.status, count: 0 };
        entry.count += 1;
        counts.set(key, entry);
      }
      for (const province of done.provinces) provinces.add(province);
    };
    for (let at = 0; at < inboundIds.length; at += this.batchSize) {
      const chunk = inboundIds.slice(at, at + this.batchSize);
      try {
        await run(chunk);
      } catch (error) {
        if (chunk.length === 1) {
          outcome.failure ??= asError(error);
          continue;
        }
        this.logger.debug({ events: chunk.length, err: { message: asError(error).message } }, 'apply batch failed; applying its events one by one');
        for (const id of chunk) {
          try {
            await run([id]);
          } catch (single) {
            outcome.failure ??= asError(single);
          }
        }
      }
    }
    outcome.counts = [...counts.values()];
    outcome.reconcileProvinces = [...provinces];
    return outcome;
  }

  private async applyBatch(ids: readonly string[], outboxOf: ReadonlyMap<string, string> | null): Promise<{ results: Writes['results']; already: number; skipped: number; provinces: Set<string> }> {
    return this.sql.begin(async (tx) => {
      // Safe without waiting for the disk: the transaction commits or is lost whole, and a lost
      // one leaves its events ACCEPTED with their outbox rows, which the sweeper publishes again.
      await tx`set local synchronous_commit = off`;
      const locked = await this.inbox.lockManyForApply(tx, ids);
      const byId = new Map(locked.map((e) => [e.id, e]));
      const events = ids.map((id) => byId.get(id)).filter((e): e is InboundRow => e !== undefined && e.status === 'ACCEPTED');
      const already = locked.length - events.length;
      const skipped = ids.length - locked.length;
      if (events.length === 0) return { results: [], already, skipped, provinces: new Set<string>() };

      const current = await this.states.lockAndGetMany(tx, events);
      const observed = await this.lockObserved(tx, events);
      const writes = this.plan(events, current, observed);

      await this.states.putMany(tx, [...writes.states.values()]);
      await this.observations.upsertMany(tx, sortBy([...writes.observations.values()], (o) => `${o.dossierCode}|${o.system}`));
      await this.flags.clearIllegalTransitions(tx, [...writes.clear.values()]);
      await this.flags.raiseIllegalTransitions(tx, [...writes.raise.values()]);
      await this.reconcileRequests.addMany(tx, [...writes.requests].map(([dossierCode, provinceCode]) => ({ dossierCode, provinceCode })));
      await upsertDocuments(tx, sortBy([...writes.documents.values()], (d) => d.id));
      await this.inbox.finishMany(tx, writes.results, outboxOf);
      for (const r of writes.results) {
        this.logger.debug({ system: r.system, inboundId: r.id, status: r.status, reason: r.reason?.code }, 'pushed event processed');
      }
      return { results: writes.results, already, skipped, provinces: new Set(writes.requests.values()) };
    });
  }

  /** The hub's copies of the pushed dossiers in their systems, locked: the change feeds write them too. */
  private async lockObserved(tx: Tx, events: readonly InboundRow[]): Promise<Map<string, Observed>> {
    const keys = new Map<string, { code: string; system: string }>();
    for (const e of events) {
      if (e.entityType !== 'dossier') continue;
      const code = (e.payload as unknown as DossierEventData).dossierCode;
      keys.set(`${code}|${e.system}`, { code, system: e.system });
    }
    const found = new Map<string, Observed>();
    if (keys.size === 0) return found;
    const list = [...keys.values()];
    const rows = await tx<{ dossier_code: string; system: string; status: string | null; source_updated_at: Date; source_version: string }[]>`
      select o.dossier_code, o.system, o.status, o.source_updated_at, o.source_version from observations o
      join unnest(${list.map((k) => k.code)}::text[], ${list.map((k) => k.system)}::text[]) as k(dossier_code, system)
        on o.dossier_code = k.dossier_code and o.system = k.system
      order by o.dossier_code, o.system
      for update of o`;
    for (const r of rows) found.set(`${r.dossier_code}|${r.system}`, { status: r.status, updatedAt: r.source_updated_at, version: r.source_version });
    return found;
  }

  /**
   * Decides each event in order against what the hub holds, as updated by the batch's earlier
   * events, and gathers the writes. Pure: no I/O.
   */
  private plan(events: readonly InboundRow[], current: Map<string, EntityStateRow>, observed: Map<string, Observed>): Writes {
    const writes: Writes = {
      states: new Map(),
      observations: new Map(),
      raise: new Map(),
      clear: new Map(),
      requests: new Map(),
      documents: new Map(),
      results: [],
    };
    for (const event of events) {
      const key = entityStateKey(event);
      const state = current.get(key) ?? null;
      const decision = this.decide(event, state, observed, writes);
      writes.results.push({ id: event.id, system: event.system, ...decision });
      if (decision.status !== 'APPLIED') continue;
      const next: EntityStateRow = {
        system: event.system,
        entityType: event.entityType,
        entityKey: event.entityKey,
        sourceVersion: event.sourceVersion,
        sourceTimestamp: event.sourceTimestamp,
        eventType: event.type,
        inboundEventId: event.id,
        data: event.payload,
      };
      current.set(key, next);
      writes.states.set(key, next);
    }
    return writes;
  }

  private decide(event: InboundRow, current: EntityStateRow | null, observed: Map<string, Observed>, writes: Writes): Decision {
    const incoming: SourcePosition = { version: event.sourceVersion, timestamp: event.sourceTimestamp };
    if (current) {
      const verdict = compareSourcePosition(incoming, { version: current.sourceVersion, timestamp: current.sourceTimestamp });
      if (!verdict.newer) return superseded(verdict.code, `${verdict.message} (pushed earlier by ${event.system})`);
    }
    if (!isSystemId(event.system)) return rejected('UNKNOWN_SYSTEM', `no system has id ${event.system}`);
    switch (event.entityType) {
      case 'dossier':
        return this.decideDossier(event, event.system, current, observed, writes);
      case 'document': {
        // Pushed documents join the document index, linked to the dossier they are about.
        const document = documentFromPush(event.system, event.payload as unknown as DocumentEventData, event.sourceTimestamp);
        writes.documents.set(document.id, document);
        return { status: 'APPLIED', reason: null };
      }
      case 'civil_registration':
        // The pushed record itself is the hub's copy (entity_states).
        return { status: 'APPLIED', reason: null };
      default:
        return rejected('UNKNOWN_ENTITY', `the hub does not apply ${event.entityType} events`);
    }
  }

  private decideDossier(event: InboundRow, system: SystemId, previous: EntityStateRow | null, observed: Map<string, Observed>, writes: Writes): Decision {
    const data = event.payload as unknown as DossierEventData;
    const key = `${data.dossierCode}|${system}`;
    const seen = observed.get(key);
    const incoming: SourcePosition = { version: event.sourceVersion, timestamp: event.sourceTimestamp };
    if (seen) {
      // The change feed may have brought a newer state of this system than any push.
      const verdict = compareSourcePosition(incoming, { version: versionNumber(seen.version), timestamp: seen.updatedAt });
      if (!verdict.newer) return superseded(verdict.code, `${verdict.message} (read from ${system}'s change feed)`);
    }
    const from = seen?.status ?? statusIn(previous);
    const previousVersion = seen ? versionNumber(seen.version) : (previous?.sourceVersion ?? null);
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
    // The observation upsert keeps a stored state with a later change time: so does the plan.
    if (!seen || observation.updatedAt.getTime() >= seen.updatedAt.getTime()) {
      writes.observations.set(key, observation);
      observed.set(key, { status: observation.status, updatedAt: observation.updatedAt, version: observation.sourceVersion });
    }
    if (check.ok) {
      writes.raise.delete(key);
      writes.clear.set(key, { dossierCode: data.dossierCode, system });
    } else {
      writes.clear.delete(key);
      writes.raise.set(key, {
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
    writes.requests.set(data.dossierCode, data.provinceCode);
    return {
      status: 'APPLIED',
      reason: check.ok ? null : { code: 'ILLEGAL_TRANSITION', message: `applied as ${system}'s observed state and flagged: ${check.error.message}` },
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
  return { status: 'SUPERSEDED', reason: { code, message } };
}

function rejected(code: string, message: string): Decision {
  return { status: 'REJECTED', reason: { code, message } };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Rows in key order: every transaction locks shared rows in the same order. */
function sortBy<T>(items: T[], key: (item: T) => string): T[] {
  return items.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
