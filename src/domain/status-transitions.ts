import { DOSSIER_STATUSES, STATUS_CODE, type DossierStatus } from './dossier-status.js';
import { err, ok, type DomainError, type Result } from './result.js';

/**
 * The legal next statuses of a dossier (one step). The graph follows the national `TrangThaiHoSo`
 * life cycle of the one-stop shop (Decree 118/2025/NĐ-CP, Circular 03/2025/TT-VPCP):
 *
 * - Only an online submission (SUBMITTED) may be turned away before receipt (REJECTED) or
 *   withdrawn before anyone has received it.
 * - RECEIVED → REJECTED stays legal: the completeness check belongs to the receipt step, and
 *   provincial software can record the counter's acceptance before that check refuses the dossier
 *   (a design choice from observed practice, not a rule read in the decree).
 *   Nothing after RECEIVED may go back to REJECTED; refusing to resolve a received dossier is
 *   SUSPENDED ("dừng xử lý"), not "không được tiếp nhận".
 * - RECEIVED → RESOLVED covers procedures resolved on the spot (e.g. a copy of a civil-status extract).
 * - The citizen may withdraw ("công dân yêu cầu rút hồ sơ", code 7) any dossier whose result does
 *   not exist yet, so every open status before RESOLVED leads to WITHDRAWN.
 * - Supplement requests, financial obligations and suspension are pauses: each returns to
 *   PROCESSING, which makes {PROCESSING, SUPPLEMENT_REQUESTED, AWAITING_FINANCIAL_OBLIGATION,
 *   SUSPENDED} one cycle. Reconciliation must break ties inside it by recency, not by the graph.
 * - Once the financial obligation is paid the result can be issued directly (RESOLVED).
 * - A result, once ready, can only be returned; REJECTED, WITHDRAWN and RESULT_RETURNED are final.
 *
 * A status never "transitions" to itself: an unchanged status is a no-op, not an edge.
 */
export const LEGAL_TRANSITIONS: Readonly<Record<DossierStatus, readonly DossierStatus[]>> = deepFreeze({
  SUBMITTED: ['RECEIVED', 'REJECTED', 'WITHDRAWN'],
  RECEIVED: [
    'PROCESSING',
    'SUPPLEMENT_REQUESTED',
    'AWAITING_FINANCIAL_OBLIGATION',
    'SUSPENDED',
    'WITHDRAWN',
    'RESOLVED',
    'REJECTED',
  ],
  REJECTED: [],
  PROCESSING: ['SUPPLEMENT_REQUESTED', 'AWAITING_FINANCIAL_OBLIGATION', 'SUSPENDED', 'WITHDRAWN', 'RESOLVED'],
  SUPPLEMENT_REQUESTED: ['PROCESSING', 'WITHDRAWN', 'SUSPENDED'],
  AWAITING_FINANCIAL_OBLIGATION: ['PROCESSING', 'RESOLVED', 'WITHDRAWN', 'SUSPENDED'],
  WITHDRAWN: [],
  SUSPENDED: ['PROCESSING', 'WITHDRAWN'],
  RESOLVED: ['RESULT_RETURNED'],
  RESULT_RETURNED: [],
});

function deepFreeze<T extends Record<string, readonly unknown[]>>(graph: T): Readonly<T> {
  for (const next of Object.values(graph)) Object.freeze(next);
  return Object.freeze(graph);
}

/** Statuses with no legal successor. */
export const TERMINAL_STATUSES: readonly DossierStatus[] = Object.freeze(
  DOSSIER_STATUSES.filter((status) => LEGAL_TRANSITIONS[status].length === 0),
);

const NEXT: ReadonlyMap<DossierStatus, ReadonlySet<DossierStatus>> = new Map(
  DOSSIER_STATUSES.map((status) => [status, new Set(LEGAL_TRANSITIONS[status])]),
);

// Transitive closure, computed once: reconciliation asks canReach for every dossier of a run.
const REACHABLE: ReadonlyMap<DossierStatus, ReadonlySet<DossierStatus>> = new Map(
  DOSSIER_STATUSES.map((start) => {
    const seen = new Set<DossierStatus>();
    const pending: DossierStatus[] = [...LEGAL_TRANSITIONS[start]];
    for (let status = pending.pop(); status !== undefined; status = pending.pop()) {
      if (seen.has(status)) continue;
      seen.add(status);
      pending.push(...LEGAL_TRANSITIONS[status]);
    }
    return [start, seen];
  }),
);

/** True when `to` may directly follow `from`. */
export function canTransition(from: DossierStatus, to: DossierStatus): boolean {
  return NEXT.get(from)?.has(to) ?? false;
}

export function isTerminal(status: DossierStatus): boolean {
  return LEGAL_TRANSITIONS[status].length === 0;
}

/**
 * True when `to` can follow `from` after one or more legal steps. A status reaches itself only
 * when it lies on a cycle (PROCESSING does, via SUPPLEMENT_REQUESTED; RECEIVED does not).
 */
export function canReach(from: DossierStatus, to: DossierStatus): boolean {
  return REACHABLE.get(from)?.has(to) ?? false;
}

/** Every status reachable from `from` in one or more legal steps. */
export function reachableFrom(from: DossierStatus): ReadonlySet<DossierStatus> {
  return REACHABLE.get(from) ?? new Set();
}

export type TransitionError = DomainError<'ILLEGAL_TRANSITION'>;

export interface Transition {
  readonly from: DossierStatus;
  readonly to: DossierStatus;
}

function describe(status: DossierStatus): string {
  return `${status} (${STATUS_CODE[status]})`;
}

/** The one-step check for a status write, with a message naming what is allowed instead. */
export function checkTransition(from: DossierStatus, to: DossierStatus): Result<Transition, TransitionError> {
  if (canTransition(from, to)) return ok({ from, to });
  const next = LEGAL_TRANSITIONS[from];
  let message: string;
  if (from === to) {
    message = `${describe(from)} cannot transition to itself; an unchanged status is not a transition`;
  } else if (next.length === 0) {
    message = `${describe(from)} is a final status; no status may follow it, so it cannot become ${describe(to)}`;
  } else {
    message = `${describe(from)} cannot move directly to ${describe(to)}; the legal next statuses are ${next.join(', ')}`;
  }
  return err({ code: 'ILLEGAL_TRANSITION', message });
}
