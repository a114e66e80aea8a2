import {
  AUTHORITY_RULES,
  RECONCILED_SYSTEMS,
  ruleOfKind,
  type AuthorityRuleSet,
  type ReconciledSystem,
} from './authority-rules.js';
import { resolveCanonicalStatus, type CanonicalStatusResolution } from './authoritative-status.js';
import type { CommuneResolver } from './commune-resolution.js';
import type { DossierStatus } from './dossier-status.js';
import {
  compareStatuses,
  describeObservation,
  isExpectedInSpecialized,
  type MismatchClass,
  type ObservedState,
} from './mismatch.js';
import { canReach } from './status-transitions.js';

/** How long a sync may take before a difference counts as a mismatch. */
export const DEFAULT_SYNC_LAG_MS = 15 * 60_000;

/** Due dates closer than this are the same appointment (systems round and store seconds differently). */
const DUE_DATE_TOLERANCE_MS = 60_000;

/** One system's copy of a dossier, as the hub read it. */
export interface SystemObservation extends ObservedState {
  /** The commune code this copy reports; may be a pre-2025 code. */
  readonly communeCode: string;
  /** The appointment date this copy holds; null when it shows none. */
  readonly dueAt: Date | null;
}

export interface ThreeWayInput {
  /** Keyed by system; an absent key means that system has no record of the dossier. */
  readonly observations: Partial<Readonly<Record<ReconciledSystem, SystemObservation>>>;
  readonly now: Date;
  /** Differences younger than this are pending sync, not mismatches. Default DEFAULT_SYNC_LAG_MS. */
  readonly lagMs?: number;
  readonly resolveCommune: CommuneResolver;
  /**
   * Whether the ministry's software should hold the dossier. Default: isExpectedInSpecialized of
   * the provincial status, or true when the province has no mapped status (as the reconciler does).
   */
  readonly expectedInSpecialized?: boolean;
  /**
   * The systems whose records were read. A system left out is not reported as missing a dossier.
   * Default: all three.
   */
  readonly consulted?: readonly ReconciledSystem[];
  readonly rules?: AuthorityRuleSet;
}

export interface ThreeWayFinding {
  readonly class: MismatchClass;
  /** The systems to correct. */
  readonly laggingSystems: readonly ReconciledSystem[];
  /** The system whose view is taken as current; null when no system's view is. */
  readonly leadingSystem: ReconciledSystem | null;
  /** The status the lagging systems should show; null when the finding is not about status or none is known. */
  readonly expectedStatus: DossierStatus | null;
  /** The due date the lagging systems should hold (DUE_DATE_DIVERGED only). */
  readonly expectedDueAt: Date | null;
  /** Id of the authority rule that settles the finding; null when a person has to decide. */
  readonly settledBy: string | null;
  /** The difference is younger than the sync lag: report it as pending, do not open a mismatch. */
  readonly pendingSync: boolean;
  /** When a pending difference stops being pending if nothing changes (null when not pending). */
  readonly pendingUntil: Date | null;
  /** One sentence for reports, naming each side's native and canonical status. */
  readonly detail: string;
}

/** A pre-2025 commune code a copy reports that maps to exactly one current commune. */
export interface CommuneRemap {
  readonly system: ReconciledSystem;
  readonly reportedCode: string;
  readonly communeCode: string;
}

export interface ThreeWayClassification {
  /** At most one finding per class. */
  readonly findings: readonly ThreeWayFinding[];
  /** Legacy commune codes the hub maps itself: no finding, but the caller should use the mapped code. */
  readonly remapped: readonly CommuneRemap[];
  readonly canonical: CanonicalStatusResolution;
}

type Observations = ThreeWayInput['observations'];

interface Context {
  readonly observations: Observations;
  readonly now: number;
  readonly lagMs: number;
  readonly rules: AuthorityRuleSet;
}

