import type { SystemId } from '../connectors/system-id.js';
import { STATUS_CODE, type DossierStatus } from './dossier-status.js';
import { compareProgress } from './status-progress.js';

/**
 * How two systems disagree about one dossier. Reports, metrics and the database store these
 * names, so new classes are appended, never renamed.
 */
export const MISMATCH_CLASSES = [
  /** One system's status legally precedes the other's: it missed updates and can be corrected. */
  'STATUS_BEHIND',
  /** The statuses cannot both be true, or one is unmapped: an officer has to decide. */
  'STATUS_CONFLICT',
  /** The specialized system holds a dossier the one-stop shop has no record of. */
  'MISSING_IN_PROVINCIAL',
  /** The one-stop shop received a dossier that never reached the specialized system. */
  'MISSING_IN_SPECIALIZED',
  /** A system pushed a status that cannot legally follow the one it held: kept as observed, flagged. */
  'ILLEGAL_TRANSITION',
  /** The one-stop shop holds a dossier the National Public Service Portal, its mirror, lacks. */
  'MISSING_IN_NATIONAL_PORTAL',
  /** A copy holds another appointment date (ngày hẹn trả) than the one-stop shop's slip. */
  'DUE_DATE_DIVERGED',
  /** A copy reports a commune code the 2025 merger dissolved and the hub cannot map to one commune. */
  'UNIT_UNMAPPED',
  /** One system holds the same dossier twice, under two national codes. */
  'DUPLICATE',
  /** A copy's own data fails a quality check (checks are defined with their detectors). */
  'DATA_QUALITY',
] as const;

export type MismatchClass = (typeof MISMATCH_CLASSES)[number];

/** What one system says about a dossier. */
export interface ObservedState {
  /** Null when the native status has no canonical meaning. */
  readonly status: DossierStatus | null;
  readonly nativeStatus: string;
  readonly updatedAt: Date;
}

export interface DossierObservedStates {
  /** Keyed by system; an absent key means that system has no record of the dossier. */
  readonly observations: Partial<Readonly<Record<SystemId, ObservedState>>>;
  /** Whether the specialized system should hold the dossier (see isExpectedInSpecialized). */
  readonly expectedInSpecialized: boolean;
}

export interface MismatchFinding {
  readonly class: MismatchClass;
  /** The system to correct: behind on status, or missing the dossier. */
  readonly laggingSystem?: SystemId;
  /** The system whose view is taken as current. */
  readonly leadingSystem?: SystemId;
  /** The leading system's canonical status, which the lagging system should show. */
  readonly expectedStatus?: DossierStatus;
  /** One sentence for reports, naming both sides' native and canonical statuses. */
  readonly detail: string;
}

/**
 * The specialized software receives a dossier only after the one-stop shop has received it, so
 * a dossier still SUBMITTED or turned away (REJECTED) at the counter is not expected there.
 * A dossier withdrawn before receipt looks the same as one withdrawn later; callers that know
 * it was never received should pass expectedInSpecialized = false themselves.
 */
export function isExpectedInSpecialized(provincialStatus: DossierStatus): boolean {
  return provincialStatus !== 'SUBMITTED' && provincialStatus !== 'REJECTED';
}

/** `provincial shows '4' = PROCESSING (4)`: a system's native status and its canonical meaning. */
export function describeObservation(system: SystemId, state: ObservedState): string {
  const canonical = state.status === null ? 'no canonical status' : `${state.status} (${STATUS_CODE[state.status]})`;
  return `${system} shows '${state.nativeStatus}' = ${canonical}`;
}

/**
 * Compares two systems' statuses for one dossier: null when they agree, STATUS_BEHIND with the
 * lagging side when one can legally follow the other, STATUS_CONFLICT otherwise.
 */
export function compareStatuses(
  firstSystem: SystemId,
  first: ObservedState,
  secondSystem: SystemId,
  second: ObservedState,
): MismatchFinding | null {
  const both = `${describeObservation(firstSystem, first)}, ${describeObservation(secondSystem, second)}`;

  if (first.status === null || second.status === null) {
    if (first.nativeStatus === second.nativeStatus) return null;
    const unmapped = [first.status === null ? firstSystem : null, second.status === null ? secondSystem : null]
      .filter((system) => system !== null)
      .join(' and ');
    return {
      class: 'STATUS_CONFLICT',
      detail: `${both}; the status of ${unmapped} has no canonical meaning, so the hub cannot tell which is current`,
    };
  }

  const firstTimed = { status: first.status, updatedAt: first.updatedAt };
  const secondTimed = { status: second.status, updatedAt: second.updatedAt };
  const comparison = compareProgress(firstTimed, secondTimed);
  switch (comparison.relation) {
    case 'SAME':
      return null;
    case 'CONFLICT':
      return {
        class: 'STATUS_CONFLICT',
        detail:
          comparison.basis === 'UNREACHABLE'
            ? `${both}; neither status can legally follow the other`
            : `${both}; each status can follow the other and both changed at ${first.updatedAt.toISOString()}, so neither is known to be current`,
      };
    case 'AHEAD': {
      const firstLeads = comparison.leader === 'first';
      const leadingSystem = firstLeads ? firstSystem : secondSystem;
      const laggingSystem = firstLeads ? secondSystem : firstSystem;
      const leading = firstLeads ? firstTimed : secondTimed;
      const lagging = firstLeads ? secondTimed : firstTimed;
      const reason =
        comparison.basis === 'GRAPH'
          ? `${leading.status} legally follows ${lagging.status}`
          : `each status can follow the other and ${leadingSystem} changed later (${leading.updatedAt.toISOString()} after ${lagging.updatedAt.toISOString()})`;
      return {
        class: 'STATUS_BEHIND',
        laggingSystem,
        leadingSystem,
        expectedStatus: leading.status,
        detail: `${both}; ${reason}, so ${laggingSystem} is behind`,
      };
    }
  }
}

/**
 * Classifies how the one-stop shop (provincial) and the ministry's software (specialized)
 * disagree about one dossier, or null when they agree. Other systems' observations may be
 * present in the input and are ignored. `classifyThreeWay` (three-way-mismatch.ts) adds the
 * national portal, the authority rules, the sync lag, due dates and commune codes; for the
 * provincial/specialized status it gives the same class as this function.
 */
export function classifyDossier(input: DossierObservedStates): MismatchFinding | null {
  const { provincial, specialized } = input.observations;

  if (provincial === undefined) {
    if (specialized === undefined) return null;
    return {
      class: 'MISSING_IN_PROVINCIAL',
      laggingSystem: 'provincial',
      leadingSystem: 'specialized',
      ...(specialized.status === null ? {} : { expectedStatus: specialized.status }),
      detail: `${describeObservation('specialized', specialized)}, but provincial has no record of the dossier`,
    };
  }

  if (specialized === undefined) {
    if (!input.expectedInSpecialized) return null;
    return {
      class: 'MISSING_IN_SPECIALIZED',
      laggingSystem: 'specialized',
      leadingSystem: 'provincial',
      ...(provincial.status === null ? {} : { expectedStatus: provincial.status }),
      detail: `${describeObservation('provincial', provincial)}, so the dossier should have reached specialized, which has no record of it`,
    };
  }

  return compareStatuses('provincial', provincial, 'specialized', specialized);
}
