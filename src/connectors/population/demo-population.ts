import type { DossierStatus } from '../../domain/dossier-status.js';
import { LEGACY_PROVINCE_PREFIXES, makePersonalId, type Sex } from '../../domain/personal-id.js';
import { daysInMonth } from '../../domain/vietnam-calendar.js';
import type { DemoCitizen } from '../demo/demo-citizens.js';
import type { DemoCommune } from '../demo/demo-communes.js';
import type { DemoDataset, DemoDossier } from '../demo/demo-dataset.js';
import { FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES } from '../demo/vietnamese-names.js';
import { WeightedChoice, intBetween, pickOne } from '../demo/weighted-choice.js';
import { seededRandom } from '../simulator-kit.js';

/**
 * The people of the demo population database and the civil-status events that link them: the
 * dataset's applicants plus the relatives the civil-status dossiers need (spouses, newborns,
 * the deceased). The population and civil-registration simulators both build from this, so a
 * child registered at birth is a citizen, a registered death marks the citizen dead, and the
 * few records that disagree on purpose are the same on both sides.
 *
 * Deterministic: the same dataset and seed give the same people, ids, events and disagreements.
 */

export type DemoPersonOrigin =
  /** An applicant of a demo dossier (the dataset's `citizens`). */
  | 'APPLICANT'
  /** An applicant's husband or wife (married before the demo window or during it). */
  | 'SPOUSE'
  /** The other parent of a child whose parents are not married. */
  | 'PARTNER'
  /** An applicant's grown-up child, parent of a grandchild the applicant registers. */
  | 'ADULT_CHILD'
  /** A child whose birth registration in the window issued a personal id. */
  | 'NEWBORN'
  /** An applicant's father or mother (derived for death registrations). */
  | 'PARENT'
  /** An applicant's brother or sister, when nobody closer is left to die. */
  | 'SIBLING';

export type DemoMaritalStatus = 'SINGLE' | 'MARRIED' | 'WIDOWED';

export interface DemoAddress {
  provinceCode: string;
  /** Null for places known only by province (birth registrations of the last century). */
  communeCode: string | null;
  detail: string;
}

/** A citizen as the population database holds them. */
export interface DemoPerson {
  personalId: string;
  familyName: string;
  middleName: string;
  givenName: string;
  fullName: string;
  sex: Sex;
  /** `yyyy-MM-dd`. */
  birthDate: string;
  ethnicityCode: string;
  /** Religion code, `00` = none. */
  religionCode: string;
  origin: DemoPersonOrigin;
  /** Where the birth was registered (nơi đăng ký khai sinh). */
  birthPlace: DemoAddress;
  permanent: DemoAddress;
  current: DemoAddress;
  householdHeadId: string;
  /** Relation to the household head: `Chủ hộ` for the head. */
  relationToHead: string;
  fatherId: string | null;
  motherId: string | null;
  /** Set only while married as the population database records it. */
  spouseId: string | null;
  maritalStatus: DemoMaritalStatus;
  /** `yyyy-MM-dd` of death as the population database records it; null while it shows the citizen alive. */
  deathDate: string | null;
}

export type DemoCivilEventKind = 'BIRTH' | 'DEATH' | 'MARRIAGE';

/** How far the civil-status office got with the registration (from the dossier's real status). */
export type DemoRegistrationOutcome = 'AWAITING' | 'SUPPLEMENT' | 'PROCESSING' | 'REGISTERED' | 'REFUSED';

/** `STANDARD` registration, or the procedure's variant. */
export type DemoRegistrationVariant = 'STANDARD' | 'PARENT_RECOGNITION' | 'MOBILE' | 'RE_REGISTRATION';

export type DemoEventRole = 'CHILD' | 'MOTHER' | 'FATHER' | 'DECEASED' | 'HUSBAND' | 'WIFE' | 'DECLARANT';

/** A person named on a registration, as the population database knows them (the truth). */
export interface DemoEventPerson {
  role: DemoEventRole;
  /** Null for a child not yet registered and for parents named on old re-registered births. */
  personalId: string | null;
  familyName: string;
  middleName: string;
  givenName: string;
  fullName: string;
  sex: Sex;
  birthDate: string | null;
  ethnicityCode: string;
  /** For a declarant: their relation to the registered person (`Mẹ`, `Ông nội`, `Con`…). */
  relation: string | null;
  /** Where the person lives; for a CHILD, where they were born. */
  address: DemoAddress;
}

export interface DemoDeath {
  date: string;
  /** `HH:mm`. */
  time: string;
  place: string;
  cause: string;
}

export type DemoDisagreementKind = 'UNKNOWN_PERSONAL_ID' | 'NAME_MISMATCH' | 'DEATH_NOT_IN_POPULATION';

/** A registration that disagrees with the population database on purpose. */
export interface DemoDisagreement {
  kind: DemoDisagreementKind;
  dossierCode: string;
  role: DemoEventRole;
  /** The id the population database holds for the person. */
  personalId: string;
  /** What the civil registry shows instead: another id, another name, or the date of death. */
  registryValue: string;
  /** What the population database shows: the real id, the real name, or `alive`. */
  populationValue: string;
}

/**
 * A birth date the registrar typed a few days off: the population database keeps the true one.
 * Kept apart from {@link DemoDisagreement} (one per registration, 3%) so those stay as they were;
 * a registration has at most one of either.
 */
export interface DemoBirthDateDrift {
  dossierCode: string;
  role: DemoEventRole;
  /** The person's id, the same on both sides. */
  personalId: string;
  /** `yyyy-MM-dd` as the civil registry shows it. */
  registryValue: string;
  /** `yyyy-MM-dd` as the population database shows it. */
  populationValue: string;
}

