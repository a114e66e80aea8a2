import type { SystemId } from '../connectors/system-id.js';
import { STATUS_CODE, type DossierStatus } from './dossier-status.js';
import type { MismatchFinding } from './mismatch.js';
import { canReach, checkTransition, type TransitionError } from './status-transitions.js';
import { err, ok, type Result } from './result.js';

export interface PushedStatusChange {
  /** The system's status before the change, as the hub last knew it; null when unknown. */
  readonly from: DossierStatus | null;
  readonly to: DossierStatus;
  /**
   * True when the hub knows the change directly follows the previous one (the versions are
   * consecutive): then it must be one legal step. Otherwise changes in between may not have
   * reached the hub, and any status reachable in legal steps is accepted.
   */
  readonly consecutive: boolean;
}

/**
 * Whether a status a system pushed can legally follow the one it held. An illegal change is
 * still that system's observed state; the caller applies it and flags ILLEGAL_TRANSITION.
 */
export function checkPushedTransition(change: PushedStatusChange): Result<PushedStatusChange, TransitionError> {
  const { from, to } = change;
  if (from === null || from === to) return ok(change);
  if (change.consecutive) {
    const step = checkTransition(from, to);
    return step.ok ? ok(change) : err(step.error);
  }
  if (canReach(from, to)) return ok(change);
  return err({
    code: 'ILLEGAL_TRANSITION',
    message: `${from} (${STATUS_CODE[from]}) cannot be followed by ${to} (${STATUS_CODE[to]}) in any number of legal steps`,
  });
}

/** A pushed status change that broke the graph, still that system's current state of the dossier. */
export interface DossierFlag {
  readonly dossierCode: string;
  readonly system: SystemId;
  readonly communeCode: string;
  readonly procedureCode: string;
  readonly from: DossierStatus | null;
  readonly to: DossierStatus | null;
  readonly nativeStatus: string;
  /** When the system made the change, by its clock. */
  readonly at: Date;
  readonly reason: string;
}

/** The reconciliation finding for a flagged dossier: the system's state stands, an officer decides. */
export function illegalTransitionFinding(flag: DossierFlag): MismatchFinding {
  const from = flag.from === null ? 'an unknown status' : `${flag.from} (${STATUS_CODE[flag.from]})`;
  const to = flag.to === null ? `'${flag.nativeStatus}'` : `${flag.to} (${STATUS_CODE[flag.to]})`;
  return {
    class: 'ILLEGAL_TRANSITION',
    detail: `${flag.system} moved the dossier from ${from} to ${to} at ${flag.at.toISOString()}: ${flag.reason}; kept as ${flag.system}'s observed state`,
  };
}
