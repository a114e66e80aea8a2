import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database } from './client.js';
import { administrativeUnits, legacyCommunes } from './schema.js';

export type AdministrativeUnitRow = typeof administrativeUnits.$inferSelect;
export type LegacyCommuneRow = typeof legacyCommunes.$inferSelect;

export class AdministrativeUnitRepository {
  constructor(private readonly db: Database) {}

  async provinces(): Promise<AdministrativeUnitRow[]> {
    return this.db.select().from(administrativeUnits).where(eq(administrativeUnits.level, 'PROVINCE')).orderBy(asc(administrativeUnits.code));
  }

  async communesOf(provinceCode: string): Promise<AdministrativeUnitRow[]> {
    return this.db
      .select()
      .from(administrativeUnits)
      .where(and(eq(administrativeUnits.provinceCode, provinceCode), eq(administrativeUnits.level, 'COMMUNE')))
      .orderBy(asc(administrativeUnits.code));
  }

  async byCodes(codes: readonly string[]): Promise<AdministrativeUnitRow[]> {
    if (codes.length === 0) return [];
    return this.db.select().from(administrativeUnits).where(inArray(administrativeUnits.code, [...codes]));
  }

  async legacyByOldCode(oldCode: string): Promise<LegacyCommuneRow[]> {
    return this.db.select().from(legacyCommunes).where(eq(legacyCommunes.oldCode, oldCode)).orderBy(asc(legacyCommunes.newCode));
  }
}
