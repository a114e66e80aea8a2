import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { PageInfo } from './page-info.type.js';

@ObjectType({ description: 'One event of the tamper-evident audit trail.' })
export class AuditEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: 'Position in the hash chain.' })
  seq!: number;

  @Field(() => Date)
  at!: Date;

  @Field(() => String, { description: 'CITIZEN_READ, CIVIL_REGISTRATION_READ, mutations, corrections sent, reports produced…' })
  action!: string;

  @Field(() => String, { description: 'Who: the token subject or the agency system.' })
  actor!: string;

  @Field(() => String, { nullable: true, description: 'Their unit.' })
  actorUnit!: string | null;

  @Field(() => String, { nullable: true, description: 'Whose personal data, when any (personal id).' })
  subjectPersonalId!: string | null;

  @Field(() => String, { nullable: true })
  purpose!: string | null;

  @Field(() => String, { nullable: true, description: 'The dossier code or registration number the read served.' })
  reference!: string | null;

  @Field(() => [String], { description: 'Which fields were read.' })
  fields!: string[];

  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @Field(() => String)
  hash!: string;

  @Field(() => String)
  prevHash!: string;
}

@InputType()
export class AuditEventFilter {
  @Field(() => String, { nullable: true })
  action?: string | null;

  @Field(() => String, { nullable: true })
  actor?: string | null;

  @Field(() => String, { nullable: true })
  subjectPersonalId?: string | null;

  @Field(() => String, { nullable: true })
  reference?: string | null;

  @Field(() => Date, { nullable: true })
  from?: Date | null;

  @Field(() => Date, { nullable: true })
  to?: Date | null;
}

@ObjectType()
export class AuditEventEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => AuditEvent)
  node!: AuditEvent;
}

@ObjectType()
export class AuditEventConnection {
  @Field(() => [AuditEventEdge])
  edges!: AuditEventEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType({ description: '“Who read my data”: one read of a citizen’s personal data.' })
export class DataAccess {
  @Field(() => Date)
  at!: Date;

  @Field(() => String, { description: 'The officer or system that read it.' })
  actor!: string;

  @Field(() => String, { nullable: true })
  actorUnit!: string | null;

  @Field(() => String, { nullable: true })
  purpose!: string | null;

  @Field(() => String, { nullable: true })
  reference!: string | null;

  @Field(() => [String])
  fields!: string[];
}
