import { Field, Int, ObjectType } from 'type-graphql';
import { RequestedRunMode } from './reconciliation-run.type.js';

@ObjectType({ description: "A province's reconciliation schedule for one mode (cron on Asia/Ho_Chi_Minh time, or an interval)." })
export class ReconciliationSchedule {
  @Field(() => String)
  provinceCode!: string;

  @Field(() => RequestedRunMode)
  mode!: RequestedRunMode;

  @Field(() => String, { nullable: true, description: 'Five-field cron pattern, on Vietnamese time (e.g. "0 2 * * *" nightly at 02:00).' })
  cron!: string | null;

  @Field(() => Int, { nullable: true })
  everySeconds!: number | null;

  @Field(() => Boolean)
  enabled!: boolean;

  @Field(() => Date, { nullable: true, description: 'When the queue next starts the run; null when disabled.' })
  nextRunAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Who last changed it (null: the configured default).' })
  updatedBy!: string | null;

  @Field(() => Date)
  updatedAt!: Date;
}

@ObjectType({ description: 'One authority rule: who is right when the dossier systems disagree.' })
export class AuthorityRule {
  @Field(() => String, { description: 'Stored with every finding the rule settles.' })
  id!: string;

  @Field(() => String)
  kind!: string;

  @Field(() => String)
  statement!: string;
}

@ObjectType({ description: 'The versioned authority rules reconciliation applies; each run records the version it used.' })
export class AuthorityRuleSet {
  @Field(() => String)
  version!: string;

  @Field(() => [AuthorityRule])
  rules!: AuthorityRule[];
}