/** A birth, death or marriage registration behind a civil-status dossier. */
export interface DemoCivilEvent {
  kind: DemoCivilEventKind;
  dossierCode: string;
  procedureCode: string;
  variant: DemoRegistrationVariant;
  provinceCode: string;
  communeCode: string;
  outcome: DemoRegistrationOutcome;
  /** When the registry received the request (the dossier's reception). */
  lodgedAtMs: number;
  /** When the registry last changed the record. */
  updatedAtMs: number;
  registeredAtMs: number | null;
  /** Everyone named, in the order the registry lists them; the truth, before any disagreement. */
  people: DemoEventPerson[];
  /** Births: the personal id the registration issued (or, re-registered, already had). */
  issuedPersonalId: string | null;
  death: DemoDeath | null;
  disagreement: DemoDisagreement | null;
  birthDateDrift: DemoBirthDateDrift | null;
}

export interface DemoPopulation {
  seed: number;
  /** Applicants first, in the dataset's order, then derived people in order of derivation. */
  people: readonly DemoPerson[];
  byId: ReadonlyMap<string, DemoPerson>;
  /** In dossier order. */
  events: readonly DemoCivilEvent[];
  disagreements: readonly DemoDisagreement[];
  /** In dossier order. */
  birthDateDrifts: readonly DemoBirthDateDrift[];
}

export interface DemoPopulationOptions {
  /** Defaults to the dataset's seed. */
  seed?: number;
  /** Share of registrations that disagree with the population database (default 3%). */
  disagreementRate?: number;
  /** Share of registrations whose registry shows a birth date the database does not (default 1%). */
  birthDateDriftRate?: number;
}

/** Procedures whose dossiers are registrations, with the event they record. */
export const CIVIL_EVENT_PROCEDURES: Readonly<Record<string, { kind: DemoCivilEventKind; variant: DemoRegistrationVariant }>> = {
  '1.001193': { kind: 'BIRTH', variant: 'STANDARD' },
  '1.000689': { kind: 'BIRTH', variant: 'PARENT_RECOGNITION' },
  '1.003583': { kind: 'BIRTH', variant: 'MOBILE' },
  '1.004884': { kind: 'BIRTH', variant: 'RE_REGISTRATION' },
  '1.000894': { kind: 'MARRIAGE', variant: 'STANDARD' },
  '1.004746': { kind: 'MARRIAGE', variant: 'RE_REGISTRATION' },
  '1.000656': { kind: 'DEATH', variant: 'STANDARD' },
  '1.005461': { kind: 'DEATH', variant: 'RE_REGISTRATION' },
};

/** Where the registration stands for a dossier in each real status; null = no registration record. */
const OUTCOME_BY_STATUS: Readonly<Record<DossierStatus, DemoRegistrationOutcome | null>> = {
  SUBMITTED: null,
  RECEIVED: 'AWAITING',
  // Refused at the one-stop counter never reaches the registry; refused later is the registrar's refusal.
  REJECTED: 'REFUSED',
  PROCESSING: 'PROCESSING',
  SUPPLEMENT_REQUESTED: 'SUPPLEMENT',
  AWAITING_FINANCIAL_OBLIGATION: 'PROCESSING',
  // A withdrawn request is deleted from the registry's work list.
  WITHDRAWN: null,
  SUSPENDED: 'PROCESSING',
  RESOLVED: 'REGISTERED',
  RESULT_RETURNED: 'REGISTERED',
};

const DEFAULT_DISAGREEMENT_RATE = 0.03;
const DEFAULT_BIRTH_DATE_DRIFT_RATE = 0.01;
/** Largest number of days a mistyped birth date is off by. */
const BIRTH_DATE_DRIFT_MAX_DAYS = 9;
/** Share of the disagreements that are deaths the population database has not recorded. */
const DEATH_NOT_RECORDED_SHARE = 0.25;
/** Oldest age at which an applicant registering a birth is a parent rather than a grandparent. */
const OLDEST_PARENT_AGE = 45;
/** From this age a death registered by an applicant is their spouse's rather than a parent's. */
const SPOUSE_DIES_FROM_AGE = 55;
const FAMILY_NAME_CHOICE = new WeightedChoice(FAMILY_NAMES);
const RELIGIONS = new WeightedChoice<string>([
  ['00', 85],
  ['01', 10],
  ['02', 5],
]);
const BIRTH_PLACES = new WeightedChoice<string>([
  ['Bệnh viện đa khoa tỉnh', 55],
  ['Trạm y tế xã', 40],
  ['Tại nhà', 5],
]);
const DEATH_PLACES = new WeightedChoice<string>([
  ['Tại nhà', 70],
  ['Bệnh viện đa khoa tỉnh', 20],
  ['Trạm y tế xã', 10],
]);
const DEATH_CAUSES = new WeightedChoice<string>([
  ['Bệnh già', 45],
  ['Bệnh', 40],
  ['Tai nạn giao thông', 10],
  ['Đột quỵ', 5],
]);

interface Household {
  headId: string;
  address: DemoAddress;
}

/** Builds the demo population from a dataset: see the module comment. */
export function buildDemoPopulation(dataset: DemoDataset, options: DemoPopulationOptions = {}): DemoPopulation {
  const seed = options.seed ?? dataset.seed;
  const rate = options.disagreementRate ?? DEFAULT_DISAGREEMENT_RATE;
  if (!(rate >= 0 && rate <= 1)) throw new RangeError('disagreementRate must be between 0 and 1');
  const birthDateRate = options.birthDateDriftRate ?? DEFAULT_BIRTH_DATE_DRIFT_RATE;
  if (!(birthDateRate >= 0 && birthDateRate <= 1)) throw new RangeError('birthDateDriftRate must be between 0 and 1');
  const builder = new PopulationBuilder(dataset, seed);
  builder.addApplicants();
  builder.marryApplicantsBeforeTheWindow();
  builder.deriveEvents();
  const disagreements = builder.pickDisagreements(rate);
  const birthDateDrifts = builder.pickBirthDateDrifts(birthDateRate, seed);
  builder.recordDeathsAndWidowhood();
  const people = builder.people();
  return {
    seed,
    people,
    byId: new Map(people.map((person) => [person.personalId, person])),
    events: builder.events,
    disagreements,
    birthDateDrifts,
  };
}

