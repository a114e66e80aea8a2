import { Field, Int, ObjectType } from 'type-graphql';
import { Citizen } from './citizen.type.js';
import { Document } from './document.type.js';
import type { DossierStatus } from '../domain/dossier-status.js';
import { DossierStatusEnum } from './dossier-status.enum.js';
import { Observation } from './observation.type.js';
import { PageInfo } from './page-info.type.js';

@ObjectType({ description: 'An administrative-procedure dossier (hồ sơ TTHC) as the hub knows it.' })
export class Dossier {
  @Field(() => String, { description: 'National dossier code (mã hồ sơ), e.g. 000.00.12.H12-251104-0042.' })
  code!: string;

  @Field(() => String)
  provinceCode!: string;

  @Field(() => String, { description: 'Receiving commune (5-digit code).' })
  communeCode!: string;

  @Field(() => String, { description: 'National procedure code (mã TTHC), e.g. 1.001193.' })
  procedureCode!: string;

  @Field(() => String, { nullable: true })
  procedureName!: string | null;

  @Field(() => DossierStatusEnum, { nullable: true, description: "The hub's canonical status, derived from every system's observation." })
  status!: DossierStatus | null;

  @Field(() => Date, { nullable: true })
  receivedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  dueAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  returnedAt!: Date | null;

  @Field(() => Boolean, { description: 'True while a reconciliation mismatch about this dossier is open.' })
  hasOpenMismatch!: boolean;

  @Field(() => [Observation], { description: "Each system's view of the dossier." })
  observations!: Observation[];

  @Field(() => Citizen, {
    nullable: true,
    description: 'The applicant, read live from the population database with purpose PROCESS_DOSSIER and this dossier as reference (recorded).',
  })
  applicant!: Citizen | null;

  @Field(() => [Document], { description: 'Party and government documents about this dossier, newest first (needs documents:read).' })
  documents!: Document[];
}

@ObjectType()
export class DossierEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Dossier)
  node!: Dossier;
}

@ObjectType({ description: 'A page of dossiers (Relay connection).' })
export class DossierConnection {
  @Field(() => [DossierEdge])
  edges!: DossierEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Dossiers matching the filter, across all pages.' })
  totalCount!: number;
}
