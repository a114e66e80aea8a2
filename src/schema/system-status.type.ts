import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An agency system as the hub sees it: health, circuit breaker and recent calls.' })
export class SystemStatus {
  @Field(() => String, { description: 'System id: provincial, specialized, population, national-portal, party-documents, government-documents, civil-registration.' })
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'UP when the system answered its health probe just now, DOWN otherwise.' })
  health!: string;

  @Field(() => String, { nullable: true })
  healthDetail!: string | null;

  @Field(() => String, { description: 'CLOSED (calls flow), OPEN (failing fast), HALF_OPEN (one probe allowed) or ISOLATED.' })
  circuit!: string;

  @Field(() => Date, { nullable: true })
  lastSuccessAt!: Date | null;

  @Field(() => Float, { nullable: true, description: 'p95 latency of the last 256 calls, in milliseconds.' })
  p95LatencyMs!: number | null;

  @Field(() => Int, { description: 'Calls since the hub started.' })
  calls!: number;

  @Field(() => Int, { description: 'Failed calls since the hub started.' })
  errors!: number;

  @Field(() => String, { nullable: true })
  lastErrorCode!: string | null;

  @Field(() => Date, { nullable: true })
  lastErrorAt!: Date | null;
}
