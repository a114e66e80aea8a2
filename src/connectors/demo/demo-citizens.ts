import { LEGACY_PROVINCE_PREFIXES, makePersonalId, type Sex } from '../../domain/personal-id.js';
import { daysInMonth } from '../../domain/vietnam-calendar.js';
import type { DemoCommune } from './demo-communes.js';
import { DEFAULT_ETHNIC_MIX, ETHNIC_MIX } from './ethnic-groups.js';
import { FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES } from './vietnamese-names.js';
import { WeightedChoice, intBetween, pickOne } from './weighted-choice.js';
import { pad2 } from './vietnam-calendar.js';

export type DemoSex = Sex;

/** A resident as the National Population Database would hold them (the fields the hub shows). */
export interface DemoCitizen {
  /** 12-digit personal id (số định danh cá nhân). */
  personalId: string;
  familyName: string;
  middleName: string;
  givenName: string;
  /** Họ, chữ đệm and tên joined by single spaces. */
  fullName: string;
  sex: DemoSex;
  /** Calendar date `yyyy-MM-dd`; its century, sex and last two year digits are encoded in the id. */
  birthDate: string;
  /** GSO ethnic-group code, '01' = Kinh. */
  ethnicityCode: string;
  /** Commune of permanent residence (thường trú), a post-2025 five-digit code. */
  permanentCommuneCode: string;
  permanentProvinceCode: string;
}

const FAMILY_NAME_CHOICE = new WeightedChoice(FAMILY_NAMES);
/** Share of applicants who already filed another dossier in the same province. */
const RETURNING_APPLICANT_SHARE = 0.12;
const ADULT_AGES = { min: 18, max: 80 } as const;

interface ProvinceResidents {
  communes: readonly DemoCommune[];
  prefixes: WeightedChoice<string>;
  ethnicity: WeightedChoice<string>;
  residents: DemoCitizen[];
}

/**
 * Makes applicants for demo dossiers. Each new citizen gets a unique id; a share of dossiers
 * reuse a resident of the same province, as people come back for another procedure.
 */
export class DemoCitizenRegistry {
  private readonly provinces = new Map<string, ProvinceResidents>();
  /** Per (prefix, sex, birth year): serials handed out so far and the bucket's random offset. */
  private readonly serialBuckets = new Map<number, { issued: number; offset: number }>();
  readonly citizens: DemoCitizen[] = [];

  constructor(
    communesByProvince: ReadonlyMap<string, readonly DemoCommune[]>,
    private readonly referenceYear: number,
    private readonly random: () => number,
  ) {
    for (const [provinceCode, communes] of communesByProvince) {
      this.provinces.set(provinceCode, {
        communes,
        prefixes: prefixChoice(provinceCode),
        ethnicity: new WeightedChoice(ETHNIC_MIX[provinceCode] ?? DEFAULT_ETHNIC_MIX),
        residents: [],
      });
    }
  }

  /** An applicant for a dossier received by `commune`. */
  applicantFor(commune: DemoCommune): DemoCitizen {
    const province = this.provinces.get(commune.provinceCode);
    if (!province) throw new RangeError(`no residents registered for province ${commune.provinceCode}`);
    if (province.residents.length > 0 && this.random() < RETURNING_APPLICANT_SHARE) {
      return pickOne(province.residents, this.random);
    }
    const citizen = this.newResident(province, commune);
    province.residents.push(citizen);
    this.citizens.push(citizen);
    return citizen;
  }

  private newResident(province: ProvinceResidents, commune: DemoCommune): DemoCitizen {
    const random = this.random;
    const sex: DemoSex = random() < 0.5 ? 'MALE' : 'FEMALE';
    const birthYear = this.referenceYear - intBetween(ADULT_AGES.min, ADULT_AGES.max, random);
    const month = intBetween(1, 12, random);
    const day = intBetween(1, daysInMonth(birthYear, month), random);
    const prefix = province.prefixes.pick(random);
    const personalId = makePersonalId({ prefix, sex, birthYear, serial: this.nextSerial(prefix, sex, birthYear) });
    const familyName = FAMILY_NAME_CHOICE.pick(random);
    const middleName = pickOne(MIDDLE_NAMES[sex], random);
    const givenName = pickOne(GIVEN_NAMES[sex], random);
    const home = random() < 0.8 ? commune : pickOne(province.communes, random);
    return {
      personalId,
      familyName,
      middleName,
      givenName,
      fullName: `${familyName} ${middleName} ${givenName}`,
      sex,
      birthDate: `${birthYear}-${pad2(month)}-${pad2(day)}`,
      ethnicityCode: province.ethnicity.pick(random),
      permanentCommuneCode: home.code,
      permanentProvinceCode: home.provinceCode,
    };
  }

  /**
   * A serial not yet used in its (prefix, sex, birth year) bucket, so ids are unique without a
   * set of every id issued: k ↦ (k·SERIAL_STEP + offset) mod 10⁶ visits all 10⁶ serials once,
   * because SERIAL_STEP shares no factor with 10⁶, and still looks random.
   */
  private nextSerial(prefix: string, sex: DemoSex, birthYear: number): number {
    const key = (Number(prefix) * 2 + (sex === 'FEMALE' ? 1 : 0)) * 10_000 + birthYear;
    let bucket = this.serialBuckets.get(key);
    if (!bucket) {
      bucket = { issued: 0, offset: intBetween(0, SERIALS - 1, this.random) };
      this.serialBuckets.set(key, bucket);
    }
    if (bucket.issued >= SERIALS) throw new RangeError('a million residents share one prefix, sex and birth year');
    const serial = (bucket.issued * SERIAL_STEP + bucket.offset) % SERIALS;
    bucket.issued += 1;
    return serial;
  }
}

const SERIALS = 1_000_000;
/** Odd and not a multiple of 5, hence coprime with 10⁶. */
const SERIAL_STEP = 738_197;

/**
 * Most residents were registered at birth in one of the old provinces that merged into theirs
 * (60% under the prefix "0" + the new code, which is always one of them; 32% the others), and a
 * few were born elsewhere (8%).
 */
function prefixChoice(provinceCode: string): WeightedChoice<string> {
  const main = `0${provinceCode}`;
  const merged = LEGACY_PROVINCE_PREFIXES.filter(
    (entry) => entry.newProvinceCode === provinceCode && entry.prefix !== main,
  ).map((entry) => entry.prefix);
  const others = LEGACY_PROVINCE_PREFIXES.filter((entry) => entry.newProvinceCode !== provinceCode).map(
    (entry) => entry.prefix,
  );
  if (!LEGACY_PROVINCE_PREFIXES.some((entry) => entry.prefix === main)) {
    throw new RangeError(`unknown province code ${provinceCode}`);
  }
  const entries: [string, number][] = [[main, merged.length > 0 ? 0.6 : 0.92]];
  for (const prefix of merged) entries.push([prefix, 0.32 / merged.length]);
  for (const prefix of others) entries.push([prefix, 0.08 / others.length]);
  return new WeightedChoice(entries);
}
