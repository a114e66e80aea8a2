import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A person named on a civil-status registration, as the registry wrote them.' })
export class CivilRegistrationPerson {
  @Field(() => String, { description: 'CHILD, MOTHER, FATHER, DECEASED, HUSBAND, WIFE or DECLARANT.' })
  role!: string;

  @Field(() => String, { nullable: true })
  personalId!: string | null;

  @Field(() => String)
  fullName!: string;

  @Field(() => String, { nullable: true })
  birthDate!: string | null;
}

@ObjectType({ description: 'A civil-status event (hộ tịch) from the civil-registration software.' })
export class CivilRegistration {
  @Field(() => String)
  id!: string;

  @Field(() => String, { description: 'BIRTH, DEATH, MARRIAGE or OTHER.' })
  kind!: string;

  @Field(() => String, { nullable: true })
  status!: string | null;

  @Field(() => String, { description: "The registry's own status code." })
  nativeStatus!: string;

  @Field(() => Date)
  lodgedAt!: Date;

  @Field(() => Date, { nullable: true })
  registeredAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Số đăng ký.' })
  registrationNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'Quyển số.' })
  book!: string | null;

  @Field(() => String, { nullable: true, description: 'Trang số.' })
  page!: string | null;

  @Field(() => String)
  placeCommuneCode!: string;

  @Field(() => String, { nullable: true })
  dossierCode!: string | null;

  @Field(() => [CivilRegistrationPerson])
  people!: CivilRegistrationPerson[];

  @Field(() => String, { nullable: true, description: 'Births: the personal id the registration issued.' })
  issuedPersonalId!: string | null;

  @Field(() => String, { nullable: true })
  deathDate!: string | null;
}
