import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { CivilRegistration } from './civil-registration.type.js';

export enum Sex {
  MALE = 'MALE',
  FEMALE = 'FEMALE',
}
registerEnumType(Sex, { name: 'Sex' });

@ObjectType({ description: 'A place as the population database records it (post-2025 codes).' })
export class CitizenAddress {
  @Field(() => String)
  provinceCode!: string;

  @Field(() => String, { nullable: true })
  communeCode!: string | null;

  @Field(() => String, { description: 'House number, hamlet or street.' })
  detail!: string;
}

@ObjectType({ description: 'A relative named on the citizen record.' })
export class CitizenRelative {
  @Field(() => String, { nullable: true })
  personalId!: string | null;

  @Field(() => String)
  fullName!: string;
}

@ObjectType({ description: 'The head of the citizen’s household and the citizen’s relation to them.' })
export class HouseholdHead {
  @Field(() => String)
  personalId!: string;

  @Field(() => String)
  fullName!: string;

  @Field(() => String)
  relation!: string;
}

@ObjectType({
  description:
    'A citizen, read live from the National Population Database and never stored by the hub. Every read is recorded with who read it, for what purpose and reference.',
})
export class Citizen {
  @Field(() => String, { description: '12-digit personal identification number.' })
  personalId!: string;

  @Field(() => String)
  fullName!: string;

  @Field(() => String)
  familyName!: string;

  @Field(() => String)
  middleName!: string;

  @Field(() => String)
  givenName!: string;

  @Field(() => Sex)
  sex!: Sex;

  @Field(() => String, { description: 'yyyy-MM-dd' })
  birthDate!: string;

  @Field(() => String, { description: 'GSO ethnic-group code; 01 = Kinh.' })
  ethnicityCode!: string;

  @Field(() => String)
  nationality!: string;

  @Field(() => String, { nullable: true })
  maritalStatus!: string | null;

  @Field(() => CitizenAddress)
  permanentAddress!: CitizenAddress;

  @Field(() => CitizenAddress)
  currentAddress!: CitizenAddress;

  @Field(() => HouseholdHead, { nullable: true })
  householdHead!: HouseholdHead | null;

  @Field(() => CitizenRelative, { nullable: true })
  father!: CitizenRelative | null;

  @Field(() => CitizenRelative, { nullable: true })
  mother!: CitizenRelative | null;

  @Field(() => CitizenRelative, { nullable: true })
  spouse!: CitizenRelative | null;

  @Field(() => Boolean)
  deceased!: boolean;

  @Field(() => String, { nullable: true })
  deathDate!: string | null;

  @Field(() => [CivilRegistration], { description: 'Civil-status registrations naming this citizen (birth, marriage, death…).' })
  civilRegistrations!: CivilRegistration[];
}