/**
 * Classifies how the one-stop shop (provincial), the ministry's software (specialized) and the
 * National Public Service Portal (national-portal) disagree about one dossier, under the
 * authority rules. Pure: the commune lookup and the clock come in as arguments.
 *
 * Status: the canonical status comes from the provincial and specialized copies
 * (resolveCanonicalStatus); a copy behind it along the transition graph is STATUS_BEHIND, an
 * incompatible one STATUS_CONFLICT, settled by a stage rule or left to a person. The portal is
 * compared with the canonical status once that is settled, and joins the same finding when its
 * class matches. Presence: MISSING_IN_PROVINCIAL, MISSING_IN_SPECIALIZED (only when the dossier
 * should have reached the ministry), MISSING_IN_NATIONAL_PORTAL (for every provincial dossier).
 * Then DUE_DATE_DIVERGED against the provincial appointment date, and UNIT_UNMAPPED for commune
 * codes that cannot be mapped to one current commune.
 */
export function classifyThreeWay(input: ThreeWayInput): ThreeWayClassification {
  const rules = input.rules ?? AUTHORITY_RULES;
  const lagMs = input.lagMs ?? DEFAULT_SYNC_LAG_MS;
  if (!(lagMs >= 0)) throw new RangeError('lagMs must be a non-negative number of milliseconds');
  const consulted = new Set<ReconciledSystem>(input.consulted ?? RECONCILED_SYSTEMS);
  const context: Context = { observations: input.observations, now: input.now.getTime(), lagMs, rules };
  const { provincial, specialized } = input.observations;
  const canonical = resolveCanonicalStatus({ provincial, specialized }, rules);

  const findings: ThreeWayFinding[] = [];
  const statusFinding = provincial && specialized ? pairStatusFinding(context, provincial, specialized, canonical) : null;
  const portalFinding = portalStatusFinding(context, canonical, statusFinding);
  for (const finding of mergeByClass(statusFinding, portalFinding)) findings.push(finding);

  const expectedInSpecialized =
    input.expectedInSpecialized ??
    (provincial === undefined || provincial.status === null ? true : isExpectedInSpecialized(provincial.status));
  const missing = missingCopyFindings(context, consulted, expectedInSpecialized, canonical);
  findings.push(...missing);

  const dueDate = dueDateFinding(context, consulted);
  if (dueDate) findings.push(dueDate);

  const units = unitFindings(input.observations, input.resolveCommune);
  if (units.finding) findings.push(units.finding);

  return { findings, remapped: units.remapped, canonical };
}

/** A finding about one part of a difference, before parts of the same class are merged. */
interface Part {
  readonly finding: ThreeWayFinding;
  /** The portal's copy, for a part about the portal. */
  readonly portal?: ObservedState;
}

const NOT_PENDING = { pendingSync: false, pendingUntil: null } as const;

/** Whether the difference among `systems` is pending sync, and until when if nothing changes. */
function pending(context: Context, systems: readonly ReconciledSystem[]): { pendingSync: boolean; pendingUntil: Date | null } {
  // The observations carry only their last change: the difference has existed at least since the
  // latest change of the systems involved.
  let latest = Number.NEGATIVE_INFINITY;
  for (const system of systems) {
    const observation = context.observations[system];
    if (observation) latest = Math.max(latest, observation.updatedAt.getTime());
  }
  const isPending = latest !== Number.NEGATIVE_INFINITY && context.now - latest < context.lagMs;
  return isPending ? { pendingSync: true, pendingUntil: new Date(latest + context.lagMs) } : NOT_PENDING;
}

