import { registerEnumType } from 'type-graphql';
import { DOSSIER_STATUSES, STATUS_CODE, STATUS_LABEL, type DossierStatus } from '../domain/dossier-status.js';

/** The canonical statuses as a GraphQL enum; values are the national status names. */
export const DossierStatusEnum = Object.fromEntries(DOSSIER_STATUSES.map((s) => [s, s])) as { [K in DossierStatus]: K };

registerEnumType(DossierStatusEnum, {
  name: 'DossierStatus',
  description: 'Canonical dossier status: the national TrangThaiHoSo codes 1–10.',
  valuesConfig: Object.fromEntries(
    DOSSIER_STATUSES.map((s) => [s, { description: `${STATUS_CODE[s]} — ${STATUS_LABEL[s]}` }]),
  ),
});
