import type { AdministrativeUnitRepository, AdministrativeUnitRow } from '../db/administrative-unit.repository.js';

export interface LegacyCommuneResult {
  oldCode: string;
  oldName: string;
  oldDistrictName: string;
  oldProvinceName: string;
  candidates: AdministrativeUnitRow[];
  resolved: AdministrativeUnitRow | null;
}

/** Provinces, communes, and pre-2025 communes resolved to the units that replaced them. */
export class AdministrativeUnitService {
  private provinceCodes: Set<string> | null = null;

  constructor(private readonly units: AdministrativeUnitRepository) {}

  /** Provinces when no province is given, otherwise the communes of that province. */
  async list(provinceCode: string | null): Promise<AdministrativeUnitRow[]> {
    return provinceCode === null ? this.units.provinces() : this.units.communesOf(provinceCode);
  }

  async byCode(code: string): Promise<AdministrativeUnitRow | null> {
    const [row] = await this.units.byCodes([code]);
    return row ?? null;
  }

  async isProvince(code: string): Promise<boolean> {
    this.provinceCodes ??= new Set((await this.units.provinces()).map((p) => p.code));
    return this.provinceCodes.has(code);
  }

  async resolveLegacyCommune(oldCode: string): Promise<LegacyCommuneResult | null> {
    const rules = await this.units.legacyByOldCode(oldCode);
    const [first] = rules;
    if (!first) return null;
    const candidates = await this.units.byCodes([...new Set(rules.map((r) => r.newCode))]);
    candidates.sort((a, b) => a.code.localeCompare(b.code));
    return {
      oldCode,
      oldName: first.oldName ?? '',
      oldDistrictName: first.oldDistrictName ?? '',
      oldProvinceName: first.oldProvinceName ?? '',
      candidates,
      resolved: candidates.length === 1 ? (candidates[0] ?? null) : null,
    };
  }
}
