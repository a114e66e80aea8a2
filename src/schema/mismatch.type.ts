import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { DossierStatus } from '../domain/dossier-status.js';
import { MISMATCH_CLASSES, type MismatchClass } from '../domain/mismatch.js';
import { DossierStatusEnum } from './dossier-status.enum.js';
import { PageInfo } from './page-info.type.js';

export const MismatchClassEnum = Object.fromEntries(MISMATCH_CLASSES.map((c) => [c, c])) as { [K in MismatchClass]: K };
registerEnumType(MismatchClassEnum, { name: 'MismatchClass', description: 'How the systems disagree about a dossier.' });

export enum MismatchState {
  OPEN = 'OPEN',
  CORRECTING = 'CORRECTING',
  RESOLVED = 'RESOLVED',
  WAIVED = 'WAIVED',
  ESCALATED = 'ESCALATED',
}
registerEnumType(MismatchState, {
  name: 'MismatchState',
  description:
    'OPEN → CORRECTING (corrections sent) → RESOLVED (a later run no longer finds it); ESCALATED when corrections keep failing or a person escalates it; WAIVED by a person with a note.',
});

export enum MismatchResolution {
  RESOLVED = 'RESOLVED',
  WAIVED = 'WAIVED',
  ESCALATED = 'ESCALATED',
}
registerEnumType(MismatchResolution, {
  name: 'MismatchResolution',
  description: 'What a person decides: RESOLVED (fixed by hand; a later run reopens it if the systems still disagree), WAIVED (accepted as is), ESCALATED (handed to a higher level).',
});

@ObjectType({ description: 'An outbound write of the authoritative state to a lagging system.' })
export class Correction {
  @Field(() => ID, { description: 'The correction id the target system sees (MaYeuCau, correction_id).' })
  id!: string;

  @Field(() => String)
  targetSystem!: string;

  @Field(() => String, { description: 'WRITE_STATUS or CREATE_DOSSIER.' })
  action!: string;

  @Field(() => DossierStatusEnum, { nullable: true })
  status!: DossierStatus | null;

  @Field(() => String, { description: 'The authority rule that settled the mismatch.' })
  settledBy!: string;

  @Field(() => String, { description: 'PLANNED (dry run), PENDING, APPLIED, VERIFIED or FAILED.' })
  state!: string;

  @Field(() => Boolean)
  dryRun!: boolean;

  @Field(() => Int)
  attempts!: number;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  appliedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  verifiedAt!: Date | null;
}

@ObjectType({ description: 'What one system said about the dossier when the mismatch was last seen.' })
export class ObservedValue {
  @Field(() => String)
  system!: string;

  @Field(() => DossierStatusEnum, { nullable: true })
  status!: DossierStatus | null;

  @Field(() => String, { nullable: true, description: "The system's own word or code; null for findings not about status." })
  nativeStatus!: string | null;

  @Field(() => Date, { nullable: true })
  updatedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The commune code this system reports (may be a pre-2025 code).' })
  communeCode!: string | null;

  @Field(() => Date, { nullable: true, description: 'The appointment date this system holds.' })
  dueAt!: Date | null;
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

  @Field(() => String, { nullable: true, description: 'The unit that owns the follow-up: the commune that received the dossier.' })
  ownerUnit!: string | null;

  @Field(() => String, { nullable: true, description: 'The first system to correct (see laggingSystems).' })
  laggingSystem!: string | null;

  @Field(() => [String], { description: 'Every system a correction goes to.' })
  laggingSystems!: string[];

  @Field(() => String, { nullable: true, description: 'The authority rule that settles it; null when a person has to decide.' })
  settledBy!: string | null;

  @Field(() => Int, { description: 'Runs that still found it after its corrections were applied.' })
  failedVerifications!: number;

  @Field(() => String, { nullable: true, description: 'Who resolved, waived or escalated it.' })
  resolvedBy!: string | null;

  @Field(() => String, { nullable: true })
  resolutionNote!: string | null;

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
