/** The seven agency systems the hub connects, by the id used in URLs, jobs, metrics and errors. */
export const SYSTEM_IDS = [
  'population',
  'provincial',
  'specialized',
  'national-portal',
  'party-documents',
  'government-documents',
  'civil-registration',
] as const;

export type SystemId = (typeof SYSTEM_IDS)[number];

export const SYSTEM_NAMES: Readonly<Record<SystemId, string>> = {
  population: 'Cơ sở dữ liệu quốc gia về dân cư',
  provincial: 'Hệ thống thông tin giải quyết TTHC cấp tỉnh (một cửa)',
  specialized: 'Phần mềm chuyên ngành của bộ',
  'national-portal': 'Cổng Dịch vụ công quốc gia',
  'party-documents': 'Hệ thống văn bản Đảng (iCPV)',
  'government-documents': 'Hệ thống quản lý văn bản (QLVB)',
  'civil-registration': 'Phần mềm đăng ký, quản lý hộ tịch',
};

export function isSystemId(value: string): value is SystemId {
  return (SYSTEM_IDS as readonly string[]).includes(value);
}
