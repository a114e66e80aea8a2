import type { CivilRegistration, CivilRegistrationKind, CivilRegistrationPerson, CivilRegistrationRole } from '../connectors/civil-registration/civil-registration.js';
import type { Citizen } from '../connectors/population/citizen.js';

/**
 * Data quality of civil registrations (hộ tịch) against the National Population Database: the
 * register and the database describe the same people, linked by personal id, and must agree on
 * who they are (id, name, birth date) and on whether a registered death happened.
 */

/** The finding class of a registration that disagrees with the population database. */
export const DATA_QUALITY_CLASS = 'DATA_QUALITY';

/**
 * What differs. Reports and stored findings use these names, so new kinds are appended, never
 * renamed.
 */
export const DATA_QUALITY_ISSUE_KINDS = [
  /** The registration names a personal id the population database does not hold. */
  'UNKNOWN_PERSONAL_ID',
  /** The name differs after normalisation (NFC, case, spacing): a real spelling difference. */
  'NAME_DIFFERS',
  /** The birth date differs. */
  'BIRTH_DATE_DIFFERS',
  /** A registered death whose citizen the population database still records as alive. */
  'DEATH_NOT_RECORDED',
] as const;
export type DataQualityIssueKind = (typeof DATA_QUALITY_ISSUE_KINDS)[number];

/** The field compared, by its name in {@link CivilRegistrationPerson} and {@link Citizen}. */
export type DataQualityField = 'personalId' | 'fullName' | 'birthDate' | 'deathDate';

export const FIELD_BY_KIND: Readonly<Record<DataQualityIssueKind, DataQualityField>> = {
  UNKNOWN_PERSONAL_ID: 'personalId',
  NAME_DIFFERS: 'fullName',
  BIRTH_DATE_DIFFERS: 'birthDate',
  DEATH_NOT_RECORDED: 'deathDate',
};

export interface DataQualityIssue {
  kind: DataQualityIssueKind;
  /** Who on the registration: the child, the mother, the deceased… */
  role: CivilRegistrationRole;
  /** The personal id as the registration names the person (the key of the lookup). */
  personalId: string;
  field: DataQualityField;
  /** The value as the civil registry has it. */
  registrationValue: string;
  /** The value as the population database has it; null when it holds no such citizen or no death. */
  populationValue: string | null;
  /** One sentence for reports; names roles and fields, never the values (they are personal data). */
  detail: string;
}

/** What the check reads of a registration. */
export type RegistrationFacts = Pick<CivilRegistration, 'kind' | 'status' | 'deathDate'> & {
  people: readonly RegisteredPerson[];
};
export type RegisteredPerson = Pick<CivilRegistrationPerson, 'role' | 'personalId' | 'fullName' | 'birthDate'>;

/** What the check reads of a citizen. */
export type PopulationFacts = Pick<Citizen, 'personalId' | 'fullName' | 'birthDate' | 'deceased' | 'deathDate'>;

/**
 * The declarant only asks for the registration: the register does not record their civil status
 * (no birth date, an id typed from the request form), so they are not compared.
 */
const CHECKED_ROLES: ReadonlySet<CivilRegistrationRole> = new Set(['CHILD', 'MOTHER', 'FATHER', 'DECEASED', 'HUSBAND', 'WIFE']);

/** Statuses in which the entry is in the register (trangThai 4 and 5): only then has a death happened in law. */
const ENTERED_STATUSES: ReadonlySet<string> = new Set(['REGISTERED', 'RESULT_RETURNED']);

/** The people of a registration the check compares: those it records, named with a personal id. */
export function checkedPeople(registration: RegistrationFacts): Array<RegisteredPerson & { personalId: string }> {
  return registration.people.filter(
    (person): person is RegisteredPerson & { personalId: string } => person.personalId !== null && CHECKED_ROLES.has(person.role),
  );
}

/** The personal ids the check needs from the population database, each once. */
export function personalIdsToCheck(registration: RegistrationFacts): string[] {
  return [...new Set(checkedPeople(registration).map((person) => person.personalId))];
}

/**
 * Every way a registration disagrees with the population database. `citizenOf` answers for the
 * ids of {@link personalIdsToCheck}: the citizen, or null when the database holds none. A
 * registration names up to three checked people (a child and both parents), so the citizens come
 * by id rather than as one argument.
 */
export function checkRegistration(registration: RegistrationFacts, citizenOf: (personalId: string) => PopulationFacts | null): DataQualityIssue[] {
  return checkedPeople(registration).flatMap((person) => checkPerson(registration, person, citizenOf(person.personalId)));
}

/** The issues of one person named on a registration, against their population record (null: none). */
export function checkPerson(
  registration: RegistrationFacts,
  person: RegisteredPerson & { personalId: string },
  citizen: PopulationFacts | null,
): DataQualityIssue[] {
  const who = `${ROLE_WORDS[person.role]} on this ${KIND_WORDS[registration.kind]} registration`;
  if (citizen === null) {
    // Nothing else can be compared without the record; one issue says all there is.
    return [issue('UNKNOWN_PERSONAL_ID', person, person.personalId, null, `The personal id of the ${who} is not in the National Population Database.`)];
  }
  const issues: DataQualityIssue[] = [];
  if (normalizeName(person.fullName) !== normalizeName(citizen.fullName)) {
    issues.push(issue('NAME_DIFFERS', person, person.fullName, citizen.fullName, `The name of the ${who} differs from the National Population Database.`));
  }
  if (person.birthDate !== null && person.birthDate !== citizen.birthDate) {
    issues.push(
      issue('BIRTH_DATE_DIFFERS', person, person.birthDate, citizen.birthDate, `The birth date of the ${who} differs from the National Population Database.`),
    );
  }
  if (
    registration.kind === 'DEATH' &&
    person.role === 'DECEASED' &&
    registration.status !== null &&
    ENTERED_STATUSES.has(registration.status) &&
    registration.deathDate !== null &&
    !citizen.deceased
  ) {
    issues.push(
      issue(
        'DEATH_NOT_RECORDED',
        person,
        registration.deathDate,
        null,
        'The death is entered in the civil-status register, but the National Population Database still records the citizen as alive.',
      ),
    );
  }
  return issues;
}

/**
 * A name as compared: NFC (the same letter typed precomposed or with combining marks), lower
 * case, single spaces. Diacritics are kept: `Lê` and `Le` are different names.
 */
export function normalizeName(name: string): string {
  // Lower-casing either form gives canonically equivalent text; NFC afterwards makes it one string.
  return name.toLocaleLowerCase('vi').normalize('NFC').trim().replace(/\s+/gu, ' ');
}

function issue(
  kind: DataQualityIssueKind,
  person: RegisteredPerson & { personalId: string },
  registrationValue: string,
  populationValue: string | null,
  detail: string,
): DataQualityIssue {
  return { kind, role: person.role, personalId: person.personalId, field: FIELD_BY_KIND[kind], registrationValue, populationValue, detail };
}

const ROLE_WORDS: Readonly<Record<CivilRegistrationRole, string>> = {
  CHILD: 'child',
  MOTHER: 'mother',
  FATHER: 'father',
  DECEASED: 'deceased',
  HUSBAND: 'husband',
  WIFE: 'wife',
  DECLARANT: 'declarant',
};

const KIND_WORDS: Readonly<Record<CivilRegistrationKind, string>> = {
  BIRTH: 'birth',
  DEATH: 'death',
  MARRIAGE: 'marriage',
  OTHER: 'civil-status',
};
