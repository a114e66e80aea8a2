import { describe, expect, it } from 'vitest';
import {
  AUTHORITY_RULES,
  RECONCILED_SYSTEMS,
  ruleById,
  settleConflict,
  stageRuleFor,
  type AuthorityRuleSet,
} from '../../../src/domain/authority-rules.js';
import { DOSSIER_STATUSES } from '../../../src/domain/dossier-status.js';
import { canReach } from '../../../src/domain/status-transitions.js';

describe('AUTHORITY_RULES', () => {
  it('is versioned and gives every rule a unique id and a plain-language statement', () => {
    expect(AUTHORITY_RULES.version).toBe('2026.11-1');
    const ids = AUTHORITY_RULES.rules.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of AUTHORITY_RULES.rules) {
      expect(rule.id).toMatch(/^[A-Z][A-Z_]+$/);
      expect(rule.statement.length).toBeGreaterThan(40);
      expect(rule.statement.endsWith('.')).toBe(true);
    }
  });

  it('lists the rules the reports name', () => {
    expect(AUTHORITY_RULES.rules.map((rule) => rule.id)).toEqual([
      'PROVINCIAL_RECEIPT',
      'PROVINCIAL_RESULT_RETURN',
      'SPECIALIZED_PROCESSING',
      'PROCESSING_OVER_RECEIPT',
      'LATER_LEGAL_STATUS',
      'MOST_RECENT_ON_PAUSE_CYCLE',
      'PORTAL_MIRRORS_PROVINCE',
      'PORTAL_HOLDS_EVERY_DOSSIER',
      'TRANSFER_TO_SPECIALIZED',
      'PROVINCIAL_RECORDS_EVERY_DOSSIER',
      'PROVINCIAL_APPOINTMENT_DATE',
    ]);
  });

  it('gives every status exactly one deciding stage, never to the portal', () => {
    for (const status of DOSSIER_STATUSES) {
      const stages = AUTHORITY_RULES.rules.filter((rule) => rule.kind === 'STAGE_AUTHORITY' && rule.statuses.includes(status));
      expect(stages, status).toHaveLength(1);
    }
    expect(stageRuleFor(AUTHORITY_RULES, 'RECEIVED')?.authority).toBe('provincial');
    expect(stageRuleFor(AUTHORITY_RULES, 'RESULT_RETURNED')?.authority).toBe('provincial');
    expect(stageRuleFor(AUTHORITY_RULES, 'RESOLVED')?.authority).toBe('specialized');
    expect(stageRuleFor(AUTHORITY_RULES, 'WITHDRAWN')?.authority).toBe('specialized');
  });

  it('makes precedence rules refer to stage rules that exist', () => {
    for (const rule of AUTHORITY_RULES.rules) {
      if (rule.kind !== 'PRECEDENCE') continue;
      expect(ruleById(AUTHORITY_RULES, rule.prevails)?.kind).toBe('STAGE_AUTHORITY');
      expect(ruleById(AUTHORITY_RULES, rule.over)?.kind).toBe('STAGE_AUTHORITY');
    }
  });

  it('has one missing-copy rule per reconciled system', () => {
    const copies = AUTHORITY_RULES.rules.flatMap((rule) => (rule.kind === 'MISSING_COPY' ? [rule.system] : []));
    expect([...copies].sort()).toEqual([...RECONCILED_SYSTEMS].sort());
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(AUTHORITY_RULES)).toBe(true);
    expect(Object.isFrozen(AUTHORITY_RULES.rules)).toBe(true);
    const stage = stageRuleFor(AUTHORITY_RULES, 'RESOLVED');
    expect(stage && Object.isFrozen(stage.statuses)).toBe(true);
  });
});

describe('settleConflict', () => {
  it("lets the ministry's decision overrule a refusal at receipt under the precedence rule", () => {
    const settlement = settleConflict(
      AUTHORITY_RULES,
      { system: 'provincial', status: 'REJECTED' },
      { system: 'specialized', status: 'RESOLVED' },
    );
    expect(settlement).toMatchObject({ winner: 'second', rule: { id: 'PROCESSING_OVER_RECEIPT' } });
  });

  it('finds the same winner whichever side comes first', () => {
    const settlement = settleConflict(
      AUTHORITY_RULES,
      { system: 'specialized', status: 'WITHDRAWN' },
      { system: 'provincial', status: 'REJECTED' },
    );
    expect(settlement).toMatchObject({ winner: 'first', rule: { id: 'PROCESSING_OVER_RECEIPT' } });
  });

  it('lets the one side whose system decides its stage win', () => {
    expect(
      settleConflict(AUTHORITY_RULES, { system: 'provincial', status: 'WITHDRAWN' }, { system: 'specialized', status: 'RESOLVED' }),
    ).toMatchObject({ winner: 'second', rule: { id: 'SPECIALIZED_PROCESSING' } });
    expect(
      settleConflict(AUTHORITY_RULES, { system: 'provincial', status: 'RESULT_RETURNED' }, { system: 'specialized', status: 'REJECTED' }),
    ).toMatchObject({ winner: 'first', rule: { id: 'PROVINCIAL_RESULT_RETURN' } });
    expect(
      settleConflict(AUTHORITY_RULES, { system: 'provincial', status: 'REJECTED' }, { system: 'specialized', status: 'RESULT_RETURNED' }),
    ).toMatchObject({ winner: 'first', rule: { id: 'PROVINCIAL_RECEIPT' } });
  });

  it('leaves it to a person when both sides decide their own stage and no precedence orders them', () => {
    expect(
      settleConflict(AUTHORITY_RULES, { system: 'provincial', status: 'RESULT_RETURNED' }, { system: 'specialized', status: 'WITHDRAWN' }),
    ).toBeNull();
  });

  it('leaves it to a person when neither side decides its stage', () => {
    expect(
      settleConflict(AUTHORITY_RULES, { system: 'provincial', status: 'WITHDRAWN' }, { system: 'specialized', status: 'RESULT_RETURNED' }),
    ).toBeNull();
  });

  it('never lets the portal win', () => {
    for (const portal of DOSSIER_STATUSES) {
      for (const other of DOSSIER_STATUSES) {
        if (portal === other || canReach(portal, other) || canReach(other, portal)) continue;
        for (const system of ['provincial', 'specialized'] as const) {
          const settlement = settleConflict(AUTHORITY_RULES, { system: 'national-portal', status: portal }, { system, status: other });
          expect(settlement?.winner ?? 'second').toBe('second');
        }
      }
    }
  });

  it('settles nothing by precedence once the precedence rule is removed', () => {
    const withoutPrecedence: AuthorityRuleSet = {
      version: 'test',
      rules: AUTHORITY_RULES.rules.filter((rule) => rule.kind !== 'PRECEDENCE'),
    };
    expect(
      settleConflict(withoutPrecedence, { system: 'provincial', status: 'REJECTED' }, { system: 'specialized', status: 'RESOLVED' }),
    ).toBeNull();
  });
});
