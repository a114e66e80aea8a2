import { describe, expect, it } from 'vitest';
import {
  LEGACY_PROVINCE_PREFIXES,
  isValidPersonalId,
  makePersonalId,
  maskPersonalId,
  validatePersonalId,
  type Sex,
} from '../../../src/domain/personal-id.js';
import { errorOf, valueOf } from './unwrap.js';

const NOW = new Date('2025-08-15T03:00:00Z');

/** The 34 province codes in force since 1 July 2025 (Res. 202/2025/QH15). */
const NEW_PROVINCE_CODES = [
  '01', '04', '08', '11', '12', '14', '15', '19', '20', '22', '24', '25', '31', '33', '37', '38', '40',
  '42', '44', '46', '48', '51', '52', '56', '66', '68', '75', '79', '80', '82', '86', '91', '92', '96',
];

function messageFor(input: string, now: Date = NOW): string {
  return errorOf(validatePersonalId(input, now)).message;
}

describe('LEGACY_PROVINCE_PREFIXES', () => {
  it('lists the 63 pre-2025 provinces once each, in prefix order', () => {
    const prefixes = LEGACY_PROVINCE_PREFIXES.map((entry) => entry.prefix);
    expect(prefixes).toHaveLength(63);
    expect(new Set(prefixes).size).toBe(63);
    expect(new Set(LEGACY_PROVINCE_PREFIXES.map((entry) => entry.name)).size).toBe(63);
    expect([...prefixes].sort()).toEqual(prefixes);
    for (const prefix of prefixes) expect(prefix).toMatch(/^0[0-9]{2}$/);
  });

  it('maps them onto exactly the 34 new province codes', () => {
    expect([...new Set(LEGACY_PROVINCE_PREFIXES.map((entry) => entry.newProvinceCode))].sort()).toEqual(NEW_PROVINCE_CODES);
  });

  it('keeps each new code as the prefix of one merged province, which maps to itself', () => {
    for (const code of NEW_PROVINCE_CODES) {
      const entry = LEGACY_PROVINCE_PREFIXES.find((candidate) => candidate.prefix === `0${code}`);
      expect(entry?.newProvinceCode, code).toBe(code);
    }
  });

  it.each([
    ['002', 'Hà Giang', '08'],
    ['006', 'Bắc Kạn', '19'],
    ['017', 'Hòa Bình', '25'],
    ['027', 'Bắc Ninh', '24'],
    ['054', 'Phú Yên', '66'],
    ['060', 'Bình Thuận', '68'],
    ['062', 'Kon Tum', '51'],
    ['064', 'Gia Lai', '52'],
    ['072', 'Tây Ninh', '80'],
    ['077', 'Bà Rịa - Vũng Tàu', '79'],
    ['087', 'Đồng Tháp', '82'],
    ['089', 'An Giang', '91'],
    ['095', 'Bạc Liêu', '96'],
  ])('maps %s %s into new province %s as the 2025 merger did', (prefix, name, newProvinceCode) => {
    expect(LEGACY_PROVINCE_PREFIXES.find((entry) => entry.prefix === prefix)).toEqual({ prefix, name, newProvinceCode });
  });

  it('groups the merged provinces as Resolution 202/2025/QH15 did', () => {
    const mergedInto = (code: string): string[] =>
      LEGACY_PROVINCE_PREFIXES.filter((entry) => entry.newProvinceCode === code).map((entry) => entry.prefix);
    expect(mergedInto('79')).toEqual(['074', '077', '079']);
    expect(mergedInto('37')).toEqual(['035', '036', '037']);
    expect(mergedInto('92')).toEqual(['092', '093', '094']);
    expect(mergedInto('01')).toEqual(['001']);
  });
});

