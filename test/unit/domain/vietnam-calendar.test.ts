import { describe, expect, it } from 'vitest';
import {
  civilDayNumber,
  daysInMonth,
  isCalendarDate,
  isLeapYear,
  vietnamCalendarDate,
  vietnamDayNumber,
} from '../../../src/domain/vietnam-calendar.js';

describe('vietnamCalendarDate', () => {
  it('gives the next day for 23:30 UTC, which is 06:30 in Vietnam', () => {
    expect(vietnamCalendarDate(new Date('2025-03-09T23:30:00Z'))).toEqual({ year: 2025, month: 3, day: 10 });
  });

  it('switches day exactly at 17:00 UTC', () => {
    expect(vietnamCalendarDate(new Date('2025-03-09T16:59:59.999Z'))).toEqual({ year: 2025, month: 3, day: 9 });
    expect(vietnamCalendarDate(new Date('2025-03-09T17:00:00.000Z'))).toEqual({ year: 2025, month: 3, day: 10 });
  });

  it('rolls over the year seven hours before UTC does', () => {
    expect(vietnamCalendarDate(new Date('2025-12-31T17:00:00Z'))).toEqual({ year: 2026, month: 1, day: 1 });
  });

  it('throws on an invalid Date, which is a programming error', () => {
    expect(() => vietnamCalendarDate(new Date('not a date'))).toThrow(RangeError);
  });
});

describe('vietnamDayNumber', () => {
  it('is equal for two instants on the same Vietnamese day', () => {
    expect(vietnamDayNumber(new Date('2025-03-09T17:00:00Z'))).toBe(vietnamDayNumber(new Date('2025-03-10T16:59:59Z')));
  });

  it('differs by one across Vietnamese midnight', () => {
    expect(vietnamDayNumber(new Date('2025-03-10T17:00:00Z')) - vietnamDayNumber(new Date('2025-03-10T16:59:59Z'))).toBe(1);
  });

  it('counts from 1970-01-01 in Vietnam', () => {
    expect(vietnamDayNumber(new Date('1969-12-31T17:00:00Z'))).toBe(0);
  });

  it('throws on an invalid Date', () => {
    expect(() => vietnamDayNumber(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('isLeapYear', () => {
  it.each([
    [2024, true],
    [2023, false],
    [2000, true],
    [1900, false],
    [2100, false],
  ])('says %i is a leap year: %s', (year, expected) => {
    expect(isLeapYear(year)).toBe(expected);
  });
});

describe('daysInMonth', () => {
  it('gives the length of every month of a common and a leap year', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => daysInMonth(2023, m))).toEqual([
      31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    ]);
    expect(daysInMonth(2024, 2)).toBe(29);
  });

  it('throws for a month outside 1–12', () => {
    expect(() => daysInMonth(2024, 0)).toThrow('month must be an integer from 1 to 12; got 0');
    expect(() => daysInMonth(2024, 13)).toThrow(RangeError);
  });
});

describe('isCalendarDate', () => {
  it('accepts real dates and rejects impossible ones', () => {
    expect(isCalendarDate(2024, 2, 29)).toBe(true);
    expect(isCalendarDate(2023, 2, 29)).toBe(false);
    expect(isCalendarDate(2023, 2, 30)).toBe(false);
    expect(isCalendarDate(2023, 4, 31)).toBe(false);
    expect(isCalendarDate(2023, 0, 1)).toBe(false);
    expect(isCalendarDate(2023, 13, 1)).toBe(false);
    expect(isCalendarDate(2023, 1, 0)).toBe(false);
    expect(isCalendarDate(2023, 1.5, 1)).toBe(false);
  });
});

describe('civilDayNumber', () => {
  it('counts days from 1970-01-01, negative before it', () => {
    expect(civilDayNumber(1970, 1, 1)).toBe(0);
    expect(civilDayNumber(1969, 12, 31)).toBe(-1);
    expect(civilDayNumber(2000, 3, 1)).toBe(11_017);
  });

  it('agrees with Date.UTC on every day of four centuries, leap days included', () => {
    for (let year = 1800; year < 2200; year += 1) {
      for (let month = 1; month <= 12; month += 1) {
        for (let day = 1; day <= daysInMonth(year, month); day += 1) {
          if (civilDayNumber(year, month, day) * 86_400_000 !== Date.UTC(year, month - 1, day)) {
            throw new Error(`${year}-${month}-${day} disagrees`);
          }
        }
      }
    }
  });

  it('reads years 0–99 as written, where Date.UTC takes them for 1900–1999', () => {
    expect(new Date(civilDayNumber(50, 2, 27) * 86_400_000).toISOString()).toBe('0050-02-27T00:00:00.000Z');
    expect(new Date(civilDayNumber(0, 1, 1) * 86_400_000).toISOString()).toBe('0000-01-01T00:00:00.000Z');
  });
});
