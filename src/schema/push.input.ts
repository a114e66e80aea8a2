import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, InputType, Int } from 'type-graphql';
import type { DossierStatus } from '../domain/dossier-status.js';
import { DossierStatusEnum } from './dossier-status.enum.js';

/**
 * Inputs of the push mutations: the fields of the push contract (src/domain/inbound-event.ts),
 * the envelope first. Values are checked by the same rules as webhooks; a wrong one is a
 * BAD_USER_INPUT naming the field.
 */
@InputType({ description: 'The envelope of every push: event id, source time, version, sequence.' })
export class PushEnvelopeInput {
  @Field(() => String, { description: 'Your id of the event, unique among the events your system pushes.' })
  eventId!: string;

  @Field(() => Date, { description: 'When the change happened in your system.' })
  timestamp!: Date;

  @Field(() => GraphQLSafeInt, { nullable: true, description: "Your system's version of the record after the change." })
  version?: number | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: 'Your sequence number of this event, when you number what you send.' })
  sequence?: number | null;
}

@InputType({ description: 'A dossier as your system holds it after the change.' })
export class DossierPushInput extends PushEnvelopeInput {
  @Field(() => String, { description: 'National dossier code, e.g. 000.00.12.H12-251104-0042.' })
  dossierCode!: string;

  @Field(() => String, { description: 'National procedure code, e.g. 1.001193.' })
  procedureCode!: string;

  @Field(() => String)
  provinceCode!: string;

  @Field(() => String)
  communeCode!: string;

  @Field(() => DossierStatusEnum)
  status!: DossierStatus;

  @Field(() => String, { nullable: true, description: 'Your own status word or code; defaults to the national code.' })
  nativeStatus?: string | null;

  @Field(() => String, { nullable: true, description: 'Your own id of the dossier, when it is not the national code.' })
  nativeId?: string | null;

  @Field(() => String, { nullable: true, description: "The applicant's personal id (stored in the hub, never logged)." })
  applicantPersonalId?: string | null;

  @Field(() => Date, { nullable: true })
  receivedAt?: Date | null;

  @Field(() => Date, { nullable: true })
  dueAt?: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt?: Date | null;

  @Field(() => Date, { nullable: true })
  returnedAt?: Date | null;
}

@InputType({ description: 'A status change of a dossier, with the dossier as your system holds it after the change.' })
export class DossierStatusPushInput extends DossierPushInput {
  @Field(() => DossierStatusEnum, { nullable: true, description: 'The status before the change, as your system had it (informative).' })
  previousStatus?: DossierStatus | null;

  @Field(() => String, { nullable: true })
  reason?: string | null;
}

@InputType({ description: 'A document record as your document system holds it.' })
export class DocumentPushInput extends PushEnvelopeInput {
  @Field(() => String, { description: "Your system's id of the record." })
  documentId!: string;

  @Field(() => String, { nullable: true, description: 'INCOMING or OUTGOING.' })
  direction?: string | null;

  @Field(() => String, { description: 'Số và ký hiệu, e.g. 145/QĐ-UBND.' })
  number!: string;

  @Field(() => String, { nullable: true })
  typeCode?: string | null;

  @Field(() => String, { nullable: true })
  typeName?: string | null;

  @Field(() => String, { description: 'Trích yếu.' })
  subject!: string;

  @Field(() => String, { nullable: true })
  issuerOrganId?: string | null;

  @Field(() => String)
  issuerName!: string;

  @Field(() => Date)
  issuedAt!: Date;

  @Field(() => Date, { nullable: true })
  dueAt?: Date | null;

  @Field(() => Date, { nullable: true })
  arrivedAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'NORMAL, URGENT, VERY_URGENT or FLASH.' })
  urgency?: string | null;

  @Field(() => String, { nullable: true, description: 'NONE, CONFIDENTIAL, SECRET or TOP_SECRET.' })
  secrecy?: string | null;

  @Field(() => Int, { nullable: true })
  pageCount?: number | null;

  @Field(() => String)
  provinceCode!: string;

  @Field(() => String, { nullable: true })
  communeCode?: string | null;

  @Field(() => String, { nullable: true, description: 'The dossier the document is about.' })
  dossierCode?: string | null;

  @Field(() => String, { nullable: true, description: 'ISSUED, ARRIVED, REGISTERED, PROCESSING, COMPLETED…' })
  status?: string | null;

  @Field(() => String, { nullable: true })
  nativeStatus?: string | null;
}

@InputType({ description: 'A person named on a civil registration.' })
export class CivilRegistrationPersonInput {
  @Field(() => String, { description: 'CHILD, MOTHER, FATHER, DECEASED, HUSBAND, WIFE or DECLARANT.' })
  role!: string;

  @Field(() => String, { nullable: true })
  personalId?: string | null;

  @Field(() => String)
  fullName!: string;
}

@InputType({ description: 'A civil-status registration as the registry recorded it.' })
export class CivilRegistrationPushInput extends PushEnvelopeInput {
  @Field(() => String, { description: "The registry's id of the record." })
  registrationId!: string;

  @Field(() => String, { description: 'BIRTH, DEATH, MARRIAGE or OTHER.' })
  kind!: string;

  @Field(() => String, { nullable: true, description: 'AWAITING_ACCEPTANCE, SUPPLEMENT_REQUESTED, PROCESSING, REGISTERED, RESULT_RETURNED or REFUSED.' })
  status?: string | null;

  @Field(() => String, { nullable: true })
  nativeStatus?: string | null;

  @Field(() => Date, { nullable: true })
  registeredAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'Số đăng ký.' })
  registrationNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Quyển số.' })
  book?: string | null;

  @Field(() => String, { nullable: true, description: 'Trang số.' })
  page?: string | null;

  @Field(() => String)
  provinceCode!: string;

  @Field(() => String)
  communeCode!: string;

  @Field(() => String, { nullable: true })
  dossierCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Births: the personal id the registration issued.' })
  issuedPersonalId?: string | null;

  @Field(() => [CivilRegistrationPersonInput], { nullable: true })
  people?: CivilRegistrationPersonInput[] | null;
}