class PopulationBuilder {
  readonly events: DemoCivilEvent[] = [];
  private readonly persons = new Map<string, DemoPerson>();
  private readonly households = new Map<string, Household>();
  /** The other parent of an applicant's children, married or not. */
  private readonly partners = new Map<string, string>();
  private readonly adultChildren = new Map<string, string>();
  /** People whose death is registered or being registered: nobody dies twice. */
  private readonly dying = new Set<string>();
  /** Ids in use or deliberately wrong, so no derived id collides with another. */
  private readonly usedIds = new Set<string>();
  private readonly communesByCode: ReadonlyMap<string, DemoCommune>;
  private readonly communesByProvince = new Map<string, DemoCommune[]>();
  private readonly random: () => number;
  private readonly currentYear: number;

  constructor(
    private readonly dataset: DemoDataset,
    seed: number,
  ) {
    this.random = seededRandom(seed ^ 0x0d1a_c0de);
    this.currentYear = vietnamYear(dataset.anchor.getTime());
    this.communesByCode = new Map(dataset.communes.map((commune) => [commune.code, commune]));
    for (const commune of dataset.communes) {
      const list = this.communesByProvince.get(commune.provinceCode) ?? [];
      list.push(commune);
      this.communesByProvince.set(commune.provinceCode, list);
    }
    for (const citizen of dataset.citizens) this.usedIds.add(citizen.personalId);
  }

  people(): DemoPerson[] {
    return [...this.persons.values()];
  }

  /** Every applicant heads a household at their permanent address. */
  addApplicants(): void {
    for (const citizen of this.dataset.citizens) {
      const permanent = this.addressIn(citizen.permanentCommuneCode);
      const person = this.fromApplicant(citizen, permanent);
      this.persons.set(person.personalId, person);
      this.households.set(person.personalId, { headId: person.personalId, address: permanent });
    }
  }

  /**
   * Most adults who are not marrying in the window are married already; a few older ones were
   * widowed long ago (the "few deceased people" of the database).
   */
  marryApplicantsBeforeTheWindow(): void {
    const marrying = new Set(
      this.dataset.dossiers
        .filter((dossier) => CIVIL_EVENT_PROCEDURES[dossier.procedureCode]?.kind === 'MARRIAGE')
        .map((dossier) => dossier.applicantPersonalId),
    );
    for (const citizen of this.dataset.citizens) {
      if (marrying.has(citizen.personalId)) continue;
      const applicant = this.person(citizen.personalId);
      const age = this.age(applicant);
      const share = age < 25 ? 0.2 : 0.75;
      if (this.random() >= share) continue;
      const spouse = this.newSpouse(applicant, 'SPOUSE');
      if (age >= 65 && this.random() < 0.35) {
        // Died years ago: the database shows the death; no registration in the window.
        const earliest = Math.min(this.currentYear - 1, Math.max(this.birthYear(spouse) + 50, this.currentYear - 15));
        spouse.deathDate = this.randomDateIn(intBetween(earliest, this.currentYear - 1, this.random));
        this.dying.add(spouse.personalId);
      }
    }
  }

  deriveEvents(): void {
    for (const dossier of this.dataset.dossiers) {
      const procedure = CIVIL_EVENT_PROCEDURES[dossier.procedureCode];
      if (!procedure) continue;
      const outcome = OUTCOME_BY_STATUS[dossier.status];
      if (outcome === null || dossier.receivedAtMs === null) continue;
      const applicant = this.person(dossier.applicantPersonalId);
      const timing = this.timing(dossier, outcome);
      const base = {
        dossierCode: dossier.code,
        procedureCode: dossier.procedureCode,
        variant: procedure.variant,
        provinceCode: dossier.provinceCode,
        communeCode: dossier.communeCode,
        outcome,
        ...timing,
        disagreement: null,
        birthDateDrift: null,
      };
      switch (procedure.kind) {
        case 'BIRTH':
          this.events.push({ kind: 'BIRTH', ...base, ...this.birth(dossier, applicant, procedure.variant, outcome) });
          break;
        case 'DEATH':
          this.events.push({ kind: 'DEATH', ...base, ...this.death(dossier, applicant, procedure.variant) });
          break;
        case 'MARRIAGE':
          this.events.push({ kind: 'MARRIAGE', ...base, ...this.marriage(applicant, procedure.variant, outcome) });
          break;
      }
    }
  }

