import { Field, ObjectType, registerEnumType } from 'type-graphql';

export enum UnitLevel {
  PROVINCE = 'PROVINCE',
  COMMUNE = 'COMMUNE',
}
registerEnumType(UnitLevel, { name: 'UnitLevel', description: 'Level of an administrative unit in the two-level government.' });

@ObjectType({ description: 'A province (34) or commune (3,321) of the two-level local government in force since 1 July 2025.' })
export class AdministrativeUnit {
  @Field(() => String, { description: 'GSO code: two digits for a province, five for a commune.' })
  code!: string;

  @Field(() => UnitLevel)
  level!: UnitLevel;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'Tỉnh, Thành phố Trung Ương, Phường, Xã or Đặc khu.' })
  placeType!: string | null;

  @Field(() => String)
  provinceCode!: string;
}

@ObjectType({ description: 'A pre-2025 commune and the new commune(s) it became part of.' })
export class LegacyCommuneResolution {
  @Field(() => String)
  oldCode!: string;

  @Field(() => String)
  oldName!: string;

  @Field(() => String)
  oldDistrictName!: string;

  @Field(() => String)
  oldProvinceName!: string;

  @Field(() => [AdministrativeUnit], { description: 'Every new commune the old one was merged into (more than one when it was split).' })
  candidates!: AdministrativeUnit[];

  @Field(() => AdministrativeUnit, { nullable: true, description: 'The new commune when the mapping is unambiguous.' })
  resolved!: AdministrativeUnit | null;
}
