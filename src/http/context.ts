import DataLoader from 'dataloader';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ObservationRow } from '../db/dossier.repository.js';
import type { AdministrativeUnitService } from '../services/administrative-unit.service.js';
import type { DossierQueryService } from '../services/dossier-query.service.js';
import type { ReconciliationRequestService } from '../services/reconciliation-request.service.js';

/** The services the API uses; built once per process. */
export interface ApiServices {
  units: AdministrativeUnitService;
  dossiers: DossierQueryService;
  reconciliation: ReconciliationRequestService;
}

/** Per-request loaders: batching and de-duplication of reads within one GraphQL request. */
export interface Loaders {
  observations: DataLoader<string, ObservationRow[]>;
}

export interface RequestContext {
  requestId: string;
  now: Date;
  services: ApiServices;
  loaders: Loaders;
  logger: Logger;
}

export function createRequestContext(services: ApiServices, logger: Logger, requestId: string = randomUUID()): RequestContext {
  return {
    requestId,
    now: new Date(),
    services,
    loaders: {
      observations: new DataLoader((codes) => services.dossiers.observationsByCodes(codes), { maxBatchSize: 500 }),
    },
    logger: logger.child({ requestId }),
  };
}
