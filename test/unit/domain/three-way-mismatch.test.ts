import { describe, expect, it } from 'vitest';
import { AUTHORITY_RULES, type AuthorityRuleSet, type ReconciledSystem } from '../../../src/domain/authority-rules.js';
import type { CommuneResolution } from '../../../src/domain/commune-resolution.js';
import { DOSSIER_STATUSES, STATUS_CODE, type DossierStatus } from '../../../src/domain/dossier-status.js';
import { MISMATCH_CLASSES, classifyDossier } from '../../../src/domain/mismatch.js';
import { canReach } from '../../../src/domain/status-transitions.js';
import {
  DEFAULT_SYNC_LAG_MS,
  classifyThreeWay,
  describeDuplicate,
  duplicateFinding,
  type SystemObservation,
  type ThreeWayFinding,
  type ThreeWayInput,
} from '../../../src/domain/three-way-mismatch.js';

const NOW = new Date('2026-03-02T03:00:00Z');
const HOURS_AGO = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);
const T0 = HOURS_AGO(3);
const T1 = HOURS_AGO(2);
const DUE = new Date('2026-03-10T10:00:00Z');

const CURRENT = '32002';
const UNAMBIGUOUS_LEGACY = '32011';
const AMBIGUOUS_LEGACY = '32017';

const COMMUNES = new Map<string, CommuneResolution>([
  [CURRENT, { kind: 'CURRENT' }],
  ['32005', { kind: 'CURRENT' }],
  [UNAMBIGUOUS_LEGACY, { kind: 'LEGACY_UNAMBIGUOUS', newCode: CURRENT }],
  [AMBIGUOUS_LEGACY, { kind: 'LEGACY_AMBIGUOUS', candidates: [CURRENT, '32005'] }],
]);
const resolveCommune = (code: string): CommuneResolution => COMMUNES.get(code) ?? { kind: 'UNKNOWN' };

function copy(status: DossierStatus | null, overrides: Partial<SystemObservation> = {}): SystemObservation {
  return {
    status,
    nativeStatus: status === null ? 'unknown' : String(STATUS_CODE[status]),
    updatedAt: T0,
    communeCode: CURRENT,
    dueAt: DUE,
    ...overrides,
  };
}

function classify(observations: ThreeWayInput['observations'], options: Partial<ThreeWayInput> = {}) {
  return classifyThreeWay({ observations, now: NOW, resolveCommune, ...options });
}

/** Findings of a dossier the portal mirrors faithfully: only the provincial/specialized story. */
function findingsOf(provincial: SystemObservation | undefined, specialized: SystemObservation | undefined, options: Partial<ThreeWayInput> = {}) {
  return classify(
    {
      ...(provincial ? { provincial, 'national-portal': { ...provincial, nativeStatus: 'portal' } } : {}),
      ...(specialized ? { specialized } : {}),
    },
    options,
  ).findings;
}

function only(findings: readonly ThreeWayFinding[]): ThreeWayFinding {
  expect(findings).toHaveLength(1);
  return findings[0] as ThreeWayFinding;
}

function withoutRule(id: string): AuthorityRuleSet {
  return { version: 'test', rules: AUTHORITY_RULES.rules.filter((rule) => rule.id !== id) };
}

