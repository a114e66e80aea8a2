import { Field, InputType } from 'type-graphql';

@InputType({ description: 'Which documents to list; all conditions must hold.' })
export class DocumentFilter {
  @Field(() => [String], { nullable: true, description: 'party-documents and/or government-documents.' })
  source?: string[] | null;

  @Field(() => String, { nullable: true })
  provinceCode?: string | null;

  @Field(() => String, { nullable: true })
  communeCode?: string | null;

  @Field(() => String, { nullable: true, description: 'INCOMING or OUTGOING.' })
  direction?: string | null;

  @Field(() => [String], { nullable: true })
  status?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'NONE, CONFIDENTIAL, SECRET, TOP_SECRET.' })
  secrecy?: string[] | null;

  @Field(() => Date, { nullable: true })
  issuedFrom?: Date | null;

  @Field(() => Date, { nullable: true })
  issuedTo?: Date | null;

  @Field(() => String, { nullable: true, description: 'Words of the number or subject, case-insensitive.' })
  text?: string | null;
}
