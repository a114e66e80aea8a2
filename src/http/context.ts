import DataLoader from 'dataloader';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CivilRegistration } from '../connectors/civil-registration/civil-registration.js';
import type { Citizen } from '../connectors/population/citizen.js';
import { ANONYMOUS, type Principal } from '../auth/principal.js';
import type { ObservationRow } from '../db/dossier.repository.js';
import type { DocumentRow } from '../db/document.repository.js';
import type { CitizenLookupService, ReadPurpose } from '../services/citizen-lookup.service.js';
import type { SystemStatusService } from '../services/system-status.service.js';
import type { AuditRepository } from '../db/audit.repository.js';
import type { DocumentQueryService } from '../services/document-query.service.js';
import type { AdministrativeUnitService } from '../services/administrative-unit.service.js';
import type { DossierQueryService } from '../services/dossier-query.service.js';
import type { ReconciliationRequestService } from '../services/reconciliation-request.service.js';
import type { SystemAuthenticator } from '../auth/system-authenticator.js';
import type { IngestQueryService } from '../services/ingest-query.service.js';
import type { PushMutationService } from '../services/push-mutation.service.js';

/** The services the API uses; built once per process. */
export interface ApiServices {
  units: AdministrativeUnitService;
  dossiers: DossierQueryService;
  reconciliation: ReconciliationRequestService;
  citizens: CitizenLookupService;
  systems: SystemStatusService;
  documents: DocumentQueryService;
  audit: AuditRepository;
  ingest: IngestApi;
}

/** The push path as the API serves it: operators' reads, agency systems' push mutations. */
export interface IngestApi {
  query: IngestQueryService;
  push: PushMutationService;
  /** Who is pushing: the one place a JWT check will replace the per-system tokens. */
  auth: SystemAuthenticator;
}

/** Per-request loaders: batching and de-duplication of reads within one GraphQL request. */
export interface Loaders {
  observations: DataLoader<string, ObservationRow[]>;
  /** Citizens by personal id: one population call per tick, whatever the nesting. */
  citizens: DataLoader<string, Citizen | null>;
  civilRegistrations: DataLoader<string, CivilRegistration[]>;
  /** Documents about dossiers, from the hub's index: one query for a page of dossiers. */
  documentsByDossier: DataLoader<string, DocumentRow[]>;
  /** Audit rows of personal-data reads, written in one insert per tick before the data leaves. */
  personalDataReads: DataLoader<ReadPurpose & { subjectPersonalId: string; action: string }, void>;
}

/** Who is asking, as recorded in the audit trail: the principal's subject and first unit. */
export interface Actor {
  id: string;
  unit: string | null;
}

export interface RequestContext {
  requestId: string;
  /** The verified caller; ANONYMOUS when no token was sent. */
  principal: Principal;
  actor: Actor;
  now: Date;
  services: ApiServices;
  loaders: Loaders;
  logger: Logger;
  /** A request header (lower-case name), e.g. Authorization or Idempotency-Key. */
  header(name: string): string | undefined;
}

export function createRequestContext(
  services: ApiServices,
  logger: Logger,
  requestId: string = randomUUID(),
  principal: Principal = ANONYMOUS,
  headers: { get(name: string): string | undefined } = new Map<string, string>(),
): RequestContext {
  const actor: Actor = { id: principal.subject, unit: principal.units[0] ?? null };
  const reader = { actor: actor.id, unit: actor.unit, requestId };
  return {
    requestId,
    principal,
    actor,
    now: new Date(),
    services,
    header: (name) => headers.get(name.toLowerCase()) ?? undefined,
    loaders: {
      observations: new DataLoader((codes) => services.dossiers.observationsByCodes(codes), { maxBatchSize: 500 }),
      citizens: new DataLoader(
        async (ids) => {
          const found = await services.citizens.citizens(ids);
          return ids.map((id) => found.get(id) ?? null);
        },
        { maxBatchSize: 1_000 },
      ),
      civilRegistrations: new DataLoader(
        async (ids) => {
          const found = await services.citizens.civilRegistrations(ids);
          return ids.map((id) => found.get(id) ?? []);
        },
        { maxBatchSize: 1_000 },
      ),
      documentsByDossier: new DataLoader((codes) => services.documents.byDossierCodes(codes), { maxBatchSize: 500 }),
      personalDataReads: new DataLoader(
        async (reads) => {
          await services.citizens.recordReads(reader, reads);
          return reads.map(() => undefined);
        },
        { cache: false },
      ),
    },
    logger: logger.child({ requestId }),
  };
}
