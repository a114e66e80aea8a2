import { err, ok, type DomainError, type Result } from './result.js';
import { vietnamCalendarDate } from './vietnam-calendar.js';

export interface LegacyProvincePrefix {
  /** "0" + the pre-2025 two-digit GSO province code. */
  readonly prefix: string;
  /** The province as it was before the 1 July 2025 merger. */
  readonly name: string;
  /** Two-digit GSO code of the province it belongs to since 1 July 2025 (Res. 202/2025/QH15). */
  readonly newProvinceCode: string;
}

/**
 * The 63 place-of-birth-registration prefixes (Circular 07/2016/TT-BCA). Personal ids are
 * lifelong, so ids issued before the 2025 merger keep their old prefix and all 63 stay valid,
 * not only the 34 codes in use since 1 July 2025. Every new code is the code of one merged
 * province, so "0" + a new code is always one of these prefixes.
 */
export const LEGACY_PROVINCE_PREFIXES: readonly LegacyProvincePrefix[] = Object.freeze(
  (
    [
      ['001', 'Hà Nội', '01'],
      ['002', 'Hà Giang', '08'],
      ['004', 'Cao Bằng', '04'],
      ['006', 'Bắc Kạn', '19'],
      ['008', 'Tuyên Quang', '08'],
      ['010', 'Lào Cai', '15'],
      ['011', 'Điện Biên', '11'],
      ['012', 'Lai Châu', '12'],
      ['014', 'Sơn La', '14'],
      ['015', 'Yên Bái', '15'],
      ['017', 'Hòa Bình', '25'],
      ['019', 'Thái Nguyên', '19'],
      ['020', 'Lạng Sơn', '20'],
      ['022', 'Quảng Ninh', '22'],
      ['024', 'Bắc Giang', '24'],
      ['025', 'Phú Thọ', '25'],
      ['026', 'Vĩnh Phúc', '25'],
      ['027', 'Bắc Ninh', '24'],
      ['030', 'Hải Dương', '31'],
      ['031', 'Hải Phòng', '31'],
      ['033', 'Hưng Yên', '33'],
      ['034', 'Thái Bình', '33'],
      ['035', 'Hà Nam', '37'],
      ['036', 'Nam Định', '37'],
      ['037', 'Ninh Bình', '37'],
      ['038', 'Thanh Hóa', '38'],
      ['040', 'Nghệ An', '40'],
      ['042', 'Hà Tĩnh', '42'],
      ['044', 'Quảng Bình', '44'],
      ['045', 'Quảng Trị', '44'],
      ['046', 'Thừa Thiên Huế', '46'],
      ['048', 'Đà Nẵng', '48'],
      ['049', 'Quảng Nam', '48'],
      ['051', 'Quảng Ngãi', '51'],
      ['052', 'Bình Định', '52'],
      ['054', 'Phú Yên', '66'],
      ['056', 'Khánh Hòa', '56'],
      ['058', 'Ninh Thuận', '56'],
      ['060', 'Bình Thuận', '68'],
      ['062', 'Kon Tum', '51'],
      ['064', 'Gia Lai', '52'],
      ['066', 'Đắk Lắk', '66'],
      ['067', 'Đắk Nông', '68'],
      ['068', 'Lâm Đồng', '68'],
      ['070', 'Bình Phước', '75'],
      ['072', 'Tây Ninh', '80'],
      ['074', 'Bình Dương', '79'],
      ['075', 'Đồng Nai', '75'],
      ['077', 'Bà Rịa - Vũng Tàu', '79'],
      ['079', 'TP Hồ Chí Minh', '79'],
      ['080', 'Long An', '80'],
      ['082', 'Tiền Giang', '82'],
      ['083', 'Bến Tre', '86'],
      ['084', 'Trà Vinh', '86'],
      ['086', 'Vĩnh Long', '86'],
      ['087', 'Đồng Tháp', '82'],
      ['089', 'An Giang', '91'],
      ['091', 'Kiên Giang', '91'],
      ['092', 'Cần Thơ', '92'],
      ['093', 'Hậu Giang', '92'],
      ['094', 'Sóc Trăng', '92'],
      ['095', 'Bạc Liêu', '96'],
      ['096', 'Cà Mau', '96'],
    ] as const
  ).map(([prefix, name, newProvinceCode]) => Object.freeze({ prefix, name, newProvinceCode })),
);

const BY_PREFIX: ReadonlyMap<string, LegacyProvincePrefix> = new Map(
  LEGACY_PROVINCE_PREFIXES.map((entry) => [entry.prefix, entry]),
);

export type Sex = 'MALE' | 'FEMALE';

export interface PersonalId {
  readonly value: string;
  readonly prefix: string;
  readonly legacyProvinceName: string;
  /** Province code since 1 July 2025 of the place where the birth was registered. */
  readonly provinceCode: string;
  readonly sex: Sex;
  readonly birthYear: number;
}

export type PersonalIdError = DomainError<'INVALID_PERSONAL_ID'>;

const LENGTH = 12;
const FIRST_CENTURY = 1900;
const LAST_CENTURY = 2300;
const LEGACY_ID_CARD_LENGTH = 9;