describe('validatePersonalId', () => {
  it('decodes a Cà Mau male born in 1996', () => {
    expect(valueOf(validatePersonalId('096096012345', NOW))).toEqual({
      value: '096096012345',
      prefix: '096',
      legacyProvinceName: 'Cà Mau',
      provinceCode: '96',
      sex: 'MALE',
      birthYear: 1996,
    });
  });

  it('gives the new province code for an old prefix: 002 Hà Giang is now Tuyên Quang 08', () => {
    const id = valueOf(validatePersonalId('002301000001', NOW));
    expect(id).toMatchObject({ prefix: '002', legacyProvinceName: 'Hà Giang', provinceCode: '08', sex: 'FEMALE', birthYear: 2001 });
  });

  it.each(LEGACY_PROVINCE_PREFIXES.map((entry) => [entry.prefix, entry.name, entry.newProvinceCode]))(
    'accepts prefix %s (%s)',
    (prefix, name, newProvinceCode) => {
      const id = valueOf(validatePersonalId(`${prefix}185000123`, NOW));
      expect(id).toMatchObject({ prefix, legacyProvinceName: name, provinceCode: newProvinceCode });
    },
  );

  it('accepts "0" + each of the 34 new province codes, since every new code was an old one', () => {
    for (const code of NEW_PROVINCE_CODES) expect(isValidPersonalId(`0${code}090000001`, NOW), code).toBe(true);
  });

  it('rejects every three-digit prefix that is not one of the 63', () => {
    const valid = new Set(LEGACY_PROVINCE_PREFIXES.map((entry) => entry.prefix));
    let rejected = 0;
    for (let n = 0; n < 1000; n += 1) {
      const prefix = String(n).padStart(3, '0');
      if (valid.has(prefix)) continue;
      expect(messageFor(`${prefix}090000001`), prefix).toBe(`personal id prefix ${prefix} is not a Vietnamese province code`);
      rejected += 1;
    }
    expect(rejected).toBe(1000 - 63);
  });

  it('rejects prefix 099, which no province ever had', () => {
    expect(errorOf(validatePersonalId('099090000001', NOW))).toEqual({
      code: 'INVALID_PERSONAL_ID',
      message: 'personal id prefix 099 is not a Vietnamese province code',
    });
  });

  it('rejects the bare two-digit new code used as if it were a prefix (096 → 96x…)', () => {
    expect(messageFor('960900000012')).toBe('personal id prefix 960 is not a Vietnamese province code');
  });

  it('rejects prefix 000 and prefixes of the gaps in the GSO numbering (003, 005, 097, 098)', () => {
    for (const prefix of ['000', '003', '005', '097', '098']) expect(isValidPersonalId(`${prefix}090000001`, NOW)).toBe(false);
  });

  describe('century and sex digit', () => {
    const FAR_FUTURE = new Date('2399-12-31T00:00:00Z');
    it.each([
      ['0', 'MALE', 1900],
      ['1', 'FEMALE', 1900],
      ['2', 'MALE', 2000],
      ['3', 'FEMALE', 2000],
      ['4', 'MALE', 2100],
      ['5', 'FEMALE', 2100],
      ['6', 'MALE', 2200],
      ['7', 'FEMALE', 2200],
      ['8', 'MALE', 2300],
      ['9', 'FEMALE', 2300],
    ] as const)('reads digit %s as %s born in the century from %i', (digit, sex, century) => {
      const id = valueOf(validatePersonalId(`001${digit}45000001`, FAR_FUTURE));
      expect(id.sex).toBe(sex);
      expect(id.birthYear).toBe(century + 45);
    });

    it('reads year digits 00 and 99 at both ends of a century', () => {
      expect(valueOf(validatePersonalId('001000000001', NOW)).birthYear).toBe(1900);
      expect(valueOf(validatePersonalId('001199000001', NOW)).birthYear).toBe(1999);
      expect(valueOf(validatePersonalId('001200000001', NOW)).birthYear).toBe(2000);
    });

    it('rejects digits 4–9 today, because they encode births after 2099', () => {
      for (const digit of ['4', '5', '6', '7', '8', '9']) expect(isValidPersonalId(`001${digit}00000001`, NOW), digit).toBe(false);
    });
  });

  describe('birth year', () => {
    it('accepts a birth in the current year', () => {
      expect(valueOf(validatePersonalId('001225000001', NOW)).birthYear).toBe(2025);
    });

    it('rejects a birth year after the current year', () => {
      expect(messageFor('001226000001')).toBe(
        'personal id encodes birth year 2026 (century-and-sex digit 2, year digits 26), which is after the current year 2025',
      );
    });

    it('rejects 2100 as a future year', () => {
      expect(messageFor('001400000001')).toContain('birth year 2100');
    });

    it('takes the current year in Vietnam: 17:00 UTC on 31 December is already next year', () => {
      expect(isValidPersonalId('001226000001', new Date('2025-12-31T16:59:59Z'))).toBe(false);
      expect(isValidPersonalId('001226000001', new Date('2025-12-31T17:00:00Z'))).toBe(true);
    });

    it('uses the date it is given, not the clock', () => {
      expect(isValidPersonalId('001296000001', new Date('2096-01-01T00:00:00Z'))).toBe(true);
      expect(isValidPersonalId('001196000001', new Date('1996-06-01T00:00:00Z'))).toBe(true);
      expect(isValidPersonalId('001197000001', new Date('1996-06-01T00:00:00Z'))).toBe(false);
    });
  });

  describe('length', () => {
    it('rejects 11 digits', () => {
      expect(messageFor('00109601234')).toBe('personal id must be 12 digits; got 11');
    });

    it('rejects 13 digits', () => {
      expect(messageFor('0010960123456')).toBe('personal id must be 12 digits; got 13');
    });

    it('points out that 9 digits is a legacy CMND number', () => {
      expect(messageFor('012345678')).toBe(
        'personal id must be 12 digits; got 9 (a 9-digit number is a legacy CMND, not a personal id)',
      );
    });

    it('rejects an empty string', () => {
      expect(messageFor('')).toBe('personal id is empty; it must be 12 digits');
    });
  });

  describe('characters', () => {
    it('rejects Arabic-Indic digits even though they are decimal digits', () => {
      expect(messageFor('٠٠١٠٩٦٠١٢٣٤٥')).toBe(
        "personal id must use ASCII digits 0-9; character 1 is the non-ASCII digit '٠' (U+0660)",
      );
    });

    it('rejects full-width digits, as typed with a Vietnamese or CJK input method', () => {
      expect(messageFor('001０96012345')).toBe(
        "personal id must use ASCII digits 0-9; character 4 is the non-ASCII digit '０' (U+FF10)",
      );
    });

    it('rejects Devanagari and mathematical bold digits (outside the basic plane)', () => {
      expect(messageFor('00109601234५')).toContain('U+096B');
      expect(messageFor('00109601234𝟓')).toBe(
        "personal id must use ASCII digits 0-9; character 12 is the non-ASCII digit '𝟓' (U+1D7D3)",
      );
    });

    it('rejects letters and punctuation', () => {
      expect(messageFor('00109601234A')).toBe("personal id must contain only digits; character 12 is 'A' (U+0041)");
      expect(messageFor('001-096-012345')).toBe("personal id must contain only digits; character 4 is '-' (U+002D)");
    });

    it('rejects leading, trailing and inner whitespace instead of trimming it', () => {
      expect(messageFor(' 001096012345')).toBe('personal id must not contain whitespace; character 1 is whitespace (U+0020)');
      expect(messageFor('001096012345\n')).toBe('personal id must not contain whitespace; character 13 is whitespace (U+000A)');
      expect(messageFor('001 096 012345')).toContain('character 4 is whitespace');
      expect(messageFor('001096012345\u00a0')).toContain('(U+00A0)');
      expect(messageFor('\t001096012345')).toContain('(U+0009)');
    });
  });

  it('never repeats the serial in its messages', () => {
    for (const input of ['099096987654', '001296987654', '00109698765']) {
      expect(messageFor(input)).not.toContain('987654');
    }
  });
});

