import { Field, InputType } from 'type-graphql';
import type { InboundStatus } from '../db/ingest.schema.js';
import { InboundEventStatusEnum } from './inbound-event.type.js';

@InputType({ description: 'Which inbound events to list; all conditions must hold.' })
export class InboundEventFilter {
  @Field(() => String, { nullable: true, description: 'System id, e.g. provincial.' })
  system?: string | null;

  @Field(() => [InboundEventStatusEnum], { nullable: true })
  status?: InboundStatus[] | null;

  @Field(() => [String], { nullable: true, description: 'Event types, e.g. dossier.status_changed.' })
  type?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Only events about this dossier (or document or registration id).' })
  entityKey?: string | null;
}
