/**
 * Calendar days as Vietnam counts them. Vietnam keeps UTC+7 all year (no daylight saving), and
 * every legal date the hub compares (due dates, dossier-code dates, Decision 766 periods) is a
 * day in that zone, whatever zone the server runs in.
 */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const MS_PER_DAY = 24 * 60 * 60 * 1000;

export interface CalendarDate {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  /** 1–31 */
  readonly day: number;
}

function assertValidInstant(instant: Date): void {
  if (Number.isNaN(instant.getTime())) {
    throw new RangeError('expected a valid Date; got an invalid Date (NaN time)');
  }
}

/** The calendar date in Vietnam (UTC+7) at this instant. */
export function vietnamCalendarDate(instant: Date): CalendarDate {
  assertValidInstant(instant);
  const shifted = new Date(instant.getTime() + VIETNAM_OFFSET_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** Days since 1970-01-01 in Vietnam time: two instants fall on the same Vietnamese day iff equal. */
export function vietnamDayNumber(instant: Date): number {
  assertValidInstant(instant);
  return Math.floor((instant.getTime() + VIETNAM_OFFSET_MS) / MS_PER_DAY);
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month of the proleptic Gregorian calendar; month is 1–12. */
export function daysInMonth(year: number, month: number): number {
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    throw new RangeError(`month must be an integer from 1 to 12; got ${month}`);
  }
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isCalendarDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar (negative before it), by
 * arithmetic on the fields (H. Hinnant's days_from_civil). A change feed turns millions of
 * stamps into instants: this costs a fraction of Date.UTC, and reads years 0–99 as written,
 * where Date.UTC takes them for 1900–1999. The date must be real (see {@link isCalendarDate}).
 */
export function civilDayNumber(year: number, month: number, day: number): number {
  const shiftedYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(shiftedYear / 400);
  const yearOfEra = shiftedYear - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
