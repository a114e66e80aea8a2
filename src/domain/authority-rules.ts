import type { SystemId } from '../connectors/system-id.js';
import type { DossierStatus } from './dossier-status.js';

/** The systems whose copies of a dossier the hub reconciles against each other. */
export const RECONCILED_SYSTEMS = ['provincial', 'specialized', 'national-portal'] as const satisfies readonly SystemId[];

export type ReconciledSystem = (typeof RECONCILED_SYSTEMS)[number];

/** The systems that can be authoritative for a stage; the portal only mirrors. */
export type AuthoritativeSystem = 'provincial' | 'specialized';

interface RuleBase {
  /** Stable id, stored with every finding a rule settles. Never reuse an id for another meaning. */
  readonly id: string;
  /** Plain-language statement shown in reports next to the findings the rule settles. */
  readonly statement: string;
}

/** One system decides the statuses of one stage of the dossier's life. */
export interface StageAuthorityRule extends RuleBase {
  readonly kind: 'STAGE_AUTHORITY';
  readonly authority: AuthoritativeSystem;
  readonly statuses: readonly DossierStatus[];
}

/** When two stage rules each back one side of a conflict, `prevails` wins over `over`. */
export interface PrecedenceRule extends RuleBase {
  readonly kind: 'PRECEDENCE';
  readonly prevails: string;
  readonly over: string;
}

/** A status that legally follows another is the current one (the transition graph orders them). */
export interface LaterLegalStatusRule extends RuleBase {
  readonly kind: 'LATER_LEGAL_STATUS';
}

/** On the pause cycle, where the graph orders nothing, the status changed last is current. */
export interface MostRecentOnCycleRule extends RuleBase {
  readonly kind: 'MOST_RECENT_ON_CYCLE';
}

/** A system that only mirrors another: never authoritative, corrected to the canonical status. */
export interface MirrorRule extends RuleBase {
  readonly kind: 'MIRROR';
  readonly mirror: ReconciledSystem;
  readonly source: AuthoritativeSystem;
}

/** A system that must hold a copy of the dossier; a missing copy is created from `source`. */
export interface MissingCopyRule extends RuleBase {
  readonly kind: 'MISSING_COPY';
  readonly system: ReconciledSystem;
  readonly source: ReconciledSystem;
}

/** The system whose appointment date (ngày hẹn trả) the other copies must hold. */
export interface DueDateAuthorityRule extends RuleBase {
  readonly kind: 'DUE_DATE_AUTHORITY';
  readonly authority: AuthoritativeSystem;
}

export type AuthorityRule =
  | StageAuthorityRule
  | PrecedenceRule
  | LaterLegalStatusRule
  | MostRecentOnCycleRule
  | MirrorRule
  | MissingCopyRule
  | DueDateAuthorityRule;

export interface AuthorityRuleSet {
  /** Stored with each reconciliation run, so a report can say which rules settled its findings. */
  readonly version: string;
  readonly rules: readonly AuthorityRule[];
}

/**
 * Who is right when the one-stop shop, the ministry's software and the national portal disagree.
 * The division of labour follows Decree 118/2025/NĐ-CP: the one-stop shop (bộ phận một cửa)
 * receives dossiers and returns results; the competent agency processes them in its own software;
 * the National Public Service Portal shows what the province syncs to it.
 *
 * Change a rule's meaning only under a new id and a new version: stored findings name the rule
 * that settled them.
 */