  /**
   * Picks `rate` of the registrations to disagree with the population database: a quarter are
   * registered deaths the database has not recorded, the rest alternate between a wrong personal
   * id and a name spelt differently. A fixed count (not a coin per record) keeps the rate exact
   * and every kind present whenever a record qualifies for it.
   */
  pickDisagreements(rate: number): DemoDisagreement[] {
    const target = Math.round(this.events.length * rate);
    const deathCandidates = this.shuffled(
      this.events.filter((event) => event.kind === 'DEATH' && event.outcome === 'REGISTERED' && event.variant === 'STANDARD'),
    );
    const deathCount = Math.min(deathCandidates.length, target === 0 ? 0 : Math.max(1, Math.round(target * DEATH_NOT_RECORDED_SHARE)));
    const picked: DemoDisagreement[] = [];
    for (const event of deathCandidates.slice(0, deathCount)) {
      const deceased = event.people.find((person) => person.role === 'DECEASED');
      if (!deceased?.personalId || !event.death) continue;
      event.disagreement = {
        kind: 'DEATH_NOT_IN_POPULATION',
        dossierCode: event.dossierCode,
        role: 'DECEASED',
        personalId: deceased.personalId,
        registryValue: event.death.date,
        populationValue: 'alive',
      };
      picked.push(event.disagreement);
    }
    const others = this.shuffled(this.events.filter((event) => event.disagreement === null && this.namedWithId(event, false).length > 0));
    for (const event of others) {
      if (picked.length >= target) break;
      const wrongId = picked.length % 2 === 0 && this.namedWithId(event, true).length > 0;
      const person = pickOne(this.namedWithId(event, wrongId), this.random);
      const personalId = person.personalId as string;
      event.disagreement = wrongId
        ? {
            kind: 'UNKNOWN_PERSONAL_ID',
            dossierCode: event.dossierCode,
            role: person.role,
            personalId,
            registryValue: this.mistypedId(personalId),
            populationValue: personalId,
          }
        : {
            kind: 'NAME_MISMATCH',
            dossierCode: event.dossierCode,
            role: person.role,
            personalId,
            registryValue: this.misspelt(person),
            populationValue: person.fullName,
          };
      picked.push(event.disagreement);
    }
    return picked;
  }

  /**
   * Picks `rate` of the registrations without a disagreement to show one person's birth date a
   * few days off, in the same year (the id encodes the year, so a typo there would also be a
   * wrong id). Drawn from a random stream of its own, so adding these left every person, event
   * and disagreement of a seed as it was.
   */
  pickBirthDateDrifts(rate: number, seed: number): DemoBirthDateDrift[] {
    const random = seededRandom(seed ^ 0x0b1d_da7e);
    const target = Math.round(this.events.length * rate);
    const candidates = this.events.filter((event) => event.disagreement === null && this.datedWithId(event).length > 0);
    for (let index = candidates.length - 1; index > 0; index -= 1) {
      const other = Math.floor(random() * (index + 1));
      [candidates[index], candidates[other]] = [candidates[other] as DemoCivilEvent, candidates[index] as DemoCivilEvent];
    }
    const picked = new Set<DemoCivilEvent>();
    for (const event of candidates.slice(0, target)) {
      const person = pickOne(this.datedWithId(event), random);
      const populationValue = person.birthDate as string;
      event.birthDateDrift = {
        dossierCode: event.dossierCode,
        role: person.role,
        personalId: person.personalId as string,
        registryValue: mistypedDate(populationValue, intBetween(1, BIRTH_DATE_DRIFT_MAX_DAYS, random)),
        populationValue,
      };
      picked.add(event);
    }
    // In dossier order, like the disagreements' events.
    return this.events.filter((event) => picked.has(event)).map((event) => event.birthDateDrift as DemoBirthDateDrift);
  }

  /** Registered deaths reach the database (except the ones picked not to); survivors are widowed. */
  recordDeathsAndWidowhood(): void {
    for (const event of this.events) {
      if (event.kind !== 'DEATH' || !event.death) continue;
      if (event.outcome !== 'REGISTERED' && event.variant !== 'RE_REGISTRATION') continue;
      if (event.disagreement?.kind === 'DEATH_NOT_IN_POPULATION') continue;
      const deceased = event.people.find((person) => person.role === 'DECEASED');
      if (deceased?.personalId) this.person(deceased.personalId).deathDate = event.death.date;
    }
    for (const person of this.persons.values()) {
      const spouse = person.spouseId === null ? null : this.persons.get(person.spouseId);
      if (person.deathDate === null && spouse?.deathDate) person.maritalStatus = 'WIDOWED';
    }
  }

  // --- events -------------------------------------------------------------------------------