describe('classifyThreeWay', () => {
  it('finds nothing when all three copies agree', () => {
    const result = classify({
      provincial: copy('PROCESSING'),
      specialized: copy('PROCESSING', { nativeStatus: 'in_review', updatedAt: T1 }),
      'national-portal': copy('PROCESSING', { nativeStatus: 'processing' }),
    });
    expect(result.findings).toEqual([]);
    expect(result.remapped).toEqual([]);
    expect(result.canonical).toMatchObject({ status: 'PROCESSING', basis: 'AGREED' });
  });

  it('finds nothing when no system holds the dossier', () => {
    expect(classify({}).findings).toEqual([]);
  });

  describe('STATUS_BEHIND', () => {
    it('corrects a province that missed the ministry’s decision, under LATER_LEGAL_STATUS', () => {
      expect(only(findingsOf(copy('PROCESSING', { updatedAt: T1 }), copy('RESOLVED', { nativeStatus: 'approved' })))).toEqual({
        class: 'STATUS_BEHIND',
        laggingSystems: ['provincial', 'national-portal'],
        leadingSystem: 'specialized',
        expectedStatus: 'RESOLVED',
        expectedDueAt: null,
        settledBy: 'LATER_LEGAL_STATUS',
        pendingSync: false,
        pendingUntil: null,
        detail:
          "provincial shows '4' = PROCESSING (4), specialized shows 'approved' = RESOLVED (9); RESOLVED legally follows PROCESSING, so provincial is behind; national-portal shows 'portal' = PROCESSING (4), behind as well",
      });
    });

    it('corrects the ministry when the province has returned the result', () => {
      expect(only(findingsOf(copy('RESULT_RETURNED'), copy('RESOLVED')))).toMatchObject({
        class: 'STATUS_BEHIND',
        laggingSystems: ['specialized'],
        leadingSystem: 'provincial',
        expectedStatus: 'RESULT_RETURNED',
        settledBy: 'LATER_LEGAL_STATUS',
      });
    });

    it('takes the most recent change on the pause cycle, under MOST_RECENT_ON_PAUSE_CYCLE', () => {
      expect(only(findingsOf(copy('PROCESSING', { updatedAt: T0 }), copy('SUPPLEMENT_REQUESTED', { updatedAt: T1 })))).toMatchObject({
        class: 'STATUS_BEHIND',
        laggingSystems: ['provincial', 'national-portal'],
        expectedStatus: 'SUPPLEMENT_REQUESTED',
        settledBy: 'MOST_RECENT_ON_PAUSE_CYCLE',
      });
    });

    it('reports the difference but names no correction when the rule is not in the set', () => {
      const finding = only(findingsOf(copy('PROCESSING'), copy('RESOLVED'), { rules: withoutRule('LATER_LEGAL_STATUS') }));
      expect(finding).toMatchObject({ class: 'STATUS_BEHIND', settledBy: null, laggingSystems: [], expectedStatus: null });
    });
  });

  describe('STATUS_CONFLICT', () => {
    it("settles a province's refusal against the ministry's decision for the ministry, correcting the other systems", () => {
      const finding = only(findingsOf(copy('REJECTED'), copy('RESOLVED', { nativeStatus: 'approved' })));
      expect(finding).toEqual({
        class: 'STATUS_CONFLICT',
        laggingSystems: ['provincial', 'national-portal'],
        leadingSystem: 'specialized',
        expectedStatus: 'RESOLVED',
        expectedDueAt: null,
        settledBy: 'PROCESSING_OVER_RECEIPT',
        pendingSync: false,
        pendingUntil: null,
        detail:
          "provincial shows '3' = REJECTED (3), specialized shows 'approved' = RESOLVED (9); neither status can legally follow the other; under rule PROCESSING_OVER_RECEIPT the specialized status RESOLVED stands, so provincial is corrected; national-portal shows 'portal' = REJECTED (3), in conflict as well",
      });
    });

    it('settles a withdrawal the province recorded against the ministry’s resolution under SPECIALIZED_PROCESSING', () => {
      expect(only(findingsOf(copy('WITHDRAWN'), copy('RESOLVED')))).toMatchObject({
        class: 'STATUS_CONFLICT',
        laggingSystems: ['provincial', 'national-portal'],
        leadingSystem: 'specialized',
        expectedStatus: 'RESOLVED',
        settledBy: 'SPECIALIZED_PROCESSING',
      });
    });

    it('settles a pause-cycle tie at the same instant for the ministry under SPECIALIZED_PROCESSING', () => {
      const findings = findingsOf(copy('SUSPENDED'), copy('AWAITING_FINANCIAL_OBLIGATION'));
      expect(findings.map((f) => [f.class, f.laggingSystems, f.expectedStatus, f.settledBy])).toEqual([
        ['STATUS_CONFLICT', ['provincial'], 'AWAITING_FINANCIAL_OBLIGATION', 'SPECIALIZED_PROCESSING'],
        // On the pause cycle the portal's SUSPENDED can still lead to the canonical status: it is behind.
        ['STATUS_BEHIND', ['national-portal'], 'AWAITING_FINANCIAL_OBLIGATION', 'PORTAL_MIRRORS_PROVINCE'],
      ]);
    });

    it('settles a returned result against a ministry refusal for the province under PROVINCIAL_RESULT_RETURN', () => {
      expect(only(findingsOf(copy('RESULT_RETURNED'), copy('REJECTED')))).toMatchObject({
        class: 'STATUS_CONFLICT',
        laggingSystems: ['specialized'],
        leadingSystem: 'provincial',
        expectedStatus: 'RESULT_RETURNED',
        settledBy: 'PROVINCIAL_RESULT_RETURN',
      });
    });

    it('settles a refusal at receipt against a ministry that shows the result returned under PROVINCIAL_RECEIPT', () => {
      expect(only(findingsOf(copy('REJECTED'), copy('RESULT_RETURNED')))).toMatchObject({
        class: 'STATUS_CONFLICT',
        laggingSystems: ['specialized'],
        expectedStatus: 'REJECTED',
        settledBy: 'PROVINCIAL_RECEIPT',
      });
    });

    it('leaves a returned result against a withdrawal in the ministry to a person', () => {
      const finding = only(findingsOf(copy('RESULT_RETURNED'), copy('WITHDRAWN')));
      expect(finding).toMatchObject({
        class: 'STATUS_CONFLICT',
        laggingSystems: [],
        leadingSystem: null,
        expectedStatus: null,
        settledBy: null,
      });
      expect(finding.detail).toMatch(/no authority rule settles it, so a person must decide$/);
    });

    it('leaves an unmapped status to a person and does not correct the portal meanwhile', () => {
      const result = classify({
        provincial: copy(null, { nativeStatus: '11' }),
        specialized: copy('RESOLVED'),
        'national-portal': copy('PROCESSING'),
      });
      expect(only(result.findings)).toMatchObject({ class: 'STATUS_CONFLICT', settledBy: null, laggingSystems: [] });
      expect(result.canonical.status).toBeNull();
    });

    it('leaves the precedence case to a person once the precedence rule is removed', () => {
      const finding = only(findingsOf(copy('REJECTED'), copy('RESOLVED'), { rules: withoutRule('PROCESSING_OVER_RECEIPT') }));
      expect(finding).toMatchObject({ class: 'STATUS_CONFLICT', settledBy: null });
    });
  });

  describe('the national portal, a mirror', () => {
    it('is corrected to the canonical status when it lags, under PORTAL_MIRRORS_PROVINCE', () => {
      const finding = only(
        classify({
          provincial: copy('RESOLVED'),
          specialized: copy('RESOLVED'),
          'national-portal': copy('PROCESSING', { nativeStatus: 'processing' }),
        }).findings,
      );
      expect(finding).toEqual({
        class: 'STATUS_BEHIND',
        laggingSystems: ['national-portal'],
        leadingSystem: 'provincial',
        expectedStatus: 'RESOLVED',
        expectedDueAt: null,
        settledBy: 'PORTAL_MIRRORS_PROVINCE',
        pendingSync: false,
        pendingUntil: null,
        detail:
          "provincial shows '9' = RESOLVED (9), national-portal shows 'processing' = PROCESSING (4); RESOLVED legally follows PROCESSING, and the portal only mirrors (rule PORTAL_MIRRORS_PROVINCE), so national-portal is corrected to RESOLVED",
      });
    });

    it('is corrected even when it shows a status the province has not reached', () => {
      expect(
        only(classify({ provincial: copy('PROCESSING'), specialized: copy('PROCESSING'), 'national-portal': copy('RESOLVED') }).findings),
      ).toMatchObject({
        class: 'STATUS_CONFLICT',
        laggingSystems: ['national-portal'],
        expectedStatus: 'PROCESSING',
        settledBy: 'PORTAL_MIRRORS_PROVINCE',
      });
    });

    it('is corrected when its status has no canonical meaning', () => {
      expect(
        only(classify({ provincial: copy('RECEIVED'), specialized: copy('RECEIVED'), 'national-portal': copy(null, { nativeStatus: '0' }) }).findings),
      ).toMatchObject({ class: 'STATUS_CONFLICT', laggingSystems: ['national-portal'], expectedStatus: 'RECEIVED' });
    });

    it('gets its own finding when its class differs from the provincial/specialized one', () => {
      const result = classify({
        provincial: copy('REJECTED'),
        specialized: copy('RESOLVED'),
        'national-portal': copy('RECEIVED'),
      });
      expect(result.findings.map((finding) => [finding.class, finding.laggingSystems, finding.settledBy])).toEqual([
        ['STATUS_CONFLICT', ['provincial'], 'PROCESSING_OVER_RECEIPT'],
        ['STATUS_BEHIND', ['national-portal'], 'PORTAL_MIRRORS_PROVINCE'],
      ]);
    });

    it('is never the leading system', () => {
      for (const portal of DOSSIER_STATUSES) {
        for (const provincial of DOSSIER_STATUSES) {
          const { findings } = classify({
            provincial: copy(provincial),
            specialized: copy(provincial),
            'national-portal': copy(portal, { updatedAt: T1 }),
          });
          for (const finding of findings) expect(finding.leadingSystem).not.toBe('national-portal');
          if (portal === provincial) expect(findings).toEqual([]);
          else expect(only(findings)).toMatchObject({ laggingSystems: ['national-portal'], expectedStatus: provincial });
        }
      }
    });
  });

  describe('missing copies', () => {
    it('reports MISSING_IN_NATIONAL_PORTAL for a provincial dossier the portal lacks, to be created there', () => {
      expect(only(classify({ provincial: copy('RECEIVED'), specialized: copy('RECEIVED') }).findings)).toEqual({
        class: 'MISSING_IN_NATIONAL_PORTAL',
        laggingSystems: ['national-portal'],
        leadingSystem: 'provincial',
        expectedStatus: 'RECEIVED',
        expectedDueAt: null,
        settledBy: 'PORTAL_HOLDS_EVERY_DOSSIER',
        pendingSync: false,
        pendingUntil: null,
        detail: "provincial shows '2' = RECEIVED (2), but national-portal, which mirrors every provincial dossier, has no record of it",
      });
    });

    it('creates the portal copy with the canonical status, not a lagging provincial one', () => {
      const finding = classify({ provincial: copy('PROCESSING'), specialized: copy('RESOLVED') }).findings.find(
        (f) => f.class === 'MISSING_IN_NATIONAL_PORTAL',
      );
      expect(finding?.expectedStatus).toBe('RESOLVED');
    });

    it('reports MISSING_IN_SPECIALIZED for a received dossier the ministry lacks, to be transferred', () => {
      expect(only(findingsOf(copy('PROCESSING'), undefined))).toMatchObject({
        class: 'MISSING_IN_SPECIALIZED',
        laggingSystems: ['specialized'],
        leadingSystem: 'provincial',
        expectedStatus: 'PROCESSING',
        settledBy: 'TRANSFER_TO_SPECIALIZED',
      });
    });

    it('does not expect a dossier submitted online or refused at receipt in the ministry', () => {
      expect(findingsOf(copy('SUBMITTED'), undefined)).toEqual([]);
      expect(findingsOf(copy('REJECTED'), undefined)).toEqual([]);
      expect(findingsOf(copy('PROCESSING'), undefined, { expectedInSpecialized: false })).toEqual([]);
    });

    it('reports MISSING_IN_PROVINCIAL for a dossier only the ministry holds, to be recorded in the province', () => {
      const result = classify({ specialized: copy('PROCESSING', { nativeStatus: 'in_review' }) });
      expect(only(result.findings)).toEqual({
        class: 'MISSING_IN_PROVINCIAL',
        laggingSystems: ['provincial'],
        leadingSystem: 'specialized',
        expectedStatus: 'PROCESSING',
        expectedDueAt: null,
        settledBy: 'PROVINCIAL_RECORDS_EVERY_DOSSIER',
        pendingSync: false,
        pendingUntil: null,
        detail: "specialized shows 'in_review' = PROCESSING (4), but provincial has no record of the dossier",
      });
    });

    it('leaves a dossier only the portal holds to a person: a mirror is not a source', () => {
      expect(only(classify({ 'national-portal': copy('RECEIVED') }).findings)).toMatchObject({
        class: 'MISSING_IN_PROVINCIAL',
        leadingSystem: 'national-portal',
        settledBy: null,
      });
    });

    it('leaves a missing copy to a person when the holder’s status has no canonical meaning', () => {
      expect(only(classify({ specialized: copy(null, { nativeStatus: 'x' }) }).findings)).toMatchObject({
        class: 'MISSING_IN_PROVINCIAL',
        expectedStatus: null,
        settledBy: null,
      });
    });

    it('does not call a copy missing in a system that was not consulted', () => {
      expect(classify({ provincial: copy('PROCESSING') }, { consulted: ['provincial'] }).findings).toEqual([]);
      expect(
        classify({ provincial: copy('PROCESSING'), specialized: copy('PROCESSING') }, { consulted: ['provincial', 'specialized'] }).findings,
      ).toEqual([]);
    });
  });

  describe('DUE_DATE_DIVERGED', () => {
    const later = new Date(DUE.getTime() + 2 * 86_400_000);

    it('corrects the ministry to the appointment date of the provincial slip', () => {
      const finding = only(findingsOf(copy('PROCESSING'), copy('PROCESSING', { dueAt: later, nativeStatus: 'in_review' })));
      expect(finding).toEqual({
        class: 'DUE_DATE_DIVERGED',
        laggingSystems: ['specialized'],
        leadingSystem: 'provincial',
        expectedStatus: null,
        expectedDueAt: DUE,
        settledBy: 'PROVINCIAL_APPOINTMENT_DATE',
        pendingSync: false,
        pendingUntil: null,
        detail:
          "provincial shows '4' = PROCESSING (4) due 2026-03-10T10:00:00.000Z, specialized shows 'in_review' = PROCESSING (4) due 2026-03-12T10:00:00.000Z; the appointment slip is authoritative (rule PROVINCIAL_APPOINTMENT_DATE), so specialized is corrected to 2026-03-10T10:00:00.000Z",
      });
    });

    it('corrects the portal and the ministry together', () => {
      const finding = only(
        classify({
          provincial: copy('PROCESSING'),
          specialized: copy('PROCESSING', { dueAt: later }),
          'national-portal': copy('PROCESSING', { dueAt: new Date(DUE.getTime() - 86_400_000) }),
        }).findings,
      );
      expect(finding).toMatchObject({ class: 'DUE_DATE_DIVERGED', laggingSystems: ['specialized', 'national-portal'] });
    });

    it('accepts due dates a minute apart as the same appointment', () => {
      expect(findingsOf(copy('PROCESSING'), copy('PROCESSING', { dueAt: new Date(DUE.getTime() + 60_000) }))).toEqual([]);
      expect(findingsOf(copy('PROCESSING'), copy('PROCESSING', { dueAt: new Date(DUE.getTime() + 61_000) }))).toHaveLength(1);
    });

    it('says nothing when a copy shows no due date', () => {
      expect(findingsOf(copy('PROCESSING'), copy('PROCESSING', { dueAt: null }))).toEqual([]);
      expect(findingsOf(copy('PROCESSING', { dueAt: null }), copy('PROCESSING'))).toEqual([]);
    });

    it('comes as a finding of its own next to a status finding', () => {
      const findings = findingsOf(copy('PROCESSING'), copy('RESOLVED', { dueAt: later }));
      expect(findings.map((finding) => finding.class)).toEqual(['STATUS_BEHIND', 'DUE_DATE_DIVERGED']);
    });
  });

  describe('commune codes dissolved in 2025', () => {
    it('maps an unambiguous legacy code itself: no finding, the mapped code is reported', () => {
      const result = classify({
        provincial: copy('PROCESSING', { communeCode: UNAMBIGUOUS_LEGACY }),
        specialized: copy('PROCESSING'),
        'national-portal': copy('PROCESSING'),
      });
      expect(result.findings).toEqual([]);
      expect(result.remapped).toEqual([{ system: 'provincial', reportedCode: UNAMBIGUOUS_LEGACY, communeCode: CURRENT }]);
    });

    it('asks a person about an ambiguous legacy code', () => {
      const result = classify({
        provincial: copy('PROCESSING', { communeCode: AMBIGUOUS_LEGACY }),
        specialized: copy('PROCESSING'),
        'national-portal': copy('PROCESSING'),
      });
      expect(only(result.findings)).toEqual({
        class: 'UNIT_UNMAPPED',
        laggingSystems: ['provincial'],
        leadingSystem: null,
        expectedStatus: null,
        expectedDueAt: null,
        settledBy: null,
        pendingSync: false,
        pendingUntil: null,
        detail: `provincial reports commune ${AMBIGUOUS_LEGACY}, dissolved in 2025 and split among ${CURRENT}, 32005; a person must choose the current commune from the dossier's address`,
      });
      expect(result.remapped).toEqual([]);
    });

    it('asks a person about an unknown code, naming every system that reports one', () => {
      const finding = only(
        classify({
          provincial: copy('PROCESSING'),
          specialized: copy('PROCESSING', { communeCode: '99999' }),
          'national-portal': copy('PROCESSING', { communeCode: AMBIGUOUS_LEGACY }),
        }).findings,
      );
      expect(finding.laggingSystems).toEqual(['specialized', 'national-portal']);
      expect(finding.detail).toContain('specialized reports commune 99999, which is neither a current nor a pre-2025 commune code');
    });
  });

  describe('the sync lag', () => {
    it('reports a difference younger than the lag as pending sync', () => {
      const justNow = new Date(NOW.getTime() - 5 * 60_000);
      const finding = only(findingsOf(copy('PROCESSING'), copy('RESOLVED', { updatedAt: justNow })));
      expect(finding).toMatchObject({ class: 'STATUS_BEHIND', pendingSync: true, settledBy: 'LATER_LEGAL_STATUS' });
      // Unless something changes, it stops being pending once the lag has passed since the latest change.
      expect(finding.pendingUntil).toEqual(new Date(justNow.getTime() + DEFAULT_SYNC_LAG_MS));
    });

    it('opens it once it is older than the lag', () => {
      const older = new Date(NOW.getTime() - DEFAULT_SYNC_LAG_MS - 1);
      expect(only(findingsOf(copy('PROCESSING'), copy('RESOLVED', { updatedAt: older }))).pendingSync).toBe(false);
      expect(only(findingsOf(copy('PROCESSING'), copy('RESOLVED', { updatedAt: new Date(NOW.getTime() - DEFAULT_SYNC_LAG_MS) }))).pendingSync).toBe(
        false,
      );
    });

    it('takes the lag from the input', () => {
      const tenMinutesAgo = new Date(NOW.getTime() - 10 * 60_000);
      const findings = findingsOf(copy('PROCESSING'), copy('RESOLVED', { updatedAt: tenMinutesAgo }), { lagMs: 5 * 60_000 });
      expect(only(findings).pendingSync).toBe(false);
    });

    it('holds back a missing copy the sync may still deliver', () => {
      const justNow = new Date(NOW.getTime() - 60_000);
      expect(only(classify({ provincial: copy('RECEIVED', { updatedAt: justNow }), specialized: copy('RECEIVED') }).findings)).toMatchObject({
        class: 'MISSING_IN_NATIONAL_PORTAL',
        pendingSync: true,
      });
      expect(only(findingsOf(copy('RECEIVED', { updatedAt: justNow }), undefined))).toMatchObject({
        class: 'MISSING_IN_SPECIALIZED',
        pendingSync: true,
      });
    });

    it('does not hold back a merged finding whose older part is past the lag', () => {
      const justNow = new Date(NOW.getTime() - 60_000);
      const finding = only(
        classify({
          provincial: copy('PROCESSING', { updatedAt: T0 }),
          specialized: copy('RESOLVED', { updatedAt: T1 }),
          'national-portal': copy('PROCESSING', { updatedAt: justNow }),
        }).findings,
      );
      expect(finding).toMatchObject({ laggingSystems: ['provincial', 'national-portal'], pendingSync: false });
    });

    it('never holds back a unit code, which no sync will fix', () => {
      const justNow = new Date(NOW.getTime() - 60_000);
      const result = classify({
        provincial: copy('PROCESSING', { communeCode: '99999', updatedAt: justNow }),
        specialized: copy('PROCESSING', { updatedAt: justNow }),
        'national-portal': copy('PROCESSING', { updatedAt: justNow }),
      });
      expect(only(result.findings)).toMatchObject({ class: 'UNIT_UNMAPPED', pendingSync: false });
    });

    it('refuses a negative lag', () => {
      expect(() => findingsOf(copy('PROCESSING'), copy('PROCESSING'), { lagMs: -1 })).toThrow(RangeError);
    });
  });

  describe('over every pair of provincial and specialized statuses', () => {
    const timings: [Date, Date][] = [
      [T0, T1],
      [T1, T0],
      [T0, T0],
    ];

    it('gives the same class as the two-way classifyDossier', () => {
      for (const p of DOSSIER_STATUSES) {
        for (const s of DOSSIER_STATUSES) {
          for (const [tp, ts] of timings) {
            const provincial = copy(p, { updatedAt: tp });
            const specialized = copy(s, { updatedAt: ts });
            const twoWay = classifyDossier({ observations: { provincial, specialized }, expectedInSpecialized: true });
            const threeWay = findingsOf(provincial, specialized);
            expect(threeWay[0]?.class ?? null, `${p} vs ${s}`).toBe(twoWay?.class ?? null);
          }
        }
      }
    });

    it('only corrects a system to a status that legally follows its own, or that a stage rule backs', () => {
      for (const p of DOSSIER_STATUSES) {
        for (const s of DOSSIER_STATUSES) {
          for (const [tp, ts] of timings) {
            const statuses: Record<ReconciledSystem, DossierStatus> = { provincial: p, specialized: s, 'national-portal': p };
            const [finding] = findingsOf(copy(p, { updatedAt: tp }), copy(s, { updatedAt: ts }));
            if (!finding || finding.settledBy === null || finding.expectedStatus === null) continue;
            for (const system of finding.laggingSystems) {
              if (finding.class === 'STATUS_BEHIND') expect(canReach(statuses[system], finding.expectedStatus), `${p} vs ${s}`).toBe(true);
              else expect(['PROVINCIAL_RECEIPT', 'PROVINCIAL_RESULT_RETURN', 'SPECIALIZED_PROCESSING', 'PROCESSING_OVER_RECEIPT']).toContain(finding.settledBy);
            }
          }
        }
      }
    });

    it('makes the expected status of a settled finding the canonical status', () => {
      for (const p of DOSSIER_STATUSES) {
        for (const s of DOSSIER_STATUSES) {
          const result = classify({ provincial: copy(p), specialized: copy(s, { updatedAt: T1 }), 'national-portal': copy(p) });
          for (const finding of result.findings) {
            if (finding.settledBy !== null && finding.expectedStatus !== null) expect(finding.expectedStatus).toBe(result.canonical.status);
          }
        }
      }
    });
  });

  it('returns at most one finding per class, with every class it returns a known one', () => {
    const result = classify({
      provincial: copy('REJECTED', { communeCode: '99999' }),
      specialized: copy('RESOLVED', { dueAt: new Date(DUE.getTime() + 86_400_000), communeCode: AMBIGUOUS_LEGACY }),
      'national-portal': copy('PROCESSING'),
    });
    const classes = result.findings.map((finding) => finding.class);
    expect(new Set(classes).size).toBe(classes.length);
    for (const found of classes) expect(MISMATCH_CLASSES).toContain(found);
    expect(classes).toEqual(['STATUS_CONFLICT', 'STATUS_BEHIND', 'DUE_DATE_DIVERGED', 'UNIT_UNMAPPED']);
  });
});

