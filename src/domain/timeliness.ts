import type { DossierStatus } from './dossier-status.js';
import { vietnamDayNumber } from './vietnam-calendar.js';

/**
 * Progress classes of Decision 766/QĐ-TTg (service-quality index, "tiến độ giải quyết"):
 * finished before, on or after the due date; still open within or past it; paused; not counted.
 */
export const TIMELINESS_CLASSES = [
  'EARLY',
  'ON_TIME',
  'LATE',
  'IN_PROGRESS_ON_TIME',
  'IN_PROGRESS_LATE',
  'PAUSED',
  'NOT_COUNTED',
] as const;

export type Timeliness = (typeof TIMELINESS_CLASSES)[number];

export interface TimelinessInput {
  readonly status: DossierStatus;
  /** The promised return date (NgayHenTra); null when the procedure set none. */
  readonly dueAt: Date | null;
  /** When processing ended (NgayKetThucXuLy); null while open. */
  readonly finishedAt: Date | null;
}

/**
 * Classifies a dossier of a reporting period. `periodEnd` is the last instant inside the period;
 * only its calendar day matters. The caller selects the dossiers that belong to the period.
 *
 * Every comparison is by calendar day in Vietnam (UTC+7), as the national statistics count them:
 * finishing at 06:30 on the due day is on time, not early, even though it is 23:30 UTC the day
 * before.
 */
export function classifyTimeliness(dossier: TimelinessInput, periodEnd: Date): Timeliness {
  const periodEndDay = vietnamDayNumber(periodEnd);
  const dueDay = dossier.dueAt === null ? null : vietnamDayNumber(dossier.dueAt);

  // Open at the end of the period: within time while the due day has not passed by then.
  // No due date means no deadline to miss.
  const inProgress = (): Timeliness =>
    dueDay === null || dueDay >= periodEndDay ? 'IN_PROGRESS_ON_TIME' : 'IN_PROGRESS_LATE';

  switch (dossier.status) {
    case 'SUBMITTED':
    case 'REJECTED':
      // Never received, so no processing time ran.
      return 'NOT_COUNTED';
    case 'SUPPLEMENT_REQUESTED':
    case 'AWAITING_FINANCIAL_OBLIGATION':
    case 'SUSPENDED':
      // The legal clock stops while the dossier waits on the citizen or is suspended.
      return 'PAUSED';
    case 'RECEIVED':
    case 'PROCESSING':
      return inProgress();
    case 'WITHDRAWN':
    case 'RESOLVED':
    case 'RESULT_RETURNED': {
      // A finished status without an end date cannot be placed in a period; it is counted as
      // still open so that a missing date shows up as late rather than disappearing.
      if (dossier.finishedAt === null) return inProgress();
      const finishedDay = vietnamDayNumber(dossier.finishedAt);
      // Finished after the period: at the period's end it was still open.
      if (finishedDay > periodEndDay) return inProgress();
      if (dueDay === null) return 'ON_TIME';
      if (finishedDay < dueDay) return 'EARLY';
      return finishedDay === dueDay ? 'ON_TIME' : 'LATE';
    }
  }
}
