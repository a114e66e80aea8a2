import { Field, ID, Int, ObjectType } from 'type-graphql';
import { PageInfo } from './page-info.type.js';

@ObjectType({ description: 'A party or government document, from the hub’s index of both document systems.' })
export class Document {
  @Field(() => ID, { description: '`{source}:{native id}`.' })
  id!: string;

  @Field(() => String, { description: 'party-documents (iCPV) or government-documents (QLVB).' })
  source!: string;

  @Field(() => String, { nullable: true, description: 'INCOMING or OUTGOING in the holder’s books; null for party documents.' })
  direction!: string | null;

  @Field(() => String, { description: 'Số và ký hiệu as printed: 370-QĐ/TU, 145/QĐ-UBND, 1234/UBND-VP.' })
  number!: string;

  @Field(() => String, { nullable: true })
  typeCode!: string | null;

  @Field(() => String)
  typeName!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Trích yếu. For documents marked Mật, Tối mật or Tuyệt mật it needs scope documents:confidential (FORBIDDEN otherwise): others see that the document exists, not its content.',
  })
  subject!: string | null;

  @Field(() => String, { nullable: true })
  issuerOrganId!: string | null;

  @Field(() => String)
  issuerName!: string;

  @Field(() => Date)
  issuedAt!: Date;

  @Field(() => Date, { nullable: true })
  dueAt!: Date | null;

  @Field(() => Date, { nullable: true })
  arrivedAt!: Date | null;

  @Field(() => String, { description: 'NORMAL, URGENT (Khẩn), VERY_URGENT (Thượng khẩn) or FLASH (Hỏa tốc).' })
  urgency!: string;

  @Field(() => String, { description: 'NONE, CONFIDENTIAL (Mật), SECRET (Tối mật) or TOP_SECRET (Tuyệt mật).' })
  secrecy!: string;

  @Field(() => Int)
  pageCount!: number;

  @Field(() => String)
  signerName!: string;

  @Field(() => String)
  signerPosition!: string;

  @Field(() => String)
  provinceCode!: string;

  @Field(() => String, { nullable: true })
  communeCode!: string | null;

  @Field(() => String, { nullable: true, description: 'Canonical processing status (ISSUED, ARRIVED, REGISTERED, PROCESSING, COMPLETED…).' })
  status!: string | null;

  @Field(() => String, { description: 'The system’s own status code.' })
  nativeStatus!: string;

  @Field(() => Date, { description: 'When the system last changed the record.' })
  updatedAt!: Date;
}

@ObjectType()
export class DocumentEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Document)
  node!: Document;
}

@ObjectType({ description: 'A page of documents, newest first.' })
export class DocumentConnection {
  @Field(() => [DocumentEdge])
  edges!: DocumentEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}
