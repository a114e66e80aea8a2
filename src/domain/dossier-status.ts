/**
 * Canonical dossier status: the ten national codes of `TrangThaiHoSo` used by the provincial
 * one-stop-shop systems and the National Public Service Portal sync (Decree 118/2025/NĐ-CP,
 * Circular 03/2025/TT-VPCP). Every connector maps its native vocabulary onto these.
 */
export const DOSSIER_STATUSES = [
  'SUBMITTED',
  'RECEIVED',
  'REJECTED',
  'PROCESSING',
  'SUPPLEMENT_REQUESTED',
  'AWAITING_FINANCIAL_OBLIGATION',
  'WITHDRAWN',
  'SUSPENDED',
  'RESOLVED',
  'RESULT_RETURNED',
] as const;

export type DossierStatus = (typeof DOSSIER_STATUSES)[number];

/** National code (1–10) of each canonical status. */
export const STATUS_CODE: Readonly<Record<DossierStatus, number>> = {
  SUBMITTED: 1,
  RECEIVED: 2,
  REJECTED: 3,
  PROCESSING: 4,
  SUPPLEMENT_REQUESTED: 5,
  AWAITING_FINANCIAL_OBLIGATION: 6,
  WITHDRAWN: 7,
  SUSPENDED: 8,
  RESOLVED: 9,
  RESULT_RETURNED: 10,
};

/** Vietnamese label used on slips and in the national statistics. */
export const STATUS_LABEL: Readonly<Record<DossierStatus, string>> = {
  SUBMITTED: 'Mới đăng ký',
  RECEIVED: 'Được tiếp nhận',
  REJECTED: 'Không được tiếp nhận',
  PROCESSING: 'Đang xử lý',
  SUPPLEMENT_REQUESTED: 'Yêu cầu bổ sung giấy tờ',
  AWAITING_FINANCIAL_OBLIGATION: 'Yêu cầu thực hiện nghĩa vụ tài chính',
  WITHDRAWN: 'Công dân yêu cầu rút hồ sơ',
  SUSPENDED: 'Dừng xử lý',
  RESOLVED: 'Đã xử lý xong',
  RESULT_RETURNED: 'Đã trả kết quả',
};

const BY_CODE = new Map<number, DossierStatus>(
  DOSSIER_STATUSES.map((status) => [STATUS_CODE[status], status]),
);

/** The canonical status for a national code, or null when the code is not 1–10. */
export function statusFromCode(code: number): DossierStatus | null {
  return BY_CODE.get(code) ?? null;
}

export function isDossierStatus(value: unknown): value is DossierStatus {
  return typeof value === 'string' && (DOSSIER_STATUSES as readonly string[]).includes(value);
}
