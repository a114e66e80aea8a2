import { describe, expect, it } from 'vitest';
import {
  formatDossierCode,
  isAgencyId,
  isValidDossierCode,
  validateDossierCode,
} from '../../../src/domain/dossier-code.js';
import { errorOf, valueOf } from './unwrap.js';

function messageFor(input: string): string {
  return errorOf(validateDossierCode(input)).message;
}

describe('validateDossierCode', () => {
  it('parses a code with the full agency id', () => {
    expect(valueOf(validateDossierCode('000.00.06.H56-231027-0361'))).toEqual({
      value: '000.00.06.H56-231027-0361',
      agencyId: '000.00.06.H56',
      agencyLetter: 'H',
      agencyProvinceKey: 'H56',
      date: { year: 2023, month: 10, day: 27 },
      counter: 361,
      counterForm: 'DAILY',
    });
  });

  it('parses a code with the short agency id', () => {
    expect(valueOf(validateDossierCode('H56-231027-0361'))).toMatchObject({
      agencyId: 'H56',
      agencyLetter: 'H',
      agencyProvinceKey: 'H56',
      date: { year: 2023, month: 10, day: 27 },
      counter: 361,
    });
  });

  it.each(['000.17.22.H56-210531-0001', '000.17.22.H12-250701-9999', '000.00.00.G15-251231-0042', 'G01-000101-0001'])(
    'accepts %s',
    (code) => {
      expect(isValidDossierCode(code)).toBe(true);
    },
  );

  it('reads a ministry agency id with the same key shape', () => {
    expect(valueOf(validateDossierCode('000.00.00.G15-251231-0042'))).toMatchObject({ agencyLetter: 'G', agencyProvinceKey: 'G15' });
  });

  it('accepts the 5-digit random counter of MaHoSoKhac', () => {
    expect(valueOf(validateDossierCode('000.00.06.H56-231027-12345'))).toMatchObject({ counter: 12345, counterForm: 'RANDOM' });
    expect(isValidDossierCode('H56-231027-10000')).toBe(true);
    expect(isValidDossierCode('H56-231027-99999')).toBe(true);
  });

  describe('agency id', () => {
    it.each([
      ['h56', 'lowercase letter'],
      ['H5', 'one digit'],
      ['H567', 'three digits'],
      ['56', 'no letter'],
      ['HH6', 'two letters'],
      ['00.00.06.H56', 'short first group'],
      ['000.00.6.H56', 'short third group'],
      ['000.00.06.56', 'no letter in the full form'],
      ['000.00.06H56', 'missing dot'],
      ['Đ56', 'non-ASCII letter'],
      ['', 'empty'],
    ])("rejects agency id '%s' (%s)", (agencyId) => {
      expect(messageFor(`${agencyId}-231027-0361`)).toBe(
        `dossier code agency id '${agencyId}' must be NNN.NN.NN.Xnn (e.g. 000.00.06.H56) or Xnn (e.g. H56), with X an uppercase letter`,
      );
    });
  });

  describe('date', () => {
    it('rejects 30 February', () => {
      expect(errorOf(validateDossierCode('H56-230230-0001'))).toEqual({
        code: 'INVALID_DOSSIER_CODE',
        message: 'dossier code date 230230 is not a calendar date: month 02 of 2023 has 28 days, not day 30',
      });
    });

    it('accepts 29 February only in a leap year, 2000 included', () => {
      expect(isValidDossierCode('H56-240229-0001')).toBe(true);
      expect(isValidDossierCode('H56-000229-0001')).toBe(true);
      expect(messageFor('H56-230229-0001')).toBe(
        'dossier code date 230229 is not a calendar date: month 02 of 2023 has 28 days, not day 29',
      );
    });

    it('rejects day 31 of a 30-day month and day 00', () => {
      expect(messageFor('H56-230431-0001')).toBe(
        'dossier code date 230431 is not a calendar date: month 04 of 2023 has 30 days, not day 31',
      );
      expect(messageFor('H56-230400-0001')).toContain('not day 00');
    });

    it('rejects month 00 and 13', () => {
      expect(messageFor('H56-230015-0001')).toBe('dossier code date 230015 has month 00; months run from 01 to 12');
      expect(messageFor('H56-231315-0001')).toBe('dossier code date 231315 has month 13; months run from 01 to 12');
    });

    it('rejects a date that is not six ASCII digits', () => {
      expect(messageFor('H56-20231027-0001')).toBe("dossier code date '20231027' must be 6 digits yyMMdd");
      expect(messageFor('H56-23107-0001')).toBe("dossier code date '23107' must be 6 digits yyMMdd");
      expect(messageFor('H56-２３1027-0001')).toBe("dossier code date '２３1027' must be 6 digits yyMMdd");
    });
  });

  describe('counter', () => {
    it.each(['1', '12', '361', '123456'])("rejects a counter of width %s", (counter) => {
      expect(messageFor(`H56-231027-${counter}`)).toBe(
        `dossier code counter must be 4 digits (0001–9999) or 5 digits (10000–99999); got '${counter}'`,
      );
    });

    it('rejects counter 0000, since the daily counter starts at 0001', () => {
      expect(messageFor('H56-231027-0000')).toBe('dossier code counter 0000 is not allowed; the daily counter starts at 0001');
    });

    it('rejects a 5-digit counter below 10000', () => {
      expect(messageFor('H56-231027-01234')).toBe(
        'dossier code counter 01234 is not allowed; a 5-digit counter must be between 10000 and 99999',
      );
      expect(isValidDossierCode('H56-231027-00001')).toBe(false);
    });

    it('accepts both ends of the daily range', () => {
      expect(valueOf(validateDossierCode('H56-231027-0001')).counter).toBe(1);
      expect(valueOf(validateDossierCode('H56-231027-9999')).counter).toBe(9999);
    });

    it('rejects Arabic-Indic digits in the counter', () => {
      expect(isValidDossierCode('H56-231027-٠٣٦١')).toBe(false);
    });
  });

  describe('shape', () => {
    it('rejects leading or trailing whitespace instead of trimming it', () => {
      for (const code of [' H56-231027-0361', 'H56-231027-0361 ', 'H56-231027-0361\n', '\u00a0H56-231027-0361']) {
        expect(messageFor(code)).toBe('dossier code must not have leading or trailing whitespace');
      }
    });

    it('rejects whitespace inside the code', () => {
      expect(messageFor('H56 -231027-0361')).toBe('dossier code must not contain whitespace');
    });

    it('rejects a code with too few or too many parts', () => {
      expect(messageFor('H56-2310270361')).toBe(
        'dossier code must have three parts {agency id}-{yyMMdd}-{counter} separated by hyphens; got 2',
      );
      expect(messageFor('H56-231027-0361-1')).toContain('got 4');
      expect(messageFor('H56_231027_0361')).toContain('got 1');
    });

    it('rejects an empty string', () => {
      expect(messageFor('')).toBe('dossier code is empty');
    });
  });
});