export const AUTHORITY_RULES: AuthorityRuleSet = deepFreeze({
  version: '2026.11-1',
  rules: [
    {
      id: 'PROVINCIAL_RECEIPT',
      kind: 'STAGE_AUTHORITY',
      authority: 'provincial',
      statuses: ['SUBMITTED', 'RECEIVED', 'REJECTED'],
      statement:
        'The one-stop shop decides receipt: whether a dossier is submitted (1), received (2) or refused at receipt (3) is what the provincial system records.',
    },
    {
      id: 'PROVINCIAL_RESULT_RETURN',
      kind: 'STAGE_AUTHORITY',
      authority: 'provincial',
      statuses: ['RESULT_RETURNED'],
      statement: 'The one-stop shop hands results to the citizen: whether a result was returned (10) is what the provincial system records.',
    },
    {
      id: 'SPECIALIZED_PROCESSING',
      kind: 'STAGE_AUTHORITY',
      authority: 'specialized',
      statuses: ['PROCESSING', 'SUPPLEMENT_REQUESTED', 'AWAITING_FINANCIAL_OBLIGATION', 'SUSPENDED', 'RESOLVED', 'WITHDRAWN'],
      statement:
        "The ministry's specialized software decides processing: processing (4), supplement requests (5), financial obligations (6), withdrawal during processing (7), suspension (8) and resolution (9) are what it records.",
    },
    {
      id: 'PROCESSING_OVER_RECEIPT',
      kind: 'PRECEDENCE',
      prevails: 'SPECIALIZED_PROCESSING',
      over: 'PROVINCIAL_RECEIPT',
      statement:
        "When the one-stop shop shows a dossier refused at receipt but the ministry's software shows it processed or decided, the ministry's record stands: it can only process a dossier the one-stop shop received and transferred.",
    },
    {
      id: 'LATER_LEGAL_STATUS',
      kind: 'LATER_LEGAL_STATUS',
      statement:
        'A status that can legally follow another is the current one: the system showing the earlier status missed updates and is corrected.',
    },
    {
      id: 'MOST_RECENT_ON_PAUSE_CYCLE',
      kind: 'MOST_RECENT_ON_CYCLE',
      statement:
        'Processing and its pauses (supplement, financial obligation, suspension) can follow each other, so among them the status changed last is the current one.',
    },
    {
      id: 'PORTAL_MIRRORS_PROVINCE',
      kind: 'MIRROR',
      mirror: 'national-portal',
      source: 'provincial',
      statement:
        'The National Public Service Portal only mirrors the one-stop shop and is never authoritative: a portal status that differs from the canonical status is corrected to it.',
    },
    {
      id: 'PORTAL_HOLDS_EVERY_DOSSIER',
      kind: 'MISSING_COPY',
      system: 'national-portal',
      source: 'provincial',
      statement: 'Every dossier of the one-stop shop is synced to the National Public Service Portal: a missing one is created there with the canonical status.',
    },
    {
      id: 'TRANSFER_TO_SPECIALIZED',
      kind: 'MISSING_COPY',
      system: 'specialized',
      source: 'provincial',
      statement:
        "A dossier the one-stop shop has received is transferred to the ministry's software that processes it: a missing copy is transferred with the canonical status.",
    },
    {
      id: 'PROVINCIAL_RECORDS_EVERY_DOSSIER',
      kind: 'MISSING_COPY',
      system: 'provincial',
      source: 'specialized',
      statement:
        "Every dossier passes through the one-stop shop: one that the ministry's software holds without a provincial record is recorded in the provincial system with the ministry's status.",
    },
    {
      id: 'PROVINCIAL_APPOINTMENT_DATE',
      kind: 'DUE_DATE_AUTHORITY',
      authority: 'provincial',
      statement:
        'The appointment slip issued at receipt sets the due date (ngày hẹn trả): a ministry or portal copy holding another due date is corrected to the provincial one.',
    },
  ],
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export function ruleById(rules: AuthorityRuleSet, id: string): AuthorityRule | undefined {
  return rules.rules.find((rule) => rule.id === id);
}

/** The first rule of a kind (with a matching predicate), or undefined when the set has none. */
export function ruleOfKind<K extends AuthorityRule['kind']>(
  rules: AuthorityRuleSet,
  kind: K,
  matches: (rule: Extract<AuthorityRule, { kind: K }>) => boolean = () => true,
): Extract<AuthorityRule, { kind: K }> | undefined {
  for (const rule of rules.rules) {
    if (rule.kind === kind && matches(rule as Extract<AuthorityRule, { kind: K }>)) return rule as Extract<AuthorityRule, { kind: K }>;
  }
  return undefined;
}

/** The stage rule that covers a status, or undefined when no system decides it. */
export function stageRuleFor(rules: AuthorityRuleSet, status: DossierStatus): StageAuthorityRule | undefined {
  return ruleOfKind(rules, 'STAGE_AUTHORITY', (rule) => rule.statuses.includes(status));
}

export interface StatusClaim {
  readonly system: ReconciledSystem;
  readonly status: DossierStatus;
}

export interface ConflictSettlement {
  readonly winner: 'first' | 'second';
  /** The stage rule backing the winner, or the precedence rule when both sides had one. */
  readonly rule: StageAuthorityRule | PrecedenceRule;
}

/**
 * Settles two statuses that cannot both be true by the authority of their stages. A side is
 * backed when its system is the authority for the stage its status belongs to. One backed side
 * wins; two backed sides need a precedence rule between their stages; otherwise null, and a person
 * decides.
 */
export function settleConflict(rules: AuthorityRuleSet, first: StatusClaim, second: StatusClaim): ConflictSettlement | null {
  const backing = (claim: StatusClaim): StageAuthorityRule | undefined => {
    const rule = stageRuleFor(rules, claim.status);
    return rule !== undefined && rule.authority === claim.system ? rule : undefined;
  };
  const firstRule = backing(first);
  const secondRule = backing(second);
  if (firstRule && !secondRule) return { winner: 'first', rule: firstRule };
  if (secondRule && !firstRule) return { winner: 'second', rule: secondRule };
  if (!firstRule || !secondRule || firstRule.id === secondRule.id) return null;
  const precedence = ruleOfKind(
    rules,
    'PRECEDENCE',
    (rule) => (rule.prevails === firstRule.id && rule.over === secondRule.id) || (rule.prevails === secondRule.id && rule.over === firstRule.id),
  );
  if (!precedence) return null;
  return { winner: precedence.prevails === firstRule.id ? 'first' : 'second', rule: precedence };
}
