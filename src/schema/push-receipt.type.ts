import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { InboundEventStatusEnum } from './inbound-event.type.js';

export enum PushStatus {
  ACCEPTED = 'ACCEPTED',
  DUPLICATE = 'DUPLICATE',
  CONFLICT = 'CONFLICT',
}
registerEnumType(PushStatus, {
  name: 'PushStatus',
  description: 'ACCEPTED: stored, will be applied. DUPLICATE: the event id was pushed before with the same content; acknowledged, not applied again. CONFLICT: the event id was pushed before with other content; this one was not stored.',
});

@ObjectType({ description: "The hub's acknowledgement of a pushed event: it is durable in the hub's database." })
export class PushReceipt {
  @Field(() => String)
  eventId!: string;

  @Field(() => ID, { description: "The hub's id of the event (of its first delivery, for a duplicate); see inboundEvents." })
  inboundEventId!: string;

  @Field(() => PushStatus)
  status!: PushStatus;

  @Field(() => InboundEventStatusEnum, { nullable: true, description: 'For DUPLICATE and CONFLICT: where the first delivery stands.' })
  currentStatus!: string | null;

  @Field(() => Boolean, { description: 'True when this is the stored answer to an earlier request with the same Idempotency-Key.' })
  replayed!: boolean;
}