  private birth(
    dossier: DemoDossier,
    applicant: DemoPerson,
    variant: DemoRegistrationVariant,
    outcome: DemoRegistrationOutcome,
  ): Pick<DemoCivilEvent, 'people' | 'issuedPersonalId' | 'death'> {
    if (variant === 'RE_REGISTRATION') {
      // An adult whose birth record was lost: the parents are named as the old record had them, without ids.
      const father = this.sketch('MALE', this.birthYear(applicant) - intBetween(22, 35, this.random), applicant.familyName);
      const mother = this.sketch('FEMALE', this.birthYear(applicant) - intBetween(20, 33, this.random));
      return {
        people: [
          this.named('CHILD', applicant),
          { ...mother, role: 'MOTHER' },
          { ...father, role: 'FATHER' },
          this.named('DECLARANT', applicant, 'Bản thân'),
        ],
        issuedPersonalId: outcome === 'REGISTERED' ? applicant.personalId : null,
        death: null,
      };
    }

    const asParent = this.age(applicant) <= OLDEST_PARENT_AGE;
    let mother: DemoPerson | null;
    let father: DemoPerson | null;
    let householdHeadId: string;
    let relationToHead: string;
    let declarantRelation: string;
    if (asParent) {
      const other = this.partnerFor(applicant, variant === 'PARENT_RECOGNITION' || applicant.sex === 'MALE');
      mother = applicant.sex === 'FEMALE' ? applicant : other;
      father = applicant.sex === 'MALE' ? applicant : other;
      householdHeadId = applicant.householdHeadId;
      relationToHead = applicant.householdHeadId === applicant.personalId ? 'Con' : 'Cháu';
      declarantRelation = applicant.sex === 'FEMALE' ? 'Mẹ' : 'Cha';
    } else {
      const grownUp = this.adultChildOf(applicant);
      const other = this.partnerFor(grownUp, true);
      mother = grownUp.sex === 'FEMALE' ? grownUp : other;
      father = grownUp.sex === 'MALE' ? grownUp : other;
      householdHeadId = applicant.householdHeadId;
      relationToHead = 'Cháu';
      const side = grownUp.sex === 'MALE' ? 'nội' : 'ngoại';
      declarantRelation = `${applicant.sex === 'MALE' ? 'Ông' : 'Bà'} ${side}`;
    }
    if (!mother) throw new Error('a birth always has a mother');
    // The law allows 60 days to register a birth; most parents come within a few weeks.
    const bornMs = dossier.submittedAtMs - intBetween(1, 55, this.random) * DAY_MS;
    const sex: Sex = this.random() < 0.51 ? 'MALE' : 'FEMALE';
    const familyName = father?.familyName ?? mother.familyName;
    const child = {
      familyName,
      middleName: pickOne(MIDDLE_NAMES[sex], this.random),
      givenName: pickOne(GIVEN_NAMES[sex], this.random),
      sex,
      birthDate: isoDate(bornMs),
      ethnicityCode: father?.ethnicityCode ?? mother.ethnicityCode,
    };
    const commune = this.commune(dossier.communeCode);
    const household = this.household(householdHeadId);
    let issuedPersonalId: string | null = null;
    let childEntry: DemoEventPerson = {
      role: 'CHILD',
      personalId: null,
      ...child,
      fullName: joinName(child.familyName, child.middleName, child.givenName),
      relation: null,
      address: { provinceCode: commune.provinceCode, communeCode: commune.code, detail: BIRTH_PLACES.pick(this.random) },
    };
    if (outcome === 'REGISTERED') {
      const newborn = this.addPerson({
        ...child,
        personalId: this.newId(`0${dossier.provinceCode}`, sex, vietnamYear(bornMs)),
        religionCode: '00',
        origin: 'NEWBORN',
        birthPlace: { provinceCode: commune.provinceCode, communeCode: commune.code, detail: '' },
        permanent: household.address,
        current: household.address,
        householdHeadId,
        relationToHead,
        fatherId: father?.personalId ?? null,
        motherId: mother.personalId,
        spouseId: null,
        maritalStatus: 'SINGLE',
        deathDate: null,
      });
      issuedPersonalId = newborn.personalId;
      childEntry = { ...childEntry, personalId: newborn.personalId };
    }
    const people: DemoEventPerson[] = [childEntry, this.named('MOTHER', mother)];
    if (father) people.push(this.named('FATHER', father));
    people.push(this.named('DECLARANT', applicant, declarantRelation));
    return { people, issuedPersonalId, death: null };
  }

  private death(
    dossier: DemoDossier,
    applicant: DemoPerson,
    variant: DemoRegistrationVariant,
  ): Pick<DemoCivilEvent, 'people' | 'issuedPersonalId' | 'death'> {
    const deceased = this.relativeWhoDies(applicant, variant);
    this.dying.add(deceased.personalId);
    let date: string;
    if (variant === 'RE_REGISTRATION') {
      const earliest = Math.max(this.birthYear(applicant) + 1, this.birthYear(deceased) + 40);
      const year = Math.min(intBetween(earliest, this.currentYear - 2, this.random), this.currentYear - 2);
      date = this.randomDateIn(year);
    } else {
      // Deaths are registered within 15 days (Law on Civil Status art. 33).
      date = isoDate(dossier.submittedAtMs - intBetween(0, 14, this.random) * DAY_MS);
    }
    const relation = this.relationOf(applicant, deceased);
    return {
      people: [this.named('DECEASED', deceased), this.named('DECLARANT', applicant, relation)],
      issuedPersonalId: null,
      death: {
        date,
        time: `${pad2(intBetween(0, 23, this.random))}:${pad2(intBetween(0, 59, this.random))}`,
        place: DEATH_PLACES.pick(this.random),
        cause: DEATH_CAUSES.pick(this.random),
      },
    };
  }

  private marriage(
    applicant: DemoPerson,
    variant: DemoRegistrationVariant,
    outcome: DemoRegistrationOutcome,
  ): Pick<DemoCivilEvent, 'people' | 'issuedPersonalId' | 'death'> {
    const partner = this.partnerFor(applicant, true);
    if (!partner) throw new Error('a marriage always has two people');
    // A re-registered marriage took place years ago; the database has known it all along.
    if (outcome === 'REGISTERED' || variant === 'RE_REGISTRATION') {
      this.marry(applicant, partner);
      if (partner.householdHeadId !== applicant.householdHeadId) {
        this.joinHousehold(partner, applicant.householdHeadId, spouseRelation(partner.sex, applicant));
      }
    }
    const husband = applicant.sex === 'MALE' ? applicant : partner;
    const wife = applicant.sex === 'MALE' ? partner : applicant;
    return { people: [this.named('HUSBAND', husband), this.named('WIFE', wife)], issuedPersonalId: null, death: null };
  }

  // --- relatives ----------------------------------------------------------------------------

  /** The applicant's spouse or partner; `required` creates one when there is none. */
  private partnerFor(person: DemoPerson, required: boolean): DemoPerson | null {
    const knownId = person.spouseId ?? this.partners.get(person.personalId);
    // A widowed applicant who marries or has a child again does so with someone new.
    if (knownId !== undefined && !this.dying.has(knownId)) return this.person(knownId);
    if (!required && this.random() < 0.3) return null;
    const partner = this.newSpouse(person, 'PARTNER');
    this.partners.set(person.personalId, partner.personalId);
    this.partners.set(partner.personalId, person.personalId);
    return partner;
  }