function pairStatusFinding(
  context: Context,
  provincial: SystemObservation,
  specialized: SystemObservation,
  canonical: CanonicalStatusResolution,
): Part | null {
  const base = compareStatuses('provincial', provincial, 'specialized', specialized);
  if (base === null) return null;
  const sync = pending(context, ['provincial', 'specialized']);
  const settled = canonical.rule !== null && canonical.source !== null && canonical.overruled !== null;
  if (!settled) {
    return {
      finding: {
        class: base.class,
        laggingSystems: [],
        leadingSystem: null,
        expectedStatus: null,
        expectedDueAt: null,
        settledBy: null,
        ...sync,
        detail: base.class === 'STATUS_CONFLICT' ? `${base.detail}; no authority rule settles it, so a person must decide` : base.detail,
      },
    };
  }
  const detail =
    base.class === 'STATUS_CONFLICT'
      ? `${base.detail}; under rule ${canonical.rule} the ${canonical.source} status ${canonical.status} stands, so ${canonical.overruled} is corrected`
      : base.detail;
  return {
    finding: {
      class: base.class,
      laggingSystems: [canonical.overruled],
      leadingSystem: canonical.source,
      expectedStatus: canonical.status,
      expectedDueAt: null,
      settledBy: canonical.rule,
      ...sync,
      detail,
    },
  };
}

function isSettled(canonical: CanonicalStatusResolution): boolean {
  return canonical.status !== null && canonical.basis !== 'NONE' && canonical.basis !== 'UNSETTLED';
}

/**
 * The portal against the canonical status. Nothing is said while the authoritative copies'
 * own difference is unsettled: the portal is corrected to a status the hub knows.
 */
function portalStatusFinding(context: Context, canonical: CanonicalStatusResolution, pair: Part | null): Part | null {
  const portal = context.observations['national-portal'];
  if (!portal || !isSettled(canonical) || canonical.status === null || canonical.source === null) return null;
  if (pair && pair.finding.settledBy === null) return null;
  if (portal.status === canonical.status) return null;
  const source = context.observations[canonical.source];
  if (!source) return null;
  const mirror = ruleOfKind(context.rules, 'MIRROR', (rule) => rule.mirror === 'national-portal');
  const behind = portal.status !== null && canReach(portal.status, canonical.status);
  const why =
    portal.status === null
      ? 'its status has no canonical meaning'
      : behind
        ? `${canonical.status} legally follows ${portal.status}`
        : `${portal.status} is not a status the dossier can reach from ${canonical.status}`;
  const outcome = mirror
    ? `the portal only mirrors (rule ${mirror.id}), so national-portal is corrected to ${canonical.status}`
    : 'no authority rule says which is right, so a person must decide';
  return {
    finding: {
      class: behind ? 'STATUS_BEHIND' : 'STATUS_CONFLICT',
      laggingSystems: mirror ? ['national-portal'] : [],
      leadingSystem: mirror ? canonical.source : null,
      expectedStatus: mirror ? canonical.status : null,
      expectedDueAt: null,
      settledBy: mirror?.id ?? null,
      ...pending(context, [canonical.source, 'national-portal']),
      detail: `${describeObservation(canonical.source, source)}, ${describeObservation('national-portal', portal)}; ${why}, and ${outcome}`,
    },
    portal,
  };
}

/** One finding per class: the portal joins the provincial/specialized finding of the same class. */
function mergeByClass(pair: Part | null, portal: Part | null): ThreeWayFinding[] {
  if (!pair) return portal ? [portal.finding] : [];
  if (!portal) return [pair.finding];
  if (pair.finding.class !== portal.finding.class) return [pair.finding, portal.finding];
  const a = pair.finding;
  const b = portal.finding;
  const settled = a.settledBy !== null && b.settledBy !== null;
  return [
    {
      ...a,
      laggingSystems: settled ? [...a.laggingSystems, ...b.laggingSystems] : [],
      leadingSystem: settled ? a.leadingSystem : null,
      expectedStatus: settled ? a.expectedStatus : null,
      settledBy: settled ? a.settledBy : null,
      // Pending only while every part of the difference is younger than the lag.
      pendingSync: a.pendingSync && b.pendingSync,
      pendingUntil: a.pendingUntil && b.pendingUntil ? new Date(Math.min(a.pendingUntil.getTime(), b.pendingUntil.getTime())) : null,
      detail: portal.portal
        ? `${a.detail}; ${describeObservation('national-portal', portal.portal)}, ${a.class === 'STATUS_BEHIND' ? 'behind' : 'in conflict'} as well`
        : `${a.detail}; ${b.detail}`,
    },
  ];
}

