import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An archive record (hồ sơ lưu trữ) of a dissolved district, handed over to a commune.' })
export class ArchiveFile {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  fileCode!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { description: 'PERMANENT (Vĩnh viễn) or TERM.' })
  retention!: string;

  @Field(() => Int, { nullable: true, description: 'Years of a TERM retention.' })
  retentionYears!: number | null;

  @Field(() => String, { description: 'PUBLIC or RESTRICTED.' })
  access!: string;

  @Field(() => String)
  creator!: string;

  @Field(() => String)
  startDate!: string;

  @Field(() => String)
  endDate!: string;

  @Field(() => Int)
  documentCount!: number;

  @Field(() => Int)
  pageCount!: number;

  @Field(() => Int)
  pagesDigitized!: number;

  @Field(() => String, { description: 'NOT_STARTED, IN_PROGRESS or DIGITIZED.' })
  digitization!: string;

  @Field(() => String)
  provinceCode!: string;

  @Field(() => String)
  receivingCommuneCode!: string;

  @Field(() => Date)
  handedOverAt!: Date;

  @Field(() => String)
  formerDistrictName!: string;
}

@InputType()
export class ArchiveFileFilter {
  @Field(() => String, { nullable: true, description: 'Two-digit province code; give this or communeCode.' })
  provinceCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Five-digit code of the receiving commune.' })
  communeCode?: string | null;

  @Field(() => String, { nullable: true, description: 'NOT_STARTED, IN_PROGRESS or DIGITIZED.' })
  digitization?: string | null;
}

@ObjectType({ description: 'Digitization of the archives one unit holds or received, in pages.' })
export class DigitizationGroup {
  @Field(() => String, { description: 'The receiving commune or the former district.' })
  key!: string;

  @Field(() => Int)
  files!: number;

  @Field(() => Int)
  filesDigitized!: number;

  @Field(() => Int)
  filesInProgress!: number;

  @Field(() => Int)
  filesNotStarted!: number;

  @Field(() => Int)
  pages!: number;

  @Field(() => Int)
  pagesDigitized!: number;

  @Field(() => Float, { description: 'pagesDigitized / pages, 0–1.' })
  progress!: number;
}

@ObjectType({ description: 'Archive digitization of a province or commune.' })
export class DigitizationProgress {
  @Field(() => String)
  unitCode!: string;

  @Field(() => Int)
  files!: number;

  @Field(() => Int)
  pages!: number;

  @Field(() => Int)
  pagesDigitized!: number;

  @Field(() => Float)
  progress!: number;

  @Field(() => Int, { description: 'Files kept permanently (Vĩnh viễn).' })
  permanentFiles!: number;

  @Field(() => Int, { description: 'Files kept for a term of years.' })
  termFiles!: number;

  @Field(() => [DigitizationGroup], { description: 'By the commune each archive was handed over to.' })
  byReceivingCommune!: DigitizationGroup[];

  @Field(() => [DigitizationGroup], { description: 'By the dissolved district that formed the archives.' })
  byFormerDistrict!: DigitizationGroup[];
}