describe('isAgencyId', () => {
  it('accepts the full and the short form only', () => {
    expect(isAgencyId('000.00.06.H56')).toBe(true);
    expect(isAgencyId('H56')).toBe(true);
    expect(isAgencyId('000.00.06')).toBe(false);
    expect(isAgencyId('H56 ')).toBe(false);
  });
});

describe('formatDossierCode', () => {
  it('writes the receipt day in Vietnam time and pads the counter to four digits', () => {
    expect(formatDossierCode({ agencyId: '000.00.06.H56', date: new Date('2023-10-27T02:00:00Z'), counter: 361 })).toBe(
      '000.00.06.H56-231027-0361',
    );
  });

  it('uses the Vietnamese calendar day: 23:30 UTC is already the next day', () => {
    expect(formatDossierCode({ agencyId: 'H56', date: new Date('2023-10-26T23:30:00Z'), counter: 1 })).toBe('H56-231027-0001');
    expect(formatDossierCode({ agencyId: 'H56', date: new Date('2023-10-26T16:59:59Z'), counter: 1 })).toBe('H56-231026-0001');
  });

  it('writes a counter of 10000 or more as five digits', () => {
    expect(formatDossierCode({ agencyId: 'H56', date: new Date('2023-10-27T02:00:00Z'), counter: 54321 })).toBe(
      'H56-231027-54321',
    );
  });

  it('produces codes the validator parses back to the same parts', () => {
    const agencies = ['000.00.06.H56', '000.17.22.H12', 'H56', 'G15'];
    const counters = [1, 9, 361, 9999, 10000, 99999];
    for (let day = 0; day < 366; day += 7) {
      const date = new Date(Date.UTC(2024, 0, 1 + day, 20, 0));
      const vietnamDay = new Date(date.getTime() + 7 * 3_600_000);
      for (const agencyId of agencies) {
        for (const counter of counters) {
          const parsed = valueOf(validateDossierCode(formatDossierCode({ agencyId, date, counter })));
          expect(parsed).toMatchObject({
            agencyId,
            counter,
            date: { year: vietnamDay.getUTCFullYear(), month: vietnamDay.getUTCMonth() + 1, day: vietnamDay.getUTCDate() },
          });
        }
      }
    }
  });

  it('throws on an agency id of the wrong shape', () => {
    expect(() => formatDossierCode({ agencyId: 'h56', date: new Date('2023-10-27T02:00:00Z'), counter: 1 })).toThrow(
      "agency id 'h56' must be NNN.NN.NN.Xnn (e.g. 000.00.06.H56) or Xnn (e.g. H56)",
    );
  });

  it('throws on a counter outside 1–99999', () => {
    const date = new Date('2023-10-27T02:00:00Z');
    expect(() => formatDossierCode({ agencyId: 'H56', date, counter: 0 })).toThrow('counter must be an integer from 1 to 99999; got 0');
    expect(() => formatDossierCode({ agencyId: 'H56', date, counter: 100_000 })).toThrow(RangeError);
    expect(() => formatDossierCode({ agencyId: 'H56', date, counter: 1.5 })).toThrow(RangeError);
  });

  it('throws on a date whose year does not fit the two-digit 20yy form', () => {
    expect(() => formatDossierCode({ agencyId: 'H56', date: new Date('1999-12-31T12:00:00Z'), counter: 1 })).toThrow(
      'dossier codes carry a two-digit year read as 20yy; got year 1999',
    );
    expect(() => formatDossierCode({ agencyId: 'H56', date: new Date('2100-01-01T12:00:00Z'), counter: 1 })).toThrow(RangeError);
  });

  it('throws on an invalid Date', () => {
    expect(() => formatDossierCode({ agencyId: 'H56', date: new Date('nope'), counter: 1 })).toThrow(RangeError);
  });
});
