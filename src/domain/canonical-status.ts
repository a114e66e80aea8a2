import type { SystemId } from '../connectors/system-id.js';
import type { DossierStatus } from './dossier-status.js';
import { compareProgress } from './status-progress.js';

export interface StatusObservation {
  /** Null when the native status has no canonical meaning; such observations are ignored. */
  readonly status: DossierStatus | null;
  readonly updatedAt: Date;
}

/**
 * Whose view wins when two systems' statuses conflict, most authoritative first. The one-stop
 * shop is authoritative for receipt and return of results; the ministry's software decides the
 * substance; the national portal only mirrors what the province sends it.
 */
export const STATUS_AUTHORITY: readonly SystemId[] = Object.freeze([
  'provincial',
  'specialized',
  'civil-registration',
  'national-portal',
  'population',
  'party-documents',
  'government-documents',
] satisfies SystemId[]);

/**
 * The hub's single status for a dossier: the status of the system furthest along the legal
 * graph (on the pause cycle, the one changed most recently). When two statuses conflict, the
 * more authoritative system's is kept. Systems are taken in STATUS_AUTHORITY order, so the
 * result does not depend on the order of keys in the input. Null when no system reports a
 * mapped status.
 */
export function canonicalStatus(
  observations: Partial<Readonly<Record<SystemId, StatusObservation>>>,
): DossierStatus | null {
  let leader: { status: DossierStatus; updatedAt: Date } | null = null;
  for (const system of STATUS_AUTHORITY) {
    const observation = observations[system];
    if (observation === undefined || observation.status === null) continue;
    const candidate = { status: observation.status, updatedAt: observation.updatedAt };
    if (leader === null) {
      leader = candidate;
      continue;
    }
    const comparison = compareProgress(leader, candidate);
    if (comparison.relation === 'AHEAD' && comparison.leader === 'second') leader = candidate;
  }
  return leader?.status ?? null;
}