function invalid(message: string): Result<never, PersonalIdError> {
  return err({ code: 'INVALID_PERSONAL_ID', message });
}

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Checks a personal identification number (số định danh cá nhân, the 12-digit CCCD number).
 * Layout: 3-digit birth-registration province, 1 digit for century and sex, 2 digits of birth
 * year, 6-digit serial. There is no check digit, so a well-formed number may still not exist;
 * only the population database can confirm that. Messages never repeat the number itself.
 */
export function validatePersonalId(input: string, now: Date): Result<PersonalId, PersonalIdError> {
  const chars = Array.from(input);
  if (chars.length === 0) return invalid('personal id is empty; it must be 12 digits');

  for (const [index, char] of chars.entries()) {
    const position = index + 1;
    if (/^\s$/u.test(char)) {
      return invalid(
        `personal id must not contain whitespace; character ${position} is whitespace (${codePoint(char)})`,
      );
    }
    if (char >= '0' && char <= '9') continue;
    if (/^\p{Nd}$/u.test(char)) {
      return invalid(
        `personal id must use ASCII digits 0-9; character ${position} is the non-ASCII digit '${char}' (${codePoint(char)})`,
      );
    }
    return invalid(`personal id must contain only digits; character ${position} is '${char}' (${codePoint(char)})`);
  }

  if (chars.length !== LENGTH) {
    const hint =
      chars.length === LEGACY_ID_CARD_LENGTH ? ' (a 9-digit number is a legacy CMND, not a personal id)' : '';
    return invalid(`personal id must be 12 digits; got ${chars.length}${hint}`);
  }

  const prefix = input.slice(0, 3);
  const province = BY_PREFIX.get(prefix);
  if (province === undefined) {
    return invalid(`personal id prefix ${prefix} is not a Vietnamese province code`);
  }

  const centuryDigit = Number(input[3]);
  const sex: Sex = centuryDigit % 2 === 0 ? 'MALE' : 'FEMALE';
  const birthYear = FIRST_CENTURY + 100 * Math.floor(centuryDigit / 2) + Number(input.slice(4, 6));
  // The current year in Vietnam, where the id is issued: a child born on 1 January there may
  // still be on 31 December in UTC.
  const currentYear = vietnamCalendarDate(now).year;
  if (birthYear > currentYear) {
    return invalid(
      `personal id encodes birth year ${birthYear} (century-and-sex digit ${centuryDigit}, year digits ${input.slice(4, 6)}), which is after the current year ${currentYear}`,
    );
  }

  return ok({
    value: input,
    prefix,
    legacyProvinceName: province.name,
    provinceCode: province.newProvinceCode,
    sex,
    birthYear,
  });
}

export function isValidPersonalId(input: string, now: Date): boolean {
  return validatePersonalId(input, now).ok;
}

export interface PersonalIdParts {
  /** One of LEGACY_PROVINCE_PREFIXES, e.g. '096'. */
  readonly prefix: string;
  readonly sex: Sex;
  /** 1900–2399, the range the century digit can encode. */
  readonly birthYear: number;
  /** 0–999999, or exactly six ASCII digits. */
  readonly serial: number | string;
}

/**
 * Builds a well-formed personal id for simulators and test factories. Invalid parts are a
 * programming error, so this throws instead of returning a Result. It does not know the date,
 * so a future birth year is the caller's responsibility (validatePersonalId rejects it).
 */
export function makePersonalId(parts: PersonalIdParts): string {
  const { prefix, sex, birthYear, serial } = parts;
  if (!BY_PREFIX.has(prefix)) {
    throw new RangeError(`prefix ${prefix} is not a Vietnamese province code (expected one of 001–096 in the legacy list)`);
  }
  if (!Number.isInteger(birthYear) || birthYear < FIRST_CENTURY || birthYear > LAST_CENTURY + 99) {
    throw new RangeError(`birth year must be an integer from ${FIRST_CENTURY} to ${LAST_CENTURY + 99}; got ${birthYear}`);
  }
  let serialDigits: string;
  if (typeof serial === 'number') {
    if (!Number.isInteger(serial) || serial < 0 || serial > 999_999) {
      throw new RangeError(`serial must be an integer from 0 to 999999; got ${serial}`);
    }
    serialDigits = String(serial).padStart(6, '0');
  } else {
    if (!/^[0-9]{6}$/.test(serial)) {
      throw new RangeError(`serial must be exactly 6 ASCII digits; got '${serial}'`);
    }
    serialDigits = serial;
  }
  const century = Math.floor((birthYear - FIRST_CENTURY) / 100);
  const centuryDigit = century * 2 + (sex === 'FEMALE' ? 1 : 0);
  const yearDigits = String(birthYear % 100).padStart(2, '0');
  return `${prefix}${centuryDigit}${yearDigits}${serialDigits}`;
}

/**
 * Shows an id without revealing it: the province prefix and the last two digits, enough for an
 * officer to tell two citizens apart on screen. Anything that is not 12 characters long is masked
 * entirely, so malformed data never leaks more than its length.
 */
export function maskPersonalId(id: string): string {
  const chars = Array.from(id);
  if (chars.length !== LENGTH) return '*'.repeat(chars.length);
  return `${chars.slice(0, 3).join('')}${'*'.repeat(LENGTH - 5)}${chars.slice(LENGTH - 2).join('')}`;
}
