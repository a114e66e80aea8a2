import { describe, expect, it } from 'vitest';
import { DOSSIER_STATUSES, STATUS_CODE, type DossierStatus } from '../../../src/domain/dossier-status.js';
import {
  MISMATCH_CLASSES,
  classifyDossier,
  isExpectedInSpecialized,
  type ObservedState,
} from '../../../src/domain/mismatch.js';
import { canReach } from '../../../src/domain/status-transitions.js';

const T0 = new Date('2025-03-10T01:00:00Z');
const T1 = new Date('2025-03-10T02:00:00Z');

function state(status: DossierStatus | null, updatedAt: Date = T0, nativeStatus?: string): ObservedState {
  return { status, nativeStatus: nativeStatus ?? (status === null ? 'unknown' : String(STATUS_CODE[status])), updatedAt };
}

function both(provincial: ObservedState, specialized: ObservedState) {
  return classifyDossier({ observations: { provincial, specialized }, expectedInSpecialized: true });
}

describe('MISMATCH_CLASSES', () => {
  it('lists the classes in their stored spelling, new ones appended', () => {
    expect(MISMATCH_CLASSES).toEqual([
      'STATUS_BEHIND',
      'STATUS_CONFLICT',
      'MISSING_IN_PROVINCIAL',
      'MISSING_IN_SPECIALIZED',
      'ILLEGAL_TRANSITION',
      'MISSING_IN_NATIONAL_PORTAL',
      'DUE_DATE_DIVERGED',
      'UNIT_UNMAPPED',
      'DUPLICATE',
      'DATA_QUALITY',
    ]);
  });
});

describe('isExpectedInSpecialized', () => {
  it.each(DOSSIER_STATUSES.map((status) => [status, status !== 'SUBMITTED' && status !== 'REJECTED'] as const))(
    'for a provincial status of %s says %s',
    (status, expected) => {
      expect(isExpectedInSpecialized(status)).toBe(expected);
    },
  );
});

