import type { Sql } from 'postgres';
import { AUTHORITY_RULES, type AuthorityRuleSet, type ReconciledSystem } from '../domain/authority-rules.js';
import type { CommuneResolution, CommuneResolver } from '../domain/commune-resolution.js';
import { isDossierStatus, type DossierStatus } from '../domain/dossier-status.js';
import { MISMATCH_CLASSES } from '../domain/mismatch.js';
import { classifyThreeWay, duplicateFinding, type SystemObservation, type ThreeWayFinding } from '../domain/three-way-mismatch.js';
import { timelinessImpact } from '../domain/timeliness-impact.js';
import type { CandidateInput, PartitionRow } from '../db/run-pipeline.repository.js';
import type { ClassifyContext, DossierClassifier } from './reconcile-run.service.js';
import type { ReportRules } from './run-report.js';

/**
 * Commune codes in memory for the classifier: the 3,321 communes in force and the pre-2025
 * codes with the new communes each went into (a few thousand rows, read once per process).
 */
export class CommuneIndex {
  private constructor(
    private readonly current: ReadonlySet<string>,
    private readonly legacy: ReadonlyMap<string, readonly string[]>,
  ) {}

  static async load(sql: Sql): Promise<CommuneIndex> {
    const current = await sql<{ code: string }[]>`select code from administrative_units where level = 'COMMUNE'`;
    const legacy = await sql<{ oldCode: string; newCodes: string[] }[]>`
      select old_code as "oldCode", array_agg(distinct new_code order by new_code) as "newCodes"
      from legacy_communes where old_code is not null group by old_code`;
    return new CommuneIndex(new Set(current.map((r) => r.code)), new Map(legacy.map((r) => [r.oldCode, r.newCodes])));
  }

  readonly resolve: CommuneResolver = (code: string): CommuneResolution => {
    if (this.current.has(code)) return { kind: 'CURRENT' };
    const candidates = this.legacy.get(code);
    if (!candidates || candidates.length === 0) return { kind: 'UNKNOWN' };
    if (candidates.length === 1) return { kind: 'LEGACY_UNAMBIGUOUS', newCode: candidates[0] as string };
    return { kind: 'LEGACY_AMBIGUOUS', candidates };
  };
}

/** The authority rules as reports show them: id and statement. */
export function reportRules(rules: AuthorityRuleSet = AUTHORITY_RULES): ReportRules {
  return { version: rules.version, rules: rules.rules.map((r) => ({ id: r.id, statement: r.statement })) };
}

/** The three-way domain rules applied to the rows a partition's diff returns. */
export class ThreeWayClassifier implements DossierClassifier {
  readonly rulesVersion: string;
  readonly dossierClasses = MISMATCH_CLASSES.filter((c) => c !== 'DATA_QUALITY');

  constructor(
    private readonly communes: CommuneIndex,
    private readonly rules: AuthorityRuleSet = AUTHORITY_RULES,
  ) {
    this.rulesVersion = rules.version;
  }

  classify(row: PartitionRow, context: ClassifyContext): CandidateInput[] {
    const observations: Partial<Record<ReconciledSystem, SystemObservation>> = {};
    for (const [system, side] of Object.entries(row.sides) as [ReconciledSystem, NonNullable<PartitionRow['sides'][ReconciledSystem]>][]) {
      observations[system] = {
        status: side.status !== null && isDossierStatus(side.status) ? side.status : null,
        nativeStatus: side.nativeStatus,
        updatedAt: side.updatedAt,
        communeCode: side.communeCode,
        dueAt: side.dueAt,
      };
    }
    const result = classifyThreeWay({
      observations,
      now: context.now,
      lagMs: context.toleranceMs,
      resolveCommune: this.communes.resolve,
      rules: this.rules,
      consulted: context.consulted,
    });
    if (result.findings.length === 0) return [];
    const observed = Object.fromEntries(
      Object.entries(row.sides).map(([system, side]) => [
        system,
        {
          status: side.status,
          nativeStatus: side.nativeStatus,
          updatedAt: side.updatedAt.toISOString(),
          communeCode: side.communeCode,
          dueAt: side.dueAt?.toISOString() ?? null,
        },
      ]),
    );
    const before = observations.provincial?.status ?? null;
    return result.findings.map((finding) => this.candidate(row, finding, observed, before, context.now));
  }

  duplicate(group: { system: string; codes: string[]; communeCode: string; procedureCode: string; receivedAt: Date }): CandidateInput[] {
    const [kept, ...others] = group.codes;
    if (kept === undefined) return [];
    return others.map((duplicateCode) => {
      const finding = duplicateFinding({
        system: group.system as ReconciledSystem,
        dossierCode: kept,
        duplicateCode,
        matchedOn: ['applicant', 'procedure', 'receiving unit', 'receipt time'],
      });
      return {
        dossierCode: duplicateCode,
        class: finding.class,
        communeCode: group.communeCode,
        procedureCode: group.procedureCode,
        laggingSystems: [...finding.laggingSystems],
        leadingSystem: null,
        expectedStatus: null,
        settledBy: null,
        pendingSync: false,
        observed: { [group.system]: { duplicateOf: kept, receivedAt: group.receivedAt.toISOString() } },
        detail: finding.detail,
        timelinessBefore: null,
        timelinessAfter: null,
      };
    });
  }

  private candidate(
    row: PartitionRow,
    finding: ThreeWayFinding,
    observed: Record<string, Record<string, unknown>>,
    before: DossierStatus | null,
    now: Date,
  ): CandidateInput {
    const after = finding.expectedStatus ?? before;
    const impact =
      after === null
        ? null
        : timelinessImpact({
            dueAt: row.dueAt,
            correctedDueAt: finding.expectedDueAt ?? row.dueAt,
            finishedAt: row.finishedAt,
            returnedAt: row.returnedAt,
            statusBefore: before,
            statusAfter: after,
            now,
          });
    return {
      dossierCode: row.code,
      class: finding.class,
      communeCode: row.communeCode,
      procedureCode: row.procedureCode,
      laggingSystems: [...finding.laggingSystems],
      leadingSystem: finding.leadingSystem,
      expectedStatus: finding.expectedStatus,
      settledBy: finding.settledBy,
      pendingSync: finding.pendingSync,
      pendingUntil: finding.pendingUntil,
      observed,
      detail: finding.detail,
      timelinessBefore: impact?.before?.outcome ?? null,
      timelinessAfter: impact?.after.outcome ?? null,
    };
  }
}
