import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { RUN_KINDS, RUN_MODES, RUN_PHASES, RUN_STATUSES, type RunKind, type RunMode, type RunPhase, type RunStatus } from '../db/schema.js';

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

export const RunKindEnum = Object.fromEntries(RUN_KINDS.map((s) => [s, s])) as { [K in RunKind]: K };
registerEnumType(RunKindEnum, { name: 'RunKind', description: 'DOSSIERS: the three dossier systems. DATA_QUALITY: civil registrations against the population database.' });
export const RunModeEnum = Object.fromEntries(RUN_MODES.map((s) => [s, s])) as { [K in RunMode]: K };
registerEnumType(RunModeEnum, { name: 'RunMode', description: 'FULL re-reads every feed; INCREMENTAL reads what changed since the last watermark; DOSSIERS covers pushed dossiers.' });
export const RunPhaseEnum = Object.fromEntries(RUN_PHASES.map((s) => [s, s])) as { [K in RunPhase]: K };
registerEnumType(RunPhaseEnum, { name: 'RunPhase' });

export enum RequestedRunMode {
  FULL = 'FULL',
  INCREMENTAL = 'INCREMENTAL',
  DATA_QUALITY = 'DATA_QUALITY',
}
registerEnumType(RequestedRunMode, { name: 'RequestedRunMode', description: 'What a requested or scheduled run does.' });

@ObjectType({ description: 'A count under a key (a commune code, a procedure code, a class…).' })
export class KeyCount {
  @Field(() => String)
  key!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Dossiers whose Decision 766 timeliness changes once corrected statuses apply.' })
export class TimelinessChange {
  @Field(() => String, { description: 'ON_TIME, LATE, IN_PROGRESS or NOT_COUNTED before the correction.' })
  from!: string;

  @Field(() => String)
  to!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType()
export class RunTotals {
  @Field(() => Int, { description: 'Differences younger than the tolerance: reported, not opened.' })
  pendingSync!: number;

  @Field(() => [KeyCount])
  pendingByClass!: KeyCount[];

  @Field(() => [KeyCount])
  byCommune!: KeyCount[];

  @Field(() => [KeyCount])
  byProcedure!: KeyCount[];

  @Field(() => [TimelinessChange])
  timelinessChanges!: TimelinessChange[];

  @Field(() => [KeyCount], { description: 'Corrections by `system:action:state`.' })
  corrections!: KeyCount[];
}

@ObjectType({ description: "One export of a run's report." })
export class RunReport {
  @Field(() => String, { description: 'json or csv.' })
  format!: string;

  @Field(() => String, { description: 'SHA-256 (hex) of the exact bytes served; `lienthong report verify FILE` checks a copy.' })
  sha256!: string;

  @Field(() => Int)
  bytes!: number;

  @Field(() => String, { description: 'Path of the export on this hub (GET with a bearer token).' })
  path!: string;
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

  @Field(() => RunKindEnum)
  kind!: RunKind;

  @Field(() => RunModeEnum)
  mode!: RunMode;

  @Field(() => Boolean, { description: 'A dry run computed its corrections and sent none.' })
  dryRun!: boolean;

  @Field(() => String, { nullable: true, description: 'Version of the authority rules the run applied.' })
  rulesVersion!: string | null;

  @Field(() => RunPhaseEnum)
  phase!: RunPhase;

  @Field(() => Date, { nullable: true, description: 'INCREMENTAL runs asked to cover changes since this instant.' })
  since!: Date | null;

  @Field(() => Int, { description: 'Differences younger than this many seconds were pending sync, not mismatches.' })
  toleranceSeconds!: number;

  @Field(() => Int)
  partitionsTotal!: number;

  @Field(() => Int)
  partitionsDone!: number;

  @Field(() => RunTotals, { nullable: true, description: 'Totals by class, commune and procedure, pending sync, Decision 766 impact, corrections; null until the run finishes.' })
  totals!: RunTotals | null;

  @Field(() => [RunReport], { description: 'The exports, with the SHA-256 recorded when the run finished.' })
  reports!: RunReport[];
}