function missingCopyFindings(
  context: Context,
  consulted: ReadonlySet<ReconciledSystem>,
  expectedInSpecialized: boolean,
  canonical: CanonicalStatusResolution,
): ThreeWayFinding[] {
  const { provincial, specialized } = context.observations;
  const portal = context.observations['national-portal'];
  const findings: ThreeWayFinding[] = [];
  const copyRule = (system: ReconciledSystem) => ruleOfKind(context.rules, 'MISSING_COPY', (rule) => rule.system === system);

  if (!provincial && consulted.has('provincial') && (specialized || portal)) {
    const rule = copyRule('provincial');
    if (specialized) {
      // The ministry's copy is authoritative for processing: the province can record it as it stands.
      const settledBy = rule && rule.source === 'specialized' && specialized.status !== null ? rule.id : null;
      findings.push({
        class: 'MISSING_IN_PROVINCIAL',
        laggingSystems: ['provincial'],
        leadingSystem: 'specialized',
        expectedStatus: specialized.status,
        expectedDueAt: null,
        settledBy,
        ...pending(context, ['specialized']),
        detail: `${describeObservation('specialized', specialized)}, but provincial has no record of the dossier`,
      });
    } else if (portal) {
      // Only the mirror has it: a mirror is never authoritative, so nothing is created from it.
      findings.push({
        class: 'MISSING_IN_PROVINCIAL',
        laggingSystems: ['provincial'],
        leadingSystem: 'national-portal',
        expectedStatus: null,
        expectedDueAt: null,
        settledBy: null,
        ...pending(context, ['national-portal']),
        detail: `${describeObservation('national-portal', portal)}, but provincial, whose dossiers the portal mirrors, has no record of it, so a person must decide`,
      });
    }
  }

  if (provincial && !specialized && consulted.has('specialized') && expectedInSpecialized) {
    const rule = copyRule('specialized');
    findings.push({
      class: 'MISSING_IN_SPECIALIZED',
      laggingSystems: ['specialized'],
      leadingSystem: 'provincial',
      expectedStatus: provincial.status,
      expectedDueAt: null,
      settledBy: rule && provincial.status !== null ? rule.id : null,
      ...pending(context, ['provincial']),
      detail: `${describeObservation('provincial', provincial)}, so the dossier should have reached specialized, which has no record of it`,
    });
  }

  if (provincial && !portal && consulted.has('national-portal')) {
    const rule = copyRule('national-portal');
    const known = isSettled(canonical) && canonical.status !== null;
    findings.push({
      class: 'MISSING_IN_NATIONAL_PORTAL',
      laggingSystems: ['national-portal'],
      leadingSystem: 'provincial',
      expectedStatus: known ? canonical.status : null,
      expectedDueAt: null,
      settledBy: rule && known ? rule.id : null,
      ...pending(context, ['provincial']),
      detail: `${describeObservation('provincial', provincial)}, but national-portal, which mirrors every provincial dossier, has no record of it`,
    });
  }
  return findings;
}

