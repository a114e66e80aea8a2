import type { SystemId } from '../connectors/system-id.js';
import { AUTHORITY_RULES, ruleOfKind, settleConflict, type AuthorityRuleSet, type AuthoritativeSystem } from './authority-rules.js';
import type { StatusObservation } from './canonical-status.js';
import type { DossierStatus } from './dossier-status.js';
import { compareProgress } from './status-progress.js';

/**
 * How the canonical status was found.
 * - NONE: neither authoritative system reports a mapped status.
 * - SINGLE: only one of them holds the dossier.
 * - AGREED: both show the same status.
 * - LATER_LEGAL_STATUS / MOST_RECENT_ON_CYCLE / AUTHORITY: they differ and a rule settled it.
 * - UNSETTLED: they differ (or one status has no canonical meaning) and no rule settles it.
 */
export type CanonicalBasis = 'NONE' | 'SINGLE' | 'AGREED' | 'LATER_LEGAL_STATUS' | 'MOST_RECENT_ON_CYCLE' | 'AUTHORITY' | 'UNSETTLED';

export interface CanonicalStatusResolution {
  /** Null for NONE and UNSETTLED: the hub does not know the dossier's status. */
  readonly status: DossierStatus | null;
  /** The system whose status was taken; the provincial one when both agree. */
  readonly source: AuthoritativeSystem | null;
  /** The system whose differing status lost, when a rule settled a difference. */
  readonly overruled: AuthoritativeSystem | null;
  readonly basis: CanonicalBasis;
  /** Id of the rule that settled a difference; null when nothing differed or nothing settled it. */
  readonly rule: string | null;
}

const NONE: CanonicalStatusResolution = { status: null, source: null, overruled: null, basis: 'NONE', rule: null };
const UNSETTLED: CanonicalStatusResolution = { status: null, source: null, overruled: null, basis: 'UNSETTLED', rule: null };

/**
 * The dossier's status under the authority rules, from the one-stop shop's and the ministry's
 * copies. The national portal is ignored: it mirrors, it never decides.
 *
 * Unlike `canonicalStatus` (which prefers the province whenever two statuses conflict), a conflict
 * is settled only by the authority of the stages involved, and is left null for a person when no
 * rule covers it. A rule missing from `rules` settles nothing.
 */
export function resolveCanonicalStatus(
  observations: Partial<Readonly<Record<SystemId, StatusObservation>>>,
  rules: AuthorityRuleSet = AUTHORITY_RULES,
): CanonicalStatusResolution {
  const provincial = observations.provincial;
  const specialized = observations.specialized;
  if (provincial === undefined || specialized === undefined) {
    const only = provincial ?? specialized;
    if (only === undefined || only.status === null) return NONE;
    return { status: only.status, source: provincial ? 'provincial' : 'specialized', overruled: null, basis: 'SINGLE', rule: null };
  }
  if (provincial.status === null && specialized.status === null) return NONE;
  // A status with no canonical meaning may be ahead of or behind the other: nothing can be compared.
  if (provincial.status === null || specialized.status === null) return UNSETTLED;

  const comparison = compareProgress(
    { status: provincial.status, updatedAt: provincial.updatedAt },
    { status: specialized.status, updatedAt: specialized.updatedAt },
  );
  const won = (winner: 'first' | 'second', basis: CanonicalBasis, rule: string): CanonicalStatusResolution => {
    const provincialWins = winner === 'first';
    return {
      status: provincialWins ? provincial.status : specialized.status,
      source: provincialWins ? 'provincial' : 'specialized',
      overruled: provincialWins ? 'specialized' : 'provincial',
      basis,
      rule,
    };
  };
  switch (comparison.relation) {
    case 'SAME':
      return { status: provincial.status, source: 'provincial', overruled: null, basis: 'AGREED', rule: null };
    case 'AHEAD': {
      const rule =
        comparison.basis === 'GRAPH' ? ruleOfKind(rules, 'LATER_LEGAL_STATUS') : ruleOfKind(rules, 'MOST_RECENT_ON_CYCLE');
      if (!rule) return UNSETTLED;
      return won(comparison.leader, comparison.basis === 'GRAPH' ? 'LATER_LEGAL_STATUS' : 'MOST_RECENT_ON_CYCLE', rule.id);
    }
    case 'CONFLICT': {
      const settlement = settleConflict(
        rules,
        { system: 'provincial', status: provincial.status },
        { system: 'specialized', status: specialized.status },
      );
      return settlement ? won(settlement.winner, 'AUTHORITY', settlement.rule.id) : UNSETTLED;
    }
  }
}
