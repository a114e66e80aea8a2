import type { CivilRegistration } from '../connectors/civil-registration/civil-registration.js';
import type { CivilRegistrationConnector } from '../connectors/civil-registration/client.js';
import type { Citizen } from '../connectors/population/citizen.js';
import type { PopulationConnector } from '../connectors/population/client.js';
import type { AuditEntry, AuditRepository } from '../db/audit.repository.js';
import { withDeadline } from './deadline.js';
import { SharedInflight } from './shared-inflight.js';

export interface Reader {
  actor: string;
  unit: string | null;
  requestId: string | null;
}

export interface ReadPurpose {
  purpose: string;
  reference: string | null;
  fields: readonly string[];
}

/**
 * Reads of citizen data: from the population database and the civil-registration software,
 * batched, time-bounded, and each recorded before the data is returned.
 */
export class CitizenLookupService {
  private readonly citizensInflight = new SharedInflight<Citizen>();
  private readonly registrationsInflight = new SharedInflight<CivilRegistration[]>();

  constructor(
    private readonly population: PopulationConnector,
    private readonly civilRegistration: CivilRegistrationConnector,
    private readonly audit: AuditRepository,
    private readonly deadlineMs: number,
  ) {}

  /** One population call per batch of ids (the connector splits into SOAP requests of 50). */
  citizens(ids: readonly string[]): Promise<Map<string, Citizen>> {
    return withDeadline(
      'population',
      this.deadlineMs,
      this.citizensInflight.load(ids, (missing) => this.population.citizensByIds(missing)),
    );
  }

  civilRegistrations(ids: readonly string[]): Promise<Map<string, CivilRegistration[]>> {
    return withDeadline(
      'civil-registration',
      this.deadlineMs,
      this.registrationsInflight.load(ids, (missing) => this.civilRegistration.registrationsByPersonalIds(missing)),
    );
  }

  /** Records reads of personal data; one row per subject, purpose and reference. */
  recordReads(reader: Reader, reads: ReadonlyArray<ReadPurpose & { subjectPersonalId: string; action: string }>): Promise<void> {
    const entries: AuditEntry[] = reads.map((r) => ({
      action: r.action,
      actor: reader.actor,
      actorUnit: reader.unit,
      subjectPersonalId: r.subjectPersonalId,
      purpose: r.purpose,
      reference: r.reference,
      fields: r.fields,
      requestId: reader.requestId,
    }));
    return this.audit.append(entries);
  }
}