describe('duplicateFinding', () => {
  it('names both codes and leaves the cancellation to a person', () => {
    const duplicate = {
      system: 'provincial' as const,
      dossierCode: '000.00.37.H96-260302-0004',
      duplicateCode: '000.00.37.H96-260302-0011',
      matchedOn: ['applicant', 'procedure', 'receiving unit', 'day'],
    };
    expect(duplicateFinding(duplicate)).toEqual({
      class: 'DUPLICATE',
      laggingSystems: ['provincial'],
      leadingSystem: null,
      expectedStatus: null,
      expectedDueAt: null,
      settledBy: null,
      pendingSync: false,
      pendingUntil: null,
      detail:
        'provincial holds dossier 000.00.37.H96-260302-0004 a second time as 000.00.37.H96-260302-0011 (same applicant, procedure, receiving unit and day); a person must cancel the duplicate record',
    });
    expect(describeDuplicate({ ...duplicate, matchedOn: [] })).not.toContain('same');
    expect(describeDuplicate({ ...duplicate, matchedOn: ['applicant'] })).toContain('(same applicant)');
  });
});

describe('MISMATCH_CLASSES', () => {
  it('keeps ILLEGAL_TRANSITION and defines DATA_QUALITY for checks built elsewhere', () => {
    expect(MISMATCH_CLASSES).toContain('ILLEGAL_TRANSITION');
    expect(MISMATCH_CLASSES).toContain('DATA_QUALITY');
  });
});