  private adultChildOf(applicant: DemoPerson): DemoPerson {
    const known = this.adultChildren.get(applicant.personalId);
    if (known) return this.person(known);
    const age = intBetween(20, Math.max(20, Math.min(40, this.age(applicant) - 18)), this.random);
    const sex: Sex = this.random() < 0.5 ? 'MALE' : 'FEMALE';
    const spouse = applicant.spouseId === null ? null : this.person(applicant.spouseId);
    const father = applicant.sex === 'MALE' ? applicant : spouse;
    const mother = applicant.sex === 'FEMALE' ? applicant : spouse;
    const child = this.newRelative(
      applicant,
      sex,
      this.currentYear - age,
      'ADULT_CHILD',
      { headId: applicant.householdHeadId, relation: 'Con' },
      father?.familyName ?? applicant.familyName,
    );
    child.fatherId = father?.personalId ?? null;
    child.motherId = mother?.personalId ?? null;
    this.adultChildren.set(applicant.personalId, child.personalId);
    // Most grown-up children who have a baby are married and live with the family.
    if (this.random() < 0.7) this.newSpouse(child, 'SPOUSE');
    return child;
  }

  /** Who an applicant registers the death of: a parent, or from 55 their spouse. */
  private relativeWhoDies(applicant: DemoPerson, variant: DemoRegistrationVariant): DemoPerson {
    const candidates: DemoPerson[] = [];
    if (variant === 'STANDARD' && this.age(applicant) >= SPOUSE_DIES_FROM_AGE) {
      const spouse = applicant.spouseId === null ? this.newSpouse(applicant, 'SPOUSE') : this.person(applicant.spouseId);
      candidates.push(spouse);
    }
    for (const id of [applicant.fatherId, applicant.motherId]) if (id !== null) candidates.push(this.person(id));
    const alive = candidates.find((person) => !this.dying.has(person.personalId) && person.deathDate === null);
    if (alive) return alive;
    const missing: Sex | null = applicant.fatherId === null ? 'MALE' : applicant.motherId === null ? 'FEMALE' : null;
    if (missing === null) {
      // Both parents and the spouse are gone already: the one left to register is a brother or sister.
      const sex: Sex = this.random() < 0.5 ? 'MALE' : 'FEMALE';
      const sibling = this.newRelative(applicant, sex, this.birthYear(applicant) + intBetween(-6, 6, this.random), 'SIBLING', null, applicant.familyName);
      sibling.fatherId = applicant.fatherId;
      sibling.motherId = applicant.motherId;
      return sibling;
    }
    // Nobody in the demo lives past 100: an old applicant's parents were young when they were born.
    const year = Math.max(this.currentYear - 100, this.birthYear(applicant) - intBetween(20, 35, this.random));
    const parent = this.newRelative(
      applicant,
      missing,
      Math.min(year, this.birthYear(applicant) - 16),
      'PARENT',
      { headId: applicant.householdHeadId, relation: missing === 'MALE' ? 'Cha' : 'Mẹ' },
      missing === 'MALE' ? applicant.familyName : undefined,
    );
    if (missing === 'MALE') applicant.fatherId = parent.personalId;
    else applicant.motherId = parent.personalId;
    return parent;
  }

  /** The declarant's relation to the deceased, as the registry writes it. */
  private relationOf(declarant: DemoPerson, deceased: DemoPerson): string {
    if (declarant.spouseId === deceased.personalId) return deceased.sex === 'FEMALE' ? 'Chồng' : 'Vợ';
    if (declarant.fatherId === deceased.personalId || declarant.motherId === deceased.personalId) return 'Con';
    return 'Anh chị em ruột';
  }

  /**
   * An adult of the other sex and about the same age. A spouse moves into `person`'s household;
   * an unmarried partner keeps a household of their own in the same province.
   */
  private newSpouse(person: DemoPerson, origin: 'SPOUSE' | 'PARTNER'): DemoPerson {
    const sex: Sex = person.sex === 'MALE' ? 'FEMALE' : 'MALE';
    // Husbands are usually a few years older than their wives.
    const gap = intBetween(-2, 8, this.random);
    const year = Math.min(this.currentYear - 18, this.birthYear(person) + (sex === 'MALE' ? -gap : gap));
    const household = origin === 'SPOUSE' ? { headId: person.householdHeadId, relation: spouseRelation(sex, person) } : null;
    const partner = this.newRelative(person, sex, year, origin, household);
    if (origin === 'SPOUSE') this.marry(person, partner);
    return partner;
  }

  /**
   * A new relative of `anchor`, born in `birthYear`. They live in `household` (the head's id and
   * their relation to the head) or, without one, head a household of their own in the anchor's
   * province.
   */
  private newRelative(
    anchor: DemoPerson,
    sex: Sex,
    birthYear: number,
    origin: DemoPersonOrigin,
    household: { headId: string; relation: string } | null,
    familyName?: string,
  ): DemoPerson {
    const year = Math.max(1905, Math.min(birthYear, this.currentYear - 1));
    // Relatives were mostly registered at birth where the anchor person was.
    const prefix = this.random() < 0.7 ? anchor.personalId.slice(0, 3) : `0${anchor.permanent.provinceCode}`;
    const family = familyName ?? FAMILY_NAME_CHOICE.pick(this.random);
    const middle = pickOne(MIDDLE_NAMES[sex], this.random);
    const given = pickOne(GIVEN_NAMES[sex], this.random);
    const personalId = this.newId(prefix, sex, year);
    let home: DemoAddress;
    if (household) {
      home = this.household(household.headId).address;
    } else {
      home = this.addressIn(pickOne(this.communesOf(anchor.permanent.provinceCode), this.random).code);
      this.households.set(personalId, { headId: personalId, address: home });
    }
    return this.addPerson({
      personalId,
      familyName: family,
      middleName: middle,
      givenName: given,
      sex,
      birthDate: this.randomDateIn(year),
      ethnicityCode: this.random() < 0.85 ? anchor.ethnicityCode : '01',
      religionCode: RELIGIONS.pick(this.random),
      origin,
      birthPlace: birthPlaceOf(prefix),
      permanent: home,
      current: home,
      householdHeadId: household?.headId ?? personalId,
      relationToHead: household?.relation ?? 'Chủ hộ',
      fatherId: null,
      motherId: null,
      spouseId: null,
      maritalStatus: 'SINGLE',
      deathDate: null,
    });
  }

