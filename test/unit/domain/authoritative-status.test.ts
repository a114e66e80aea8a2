import { describe, expect, it } from 'vitest';
import { AUTHORITY_RULES, type AuthorityRuleSet } from '../../../src/domain/authority-rules.js';
import { resolveCanonicalStatus } from '../../../src/domain/authoritative-status.js';
import { canonicalStatus } from '../../../src/domain/canonical-status.js';
import { DOSSIER_STATUSES, type DossierStatus } from '../../../src/domain/dossier-status.js';
import { canReach } from '../../../src/domain/status-transitions.js';

const T0 = new Date('2026-03-02T01:00:00Z');
const T1 = new Date('2026-03-02T02:00:00Z');

const at = (status: DossierStatus | null, updatedAt: Date = T0) => ({ status, updatedAt });

function without(kind: string): AuthorityRuleSet {
  return { version: 'test', rules: AUTHORITY_RULES.rules.filter((rule) => rule.kind !== kind) };
}

describe('resolveCanonicalStatus', () => {
  it('knows no status when neither authoritative system reports a mapped one', () => {
    expect(resolveCanonicalStatus({})).toEqual({ status: null, source: null, overruled: null, basis: 'NONE', rule: null });
    expect(resolveCanonicalStatus({ provincial: at(null), specialized: at(null, T1) }).basis).toBe('NONE');
  });

  it('takes the only copy when one system holds the dossier', () => {
    expect(resolveCanonicalStatus({ specialized: at('PROCESSING') })).toEqual({
      status: 'PROCESSING',
      source: 'specialized',
      overruled: null,
      basis: 'SINGLE',
      rule: null,
    });
  });

  it('ignores the national portal, which only mirrors', () => {
    expect(resolveCanonicalStatus({ 'national-portal': at('RESOLVED') }).status).toBeNull();
    expect(resolveCanonicalStatus({ provincial: at('RECEIVED'), 'national-portal': at('RESOLVED', T1) }).status).toBe('RECEIVED');
  });

  it('takes the shared status from the province when both agree', () => {
    expect(resolveCanonicalStatus({ provincial: at('RESOLVED'), specialized: at('RESOLVED', T1) })).toMatchObject({
      status: 'RESOLVED',
      source: 'provincial',
      basis: 'AGREED',
      rule: null,
    });
  });

  it('takes the later legal status under LATER_LEGAL_STATUS, even when it changed earlier', () => {
    expect(resolveCanonicalStatus({ provincial: at('PROCESSING', T1), specialized: at('RESOLVED', T0) })).toEqual({
      status: 'RESOLVED',
      source: 'specialized',
      overruled: 'provincial',
      basis: 'LATER_LEGAL_STATUS',
      rule: 'LATER_LEGAL_STATUS',
    });
  });

  it('takes the most recent change on the pause cycle under MOST_RECENT_ON_PAUSE_CYCLE', () => {
    expect(
      resolveCanonicalStatus({ provincial: at('SUPPLEMENT_REQUESTED', T1), specialized: at('PROCESSING', T0) }),
    ).toMatchObject({ status: 'SUPPLEMENT_REQUESTED', source: 'provincial', rule: 'MOST_RECENT_ON_PAUSE_CYCLE' });
  });

  it("gives a simultaneous pause-cycle tie to the ministry, which decides processing stages", () => {
    expect(resolveCanonicalStatus({ provincial: at('SUSPENDED'), specialized: at('PROCESSING') })).toMatchObject({
      status: 'PROCESSING',
      basis: 'AUTHORITY',
      rule: 'SPECIALIZED_PROCESSING',
    });
  });

  it("settles a refusal at receipt against the ministry's decision for the ministry", () => {
    expect(resolveCanonicalStatus({ provincial: at('REJECTED'), specialized: at('RESOLVED') })).toMatchObject({
      status: 'RESOLVED',
      source: 'specialized',
      overruled: 'provincial',
      basis: 'AUTHORITY',
      rule: 'PROCESSING_OVER_RECEIPT',
    });
  });

  it('knows no status when no rule settles a conflict', () => {
    expect(resolveCanonicalStatus({ provincial: at('RESULT_RETURNED'), specialized: at('WITHDRAWN') })).toEqual({
      status: null,
      source: null,
      overruled: null,
      basis: 'UNSETTLED',
      rule: null,
    });
  });

  it('knows no status when one copy has a status with no canonical meaning', () => {
    expect(resolveCanonicalStatus({ provincial: at(null), specialized: at('RESOLVED') }).basis).toBe('UNSETTLED');
  });

  it('settles nothing with a rule the set does not contain', () => {
    expect(resolveCanonicalStatus({ provincial: at('PROCESSING'), specialized: at('RESOLVED') }, without('LATER_LEGAL_STATUS')).basis).toBe(
      'UNSETTLED',
    );
    expect(
      resolveCanonicalStatus({ provincial: at('PROCESSING', T1), specialized: at('SUSPENDED') }, without('MOST_RECENT_ON_CYCLE')).basis,
    ).toBe('UNSETTLED');
  });

  it('agrees with canonicalStatus wherever the graph or recency orders the two statuses', () => {
    for (const p of DOSSIER_STATUSES) {
      for (const s of DOSSIER_STATUSES) {
        for (const [tp, ts] of [
          [T0, T1],
          [T1, T0],
        ] as const) {
          const observations = { provincial: at(p, tp), specialized: at(s, ts) };
          const resolved = resolveCanonicalStatus(observations);
          if (canReach(p, s) || canReach(s, p) || p === s) {
            expect(resolved.status, `${p} vs ${s}`).toBe(canonicalStatus(observations));
          } else {
            expect(['AUTHORITY', 'UNSETTLED'], `${p} vs ${s}`).toContain(resolved.basis);
          }
        }
      }
    }
  });
});
