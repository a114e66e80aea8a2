import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GAP_STATUSES, type GapStatus } from '../db/ingest.schema.js';

export const GapStatusEnum = Object.fromEntries(GAP_STATUSES.map((s) => [s, s])) as { [K in GapStatus]: K };
registerEnumType(GapStatusEnum, {
  name: 'SequenceGapStatus',
  description: 'OPEN: a backfill pull is pending. BACKFILLED: the change feed was read past the gap. FAILED: it could not be.',
});

@ObjectType({ description: "A range of a sender's sequence numbers that never arrived, and the pull that filled it." })
export class SequenceGap {
  @Field(() => ID)
  id!: string;

  @Field(() => GraphQLSafeInt)
  fromSequence!: number;

  @Field(() => GraphQLSafeInt)
  toSequence!: number;

  @Field(() => GapStatusEnum)
  status!: GapStatus;

  @Field(() => Date)
  detectedAt!: Date;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Int, { description: "Changes read from the system's change feed." })
  pulled!: number;

  @Field(() => String, { nullable: true })
  detail!: string | null;
}

@ObjectType({ description: 'A push the hub refused after authenticating the sender.' })
export class IngestRejection {
  @Field(() => String, { description: 'INVALID_EVENTS, BATCH_TOO_LARGE, INVALID_JSON…' })
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => Date)
  receivedAt!: Date;
}

@ObjectType({ description: "Counters of one agency system's pushes (webhooks and mutations)." })
export class IngestStats {
  @Field(() => String, { description: 'System id.' })
  system!: string;

  @Field(() => Boolean, { description: 'True when a webhook secret or push token is configured for the system.' })
  enabled!: boolean;

  @Field(() => Int, { description: 'Events stored (every status).' })
  accepted!: number;

  @Field(() => Int, { description: 'Accepted events not applied yet.' })
  pending!: number;

  @Field(() => Int)
  applied!: number;

  @Field(() => Int, { description: 'Events older than the state the hub held.' })
  superseded!: number;

  @Field(() => Int, { description: 'Events refused at the door or rejected when applied.' })
  rejected!: number;

  @Field(() => Int, { description: 'Redeliveries acknowledged without effect.' })
  duplicates!: number;

  @Field(() => Date, { nullable: true })
  lastReceivedAt!: Date | null;

  @Field(() => IngestRejection, { nullable: true })
  lastRejection!: IngestRejection | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: "The sender's sequence numbers arrived without a hole up to here." })
  sequenceContiguousThrough!: number | null;

  @Field(() => [SequenceGap], { description: 'The latest gaps in its sequence numbers (at most 10).' })
  recentGaps!: SequenceGap[];
}
