import type { DossierStatus } from '../../domain/dossier-status.js';
import type { DemoDossier } from './demo-dataset.js';

/** The dates a system shows for a dossier, as epoch milliseconds (null = the field is empty). */
export interface VisibleTimes {
  receivedAtMs: number | null;
  dueAtMs: number | null;
  finishedAtMs: number | null;
  returnedAtMs: number | null;
}

const DECIDED = new Set<DossierStatus>(['RESOLVED', 'RESULT_RETURNED', 'WITHDRAWN', 'REJECTED']);

/**
 * The dates a copy in `status` shows: a copy behind the dossier's real progress does not know
 * the decision or the hand-over yet, so a province still at PROCESSING shows no finish date even
 * when the ministry resolved the dossier.
 */
export function visibleTimes(dossier: DemoDossier, status: DossierStatus): VisibleTimes {
  const received = status !== 'SUBMITTED';
  return {
    receivedAtMs: received ? dossier.receivedAtMs : null,
    dueAtMs: received ? dossier.dueAtMs : null,
    finishedAtMs: DECIDED.has(status) ? dossier.finishedAtMs : null,
    returnedAtMs: status === 'RESULT_RETURNED' ? dossier.returnedAtMs : null,
  };
}
