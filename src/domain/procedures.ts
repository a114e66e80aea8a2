/** Fields (lĩnh vực) of the procedures in the catalogue; more join as the hub covers them. */
export type ProcedureField = 'Hộ tịch';

export interface Procedure {
  /** National procedure code (mã TTHC) `k.dddddd`, without a provincial suffix. */
  readonly code: string;
  readonly name: string;
  readonly field: ProcedureField;
  /**
   * Legal time limit in working days. "Immediately" in the law is 1: the result is due the same
   * day, or the next working day when the dossier arrives after 15:00.
   */
  readonly processingWorkingDays: number;
}

/**
 * The civil-registration procedures the demo provinces run (codes from the national procedure
 * database). Time limits: Law on Civil Status 2014 (LHT) and Decree 123/2015/NĐ-CP (NĐ 123),
 * cited from knowledge of those texts; the sources in domain/VIETNAM-EGOV.md give codes and names
 * only. Values marked `unverified` are plausible, not confirmed: check before relying on them.
 */
export const PROCEDURES: readonly Procedure[] = Object.freeze(
  (
    [
      // LHT art. 16: registered immediately once the papers are complete.
      ['1.001193', 'Đăng ký khai sinh', 1],
      // LHT art. 25 (nhận cha, mẹ, con: 3 working days) applied to the combined procedure. // unverified
      ['1.000689', 'Đăng ký khai sinh kết hợp nhận cha, mẹ, con', 3],
      // Mobile registration: result brought back to the applicant. // unverified
      ['1.003583', 'Đăng ký khai sinh lưu động', 5],
      // NĐ 123, re-registration chapter: 5 working days (longer when records must be verified).
      ['1.004884', 'Đăng ký lại khai sinh', 5],
      // LHT art. 18: immediately; up to 5 working days when conditions must be verified.
      ['1.000894', 'Đăng ký kết hôn', 1],
      // NĐ 123, re-registration chapter: 5 working days.
      ['1.004746', 'Đăng ký lại kết hôn', 5],
      // NĐ 123 art. 22: 3 working days.
      ['1.004873', 'Cấp Giấy xác nhận tình trạng hôn nhân', 3],
      // LHT art. 34: immediately once the papers are complete.
      ['1.000656', 'Đăng ký khai tử', 1],
      // NĐ 123, re-registration chapter: 5 working days. // unverified
      ['1.005461', 'Đăng ký lại khai tử', 5],
      // LHT art. 28: 3 working days (bổ sung alone is immediate; verification adds up to 3).
      ['1.004859', 'Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc', 3],
      // LHT art. 20: 3 working days.
      ['1.004837', 'Đăng ký giám hộ', 3],
      // Issued on the day of the request. // unverified
      ['2.000635', 'Cấp bản sao trích lục hộ tịch', 1],
    ] as const
  ).map(([code, name, processingWorkingDays]) =>
    Object.freeze({ code, name, field: 'Hộ tịch' as const, processingWorkingDays }),
  ),
);

const BY_CODE: ReadonlyMap<string, Procedure> = new Map(PROCEDURES.map((procedure) => [procedure.code, procedure]));

// Provinces publish national codes with their agency id appended: `1.001193.000.00.00.H56` or
// `2.002621.H56`.
const PROCEDURE_CODE = /^([1-9]\.[0-9]{6})(?:(?:\.[0-9]{3}\.[0-9]{2}\.[0-9]{2})?\.[A-Z][0-9]{2})?$/;

/** True for a national procedure code, bare or with a provincial suffix. */
export function isProcedureCode(code: string): boolean {
  return PROCEDURE_CODE.test(code);
}

/** The bare national code `k.dddddd`, or null when the input is not a procedure code. */
export function normalizeProcedureCode(code: string): string | null {
  return PROCEDURE_CODE.exec(code)?.[1] ?? null;
}

/** The catalogued procedure for a code (bare or suffixed), or null when it is not catalogued. */
export function procedureByCode(code: string): Procedure | null {
  const national = normalizeProcedureCode(code);
  return national === null ? null : (BY_CODE.get(national) ?? null);
}
