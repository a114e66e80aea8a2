import type { Sql } from 'postgres';
import type { Tx } from './client.js';

/** Dossiers a push changed and that wait for their per-dossier reconciliation, per province. */
export class DossierReconcileRequestRepository {
  constructor(private readonly sql: Sql) {}

  /** In the apply transaction, so a change is never applied without its reconciliation pending. */
  async add(tx: Tx, dossierCode: string, provinceCode: string): Promise<void> {
    await tx`
      insert into dossier_reconcile_requests (dossier_code, province_code) values (${dossierCode}, ${provinceCode})
      on conflict (dossier_code) do update set province_code = excluded.province_code, requested_at = now()`;
  }

  /** `add` for many dossiers (one request each), in code order. */
  async addMany(tx: Tx, requests: ReadonlyArray<{ dossierCode: string; provinceCode: string }>): Promise<void> {
    if (requests.length === 0) return;
    const sorted = [...requests].sort((a, b) => (a.dossierCode < b.dossierCode ? -1 : a.dossierCode > b.dossierCode ? 1 : 0));
    await tx`
      insert into dossier_reconcile_requests (dossier_code, province_code)
      select * from unnest(${sorted.map((r) => r.dossierCode)}::text[], ${sorted.map((r) => r.provinceCode)}::text[])
      on conflict (dossier_code) do update set province_code = excluded.province_code, requested_at = now()`;
  }

  /** The oldest pending requests of a province. */
  async pending(provinceCode: string, limit: number): Promise<PendingRequest[]> {
    return this.sql<PendingRequest[]>`
      select dossier_code as "dossierCode", requested_at::text as "requestedAt" from dossier_reconcile_requests
      where province_code = ${provinceCode} order by requested_at limit ${limit}`;
  }

  /**
   * Drops the requests a run covered. A push that renewed a request after it was read changed
   * its time, so it stays for the next run (a concurrent renewal is re-checked under its lock).
   */
  async done(requests: readonly PendingRequest[]): Promise<void> {
    if (requests.length === 0) return;
    await this.sql`
      delete from dossier_reconcile_requests r
      using unnest(${requests.map((q) => q.dossierCode)}::text[], ${requests.map((q) => q.requestedAt)}::timestamptz[]) as d(code, at)
      where r.dossier_code = d.code and r.requested_at = d.at`;
  }

  /** Provinces with requests older than the given age: the sweeper schedules a run for each. */
  async overdueProvinces(olderThanSeconds: number): Promise<string[]> {
    const rows = await this.sql<{ province_code: string }[]>`
      select distinct province_code from dossier_reconcile_requests
      where requested_at < now() - make_interval(secs => ${olderThanSeconds})`;
    return rows.map((r) => r.province_code);
  }
}

export interface PendingRequest {
  dossierCode: string;
  /** As PostgreSQL prints it, to the microsecond: a Date would lose the microseconds. */
  requestedAt: string;
}
