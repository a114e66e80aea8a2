/**
 * Vietnam's civil clock for demo data: UTC+7 all year (no daylight saving since 1975), office
 * hours 07:30–11:30 and 13:30–17:00, Monday to Friday. Public holidays (Tết, 30/4, 2/9) are not
 * modelled: the demo only needs plausible working-hour timestamps and due dates.
 */
export const VIETNAM_OFFSET_MS = 7 * 3_600_000;
export const DAY_MS = 86_400_000;

const MINUTE_MS = 60_000;
const MORNING_OPENS = (7 * 60 + 30) * MINUTE_MS;
const MORNING_MINUTES = 240;
const AFTERNOON_OPENS = (13 * 60 + 30) * MINUTE_MS;
const AFTERNOON_MINUTES = 210;
const WORKING_MS = (MORNING_MINUTES + AFTERNOON_MINUTES) * MINUTE_MS;
const OFFICE_CLOSES = 17 * 60 * MINUTE_MS;

/** Epoch ms of 00:00 Vietnam time on the day that contains `ms`. */
export function vietnamDayStart(ms: number): number {
  return Math.floor((ms + VIETNAM_OFFSET_MS) / DAY_MS) * DAY_MS - VIETNAM_OFFSET_MS;
}

export function isWorkingDay(dayStart: number): boolean {
  // Arithmetic instead of a Date: due dates are computed for every one of a million demo dossiers.
  // Day 0 of the epoch (1970-01-01) was a Thursday.
  const weekday = (((Math.floor((dayStart + VIETNAM_OFFSET_MS) / DAY_MS) + 4) % 7) + 7) % 7;
  return weekday >= 1 && weekday <= 5;
}

/** Day starts of the working days in the `calendarDays` days before the day of `anchorMs`, oldest first. */
export function workingDaysBefore(anchorMs: number, calendarDays: number): number[] {
  const anchorDay = vietnamDayStart(anchorMs);
  const days: number[] = [];
  for (let back = calendarDays; back >= 1; back -= 1) {
    const day = anchorDay - back * DAY_MS;
    if (isWorkingDay(day)) days.push(day);
  }
  return days;
}

/** The instant `fraction` (0–1) of the way through a day's office hours, lunch break skipped. */
export function officeInstant(dayStart: number, fraction: number): number {
  const offset = Math.min(WORKING_MS - 1_000, Math.floor(fraction * WORKING_MS / 1_000) * 1_000);
  const morning = MORNING_MINUTES * MINUTE_MS;
  return offset < morning ? dayStart + MORNING_OPENS + offset : dayStart + AFTERNOON_OPENS + offset - morning;
}

/** The day start `count` working days after `dayStart`. */
export function addWorkingDays(dayStart: number, count: number): number {
  let day = dayStart;
  let left = count;
  while (left > 0) {
    day += DAY_MS;
    if (isWorkingDay(day)) left -= 1;
  }
  return day;
}

/**
 * The appointment date (ngày hẹn trả) for a dossier received at `receivedAt` with a processing time
 * of `workingDays`: close of office on the last allowed working day. Processing times count
 * working days from the day after receipt.
 */
export function dueDate(receivedAt: number, workingDays: number): number {
  return addWorkingDays(vietnamDayStart(receivedAt), workingDays) + OFFICE_CLOSES;
}

/** Calendar fields of an instant as seen on a Vietnamese wall clock. */
export function vietnamParts(ms: number): {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
} {
  const shifted = new Date(ms + VIETNAM_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
  };
}

/** `yyMMdd` of the Vietnamese calendar day, as dossier codes carry it. */
export function vietnamYyMMdd(ms: number): string {
  const { year, month, day } = vietnamParts(ms);
  return `${String(year % 100).padStart(2, '0')}${pad2(month)}${pad2(day)}`;
}

export function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
