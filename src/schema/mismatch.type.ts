import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { DossierStatus } from '../domain/dossier-status.js';
import { MISMATCH_CLASSES, type MismatchClass } from '../domain/mismatch.js';
import { DossierStatusEnum } from './dossier-status.enum.js';
import { PageInfo } from './page-info.type.js';

export const MismatchClassEnum = Object.fromEntries(MISMATCH_CLASSES.map((c) => [c, c])) as { [K in MismatchClass]: K };
registerEnumType(MismatchClassEnum, { name: 'MismatchClass', description: 'How the systems disagree about a dossier.' });

export enum MismatchState {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
}
registerEnumType(MismatchState, { name: 'MismatchState' });

@ObjectType({ description: 'What one system said about the dossier when the mismatch was last seen.' })
export class ObservedValue {
  @Field(() => String)
  system!: string;

  @Field(() => DossierStatusEnum, { nullable: true })
  status!: DossierStatus | null;

  @Field(() => String)
  nativeStatus!: string;

  @Field(() => Date)
  updatedAt!: Date;
}

@ObjectType({ description: 'A disagreement between agency systems about one dossier.' })
export class Mismatch {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  dossierCode!: string;

  @Field(() => String)
  provinceCode!: string;

  @Field(() => String)
  communeCode!: string;

  @Field(() => String)
  procedureCode!: string;

  @Field(() => MismatchClassEnum)
  class!: MismatchClass;

  @Field(() => MismatchState)
  state!: MismatchState;

  @Field(() => String, { nullable: true, description: 'The system to correct.' })
  laggingSystem!: string | null;

  @Field(() => String, { nullable: true, description: 'The system whose view is taken as current.' })
  leadingSystem!: string | null;

  @Field(() => DossierStatusEnum, { nullable: true, description: 'The status the lagging system should show.' })
  expectedStatus!: DossierStatus | null;

  @Field(() => [ObservedValue])
  observed!: ObservedValue[];

  @Field(() => String)
  detail!: string;

  @Field(() => Date)
  firstSeenAt!: Date;

  @Field(() => Date)
  lastSeenAt!: Date;

  @Field(() => Int, { description: 'Whole hours since first seen (until resolved).' })
  ageHours!: number;

  @Field(() => Date, { nullable: true })
  resolvedAt!: Date | null;

  @Field(() => ID)
  firstRunId!: string;

  @Field(() => ID)
  lastRunId!: string;
}

@ObjectType()
export class MismatchEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Mismatch)
  node!: Mismatch;
}

@ObjectType()
export class MismatchConnection {
  @Field(() => [MismatchEdge])
  edges!: MismatchEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}
