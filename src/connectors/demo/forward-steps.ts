import type { DossierStatus } from '../../domain/dossier-status.js';

/**
 * The step a simulated officer takes next, with weights: the usual way forward, a subset of the
 * legal graph (`domain/status-transitions.ts`). `advance()` in the simulators draws from it so a
 * live demo keeps moving towards results; final statuses have no entry.
 */
export const FORWARD_STEPS: Readonly<Record<DossierStatus, readonly (readonly [DossierStatus, number])[]>> = {
  SUBMITTED: [['RECEIVED', 1]],
  RECEIVED: [['PROCESSING', 1]],
  REJECTED: [],
  PROCESSING: [
    ['RESOLVED', 0.85],
    ['SUPPLEMENT_REQUESTED', 0.1],
    ['AWAITING_FINANCIAL_OBLIGATION', 0.05],
  ],
  SUPPLEMENT_REQUESTED: [['PROCESSING', 1]],
  AWAITING_FINANCIAL_OBLIGATION: [['PROCESSING', 1]],
  WITHDRAWN: [],
  SUSPENDED: [['PROCESSING', 1]],
  RESOLVED: [['RESULT_RETURNED', 1]],
  RESULT_RETURNED: [],
};

/** The next status for a dossier moving forward, drawn with `random`; null when it is final. */
export function forwardStep(status: DossierStatus, random: () => number): DossierStatus | null {
  const steps = FORWARD_STEPS[status];
  let draw = random();
  for (const [next, weight] of steps) {
    if (draw < weight) return next;
    draw -= weight;
  }
  return steps.at(-1)?.[0] ?? null;
}
