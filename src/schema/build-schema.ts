import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AdministrativeUnitResolver } from '../resolvers/administrative-unit.resolver.js';
import { CitizenResolver, CivilRegistrationResolver } from '../resolvers/citizen.resolver.js';
import { DossierApplicantResolver, DossierConnectionResolver, DossierResolver } from '../resolvers/dossier.resolver.js';
import { SystemResolver } from '../resolvers/system.resolver.js';
import { DocumentConnectionResolver, DocumentResolver } from '../resolvers/document.resolver.js';
import { MismatchConnectionResolver, MismatchResolver, ReconciliationResolver } from '../resolvers/reconciliation.resolver.js';

export const RESOLVERS = [
  AdministrativeUnitResolver,
  DossierResolver,
  DossierConnectionResolver,
  DossierApplicantResolver,
  CitizenResolver,
  CivilRegistrationResolver,
  SystemResolver,
  DocumentResolver,
  DocumentConnectionResolver,
  ReconciliationResolver,
  MismatchResolver,
  MismatchConnectionResolver,
] as const;

/** The hub's GraphQL schema, built from the type-graphql classes. */
export function buildHubSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...RESOLVERS],
    // Arguments are validated by the resolvers with the domain rules, not by class-validator.
    validate: false,
    emitSchemaFile: false,
  });
}
