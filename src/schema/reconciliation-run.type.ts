import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { RUN_STATUSES, type RunStatus } from '../db/schema.js';

export const RunStatusEnum = Object.fromEntries(RUN_STATUSES.map((s) => [s, s])) as { [K in RunStatus]: K };
registerEnumType(RunStatusEnum, {
  name: 'RunStatus',
  description: 'SUCCEEDED: every system read. PARTIAL: a system failed mid-read and its last stored state was used. FAILED: no comparison was possible.',
});

export enum RunTrigger {
  SCHEDULE = 'SCHEDULE',
  REQUEST = 'REQUEST',
  PUSH = 'PUSH',
}
registerEnumType(RunTrigger, {
  name: 'RunTrigger',
  description: 'SCHEDULE and REQUEST runs cover a province; a PUSH run covers the dossiers an agency system just pushed.',
});

@ObjectType({ description: 'What a run read from one system.' })
export class RunSource {
  @Field(() => String)
  system!: string;

  @Field(() => String, { nullable: true, description: 'Change-feed cursor the read started from (null: from the beginning).' })
  cursorFrom!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor the read reached.' })
  cursorTo!: string | null;

  @Field(() => Int, { description: 'Changed dossiers read.' })
  read!: number;

  @Field(() => String, { nullable: true, description: 'Error code when the read failed (UPSTREAM_TIMEOUT, UPSTREAM_INVALID_RESPONSE…).' })
  errorCode!: string | null;

  @Field(() => String, { nullable: true })
  errorMessage!: string | null;
}

@ObjectType()
export class ClassCount {
  @Field(() => String)
  class!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'One reconciliation run over one province.' })
export class ReconciliationRun {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  provinceCode!: string;

  @Field(() => RunTrigger)
  trigger!: RunTrigger;

  @Field(() => RunStatusEnum)
  status!: RunStatus;

  @Field(() => String, { nullable: true })
  requestedBy!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Int)
  dossiersCompared!: number;

  @Field(() => Int)
  mismatchCount!: number;

  @Field(() => [ClassCount])
  countsByClass!: ClassCount[];

  @Field(() => [RunSource])
  sources!: RunSource[];

  @Field(() => String, { nullable: true, description: 'Why the run is PARTIAL or FAILED.' })
  failureReason!: string | null;
}