function dueDateFinding(context: Context, consulted: ReadonlySet<ReconciledSystem>): ThreeWayFinding | null {
  const rule = ruleOfKind(context.rules, 'DUE_DATE_AUTHORITY');
  const authority = rule?.authority ?? 'provincial';
  const reference = context.observations[authority];
  if (!reference || reference.dueAt === null) return null;
  const expected = reference.dueAt;
  const diverged: ReconciledSystem[] = [];
  const sides: string[] = [`${describeObservation(authority, reference)} due ${expected.toISOString()}`];
  for (const system of RECONCILED_SYSTEMS) {
    if (system === authority || !consulted.has(system)) continue;
    const copy = context.observations[system];
    // A copy without a due date does not show one (e.g. not yet received there); it holds no other date.
    if (!copy || copy.dueAt === null) continue;
    if (Math.abs(copy.dueAt.getTime() - expected.getTime()) <= DUE_DATE_TOLERANCE_MS) continue;
    diverged.push(system);
    sides.push(`${describeObservation(system, copy)} due ${copy.dueAt.toISOString()}`);
  }
  if (diverged.length === 0) return null;
  const outcome = rule
    ? `the appointment slip is authoritative (rule ${rule.id}), so ${diverged.join(' and ')} ${diverged.length > 1 ? 'are' : 'is'} corrected to ${expected.toISOString()}`
    : 'no authority rule says which date is right, so a person must decide';
  return {
    class: 'DUE_DATE_DIVERGED',
    laggingSystems: rule ? diverged : [],
    leadingSystem: rule ? authority : null,
    expectedStatus: null,
    expectedDueAt: rule ? expected : null,
    settledBy: rule?.id ?? null,
    ...pending(context, [authority, ...diverged]),
    detail: `${sides.join(', ')}; ${outcome}`,
  };
}

function unitFindings(
  observations: Observations,
  resolveCommune: CommuneResolver,
): { finding: ThreeWayFinding | null; remapped: CommuneRemap[] } {
  const remapped: CommuneRemap[] = [];
  const unmapped: ReconciledSystem[] = [];
  const reasons: string[] = [];
  for (const system of RECONCILED_SYSTEMS) {
    const copy = observations[system];
    if (!copy) continue;
    const resolution = resolveCommune(copy.communeCode);
    switch (resolution.kind) {
      case 'CURRENT':
        break;
      case 'LEGACY_UNAMBIGUOUS':
        remapped.push({ system, reportedCode: copy.communeCode, communeCode: resolution.newCode });
        break;
      case 'LEGACY_AMBIGUOUS':
        unmapped.push(system);
        reasons.push(
          `${system} reports commune ${copy.communeCode}, dissolved in 2025 and split among ${resolution.candidates.join(', ')}`,
        );
        break;
      case 'UNKNOWN':
        unmapped.push(system);
        reasons.push(`${system} reports commune ${copy.communeCode}, which is neither a current nor a pre-2025 commune code`);
        break;
    }
  }
  if (unmapped.length === 0) return { finding: null, remapped };
  return {
    finding: {
      class: 'UNIT_UNMAPPED',
      laggingSystems: unmapped,
      leadingSystem: null,
      expectedStatus: null,
      expectedDueAt: null,
      settledBy: null,
      // A code that was never migrated does not fix itself with the next sync.
      ...NOT_PENDING,
      detail: `${reasons.join('; ')}; a person must choose the current commune from the dossier's address`,
    },
    remapped,
  };
}

/** Two records of one dossier in one system, found by a set-based check over the whole province. */
export interface DuplicateRecords {
  readonly system: ReconciledSystem;
  /** The record kept: the one registered first. */
  readonly dossierCode: string;
  readonly duplicateCode: string;
  /** What the two records share, in words: e.g. ['applicant', 'procedure', 'receiving unit', 'day']. */
  readonly matchedOn: readonly string[];
}

/** One sentence for reports about a duplicate record. */
export function describeDuplicate(duplicate: DuplicateRecords): string {
  const shared = duplicate.matchedOn.length === 0 ? '' : ` (same ${joinWords(duplicate.matchedOn)})`;
  return `${duplicate.system} holds dossier ${duplicate.dossierCode} a second time as ${duplicate.duplicateCode}${shared}; a person must cancel the duplicate record`;
}

/** The DUPLICATE finding for two records of one dossier. Cancelling a record is left to a person. */
export function duplicateFinding(duplicate: DuplicateRecords): ThreeWayFinding {
  return {
    class: 'DUPLICATE',
    laggingSystems: [duplicate.system],
    leadingSystem: null,
    expectedStatus: null,
    expectedDueAt: null,
    settledBy: null,
    ...NOT_PENDING,
    detail: describeDuplicate(duplicate),
  };
}

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`;
}
