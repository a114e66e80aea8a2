import { registerEnumType } from 'type-graphql';

/**
 * Why citizen data is read. Every read states one, with a reference (the dossier code or
 * registration number it serves), and is recorded: personal-data processing must have a purpose
 * on record (Decree 13/2023/NĐ-CP).
 */
export enum LookupPurpose {
  RECEIVE_APPLICATION = 'RECEIVE_APPLICATION',
  VERIFY_IDENTITY = 'VERIFY_IDENTITY',
  PROCESS_DOSSIER = 'PROCESS_DOSSIER',
  REGISTER_CIVIL_EVENT = 'REGISTER_CIVIL_EVENT',
  /** Comparing civil registrations with the population database (the reconciliation's data-quality check). */
  CHECK_DATA_QUALITY = 'CHECK_DATA_QUALITY',
}

registerEnumType(LookupPurpose, {
  name: 'LookupPurpose',
  description: 'Why citizen data is read; recorded with every read.',
});
