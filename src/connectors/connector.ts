import type { DossierStatus } from '../domain/dossier-status.js';
import type { CallStats } from './http-client.js';
import type { SystemId } from './system-id.js';

/** What every connector reports about its system, for `systems` in GraphQL and for /readyz. */
export interface SystemHealth {
  system: SystemId;
  /** UP when the system answered its health probe, DOWN when it did not. */
  status: 'UP' | 'DOWN';
  detail: string | null;
  checkedAt: Date;
}

/** The part every connector has, whatever its system serves. */
export interface Connector {
  readonly system: SystemId;
  health(): Promise<SystemHealth>;
  stats(): CallStats;
  close(): Promise<void>;
}

/** A page of a change feed: the items changed after a cursor, and the cursor to resume from. */
export interface ChangePage<T> {
  items: T[];
  /** Opaque; stored by the hub and handed back unchanged on the next read. */
  nextCursor: string;
  hasMore: boolean;
}

/**
 * One system's view of one dossier, in canonical terms. `nativeStatus` keeps the system's own
 * word or code so reports can show exactly what each system said.
 */
export interface DossierObservation {
  system: SystemId;
  dossierCode: string;
  /** The system's own id for the dossier when it has one (the specialized software does). */
  nativeId: string | null;
  procedureCode: string;
  /** Five-digit commune code of the receiving unit, as the system reports it (may be a legacy code). */
  communeCode: string;
  provinceCode: string;
  applicantPersonalId: string | null;
  nativeStatus: string;
  /** Null when the native status has no canonical meaning (kept as observed, flagged by reconciliation). */
  status: DossierStatus | null;
  receivedAt: Date | null;
  dueAt: Date | null;
  finishedAt: Date | null;
  returnedAt: Date | null;
  /** When the system last changed this dossier, by its own clock. */
  updatedAt: Date;
  /** Monotonic version of the record in its system (a counter or the updatedAt timestamp). */
  sourceVersion: string;
}

/** A system that holds dossiers and can list what changed in a province. */
export interface DossierSource extends Connector {
  /** Dossiers of a province changed after the cursor (null = from the beginning). */
  dossierChanges(provinceCode: string, cursor: string | null, limit: number): Promise<ChangePage<DossierObservation>>;
  /** Dossiers by national dossier code; codes the system does not know are absent from the result. */
  dossiersByCode(codes: readonly string[]): Promise<DossierObservation[]>;
}

/** A correction the hub sends to a lagging system. `correctionId` makes the write idempotent there. */
export interface StatusWrite {
  correctionId: string;
  dossierCode: string;
  status: DossierStatus;
  reason: string;
  at: Date;
}

export interface StatusWriteResult {
  /** False when the system had already applied this correction id (a replay). */
  applied: boolean;
  nativeStatus: string;
}

/** A system whose dossier status the hub can write back. */
export interface DossierStatusSink extends Connector {
  writeDossierStatus(write: StatusWrite): Promise<StatusWriteResult>;
}

/**
 * What a lagging system needs to open a dossier it lacks. Read from the hub's index when the
 * correction runs, never carried in a job payload (the applicant's id is personal data).
 */
export interface DossierCreate {
  /** Idempotency key the target system sees: a resend with the same id creates nothing new. */
  correctionId: string;
  dossierCode: string;
  procedureCode: string;
  communeCode: string;
  provinceCode: string;
  applicantPersonalId: string | null;
  status: DossierStatus;
  receivedAt: Date | null;
  dueAt: Date | null;
  finishedAt: Date | null;
  returnedAt: Date | null;
  reason: string;
  at: Date;
}

/** A system the hub can correct: write a status back, and open a dossier the system lacks. */
export interface DossierCorrectionSink extends DossierStatusSink {
  /** `applied: false` when the system already held the dossier from this correction id. */
  createDossier(create: DossierCreate): Promise<StatusWriteResult>;
}
