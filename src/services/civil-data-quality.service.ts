import type { Logger } from 'pino';
import type { CivilRegistration, CivilRegistrationRole } from '../connectors/civil-registration/civil-registration.js';
import type { CivilRegistrationConnector } from '../connectors/civil-registration/client.js';
import { procedureCodeOf } from '../connectors/civil-registration/mapping.js';
import { isConnectorError } from '../connectors/connector-error.js';
import type { Citizen } from '../connectors/population/citizen.js';
import type { PopulationConnector } from '../connectors/population/client.js';
import type { AuditEntry, AuditRepository } from '../db/audit.repository.js';
import type { FindingInput } from '../db/reconciliation.repository.js';
import type { RunSourceRecord } from '../db/schema.js';
import {
  DATA_QUALITY_CLASS,
  checkRegistration,
  personalIdsToCheck,
  type DataQualityIssue,
  type DataQualityIssueKind,
} from '../domain/civil-data-quality.js';
import type { LookupPurpose } from '../schema/lookup-purpose.enum.js';

/** Who the audit trail names for the check's reads when the caller names nobody else. */
export const RECONCILIATION_ACTOR = 'system:reconciliation';

/** The purpose every population read of the check is recorded with (Decree 13/2023/NĐ-CP). */
export const DATA_QUALITY_PURPOSE = 'CHECK_DATA_QUALITY' satisfies `${LookupPurpose}`;

/** The citizen fields the check compares: what the audit trail records as read. */
const FIELDS_READ = ['fullName', 'birthDate', 'deceased', 'deathDate'] as const;

const REGISTRY = 'civil-registration';
const POPULATION = 'population';

/**
 * Both systems' values for the people a finding is about, by system and role: the person's
 * personal id (null on the population side when it holds no such citizen) and each field that
 * differs. Personal data: read it only where personal data may be read.
 */
export type DataQualityObserved = Record<typeof REGISTRY | typeof POPULATION, Partial<Record<CivilRegistrationRole, Record<string, string | null>>>>;

/**
 * A finding as the reconciliation records it ({@link FindingInput}), one per registration. Its
 * `observed` holds field values rather than statuses; `issues` lists what differs, person by person.
 */
export interface DataQualityFinding extends Omit<FindingInput, 'class' | 'observed'> {
  class: typeof DATA_QUALITY_CLASS;
  observed: DataQualityObserved;
  issues: DataQualityIssue[];
}

export interface DataQualityCheckInput {
  /** Two-digit province code: the registrations of this province's feed are checked. */
  provinceCode: string;
  /** Where the previous check of the province stopped; null reads the feed from its beginning. */
  cursor: string | null;
  /** Ties the audit events to the run that caused them (e.g. its job id). */
  requestId?: string | null;
}

export interface DataQualityCheckResult {
  /**
   * The civil-registration feed (`read` = registrations checked, `cursorTo` = where the next check
   * starts) and the population database (`read` = personal ids looked up). A system that failed
   * has its error here; the findings are those of the registrations checked before it failed.
   */
  sources: [RunSourceRecord, RunSourceRecord];
  findings: DataQualityFinding[];
  countsByKind: Partial<Record<DataQualityIssueKind, number>>;
}

export interface CivilDataQualityOptions {
  /** The audit trail's actor for the reads; defaults to {@link RECONCILIATION_ACTOR}. */
  actor?: string;
  /** Registrations per page of the change feed (the registry serves at most 500). */
  pageSize?: number;
}

/**
 * The data-quality check of civil registrations: reads a province's registrations from the
 * civil-status software's change feed, looks the people they record up in the National
 * Population Database, and reports each registration that disagrees with it as a DATA_QUALITY
 * finding with both systems' values.
 *
 * Page by page: a page is looked up, its reads are recorded in the audit trail, then checked,
 * and only then does the cursor move past it. A system failing mid-read ends the check with the
 * error recorded and the findings so far; the unchecked page is read again next time, so a
 * failed lookup never shows up as an unknown personal id.
 */
export class CivilDataQualityService {
  private readonly actor: string;
  private readonly pageSize: number;
  private readonly logger: Logger;