describe('isValidPersonalId', () => {
  it('is true exactly when validatePersonalId succeeds', () => {
    expect(isValidPersonalId('001096012345', NOW)).toBe(true);
    expect(isValidPersonalId('099096012345', NOW)).toBe(false);
  });
});

describe('makePersonalId', () => {
  it('builds the number the validator decodes back, for every prefix, sex and century', () => {
    const years = [1900, 1957, 1999, 2000, 2024, 2099, 2100, 2250, 2399];
    const sexes: Sex[] = ['MALE', 'FEMALE'];
    const farFuture = new Date('2399-12-31T00:00:00Z');
    for (const { prefix, name, newProvinceCode } of LEGACY_PROVINCE_PREFIXES) {
      for (const sex of sexes) {
        for (const birthYear of years) {
          const id = makePersonalId({ prefix, sex, birthYear, serial: 42 });
          expect(valueOf(validatePersonalId(id, farFuture))).toEqual({
            value: id,
            prefix,
            legacyProvinceName: name,
            provinceCode: newProvinceCode,
            sex,
            birthYear,
          });
        }
      }
    }
  });

  it('encodes sex and century in the fourth digit and pads the serial', () => {
    expect(makePersonalId({ prefix: '096', sex: 'FEMALE', birthYear: 2003, serial: 45 })).toBe('096303000045');
    expect(makePersonalId({ prefix: '001', sex: 'MALE', birthYear: 1996, serial: '012345' })).toBe('001096012345');
  });

  it('throws on a prefix that is not a province', () => {
    expect(() => makePersonalId({ prefix: '099', sex: 'MALE', birthYear: 1990, serial: 1 })).toThrow(
      /prefix 099 is not a Vietnamese province code/,
    );
  });

  it('throws on a birth year the century digit cannot encode', () => {
    expect(() => makePersonalId({ prefix: '001', sex: 'MALE', birthYear: 1899, serial: 1 })).toThrow(
      'birth year must be an integer from 1900 to 2399; got 1899',
    );
    expect(() => makePersonalId({ prefix: '001', sex: 'MALE', birthYear: 2400, serial: 1 })).toThrow(RangeError);
    expect(() => makePersonalId({ prefix: '001', sex: 'MALE', birthYear: 1990.5, serial: 1 })).toThrow(RangeError);
  });

  it('throws on a serial outside six digits', () => {
    expect(() => makePersonalId({ prefix: '001', sex: 'MALE', birthYear: 1990, serial: -1 })).toThrow(
      'serial must be an integer from 0 to 999999; got -1',
    );
    expect(() => makePersonalId({ prefix: '001', sex: 'MALE', birthYear: 1990, serial: 1_000_000 })).toThrow(RangeError);
    expect(() => makePersonalId({ prefix: '001', sex: 'MALE', birthYear: 1990, serial: '12345' })).toThrow(
      "serial must be exactly 6 ASCII digits; got '12345'",
    );
    expect(() => makePersonalId({ prefix: '001', sex: 'MALE', birthYear: 1990, serial: '１２３４５６' })).toThrow(RangeError);
  });
});

describe('maskPersonalId', () => {
  it('keeps the first three and last two digits', () => {
    expect(maskPersonalId('096123456745')).toBe('096*******45');
  });

  it('masks anything that is not 12 characters entirely', () => {
    expect(maskPersonalId('012345678')).toBe('*********');
    expect(maskPersonalId('0961234567450')).toBe('*************');
    expect(maskPersonalId('')).toBe('');
  });

  it('counts characters, not UTF-16 units, so masking never splits a character', () => {
    expect(maskPersonalId('00109601234𝟓')).toBe('001*******4𝟓');
  });
});
