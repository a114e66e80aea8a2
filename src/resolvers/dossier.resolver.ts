import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { DossierQuery, DossierRow } from '../db/dossier.repository.js';
import { isDossierStatus } from '../domain/dossier-status.js';
import { procedureByCode } from '../domain/procedures.js';
import { forbidden } from '../auth/auth-checker.js';
import { inUnitScope, unitScopeOf } from '../auth/principal.js';
import type { RequestContext } from '../http/context.js';
import {
  decodeCursor,
  encodeCursor,
  requireCommuneCode,
  requireDossierCode,
  requirePageSize,
  requireProvinceCode,
} from '../schema/arguments.js';
import { DossierFilter } from '../schema/dossier-filter.input.js';
import { Dossier, DossierConnection } from '../schema/dossier.type.js';
import { Observation } from '../schema/observation.type.js';
import { Citizen } from '../schema/citizen.type.js';
import { Document } from '../schema/document.type.js';
import { toDocument } from './document.resolver.js';
import { LookupPurpose } from '../schema/lookup-purpose.enum.js';
import { loadCitizen, toCitizen, type CitizenRoot } from './citizen.resolver.js';
import { selectedFields } from './selected-fields.js';
import { connectionOf } from '../schema/connection.js';

/** A dossier as resolvers pass it on: the row's fields plus the applicant's id for nested reads. */
export type DossierRoot = Omit<Dossier, 'observations' | 'applicant' | 'documents'> & { applicantPersonalId: string | null };

const MAX_PAGE = 100;

/** A connection that counts its total only when a client asks for it. */
type LazyDossierConnection = Omit<DossierConnection, 'totalCount' | 'edges'> & {
  edges: Array<{ cursor: string; node: DossierRoot }>;
  query: DossierQuery;
};

@Resolver(() => Dossier)
export class DossierResolver {
  @Authorized('dossiers:read')
  @Query(() => Dossier, { nullable: true, description: 'A dossier by its national code; FORBIDDEN outside the caller’s units.' })
  async dossier(@Ctx() ctx: RequestContext, @Arg('code', () => String) code: string): Promise<DossierRoot | null> {
    const row = await ctx.services.dossiers.byCode(requireDossierCode(code));
    if (row && !inUnitScope(unitScopeOf(ctx.principal), row.provinceCode, row.communeCode)) {
      throw forbidden('this dossier belongs to a unit outside yours');
    }
    return row ? toDossier(row) : null;
  }

  @Authorized('dossiers:read')
  @Query(() => DossierConnection, { description: `Dossiers matching a filter, ordered by code; at most ${MAX_PAGE} a page.` })
  async dossiers(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => DossierFilter, { nullable: true }) filter?: DossierFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<LazyDossierConnection> {
    const size = requirePageSize(first, MAX_PAGE);
    const query = { ...toQuery(filter ?? {}), scope: unitScopeOf(ctx.principal) };
    const afterCode = after ? decodeCursor(after) : null;
    const page = await ctx.services.dossiers.page(query, afterCode, size);
    const edges = page.items.map((row) => ({ cursor: encodeCursor(row.code), node: toDossier(row) }));
    return {
      ...connectionOf(edges, page.hasNextPage, afterCode !== null),
      query,
    };
  }

  @FieldResolver(() => [Observation])
  async observations(@Root() dossier: DossierRoot, @Ctx() ctx: RequestContext): Promise<Observation[]> {
    const rows = await ctx.loaders.observations.load(dossier.code);
    return rows.map((o) => ({
      system: o.system,
      nativeId: o.nativeId,
      nativeStatus: o.nativeStatus,
      status: o.status !== null && isDossierStatus(o.status) ? o.status : null,
      communeCode: o.communeCode,
      dueAt: o.dueAt,
      sourceUpdatedAt: o.sourceUpdatedAt,
      sourceVersion: o.sourceVersion,
      observedAt: o.observedAt,
    }));
  }
}

@Resolver(() => Dossier)
export class DossierApplicantResolver {
  @Authorized('population:lookup')
  @FieldResolver(() => Citizen, { nullable: true })
  async applicant(@Root() dossier: DossierRoot, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<CitizenRoot | null> {
    if (!dossier.applicantPersonalId) return null;
    const citizen = await loadCitizen(ctx, dossier.applicantPersonalId);
    await ctx.loaders.personalDataReads.load({
      action: 'CITIZEN_READ',
      subjectPersonalId: dossier.applicantPersonalId,
      purpose: LookupPurpose.PROCESS_DOSSIER,
      reference: dossier.code,
      fields: selectedFields(info),
    });
    return citizen ? toCitizen(citizen) : null;
  }
}

@Resolver(() => Dossier)
export class DossierDocumentsResolver {
  @Authorized('documents:read')
  @FieldResolver(() => [Document])
  async documents(@Root() dossier: DossierRoot, @Ctx() ctx: RequestContext): Promise<Document[]> {
    return (await ctx.loaders.documentsByDossier.load(dossier.code)).map(toDocument);
  }
}

@Resolver(() => DossierConnection)
export class DossierConnectionResolver {
  @FieldResolver(() => Int)
  totalCount(@Root() connection: LazyDossierConnection, @Ctx() ctx: RequestContext): Promise<number> {
    return ctx.services.dossiers.count(connection.query);
  }
}

function toQuery(filter: DossierFilter): DossierQuery {
  return {
    provinceCode: filter.provinceCode ? requireProvinceCode(filter.provinceCode, 'filter.provinceCode') : null,
    communeCode: filter.communeCode ? requireCommuneCode(filter.communeCode, 'filter.communeCode') : null,
    status: filter.status ?? null,
    procedureCode: filter.procedureCode ?? null,
    hasMismatch: filter.hasMismatch ?? null,
  };
}

export function toDossier(row: DossierRow): DossierRoot {
  return {
    applicantPersonalId: row.applicantPersonalId,
    code: row.code,
    provinceCode: row.provinceCode,
    communeCode: row.communeCode,
    procedureCode: row.procedureCode,
    procedureName: procedureByCode(row.procedureCode)?.name ?? null,
    status: row.status !== null && isDossierStatus(row.status) ? row.status : null,
    receivedAt: row.receivedAt,
    dueAt: row.dueAt,
    finishedAt: row.finishedAt,
    returnedAt: row.returnedAt,
    hasOpenMismatch: row.hasOpenMismatch,
  };
}
