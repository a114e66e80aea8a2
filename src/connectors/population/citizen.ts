import type { Sex } from '../../domain/personal-id.js';

/** A place as the population database records it, with post-1 July 2025 codes. */
export interface CitizenAddress {
  /** Two-digit province code. */
  provinceCode: string;
  /** Five-digit commune code; null where the record has no commune (old birth registrations). */
  communeCode: string | null;
  /** House number, hamlet or street (chi tiết); empty when the record has none. */
  detail: string;
}

/** Marital status (tình trạng hôn nhân) as the population database records it. */
export type MaritalStatus = 'SINGLE' | 'MARRIED' | 'DIVORCED' | 'WIDOWED';

/** The head of the citizen's household (chủ hộ) and how the citizen is related to them. */
export interface HouseholdHead {
  personalId: string;
  fullName: string;
  /** The citizen's relation to the head as written in the register: `Chủ hộ`, `Vợ`, `Con`, `Cháu`… */
  relation: string;
}

/** A parent or spouse named on the record; the id is absent for people registered before ids. */
export interface CitizenRelative {
  personalId: string | null;
  fullName: string;
}

/**
 * A citizen as the hub serves it, read live from the National Population Database and never
 * stored by the hub (DESIGN.md: every read is recorded with its purpose above the connector).
 */
export interface Citizen {
  /** 12-digit personal id (số định danh cá nhân). */
  personalId: string;
  familyName: string;
  /** Chữ đệm; empty for the few names without one. */
  middleName: string;
  givenName: string;
  /** Họ, chữ đệm and tên joined by single spaces, as printed on the citizen's card. */
  fullName: string;
  sex: Sex;
  /** Calendar date `yyyy-MM-dd`. */
  birthDate: string;
  /** GSO ethnic-group code, `01` = Kinh. */
  ethnicityCode: string;
  /** ISO 3166 alpha-2 code, `VN`. */
  nationality: string;
  maritalStatus: MaritalStatus | null;
  permanentAddress: CitizenAddress;
  currentAddress: CitizenAddress;
  householdHead: HouseholdHead | null;
  father: CitizenRelative | null;
  mother: CitizenRelative | null;
  spouse: CitizenRelative | null;
  deceased: boolean;
  /** Calendar date `yyyy-MM-dd` of death; null for the living. */
  deathDate: string | null;
}
