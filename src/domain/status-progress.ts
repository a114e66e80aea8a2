import type { DossierStatus } from './dossier-status.js';
import { canReach } from './status-transitions.js';

/** One system's mapped status for a dossier and when that system last changed it. */
export interface TimedStatus {
  readonly status: DossierStatus;
  readonly updatedAt: Date;
}

export type ProgressComparison =
  | { readonly relation: 'SAME' }
  | {
      readonly relation: 'AHEAD';
      readonly leader: 'first' | 'second';
      /** GRAPH: only the leader's status can follow the other's. RECENCY: both can follow each other. */
      readonly basis: 'GRAPH' | 'RECENCY';
    }
  | {
      readonly relation: 'CONFLICT';
      /** UNREACHABLE: neither status can follow the other. SIMULTANEOUS: a cycle and equal times. */
      readonly basis: 'UNREACHABLE' | 'SIMULTANEOUS';
    };

/**
 * Which of two systems is further along with a dossier. A status that can legally follow the
 * other's is ahead. The pause cycle (PROCESSING ↔ SUPPLEMENT_REQUESTED, …) makes some pairs reach
 * each other; the graph cannot order those, so the more recent change is ahead.
 */
export function compareProgress(first: TimedStatus, second: TimedStatus): ProgressComparison {
  if (first.status === second.status) return { relation: 'SAME' };
  const secondFollows = canReach(first.status, second.status);
  const firstFollows = canReach(second.status, first.status);
  if (firstFollows && !secondFollows) return { relation: 'AHEAD', leader: 'first', basis: 'GRAPH' };
  if (secondFollows && !firstFollows) return { relation: 'AHEAD', leader: 'second', basis: 'GRAPH' };
  if (!firstFollows && !secondFollows) return { relation: 'CONFLICT', basis: 'UNREACHABLE' };
  const difference = first.updatedAt.getTime() - second.updatedAt.getTime();
  if (difference > 0) return { relation: 'AHEAD', leader: 'first', basis: 'RECENCY' };
  if (difference < 0) return { relation: 'AHEAD', leader: 'second', basis: 'RECENCY' };
  return { relation: 'CONFLICT', basis: 'SIMULTANEOUS' };
}