  constructor(
    private readonly civilRegistration: Pick<CivilRegistrationConnector, 'registrationChanges'>,
    private readonly population: Pick<PopulationConnector, 'citizensByIds'>,
    private readonly audit: Pick<AuditRepository, 'append'>,
    logger: Logger,
    options: CivilDataQualityOptions = {},
  ) {
    this.actor = options.actor ?? RECONCILIATION_ACTOR;
    this.pageSize = options.pageSize ?? 500;
    this.logger = logger.child({ service: 'civil-data-quality' });
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) throw new RangeError('pageSize must be a positive integer');
  }

  async checkProvince(input: DataQualityCheckInput): Promise<DataQualityCheckResult> {
    const log = this.logger.child({ provinceCode: input.provinceCode });
    const registry: RunSourceRecord = { system: REGISTRY, cursorFrom: input.cursor, cursorTo: input.cursor, read: 0, error: null };
    const population: RunSourceRecord = { system: POPULATION, cursorFrom: null, cursorTo: null, read: 0, error: null };
    const findings: DataQualityFinding[] = [];

    for (;;) {
      const page = await this.attempt(registry, () => this.civilRegistration.registrationChanges(input.provinceCode, registry.cursorTo, this.pageSize));
      if (page === undefined) break;
      const ids = [...new Set(page.items.flatMap(personalIdsToCheck))];
      const citizens = ids.length === 0 ? new Map<string, Citizen>() : await this.attempt(population, () => this.population.citizensByIds(ids));
      if (citizens === undefined) break;
      // Recorded before the data is used: a read the trail does not show must not inform a finding.
      await this.audit.append(this.reads(page.items, citizens, input));
      population.read += ids.length;
      for (const registration of page.items) {
        const finding = findingOf(registration, checkRegistration(registration, (id) => citizens.get(id) ?? null));
        if (finding) findings.push(finding);
      }
      registry.read += page.items.length;
      registry.cursorTo = page.nextCursor;
      if (!page.hasMore) break;
    }

    const countsByKind: DataQualityCheckResult['countsByKind'] = {};
    for (const issue of findings.flatMap((finding) => finding.issues)) countsByKind[issue.kind] = (countsByKind[issue.kind] ?? 0) + 1;
    for (const source of [registry, population]) {
      if (source.error) log.warn({ system: source.system, code: source.error.code, checked: registry.read }, 'data-quality check stopped: a system failed');
    }
    log.info({ checked: registry.read, lookedUp: population.read, findings: findings.length, countsByKind }, 'civil data-quality check done');
    return { sources: [registry, population], findings, countsByKind };
  }

  /** One call to a system; a connector failure is recorded on its source and ends the check (undefined). */
  private async attempt<T>(source: RunSourceRecord, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      if (!isConnectorError(error)) throw error;
      source.error = { code: error.code, message: error.message };
      return undefined;
    }
  }

  /** One audit event per person looked up and registration the lookup serves. */
  private reads(registrations: readonly CivilRegistration[], citizens: ReadonlyMap<string, Citizen>, input: DataQualityCheckInput): AuditEntry[] {
    const entries: AuditEntry[] = [];
    for (const registration of registrations) {
      for (const id of personalIdsToCheck(registration)) {
        entries.push({
          action: 'CITIZEN_READ',
          actor: this.actor,
          actorUnit: input.provinceCode,
          subjectPersonalId: id,
          purpose: DATA_QUALITY_PURPOSE,
          reference: registrationFindingCode(registration.id),
          fields: FIELDS_READ,
          requestId: input.requestId ?? null,
          detail: { found: citizens.has(id) },
        });
      }
    }
    return entries;
  }
}

/**
 * The code a registration's findings are kept under, in the column that holds dossier codes:
 * the registry's own id (unique per module and province), prefixed so it never equals a dossier
 * code (mã hồ sơ are `{unit}-{yyMMdd}-{NNNN}`, never `HT:`).
 */
export function registrationFindingCode(registrationId: string): string {
  return `HT:${registrationId}`;
}

/** The finding of one registration, or null when it agrees with the population database. */
export function findingOf(registration: CivilRegistration, issues: readonly DataQualityIssue[]): DataQualityFinding | null {
  if (issues.length === 0) return null;
  const observed: DataQualityObserved = { [REGISTRY]: {}, [POPULATION]: {} };
  for (const issue of issues) {
    const registryValues = (observed[REGISTRY][issue.role] ??= { personalId: issue.personalId });
    const populationValues = (observed[POPULATION][issue.role] ??= { personalId: issue.kind === 'UNKNOWN_PERSONAL_ID' ? null : issue.personalId });
    if (issue.field === 'personalId') continue;
    registryValues[issue.field] = issue.registrationValue;
    populationValues[issue.field] = issue.populationValue;
  }
  return {
    dossierCode: registrationFindingCode(registration.id),
    communeCode: registration.placeCommuneCode,
    procedureCode: procedureCodeOf(registration.kind, registration.type) ?? registration.nativeModule,
    class: DATA_QUALITY_CLASS,
    // Which side is right is for an officer to establish from the paper register and the citizen's papers.
    laggingSystem: null,
    leadingSystem: null,
    expectedStatus: null,
    observed,
    detail: issues.map((issue) => issue.detail).join(' '),
    issues: [...issues],
  };
}
