import type { DossierQuery, DossierRepository, DossierRow, ObservationRow } from '../db/dossier.repository.js';

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
}

/** Reads of the hub's dossier index for the API. */
export class DossierQueryService {
  constructor(private readonly dossiers: DossierRepository) {}

  byCode(code: string): Promise<DossierRow | null> {
    return this.dossiers.findByCode(code);
  }

  async page(query: DossierQuery, after: string | null, first: number): Promise<Page<DossierRow>> {
    const rows = await this.dossiers.page(query, after, first + 1);
    return { items: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  count(query: DossierQuery): Promise<number> {
    return this.dossiers.count(query);
  }

  /** Observations of many dossiers in one query, grouped by dossier code (for a DataLoader). */
  async observationsByCodes(codes: readonly string[]): Promise<ObservationRow[][]> {
    const rows = await this.dossiers.observationsFor(codes);
    const grouped = new Map<string, ObservationRow[]>();
    for (const row of rows) grouped.set(row.dossierCode, [...(grouped.get(row.dossierCode) ?? []), row]);
    return codes.map((code) => grouped.get(code) ?? []);
  }
}
