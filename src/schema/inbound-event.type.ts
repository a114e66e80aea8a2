import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { INBOUND_CHANNELS, INBOUND_STATUSES, type InboundChannel, type InboundStatus } from '../db/ingest.schema.js';
import { PageInfo } from './page-info.type.js';

export const InboundEventStatusEnum = Object.fromEntries(INBOUND_STATUSES.map((s) => [s, s])) as { [K in InboundStatus]: K };
registerEnumType(InboundEventStatusEnum, {
  name: 'InboundEventStatus',
  description: 'Where a pushed event stands.',
  valuesConfig: {
    ACCEPTED: { description: 'Stored and acknowledged; waiting to be applied.' },
    APPLIED: { description: "Applied to the hub's state (flagged when it broke the legal transition graph)." },
    SUPERSEDED: { description: 'Older than the state the hub already holds for its entity: kept, not applied.' },
    REJECTED: { description: 'Could not be applied; `reasonCode` and `reason` say why.' },
  },
});

export const InboundChannelEnum = Object.fromEntries(INBOUND_CHANNELS.map((s) => [s, s])) as { [K in InboundChannel]: K };
registerEnumType(InboundChannelEnum, { name: 'InboundChannel', description: 'WEBHOOK: POST /ingest/:system. GRAPHQL: a push mutation.' });

@ObjectType({ description: 'An event an agency system pushed to the hub (its payload stays in the hub).' })
export class InboundEvent {
  @Field(() => ID, { description: "The hub's id of the event." })
  id!: string;

  @Field(() => String, { description: 'The system that pushed it.' })
  system!: string;

  @Field(() => String, { description: "The sender's id of the event, unique per system." })
  eventId!: string;

  @Field(() => String, { description: 'dossier.created, dossier.status_changed, document.received, document.issued, civil_registration.recorded.' })
  type!: string;

  @Field(() => String, { description: 'dossier, document or civil_registration.' })
  entityType!: string;

  @Field(() => String, { description: 'The dossier code, document id or registration id the event is about.' })
  entityKey!: string;

  @Field(() => GraphQLSafeInt, { nullable: true, description: "The source's version of the entity after the change." })
  sourceVersion!: number | null;

  @Field(() => Date, { description: "When the change happened, by the source's clock." })
  sourceTimestamp!: Date;

  @Field(() => GraphQLSafeInt, { nullable: true, description: "The sender's sequence number." })
  sequence!: number | null;

  @Field(() => InboundChannelEnum)
  channel!: InboundChannel;

  @Field(() => String, { nullable: true, description: 'The webhook-id of the delivery, or the Idempotency-Key of the mutation.' })
  deliveryId!: string | null;

  @Field(() => InboundEventStatusEnum)
  status!: InboundStatus;

  @Field(() => String, { nullable: true, description: 'Why it was superseded, rejected or flagged: OLDER_VERSION, ILLEGAL_TRANSITION…' })
  reasonCode!: string | null;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => Int, { description: 'Redeliveries acknowledged without effect.' })
  duplicates!: number;

  @Field(() => Date)
  receivedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was applied, superseded or rejected.' })
  processedAt!: Date | null;
}

@ObjectType()
export class InboundEventEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => InboundEvent)
  node!: InboundEvent;
}

@ObjectType({ description: 'A page of inbound events, newest first (Relay connection).' })
export class InboundEventConnection {
  @Field(() => [InboundEventEdge])
  edges!: InboundEventEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}
