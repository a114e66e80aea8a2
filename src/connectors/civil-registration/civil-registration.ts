import type { Sex } from '../../domain/personal-id.js';

/** What a registration records. `OTHER` keeps records of modules the hub does not model yet. */
export const CIVIL_REGISTRATION_KINDS = ['BIRTH', 'DEATH', 'MARRIAGE', 'OTHER'] as const;
export type CivilRegistrationKind = (typeof CIVIL_REGISTRATION_KINDS)[number];

/** How it was registered: the ordinary procedure or one of its variants. */
export const CIVIL_REGISTRATION_TYPES = ['STANDARD', 'RE_REGISTRATION', 'MOBILE', 'PARENT_RECOGNITION'] as const;
export type CivilRegistrationType = (typeof CIVIL_REGISTRATION_TYPES)[number];

/** Where the registration stands, in the hub's words for the Ministry of Justice's `trangThai`. */
export const CIVIL_REGISTRATION_STATUSES = [
  /** 1 chờ tiếp nhận: forwarded by the one-stop shop, not yet taken up by the registrar. */
  'AWAITING_ACCEPTANCE',
  /** 2 yêu cầu bổ sung. */
  'SUPPLEMENT_REQUESTED',
  /** 3 đang xử lý / đủ điều kiện. */
  'PROCESSING',
  /** 4 hoàn thành đăng ký: entered in the register, numbers assigned. */
  'REGISTERED',
  /** 5 trả kết quả: the extract was handed over. */
  'RESULT_RETURNED',
  /** 6 từ chối. */
  'REFUSED',
] as const;
export type CivilRegistrationStatus = (typeof CIVIL_REGISTRATION_STATUSES)[number];

export const CIVIL_REGISTRATION_ROLES = ['CHILD', 'MOTHER', 'FATHER', 'DECEASED', 'HUSBAND', 'WIFE', 'DECLARANT'] as const;
export type CivilRegistrationRole = (typeof CIVIL_REGISTRATION_ROLES)[number];

/** A person named on a registration, as the registry wrote them (which may differ from the population database). */
export interface CivilRegistrationPerson {
  role: CivilRegistrationRole;
  /** Null for a child before registration and for people named without an id. */
  personalId: string | null;
  fullName: string;
  sex: Sex | null;
  /** `yyyy-MM-dd`. */
  birthDate: string | null;
  /** For the declarant: their relation to the registered person (`Mẹ`, `Con`, `Ông nội`…). */
  relation: string | null;
}

/** A civil-status event (hộ tịch) as the hub serves it, linked to people by personal id. */
export interface CivilRegistration {
  /** The registry's own id for the record. */
  id: string;
  kind: CivilRegistrationKind;
  /** The registry's module code as sent (`KS`, `KT`, `KH`…). */
  nativeModule: string;
  type: CivilRegistrationType | null;
  /** Null when the native status has no canonical meaning; `nativeStatus` always says what it was. */
  status: CivilRegistrationStatus | null;
  nativeStatus: string;
  /** The day the request was lodged with the registry (00:00 in Vietnam). */
  lodgedAt: Date;
  /** The day it was entered in the register (00:00 in Vietnam); null until registered. */
  registeredAt: Date | null;
  /** Số đăng ký, quyển số, trang số: where the entry sits in the paper register. */
  registrationNumber: string | null;
  book: string | null;
  page: string | null;
  placeProvinceCode: string;
  /** Five-digit commune of the registering People's Committee. */
  placeCommuneCode: string;
  /** The administrative dossier (mã hồ sơ) the registration came from, when it came through one. */
  dossierCode: string | null;
  people: CivilRegistrationPerson[];
  /** Births: the personal id the registration issued (`ketQuaXuLy.soDinhDanh`). */
  issuedPersonalId: string | null;
  /** Deaths: `yyyy-MM-dd`. */
  deathDate: string | null;
  /** When the registry last changed the record, by its own clock. */
  updatedAt: Date;
}
