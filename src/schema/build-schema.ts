import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { scopeAuthChecker } from '../auth/auth-checker.js';
import { AdministrativeUnitResolver } from '../resolvers/administrative-unit.resolver.js';
import { CitizenResolver, CivilRegistrationResolver } from '../resolvers/citizen.resolver.js';
import { DossierApplicantResolver, DossierConnectionResolver, DossierDocumentsResolver, DossierResolver } from '../resolvers/dossier.resolver.js';
import { SystemResolver } from '../resolvers/system.resolver.js';
import { AuditResolver } from '../resolvers/audit.resolver.js';
import { DocumentConnectionResolver, DocumentContentResolver, DocumentResolver } from '../resolvers/document.resolver.js';
import { MismatchConnectionResolver, MismatchLifecycleResolver, MismatchResolver, ReconciliationResolver } from '../resolvers/reconciliation.resolver.js';
import { ReconciliationScheduleResolver } from '../resolvers/reconciliation-schedule.resolver.js';
import { InboundEventConnectionResolver, IngestResolver } from '../resolvers/ingest.resolver.js';

export const RESOLVERS = [
  AdministrativeUnitResolver,
  DossierResolver,
  DossierConnectionResolver,
  DossierApplicantResolver,
  DossierDocumentsResolver,
  CitizenResolver,
  CivilRegistrationResolver,
  SystemResolver,
  AuditResolver,
  DocumentResolver,
  DocumentConnectionResolver,
  DocumentContentResolver,
  ReconciliationResolver,
  MismatchResolver,
  MismatchConnectionResolver,
  MismatchLifecycleResolver,
  ReconciliationScheduleResolver,
  IngestResolver,
  InboundEventConnectionResolver,
] as const;

/** The hub's GraphQL schema, built from the type-graphql classes. */
export function buildHubSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...RESOLVERS],
    // Arguments are validated by the resolvers with the domain rules, not by class-validator.
    validate: false,
    authChecker: scopeAuthChecker,
    // A denied field fails alone with FORBIDDEN; its siblings still resolve.
    authMode: 'error',
    emitSchemaFile: false,
  });
}
