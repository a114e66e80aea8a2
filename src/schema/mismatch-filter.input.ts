import { Field, ID, InputType } from 'type-graphql';
import type { MismatchClass } from '../domain/mismatch.js';
import { MismatchClassEnum, MismatchState } from './mismatch.type.js';

@InputType({ description: 'Which mismatches to list; all conditions must hold.' })
export class MismatchFilter {
  @Field(() => String, { nullable: true })
  provinceCode?: string | null;

  @Field(() => String, { nullable: true })
  communeCode?: string | null;

  @Field(() => [MismatchClassEnum], { nullable: true })
  class?: MismatchClass[] | null;

  @Field(() => MismatchState, { nullable: true, description: 'Defaults to OPEN.' })
  state?: MismatchState | null;

  @Field(() => String, { nullable: true })
  dossierCode?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only the findings of this run.' })
  runId?: string | null;
}