describe('classifyDossier', () => {
  describe('when both systems hold the dossier', () => {
    it('finds nothing when the canonical statuses are equal, even with different native words and times', () => {
      expect(both(state('PROCESSING', T0, '4'), state('PROCESSING', T1, 'in_review'))).toBeNull();
    });

    it('marks a dossier finished in the ministry but open in the province as STATUS_BEHIND', () => {
      expect(both(state('PROCESSING', T1, '4'), state('RESOLVED', T0, 'approved'))).toEqual({
        class: 'STATUS_BEHIND',
        laggingSystem: 'provincial',
        leadingSystem: 'specialized',
        expectedStatus: 'RESOLVED',
        detail:
          "provincial shows '4' = PROCESSING (4), specialized shows 'approved' = RESOLVED (9); RESOLVED legally follows PROCESSING, so provincial is behind",
      });
    });

    it('marks the specialized system behind when the province has already returned the result', () => {
      expect(both(state('RESULT_RETURNED'), state('PROCESSING'))).toMatchObject({
        class: 'STATUS_BEHIND',
        laggingSystem: 'specialized',
        leadingSystem: 'provincial',
        expectedStatus: 'RESULT_RETURNED',
      });
    });

    it('marks a specialized system still at RECEIVED behind a province asking for supplements', () => {
      expect(both(state('SUPPLEMENT_REQUESTED'), state('RECEIVED'))).toMatchObject({
        class: 'STATUS_BEHIND',
        laggingSystem: 'specialized',
        expectedStatus: 'SUPPLEMENT_REQUESTED',
      });
    });

    it('lets the graph decide over time: a later change to an earlier status is still behind', () => {
      expect(both(state('RESOLVED', T0), state('PROCESSING', T1))).toMatchObject({ class: 'STATUS_BEHIND', laggingSystem: 'specialized' });
    });

    describe('on the pause cycle, where each status can follow the other', () => {
      it('takes the system that changed later as leading', () => {
        const finding = both(state('PROCESSING', T0, '4'), state('SUPPLEMENT_REQUESTED', T1, 'awaiting_documents'));
        expect(finding).toEqual({
          class: 'STATUS_BEHIND',
          laggingSystem: 'provincial',
          leadingSystem: 'specialized',
          expectedStatus: 'SUPPLEMENT_REQUESTED',
          detail:
            "provincial shows '4' = PROCESSING (4), specialized shows 'awaiting_documents' = SUPPLEMENT_REQUESTED (5); each status can follow the other and specialized changed later (2025-03-10T02:00:00.000Z after 2025-03-10T01:00:00.000Z), so provincial is behind",
        });
      });

      it('takes the province as leading when it changed later', () => {
        expect(both(state('PROCESSING', T1), state('SUPPLEMENT_REQUESTED', T0))).toMatchObject({
          class: 'STATUS_BEHIND',
          laggingSystem: 'specialized',
          leadingSystem: 'provincial',
          expectedStatus: 'PROCESSING',
        });
      });

      it('calls it a STATUS_CONFLICT when both changed at the same instant', () => {
        const finding = both(state('SUSPENDED', T0), state('AWAITING_FINANCIAL_OBLIGATION', new Date(T0)));
        expect(finding?.class).toBe('STATUS_CONFLICT');
        expect(finding?.laggingSystem).toBeUndefined();
        expect(finding?.leadingSystem).toBeUndefined();
        expect(finding?.expectedStatus).toBeUndefined();
        expect(finding?.detail).toContain('both changed at 2025-03-10T01:00:00.000Z');
      });
    });

    it('calls RESOLVED against REJECTED a STATUS_CONFLICT, since neither can follow the other', () => {
      expect(both(state('REJECTED', T0, '3'), state('RESOLVED', T1, 'approved'))).toEqual({
        class: 'STATUS_CONFLICT',
        detail:
          "provincial shows '3' = REJECTED (3), specialized shows 'approved' = RESOLVED (9); neither status can legally follow the other",
      });
    });

    it('calls RESULT_RETURNED against WITHDRAWN a STATUS_CONFLICT', () => {
      expect(both(state('RESULT_RETURNED'), state('WITHDRAWN'))?.class).toBe('STATUS_CONFLICT');
      expect(both(state('WITHDRAWN'), state('RESULT_RETURNED'))?.class).toBe('STATUS_CONFLICT');
    });

    describe('with an unmapped status', () => {
      it('calls an unmapped provincial status against a mapped one a STATUS_CONFLICT', () => {
        expect(both(state(null, T0, '11'), state('RESOLVED', T1, 'approved'))).toEqual({
          class: 'STATUS_CONFLICT',
          detail:
            "provincial shows '11' = no canonical status, specialized shows 'approved' = RESOLVED (9); the status of provincial has no canonical meaning, so the hub cannot tell which is current",
        });
      });

      it('calls an unmapped specialized status a STATUS_CONFLICT too', () => {
        expect(both(state('PROCESSING'), state(null, T0, 'on_hold_legal'))?.class).toBe('STATUS_CONFLICT');
      });

      it('names both systems when neither status is mapped and the native words differ', () => {
        const finding = both(state(null, T0, '0'), state(null, T0, 'archived'));
        expect(finding?.class).toBe('STATUS_CONFLICT');
        expect(finding?.detail).toContain('the status of provincial and specialized has no canonical meaning');
      });

      it('finds nothing when both report the same native word', () => {
        expect(both(state(null, T0, '0'), state(null, T1, '0'))).toBeNull();
        expect(both(state(null, T0, 'done'), state('RESULT_RETURNED', T1, 'done'))).toBeNull();
      });
    });
  });

  describe('when a system has no record', () => {
    it('reports MISSING_IN_PROVINCIAL when only the specialized system holds the dossier', () => {
      expect(
        classifyDossier({ observations: { specialized: state('PROCESSING', T0, 'in_review') }, expectedInSpecialized: true }),
      ).toEqual({
        class: 'MISSING_IN_PROVINCIAL',
        laggingSystem: 'provincial',
        leadingSystem: 'specialized',
        expectedStatus: 'PROCESSING',
        detail: "specialized shows 'in_review' = PROCESSING (4), but provincial has no record of the dossier",
      });
    });

    it('reports MISSING_IN_PROVINCIAL whatever expectedInSpecialized says', () => {
      expect(
        classifyDossier({ observations: { specialized: state('RESOLVED') }, expectedInSpecialized: false })?.class,
      ).toBe('MISSING_IN_PROVINCIAL');
    });

    it('leaves expectedStatus out when the specialized status is unmapped', () => {
      const finding = classifyDossier({ observations: { specialized: state(null, T0, 'x') }, expectedInSpecialized: true });
      expect(finding?.class).toBe('MISSING_IN_PROVINCIAL');
      expect(finding).not.toHaveProperty('expectedStatus');
    });

    it('reports MISSING_IN_SPECIALIZED for a received dossier that never reached the ministry', () => {
      expect(
        classifyDossier({ observations: { provincial: state('RECEIVED', T0, '2') }, expectedInSpecialized: true }),
      ).toEqual({
        class: 'MISSING_IN_SPECIALIZED',
        laggingSystem: 'specialized',
        leadingSystem: 'provincial',
        expectedStatus: 'RECEIVED',
        detail:
          "provincial shows '2' = RECEIVED (2), so the dossier should have reached specialized, which has no record of it",
      });
    });

    it('finds nothing when the specialized system is not expected to hold the dossier', () => {
      expect(classifyDossier({ observations: { provincial: state('SUBMITTED') }, expectedInSpecialized: false })).toBeNull();
    });

    it('agrees with isExpectedInSpecialized for every provincial status', () => {
      for (const status of DOSSIER_STATUSES) {
        const finding = classifyDossier({
          observations: { provincial: state(status) },
          expectedInSpecialized: isExpectedInSpecialized(status),
        });
        expect(finding?.class ?? null, status).toBe(isExpectedInSpecialized(status) ? 'MISSING_IN_SPECIALIZED' : null);
      }
    });

    it('finds nothing when neither system holds the dossier', () => {
      expect(classifyDossier({ observations: {}, expectedInSpecialized: true })).toBeNull();
    });

    it('ignores observations of systems it does not classify yet', () => {
      expect(
        classifyDossier({
          observations: { provincial: state('PROCESSING'), specialized: state('PROCESSING'), 'national-portal': state('RECEIVED') },
          expectedInSpecialized: true,
        }),
      ).toBeNull();
    });
  });

  describe('over every pair of canonical statuses', () => {
    const timings: [Date, Date][] = [
      [T0, T1],
      [T1, T0],
      [T0, T0],
    ];

    it('finds nothing exactly when the statuses are equal', () => {
      for (const p of DOSSIER_STATUSES) {
        for (const s of DOSSIER_STATUSES) {
          for (const [tp, ts] of timings) expect(both(state(p, tp), state(s, ts)) === null, `${p} vs ${s}`).toBe(p === s);
        }
      }
    });

    it('only ever names a leading system whose status can legally follow the lagging one', () => {
      for (const p of DOSSIER_STATUSES) {
        for (const s of DOSSIER_STATUSES) {
          for (const [tp, ts] of timings) {
            const finding = both(state(p, tp), state(s, ts));
            if (finding?.class !== 'STATUS_BEHIND') continue;
            const [lagging, leading] = finding.laggingSystem === 'provincial' ? [p, s] : [s, p];
            expect(finding.expectedStatus).toBe(leading);
            expect(canReach(lagging, leading), `${lagging} ⇝ ${leading}`).toBe(true);
          }
        }
      }
    });

    it('calls a pair STATUS_CONFLICT exactly when neither can follow the other or a cycle tie leaves it open', () => {
      for (const p of DOSSIER_STATUSES) {
        for (const s of DOSSIER_STATUSES) {
          if (p === s) continue;
          for (const [tp, ts] of timings) {
            const forward = canReach(p, s);
            const backward = canReach(s, p);
            const expectConflict = (!forward && !backward) || (forward && backward && tp.getTime() === ts.getTime());
            expect(both(state(p, tp), state(s, ts))?.class, `${p} vs ${s}`).toBe(
              expectConflict ? 'STATUS_CONFLICT' : 'STATUS_BEHIND',
            );
          }
        }
      }
    });

    it('swaps lagging and leading when the two systems swap statuses', () => {
      for (const p of DOSSIER_STATUSES) {
        for (const s of DOSSIER_STATUSES) {
          const forward = both(state(p, T0), state(s, T1));
          const backward = both(state(s, T1), state(p, T0));
          expect(backward?.class, `${p} vs ${s}`).toBe(forward?.class);
          if (forward?.class === 'STATUS_BEHIND') {
            expect(backward?.laggingSystem).toBe(forward.leadingSystem);
            expect(backward?.expectedStatus).toBe(forward.expectedStatus);
          }
        }
      }
    });
  });
});