  // --- disagreements ------------------------------------------------------------------------

  /** People on the registration the registry could get wrong (the declarant is re-typed from the applicant). */
  private namedWithId(event: DemoCivilEvent, forWrongId: boolean): DemoEventPerson[] {
    return event.people.filter(
      (person) => person.personalId !== null && person.role !== 'DECLARANT' && !(forWrongId && person.role === 'CHILD'),
    );
  }

  /** People on the registration whose birth date the registry shows next to their id. */
  private datedWithId(event: DemoCivilEvent): DemoEventPerson[] {
    return event.people.filter((person) => person.personalId !== null && person.birthDate !== null && person.role !== 'DECLARANT');
  }

  /** A well-formed id of the same prefix, sex and birth year that nobody holds: a typo in the serial. */
  private mistypedId(personalId: string): string {
    for (;;) {
      const candidate = `${personalId.slice(0, 6)}${String(intBetween(0, 999_999, this.random)).padStart(6, '0')}`;
      if (!this.usedIds.has(candidate)) {
        this.usedIds.add(candidate);
        return candidate;
      }
    }
  }

  /** The name as a registrar might have typed it: one diacritic lost, or another middle name. */
  private misspelt(person: DemoEventPerson): string {
    const parts = [person.familyName, person.middleName, person.givenName];
    const accented = parts.map((part, index) => [part, index] as const).filter(([part]) => stripDiacritics(part) !== part);
    if (accented.length > 0 && this.random() < 0.5) {
      const [part, index] = pickOne(accented, this.random);
      parts[index] = stripDiacritics(part);
    } else {
      const others = MIDDLE_NAMES[person.sex].filter((middle) => middle !== person.middleName);
      parts[1] = pickOne(others, this.random);
    }
    return joinName(parts[0] ?? '', parts[1] ?? '', parts[2] ?? '');
  }

  // --- helpers ------------------------------------------------------------------------------

  private fromApplicant(citizen: DemoCitizen, permanent: DemoAddress): DemoPerson {
    const current = this.random() < 0.9 ? permanent : this.addressIn(pickOne(this.communesOf(citizen.permanentProvinceCode), this.random).code);
    const prefix = citizen.personalId.slice(0, 3);
    return {
      personalId: citizen.personalId,
      familyName: citizen.familyName,
      middleName: citizen.middleName,
      givenName: citizen.givenName,
      fullName: citizen.fullName,
      sex: citizen.sex,
      birthDate: citizen.birthDate,
      ethnicityCode: citizen.ethnicityCode,
      religionCode: RELIGIONS.pick(this.random),
      origin: 'APPLICANT',
      birthPlace: birthPlaceOf(prefix),
      permanent,
      current,
      householdHeadId: citizen.personalId,
      relationToHead: 'Chủ hộ',
      fatherId: null,
      motherId: null,
      spouseId: null,
      maritalStatus: 'SINGLE',
      deathDate: null,
    };
  }

  private addPerson(fields: Omit<DemoPerson, 'fullName'>): DemoPerson {
    const person: DemoPerson = { ...fields, fullName: joinName(fields.familyName, fields.middleName, fields.givenName) };
    this.persons.set(person.personalId, person);
    this.usedIds.add(person.personalId);
    return person;
  }

  private joinHousehold(person: DemoPerson, headId: string, relation: string): void {
    const household = this.household(headId);
    this.households.delete(person.personalId);
    person.householdHeadId = household.headId;
    person.relationToHead = relation;
    person.permanent = household.address;
    person.current = household.address;
  }

  private marry(a: DemoPerson, b: DemoPerson): void {
    a.spouseId = b.personalId;
    b.spouseId = a.personalId;
    a.maritalStatus = 'MARRIED';
    b.maritalStatus = 'MARRIED';
    this.partners.set(a.personalId, b.personalId);
    this.partners.set(b.personalId, a.personalId);
  }

  private household(headId: string): Household {
    const household = this.households.get(headId);
    if (!household) throw new Error('every household head has a household');
    return household;
  }

  private person(personalId: string): DemoPerson {
    const person = this.persons.get(personalId);
    if (!person) throw new Error('a derived event refers to a person that was never added');
    return person;
  }

  private named(role: DemoEventRole, person: DemoPerson, relation: string | null = null): DemoEventPerson {
    return {
      role,
      personalId: person.personalId,
      familyName: person.familyName,
      middleName: person.middleName,
      givenName: person.givenName,
      fullName: person.fullName,
      sex: person.sex,
      birthDate: person.birthDate,
      ethnicityCode: person.ethnicityCode,
      relation,
      address: person.permanent,
    };
  }

