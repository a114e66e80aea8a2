import { and, asc, eq, gt, inArray, count, type SQL } from 'drizzle-orm';
import type { Database } from './client.js';
import { mismatches, runFindings } from './schema.js';

export type MismatchRow = typeof mismatches.$inferSelect;

export interface MismatchQuery {
  provinceCode?: string | null | undefined;
  /** Row-level scope: only these provinces (absent = all). */
  provinces?: readonly string[] | undefined;
  communeCode?: string | null | undefined;
  classes?: readonly string[] | null | undefined;
  state?: MismatchRow['state'] | null | undefined;
  dossierCode?: string | null | undefined;
  runId?: string | null | undefined;
}

export class MismatchRepository {
  constructor(private readonly db: Database) {}

  async byId(id: string): Promise<MismatchRow | null> {
    const [row] = await this.db.select().from(mismatches).where(eq(mismatches.id, id));
    return row ?? null;
  }

  /** A page ordered by id (keyset pagination). */
  async page(query: MismatchQuery, after: string | null, limit: number): Promise<MismatchRow[]> {
    const conditions = this.conditions(query);
    if (after !== null) conditions.push(gt(mismatches.id, after));
    return this.db.select().from(mismatches).where(and(...conditions)).orderBy(asc(mismatches.id)).limit(limit);
  }

  async count(query: MismatchQuery): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(mismatches).where(and(...this.conditions(query)));
    return row?.n ?? 0;
  }

  private conditions(query: MismatchQuery): SQL[] {
    const conditions: SQL[] = [];
    if (query.provinceCode) conditions.push(eq(mismatches.provinceCode, query.provinceCode));
    if (query.provinces) conditions.push(inArray(mismatches.provinceCode, [...query.provinces, '']));
    if (query.communeCode) conditions.push(eq(mismatches.communeCode, query.communeCode));
    if (query.classes && query.classes.length > 0) conditions.push(inArray(mismatches.class, [...query.classes]));
    if (query.state) conditions.push(eq(mismatches.state, query.state));
    if (query.dossierCode) conditions.push(eq(mismatches.dossierCode, query.dossierCode));
    if (query.runId) {
      conditions.push(
        inArray(
          mismatches.id,
          this.db.select({ id: runFindings.mismatchId }).from(runFindings).where(eq(runFindings.runId, query.runId)),
        ),
      );
    }
    return conditions;
  }
}
