import { err, ok, type DomainError, type Result } from './result.js';
import { isCalendarDate, daysInMonth, vietnamCalendarDate, type CalendarDate } from './vietnam-calendar.js';

/**
 * Agency identifier (mã định danh cơ quan, Decision 20/2020/QĐ-TTg): `NNN.NN.NN.Xnn` in full, or
 * the bare `Xnn` some provincial systems print. X is the letter of the agency family (G ministry,
 * H province …) and nn its number within it; Xnn is not a GSO province code (H56 is Thanh Hóa,
 * whose GSO code is 38).
 */
const AGENCY_ID = /^(?:[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.)?([A-Z])([0-9]{2})$/;
const SIX_DIGITS = /^[0-9]{6}$/;
const COUNTER = /^[0-9]{4,5}$/;

export type CounterForm = 'DAILY' | 'RANDOM';

export interface DossierCode {
  readonly value: string;
  /** As written in the code, full or short form. */
  readonly agencyId: string;
  readonly agencyLetter: string;
  /** Letter and number of the agency, e.g. 'H56' for both `000.00.06.H56` and `H56`. */
  readonly agencyProvinceKey: string;
  /** The receipt date (yyMMdd, read as 20yy). */
  readonly date: CalendarDate;
  readonly counter: number;
  /**
   * DAILY: the unit's 4-digit counter, reset each day. RANDOM: the 5-digit 10000–99999 number
   * a provincial system draws when the national portal needs a code of its own (MaHoSoKhac).
   */
  readonly counterForm: CounterForm;
}

export type DossierCodeError = DomainError<'INVALID_DOSSIER_CODE'>;

function invalid(message: string): Result<never, DossierCodeError> {
  return err({ code: 'INVALID_DOSSIER_CODE', message });
}

export function isAgencyId(value: string): boolean {
  return AGENCY_ID.test(value);
}

/**
 * Checks a national dossier code (mã hồ sơ) `{agency id}-{yyMMdd}-{counter}`, e.g.
 * `000.00.06.H56-231027-0361`. Input is taken as sent: the code is a key shared with other
 * systems, so a padded value is a defect to report rather than silently repair.
 */
export function validateDossierCode(input: string): Result<DossierCode, DossierCodeError> {
  if (input.length === 0) return invalid('dossier code is empty');
  if (input !== input.trim()) {
    return invalid('dossier code must not have leading or trailing whitespace');
  }
  if (/\s/u.test(input)) return invalid('dossier code must not contain whitespace');

  const parts = input.split('-');
  const [agencyId, datePart, counterPart] = parts;
  if (parts.length !== 3 || agencyId === undefined || datePart === undefined || counterPart === undefined) {
    return invalid(
      `dossier code must have three parts {agency id}-{yyMMdd}-{counter} separated by hyphens; got ${parts.length}`,
    );
  }

  const agency = AGENCY_ID.exec(agencyId);
  const agencyLetter = agency?.[1];
  const agencyNumber = agency?.[2];
  if (agencyLetter === undefined || agencyNumber === undefined) {
    return invalid(
      `dossier code agency id '${agencyId}' must be NNN.NN.NN.Xnn (e.g. 000.00.06.H56) or Xnn (e.g. H56), with X an uppercase letter`,
    );
  }

  if (!SIX_DIGITS.test(datePart)) {
    return invalid(`dossier code date '${datePart}' must be 6 digits yyMMdd`);
  }
  const year = 2000 + Number(datePart.slice(0, 2));
  const month = Number(datePart.slice(2, 4));
  const day = Number(datePart.slice(4, 6));
  if (month < 1 || month > 12) {
    return invalid(`dossier code date ${datePart} has month ${datePart.slice(2, 4)}; months run from 01 to 12`);
  }
  if (!isCalendarDate(year, month, day)) {
    return invalid(
      `dossier code date ${datePart} is not a calendar date: month ${datePart.slice(2, 4)} of ${year} has ${daysInMonth(year, month)} days, not day ${datePart.slice(4, 6)}`,
    );
  }

  if (!COUNTER.test(counterPart)) {
    return invalid(
      `dossier code counter must be 4 digits (0001–9999) or 5 digits (10000–99999); got '${counterPart}'`,
    );
  }
  const counter = Number(counterPart);
  if (counterPart.length === 4 && counter === 0) {
    return invalid('dossier code counter 0000 is not allowed; the daily counter starts at 0001');
  }
  if (counterPart.length === 5 && counter < 10_000) {
    return invalid(
      `dossier code counter ${counterPart} is not allowed; a 5-digit counter must be between 10000 and 99999`,
    );
  }

  return ok({
    value: input,
    agencyId,
    agencyLetter,
    agencyProvinceKey: `${agencyLetter}${agencyNumber}`,
    date: { year, month, day },
    counter,
    counterForm: counterPart.length === 4 ? 'DAILY' : 'RANDOM',
  });
}

export function isValidDossierCode(input: string): boolean {
  return validateDossierCode(input).ok;
}

export interface DossierCodeParts {
  readonly agencyId: string;
  /** The receipt instant; the code carries its calendar day in Vietnam (UTC+7). */
  readonly date: Date;
  /** 1–9999 for the daily counter, 10000–99999 for the random MaHoSoKhac form. */
  readonly counter: number;
}

/**
 * Builds a dossier code. Bad parts are a programming error (simulators and the hub's own
 * numbering call this), so this throws instead of returning a Result.
 */
export function formatDossierCode(parts: DossierCodeParts): string {
  const { agencyId, date, counter } = parts;
  if (!isAgencyId(agencyId)) {
    throw new RangeError(`agency id '${agencyId}' must be NNN.NN.NN.Xnn (e.g. 000.00.06.H56) or Xnn (e.g. H56)`);
  }
  if (!Number.isInteger(counter) || counter < 1 || counter > 99_999) {
    throw new RangeError(`counter must be an integer from 1 to 99999; got ${counter}`);
  }
  const day = vietnamCalendarDate(date);
  if (day.year < 2000 || day.year > 2099) {
    throw new RangeError(`dossier codes carry a two-digit year read as 20yy; got year ${day.year}`);
  }
  const yyMMdd = [day.year % 100, day.month, day.day].map((n) => String(n).padStart(2, '0')).join('');
  const counterText = counter < 10_000 ? String(counter).padStart(4, '0') : String(counter);
  return `${agencyId}-${yyMMdd}-${counterText}`;
}
