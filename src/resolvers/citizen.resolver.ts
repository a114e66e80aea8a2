import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import type { CivilRegistration as CivilRegistrationRecord } from '../connectors/civil-registration/civil-registration.js';
import { isConnectorError } from '../connectors/connector-error.js';
import type { Citizen as CitizenRecord } from '../connectors/population/citizen.js';
import type { RequestContext } from '../http/context.js';
import { requirePersonalId } from '../schema/arguments.js';
import { Citizen, type Sex } from '../schema/citizen.type.js';
import { CivilRegistration } from '../schema/civil-registration.type.js';
import { badUserInput, upstreamError } from '../schema/errors.js';
import { LookupPurpose } from '../schema/lookup-purpose.enum.js';
import { selectedFields } from './selected-fields.js';

/** A citizen as returned to GraphQL: the record plus the personal id for nested reads. */
export type CitizenRoot = Omit<Citizen, 'civilRegistrations'>;

@Resolver(() => Citizen)
export class CitizenResolver {
  @Authorized('population:lookup')
  @Query(() => Citizen, {
    nullable: true,
    description: 'A citizen from the National Population Database. The read is recorded with its purpose and reference.',
  })
  async citizen(
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('personalId', () => String) personalId: string,
    @Arg('purpose', () => LookupPurpose) purpose: LookupPurpose,
    @Arg('reference', () => String, { nullable: true, description: 'The dossier code or registration number this read serves.' })
    reference?: string | null,
  ): Promise<CitizenRoot | null> {
    const id = requirePersonalId(personalId, ctx.now);
    const ref = requireReference(reference);
    const citizen = await loadCitizen(ctx, id);
    await ctx.loaders.personalDataReads.load({
      action: 'CITIZEN_READ',
      subjectPersonalId: id,
      purpose,
      reference: ref,
      fields: selectedFields(info),
    });
    return citizen ? toCitizen(citizen) : null;
  }

  @Authorized('population:lookup')
  @FieldResolver(() => [CivilRegistration])
  async civilRegistrations(@Root() citizen: CitizenRoot, @Ctx() ctx: RequestContext): Promise<CivilRegistration[]> {
    try {
      return (await ctx.loaders.civilRegistrations.load(citizen.personalId)).map(toRegistration);
    } catch (error) {
      if (isConnectorError(error)) throw upstreamError(error);
      throw error;
    }
  }
}

@Resolver()
export class CivilRegistrationResolver {
  @Authorized('population:lookup')
  @Query(() => [CivilRegistration], { description: 'Civil-status registrations naming a person. The read is recorded.' })
  async civilRegistrations(
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('personalId', () => String) personalId: string,
    @Arg('purpose', () => LookupPurpose, { defaultValue: LookupPurpose.REGISTER_CIVIL_EVENT }) purpose: LookupPurpose,
    @Arg('reference', () => String, { nullable: true }) reference?: string | null,
  ): Promise<CivilRegistration[]> {
    const id = requirePersonalId(personalId, ctx.now);
    const ref = requireReference(reference);
    let records: CivilRegistrationRecord[];
    try {
      records = await ctx.loaders.civilRegistrations.load(id);
    } catch (error) {
      if (isConnectorError(error)) throw upstreamError(error);
      throw error;
    }
    await ctx.loaders.personalDataReads.load({
      action: 'CIVIL_REGISTRATION_READ',
      subjectPersonalId: id,
      purpose,
      reference: ref,
      fields: selectedFields(info),
    });
    return records.map(toRegistration);
  }
}

/** Loads a citizen through the request's DataLoader; upstream failures become field errors. */
export async function loadCitizen(ctx: RequestContext, personalId: string): Promise<CitizenRecord | null> {
  try {
    return await ctx.loaders.citizens.load(personalId);
  } catch (error) {
    if (isConnectorError(error)) throw upstreamError(error);
    throw error;
  }
}

function requireReference(reference: string | null | undefined): string {
  const value = reference?.trim() ?? '';
  if (value === '') {
    throw badUserInput('a reference is required: the dossier code or registration number this read of citizen data serves', 'reference');
  }
  if (value.length > 100) throw badUserInput('reference must be at most 100 characters', 'reference');
  return value;
}

export function toCitizen(c: CitizenRecord): CitizenRoot {
  return {
    personalId: c.personalId,
    fullName: c.fullName,
    familyName: c.familyName,
    middleName: c.middleName,
    givenName: c.givenName,
    sex: c.sex as Sex,
    birthDate: c.birthDate,
    ethnicityCode: c.ethnicityCode,
    nationality: c.nationality,
    maritalStatus: c.maritalStatus,
    permanentAddress: c.permanentAddress,
    currentAddress: c.currentAddress,
    householdHead: c.householdHead,
    father: c.father,
    mother: c.mother,
    spouse: c.spouse,
    deceased: c.deceased,
    deathDate: c.deathDate,
  };
}

function toRegistration(r: CivilRegistrationRecord): CivilRegistration {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    nativeStatus: r.nativeStatus,
    lodgedAt: r.lodgedAt,
    registeredAt: r.registeredAt,
    registrationNumber: r.registrationNumber,
    book: r.book,
    page: r.page,
    placeCommuneCode: r.placeCommuneCode,
    dossierCode: r.dossierCode,
    people: r.people.map((p) => ({ role: p.role, personalId: p.personalId, fullName: p.fullName, birthDate: p.birthDate })),
    issuedPersonalId: r.issuedPersonalId,
    deathDate: r.deathDate,
  };
}
