import { describe, expect, it } from 'vitest';
import { DOSSIER_STATUSES, type DossierStatus } from '../../../src/domain/dossier-status.js';
import {
  LEGAL_TRANSITIONS,
  TERMINAL_STATUSES,
  canReach,
  canTransition,
  checkTransition,
  isTerminal,
  reachableFrom,
} from '../../../src/domain/status-transitions.js';
import { errorOf, valueOf } from './unwrap.js';

const PAIRS: [DossierStatus, DossierStatus][] = DOSSIER_STATUSES.flatMap((from) =>
  DOSSIER_STATUSES.map((to): [DossierStatus, DossierStatus] => [from, to]),
);

const PAUSE_CYCLE: DossierStatus[] = ['PROCESSING', 'SUPPLEMENT_REQUESTED', 'AWAITING_FINANCIAL_OBLIGATION', 'SUSPENDED'];

describe('LEGAL_TRANSITIONS', () => {
  it('is exactly the documented graph', () => {
    expect(LEGAL_TRANSITIONS).toEqual({
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
  });

  it('has an entry for every canonical status and no other key', () => {
    expect(Object.keys(LEGAL_TRANSITIONS).sort()).toEqual([...DOSSIER_STATUSES].sort());
  });

  it('lists only canonical statuses, each at most once, never the status itself', () => {
    for (const from of DOSSIER_STATUSES) {
      const next = LEGAL_TRANSITIONS[from];
      expect(new Set(next).size).toBe(next.length);
      expect(next).not.toContain(from);
      for (const to of next) expect(DOSSIER_STATUSES).toContain(to);
    }
  });

  it('is frozen so no caller can add an edge at runtime', () => {
    expect(Object.isFrozen(LEGAL_TRANSITIONS)).toBe(true);
    for (const from of DOSSIER_STATUSES) expect(Object.isFrozen(LEGAL_TRANSITIONS[from])).toBe(true);
  });

  it('never leads back to SUBMITTED, and only SUBMITTED or RECEIVED lead to REJECTED', () => {
    for (const [from, to] of PAIRS) {
      if (to === 'SUBMITTED') expect(canTransition(from, to)).toBe(false);
      if (to === 'REJECTED') expect(canTransition(from, to)).toBe(from === 'SUBMITTED' || from === 'RECEIVED');
    }
  });

  it('lets the citizen withdraw from every open status before the result exists', () => {
    for (const from of DOSSIER_STATUSES) {
      const open = !isTerminal(from) && from !== 'RESOLVED';
      expect(canTransition(from, 'WITHDRAWN')).toBe(open);
    }
  });
});

describe('canTransition', () => {
  it.each(PAIRS)('agrees with LEGAL_TRANSITIONS for %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(LEGAL_TRANSITIONS[from].includes(to));
  });

  it('allows RECEIVED → RESOLVED for procedures resolved on the spot', () => {
    expect(canTransition('RECEIVED', 'RESOLVED')).toBe(true);
  });

  it('does not allow PROCESSING → RESULT_RETURNED without RESOLVED first', () => {
    expect(canTransition('PROCESSING', 'RESULT_RETURNED')).toBe(false);
  });
});

describe('isTerminal', () => {
  it('holds for REJECTED, WITHDRAWN and RESULT_RETURNED only', () => {
    expect(DOSSIER_STATUSES.filter(isTerminal)).toEqual(['REJECTED', 'WITHDRAWN', 'RESULT_RETURNED']);
    expect(TERMINAL_STATUSES).toEqual(['REJECTED', 'WITHDRAWN', 'RESULT_RETURNED']);
  });
});

describe('canReach', () => {
  it('includes every single legal step', () => {
    for (const [from, to] of PAIRS) if (canTransition(from, to)) expect(canReach(from, to)).toBe(true);
  });

  it('is transitive over every triple of statuses', () => {
    for (const [a, b] of PAIRS) {
      if (!canReach(a, b)) continue;
      for (const c of DOSSIER_STATUSES) if (canReach(b, c)) expect(canReach(a, c), `${a} → ${b} → ${c}`).toBe(true);
    }
  });

  it('holds only where a first legal step leads on to the target (no invented paths)', () => {
    for (const [from, to] of PAIRS) {
      const viaSomeStep = LEGAL_TRANSITIONS[from].some((step) => step === to || canReach(step, to));
      expect(canReach(from, to), `${from} ⇝ ${to}`).toBe(viaSomeStep);
    }
  });

  it('matches a breadth-first search of the graph for every pair', () => {
    for (const from of DOSSIER_STATUSES) {
      const seen = new Set<DossierStatus>();
      const frontier = [...LEGAL_TRANSITIONS[from]];
      while (frontier.length > 0) {
        const status = frontier.shift();
        if (status === undefined || seen.has(status)) continue;
        seen.add(status);
        frontier.push(...LEGAL_TRANSITIONS[status]);
      }
      for (const to of DOSSIER_STATUSES) expect(canReach(from, to), `${from} ⇝ ${to}`).toBe(seen.has(to));
      expect([...reachableFrom(from)].sort()).toEqual([...seen].sort());
    }
  });

  it('reaches nothing from a terminal status', () => {
    for (const from of TERMINAL_STATUSES) for (const to of DOSSIER_STATUSES) expect(canReach(from, to)).toBe(false);
  });

  it('reaches every other status from SUBMITTED, and SUBMITTED from nowhere', () => {
    for (const to of DOSSIER_STATUSES) expect(canReach('SUBMITTED', to)).toBe(to !== 'SUBMITTED');
    for (const from of DOSSIER_STATUSES) expect(canReach(from, 'SUBMITTED')).toBe(false);
  });

  it('lets every open status reach a final status, so no dossier can get stuck', () => {
    for (const from of DOSSIER_STATUSES) {
      if (isTerminal(from)) continue;
      expect(TERMINAL_STATUSES.some((end) => canReach(from, end)), from).toBe(true);
    }
  });

  it('makes the pause statuses and PROCESSING mutually reachable', () => {
    for (const a of PAUSE_CYCLE) for (const b of PAUSE_CYCLE) expect(canReach(a, b), `${a} ⇝ ${b}`).toBe(true);
  });

  it('has no cycle outside the pause statuses', () => {
    for (const status of DOSSIER_STATUSES) expect(canReach(status, status)).toBe(PAUSE_CYCLE.includes(status));
  });

  it('never goes back to RECEIVED once processing began', () => {
    for (const from of PAUSE_CYCLE) expect(canReach(from, 'RECEIVED')).toBe(false);
  });

  it('separates the outcomes: RESOLVED and REJECTED, RESULT_RETURNED and WITHDRAWN', () => {
    expect(canReach('RESOLVED', 'REJECTED')).toBe(false);
    expect(canReach('REJECTED', 'RESOLVED')).toBe(false);
    expect(canReach('RESULT_RETURNED', 'WITHDRAWN')).toBe(false);
    expect(canReach('WITHDRAWN', 'RESULT_RETURNED')).toBe(false);
    expect(canReach('RESOLVED', 'WITHDRAWN')).toBe(false);
  });

  it('reaches RESULT_RETURNED from SUPPLEMENT_REQUESTED through PROCESSING and RESOLVED', () => {
    expect(canTransition('SUPPLEMENT_REQUESTED', 'RESULT_RETURNED')).toBe(false);
    expect(canReach('SUPPLEMENT_REQUESTED', 'RESULT_RETURNED')).toBe(true);
  });
});

describe('checkTransition', () => {
  it('returns the transition when the step is legal', () => {
    expect(valueOf(checkTransition('RECEIVED', 'PROCESSING'))).toEqual({ from: 'RECEIVED', to: 'PROCESSING' });
  });

  it.each(PAIRS)('agrees with canTransition for %s → %s', (from, to) => {
    const result = checkTransition(from, to);
    expect(result.ok).toBe(canTransition(from, to));
    if (!result.ok) expect(result.error.code).toBe('ILLEGAL_TRANSITION');
  });

  it('names the legal next statuses when a step is skipped', () => {
    expect(errorOf(checkTransition('PROCESSING', 'RESULT_RETURNED'))).toEqual({
      code: 'ILLEGAL_TRANSITION',
      message:
        'PROCESSING (4) cannot move directly to RESULT_RETURNED (10); the legal next statuses are SUPPLEMENT_REQUESTED, AWAITING_FINANCIAL_OBLIGATION, SUSPENDED, WITHDRAWN, RESOLVED',
    });
  });

  it('says a final status accepts no successor', () => {
    expect(errorOf(checkTransition('RESULT_RETURNED', 'PROCESSING')).message).toBe(
      'RESULT_RETURNED (10) is a final status; no status may follow it, so it cannot become PROCESSING (4)',
    );
  });

  it('refuses an unchanged status as a transition', () => {
    expect(errorOf(checkTransition('PROCESSING', 'PROCESSING')).message).toBe(
      'PROCESSING (4) cannot transition to itself; an unchanged status is not a transition',
    );
  });
});