  /** A parent named on an old birth record: a name and a birth year, no id. */
  private sketch(sex: Sex, birthYear: number, familyName?: string): Omit<DemoEventPerson, 'role'> {
    const family = familyName ?? FAMILY_NAME_CHOICE.pick(this.random);
    const middle = pickOne(MIDDLE_NAMES[sex], this.random);
    const given = pickOne(GIVEN_NAMES[sex], this.random);
    return {
      personalId: null,
      familyName: family,
      middleName: middle,
      givenName: given,
      fullName: joinName(family, middle, given),
      sex,
      birthDate: this.randomDateIn(Math.max(1900, birthYear)),
      ethnicityCode: '01',
      relation: null,
      address: { provinceCode: '', communeCode: null, detail: '' },
    };
  }

  private timing(dossier: DemoDossier, outcome: DemoRegistrationOutcome): Pick<DemoCivilEvent, 'lodgedAtMs' | 'updatedAtMs' | 'registeredAtMs'> {
    const lodgedAtMs = dossier.receivedAtMs ?? dossier.submittedAtMs;
    let changedAtMs: number;
    switch (outcome) {
      case 'AWAITING':
        changedAtMs = lodgedAtMs;
        break;
      case 'SUPPLEMENT':
      case 'PROCESSING':
        changedAtMs = dossier.pausedAtMs ?? dossier.processingAtMs ?? lodgedAtMs;
        break;
      case 'REGISTERED':
      case 'REFUSED':
        changedAtMs = dossier.finishedAtMs ?? dossier.processingAtMs ?? lodgedAtMs;
        break;
    }
    // The registry records a step a few minutes after the officer takes it.
    const updatedAtMs = changedAtMs + intBetween(30, 600, this.random) * 1_000;
    return { lodgedAtMs, updatedAtMs, registeredAtMs: outcome === 'REGISTERED' ? changedAtMs : null };
  }

  private newId(prefix: string, sex: Sex, birthYear: number): string {
    for (;;) {
      const id = makePersonalId({ prefix, sex, birthYear, serial: intBetween(0, 999_999, this.random) });
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
  }

  private addressIn(communeCode: string): DemoAddress {
    const commune = this.commune(communeCode);
    const unit = intBetween(1, 15, this.random);
    let detail: string;
    if (commune.name.startsWith('Phường')) detail = `Số ${intBetween(1, 300, this.random)}, Khu phố ${unit}`;
    // The south names its hamlets ấp, the centre and north thôn.
    else detail = Number(commune.provinceCode) >= 75 ? `Ấp ${unit}` : `Thôn ${unit}`;
    return { provinceCode: commune.provinceCode, communeCode: commune.code, detail };
  }

  private commune(code: string): DemoCommune {
    const commune = this.communesByCode.get(code);
    if (!commune) throw new RangeError(`commune ${code} is not in the dataset`);
    return commune;
  }

  private communesOf(provinceCode: string): DemoCommune[] {
    return this.communesByProvince.get(provinceCode) ?? this.dataset.communes;
  }

  private randomDateIn(year: number): string {
    const month = intBetween(1, 12, this.random);
    const day = intBetween(1, daysInMonth(year, month), this.random);
    return `${year}-${pad2(month)}-${pad2(day)}`;
  }

  private birthYear(person: DemoPerson): number {
    return Number(person.birthDate.slice(0, 4));
  }

  private age(person: DemoPerson): number {
    return this.currentYear - this.birthYear(person);
  }

  private shuffled<T>(items: T[]): T[] {
    const copy = [...items];
    for (let index = copy.length - 1; index > 0; index -= 1) {
      const other = Math.floor(this.random() * (index + 1));
      [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
    }
    return copy;
  }
}

const NEW_PROVINCE_BY_PREFIX: ReadonlyMap<string, string> = new Map(
  LEGACY_PROVINCE_PREFIXES.map((entry) => [entry.prefix, entry.newProvinceCode]),
);

/**
 * Old birth registrations are known by province only: the one the id's prefix names, under its
 * code since 1 July 2025 (a `095` Bạc Liêu birth is in Cà Mau, 96, now).
 */
function birthPlaceOf(prefix: string): DemoAddress {
  const provinceCode = NEW_PROVINCE_BY_PREFIX.get(prefix);
  if (provinceCode === undefined) throw new RangeError(`${prefix} is not a personal-id prefix`);
  return { provinceCode, communeCode: null, detail: '' };
}

/** How a spouse is entered in a household: as the head's wife or husband, or as a child-in-law. */
function spouseRelation(spouseSex: Sex, of: DemoPerson): string {
  if (of.relationToHead === 'Chủ hộ') return spouseSex === 'FEMALE' ? 'Vợ' : 'Chồng';
  return spouseSex === 'FEMALE' ? 'Con dâu' : 'Con rể';
}

export function joinName(familyName: string, middleName: string, givenName: string): string {
  return [familyName, middleName, givenName].filter((part) => part !== '').join(' ');
}

/** Vietnamese letters without their marks, đ included (NFD does not decompose it). */
export function stripDiacritics(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');
}

const DAY_MS = 86_400_000;
/** Vietnam keeps UTC+7 all year: calendar days here are Vietnamese days. */
const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/** The Vietnamese calendar date of an instant, `yyyy-MM-dd`. */
function isoDate(ms: number): string {
  return new Date(ms + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * `iso` moved `days` earlier, or later where earlier would leave its year: a real calendar day
 * of the same year that differs from `iso`.
 */
function mistypedDate(iso: string, days: number): string {
  const ms = Date.parse(`${iso}T00:00:00Z`);
  const earlier = new Date(ms - days * DAY_MS).toISOString().slice(0, 10);
  return earlier.slice(0, 4) === iso.slice(0, 4) ? earlier : new Date(ms + days * DAY_MS).toISOString().slice(0, 10);
}

/** The Vietnamese calendar year of an instant. */
export function vietnamYear(ms: number): number {
  return new Date(ms + VIETNAM_OFFSET_MS).getUTCFullYear();
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
