import { describe, expect, it } from 'vitest';
import { DOSSIER_STATUSES } from '../../../src/domain/dossier-status.js';
import { compareProgress, type ProgressComparison } from '../../../src/domain/status-progress.js';
import { canReach } from '../../../src/domain/status-transitions.js';

const EARLIER = new Date('2025-03-10T01:00:00Z');
const LATER = new Date('2025-03-10T02:00:00Z');

function mirrored(comparison: ProgressComparison): ProgressComparison {
  if (comparison.relation !== 'AHEAD') return comparison;
  return { ...comparison, leader: comparison.leader === 'first' ? 'second' : 'first' };
}

describe('compareProgress', () => {
  it('calls equal statuses the same, whatever their times', () => {
    expect(compareProgress({ status: 'PROCESSING', updatedAt: EARLIER }, { status: 'PROCESSING', updatedAt: LATER })).toEqual({
      relation: 'SAME',
    });
  });

  it('puts the status that legally follows ahead, even when it changed earlier', () => {
    expect(compareProgress({ status: 'RESOLVED', updatedAt: EARLIER }, { status: 'PROCESSING', updatedAt: LATER })).toEqual({
      relation: 'AHEAD',
      leader: 'first',
      basis: 'GRAPH',
    });
    expect(compareProgress({ status: 'RECEIVED', updatedAt: LATER }, { status: 'RESULT_RETURNED', updatedAt: EARLIER })).toEqual({
      relation: 'AHEAD',
      leader: 'second',
      basis: 'GRAPH',
    });
  });

  it('orders two statuses on the pause cycle by the later change', () => {
    expect(
      compareProgress({ status: 'PROCESSING', updatedAt: EARLIER }, { status: 'SUPPLEMENT_REQUESTED', updatedAt: LATER }),
    ).toEqual({ relation: 'AHEAD', leader: 'second', basis: 'RECENCY' });
    expect(
      compareProgress({ status: 'PROCESSING', updatedAt: LATER }, { status: 'SUPPLEMENT_REQUESTED', updatedAt: EARLIER }),
    ).toEqual({ relation: 'AHEAD', leader: 'first', basis: 'RECENCY' });
  });

  it('calls a pause-cycle pair changed at the same instant a conflict', () => {
    expect(
      compareProgress({ status: 'SUSPENDED', updatedAt: EARLIER }, { status: 'PROCESSING', updatedAt: new Date(EARLIER) }),
    ).toEqual({ relation: 'CONFLICT', basis: 'SIMULTANEOUS' });
  });

  it('calls two statuses that cannot follow each other a conflict', () => {
    expect(compareProgress({ status: 'RESOLVED', updatedAt: LATER }, { status: 'REJECTED', updatedAt: EARLIER })).toEqual({
      relation: 'CONFLICT',
      basis: 'UNREACHABLE',
    });
  });

  it('gives the mirrored answer when the arguments are swapped, for every pair and timing', () => {
    for (const a of DOSSIER_STATUSES) {
      for (const b of DOSSIER_STATUSES) {
        for (const [ta, tb] of [
          [EARLIER, LATER],
          [LATER, EARLIER],
          [EARLIER, EARLIER],
        ] as const) {
          const forward = compareProgress({ status: a, updatedAt: ta }, { status: b, updatedAt: tb });
          const backward = compareProgress({ status: b, updatedAt: tb }, { status: a, updatedAt: ta });
          expect(backward, `${a} vs ${b}`).toEqual(mirrored(forward));
        }
      }
    }
  });

  it('only puts a status ahead that can legally follow the other', () => {
    for (const a of DOSSIER_STATUSES) {
      for (const b of DOSSIER_STATUSES) {
        const comparison = compareProgress({ status: a, updatedAt: LATER }, { status: b, updatedAt: EARLIER });
        if (comparison.relation === 'AHEAD') {
          const [leader, other] = comparison.leader === 'first' ? [a, b] : [b, a];
          expect(canReach(other, leader), `${leader} follows ${other}`).toBe(true);
        }
      }
    }
  });
});
