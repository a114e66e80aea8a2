import type { DossierStatus } from './dossier-status.js';
import { classifyTimeliness, type Timeliness } from './timeliness.js';

/**
 * The Decision 766 progress indicator in the three words reports use: finished on time (early
 * counts as on time), late (finished after the due day, or still open past it), still in
 * progress within time (paused dossiers included: their clock is stopped), or not counted
 * (never received).
 */
export type TimelinessOutcome = 'ON_TIME' | 'LATE' | 'IN_PROGRESS' | 'NOT_COUNTED';

const OUTCOME: Readonly<Record<Timeliness, TimelinessOutcome>> = {
  EARLY: 'ON_TIME',
  ON_TIME: 'ON_TIME',
  LATE: 'LATE',
  IN_PROGRESS_ON_TIME: 'IN_PROGRESS',
  IN_PROGRESS_LATE: 'LATE',
  PAUSED: 'IN_PROGRESS',
  NOT_COUNTED: 'NOT_COUNTED',
};

export interface TimelinessImpactInput {
  /** The due date the copy holds before the correction. */
  readonly dueAt: Date | null;
  /** The due date after the correction, when the correction changes it (DUE_DATE_DIVERGED). Default: dueAt. */
  readonly correctedDueAt?: Date | null;
  /** When processing ended (NgayKetThucXuLy); null while open. */
  readonly finishedAt: Date | null;
  /** When the result was handed over (NgayTra); stands in for a missing finish date of a returned dossier. */
  readonly returnedAt: Date | null;
  /** The copy's status before the correction; null when the copy is missing or unmapped. */
  readonly statusBefore: DossierStatus | null;
  readonly statusAfter: DossierStatus;
  /** The end of the reporting period: the indicator is read as of this instant. */
  readonly now: Date;
}

export interface TimelinessReading {
  readonly outcome: TimelinessOutcome;
  readonly timeliness: Timeliness;
}

export interface TimelinessImpact {
  /** Null when there was no status to read before the correction. */
  readonly before: TimelinessReading | null;
  readonly after: TimelinessReading;
  /** True when the correction moves the dossier to another outcome in the 766 statistics. */
  readonly changed: boolean;
}

/**
 * How correcting a lagging copy changes the dossier's Decision 766 progress reading as of `now`:
 * e.g. a province still at PROCESSING past the due day reads LATE, the ministry's RESOLVED before
 * it reads ON_TIME. Both readings use the same dates; only the status (and, for a due-date
 * correction, the due date) changes.
 */
export function timelinessImpact(input: TimelinessImpactInput): TimelinessImpact {
  const finishedAt = (status: DossierStatus): Date | null =>
    status === 'RESULT_RETURNED' ? (input.finishedAt ?? input.returnedAt) : input.finishedAt;
  const read = (status: DossierStatus, dueAt: Date | null): TimelinessReading => {
    const timeliness = classifyTimeliness({ status, dueAt, finishedAt: finishedAt(status) }, input.now);
    return { outcome: OUTCOME[timeliness], timeliness };
  };
  const before = input.statusBefore === null ? null : read(input.statusBefore, input.dueAt);
  const correctedDueAt = input.correctedDueAt === undefined ? input.dueAt : input.correctedDueAt;
  const after = read(input.statusAfter, correctedDueAt);
  return { before, after, changed: before?.outcome !== after.outcome };
}
