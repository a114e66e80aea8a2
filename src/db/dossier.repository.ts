import { and, asc, count, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { UnitScope } from '../auth/principal.js';
import type { Database } from './client.js';
import { dossiers, observations } from './schema.js';

export type DossierRow = typeof dossiers.$inferSelect;
export type ObservationRow = typeof observations.$inferSelect;

export interface DossierQuery {
  provinceCode?: string | null | undefined;
  communeCode?: string | null | undefined;
  status?: readonly string[] | null | undefined;
  procedureCode?: string | null | undefined;
  hasMismatch?: boolean | null | undefined;
  /** Row-level scope: only dossiers of these units (absent = every unit). */
  scope?: UnitScope | undefined;
}

export class DossierRepository {
  constructor(private readonly db: Database) {}

  async findByCode(code: string): Promise<DossierRow | null> {
    const [row] = await this.db.select().from(dossiers).where(eq(dossiers.code, code)).limit(1);
    return row ?? null;
  }

  /** A page ordered by dossier code, after the given code (keyset pagination). */
  async page(query: DossierQuery, after: string | null, limit: number): Promise<DossierRow[]> {
    const conditions = this.conditions(query);
    if (after !== null) conditions.push(gt(dossiers.code, after));
    return this.db
      .select()
      .from(dossiers)
      .where(and(...conditions))
      .orderBy(asc(dossiers.code))
      .limit(limit);
  }

  async count(query: DossierQuery): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(dossiers).where(and(...this.conditions(query)));
    return row?.n ?? 0;
  }

  async observationsFor(codes: readonly string[]): Promise<ObservationRow[]> {
    if (codes.length === 0) return [];
    return this.db
      .select()
      .from(observations)
      .where(inArray(observations.dossierCode, [...codes]))
      .orderBy(asc(observations.dossierCode), asc(observations.system));
  }

  private conditions(query: DossierQuery): SQL[] {
    const conditions: SQL[] = [];
    if (query.provinceCode) conditions.push(eq(dossiers.provinceCode, query.provinceCode));
    if (query.communeCode) conditions.push(eq(dossiers.communeCode, query.communeCode));
    if (query.procedureCode) conditions.push(eq(dossiers.procedureCode, query.procedureCode));
    if (query.status && query.status.length > 0) conditions.push(inArray(dossiers.status, [...query.status]));
    if (query.hasMismatch !== null && query.hasMismatch !== undefined) conditions.push(eq(dossiers.hasOpenMismatch, query.hasMismatch));
    if (query.scope && !query.scope.all) {
      const { provinces, communes } = query.scope;
      const within: SQL[] = [];
      if (provinces.length > 0) within.push(inArray(dossiers.provinceCode, [...provinces]));
      if (communes.length > 0) within.push(inArray(dossiers.communeCode, [...communes]));
      // A principal with no units sees no dossiers.
      conditions.push(within.length > 0 ? (or(...within) as SQL) : sql`false`);
    }
    return conditions;
  }
}
