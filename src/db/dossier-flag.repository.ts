import type { Sql } from 'postgres';
import type { SystemId } from '../connectors/system-id.js';
import { isDossierStatus, type DossierStatus } from '../domain/dossier-status.js';
import type { DossierFlag } from '../domain/pushed-transition.js';
import type { Tx } from './client.js';

export interface RaiseFlag {
  dossierCode: string;
  system: SystemId;
  provinceCode: string;
  communeCode: string;
  procedureCode: string;
  from: DossierStatus | null;
  to: DossierStatus;
  nativeStatus: string;
  at: Date;
  inboundEventId: string;
  reason: string;
}

/** ILLEGAL_TRANSITION flags raised by pushes, read by reconciliation as findings. */
export class DossierFlagRepository {
  constructor(private readonly sql: Sql) {}

  async raiseIllegalTransition(tx: Tx, flag: RaiseFlag): Promise<void> {
    await tx`
      insert into dossier_flags (dossier_code, system, class, province_code, commune_code, procedure_code, from_status, to_status,
                                 native_status, source_timestamp, inbound_event_id, detail)
      values (${flag.dossierCode}, ${flag.system}, 'ILLEGAL_TRANSITION', ${flag.provinceCode}, ${flag.communeCode}, ${flag.procedureCode},
              ${flag.from}, ${flag.to}, ${flag.nativeStatus}, ${flag.at}, ${flag.inboundEventId}, ${flag.reason})
      on conflict (dossier_code, system, class) do update set
        province_code = excluded.province_code, commune_code = excluded.commune_code, procedure_code = excluded.procedure_code,
        from_status = excluded.from_status, to_status = excluded.to_status, native_status = excluded.native_status,
        source_timestamp = excluded.source_timestamp, inbound_event_id = excluded.inbound_event_id, detail = excluded.detail,
        created_at = now()`;
  }

  /** `raiseIllegalTransition` for many (dossier, system) pairs, one flag each, in key order. */
  async raiseIllegalTransitions(tx: Tx, flags: readonly RaiseFlag[]): Promise<void> {
    if (flags.length === 0) return;
    const sorted = [...flags].sort((a, b) => compareText(`${a.dossierCode}|${a.system}`, `${b.dossierCode}|${b.system}`));
    await tx`
      insert into dossier_flags (dossier_code, system, class, province_code, commune_code, procedure_code, from_status, to_status,
                                 native_status, source_timestamp, inbound_event_id, detail)
      select dossier_code, system, 'ILLEGAL_TRANSITION', province_code, commune_code, procedure_code, from_status, to_status,
             native_status, source_timestamp, inbound_event_id, detail
      from unnest(${sorted.map((f) => f.dossierCode)}::text[], ${sorted.map((f) => f.system)}::text[], ${sorted.map((f) => f.provinceCode)}::text[],
                  ${sorted.map((f) => f.communeCode)}::text[], ${sorted.map((f) => f.procedureCode)}::text[], ${sorted.map((f) => f.from)}::text[],
                  ${sorted.map((f) => f.to)}::text[], ${sorted.map((f) => f.nativeStatus)}::text[], ${sorted.map((f) => f.at.toISOString())}::timestamptz[],
                  ${sorted.map((f) => f.inboundEventId)}::uuid[], ${sorted.map((f) => f.reason)}::text[])
        as t(dossier_code, system, province_code, commune_code, procedure_code, from_status, to_status, native_status, source_timestamp,
             inbound_event_id, detail)
      on conflict (dossier_code, system, class) do update set
        province_code = excluded.province_code, commune_code = excluded.commune_code, procedure_code = excluded.procedure_code,
        from_status = excluded.from_status, to_status = excluded.to_status, native_status = excluded.native_status,
        source_timestamp = excluded.source_timestamp, inbound_event_id = excluded.inbound_event_id, detail = excluded.detail,
        created_at = now()`;
  }

  /** `clearIllegalTransition` for many (dossier, system) pairs. */
  async clearIllegalTransitions(tx: Tx, pairs: ReadonlyArray<{ dossierCode: string; system: SystemId }>): Promise<void> {
    if (pairs.length === 0) return;
    await tx`
      delete from dossier_flags f
      using unnest(${pairs.map((p) => p.dossierCode)}::text[], ${pairs.map((p) => p.system)}::text[]) as t(dossier_code, system)
      where f.dossier_code = t.dossier_code and f.system = t.system and f.class = 'ILLEGAL_TRANSITION'`;
  }

  /** A later legal change by the same system ends the flag. */
  async clearIllegalTransition(tx: Tx, dossierCode: string, system: SystemId): Promise<void> {
    await tx`delete from dossier_flags where dossier_code = ${dossierCode} and system = ${system} and class = 'ILLEGAL_TRANSITION'`;
  }

  /**
   * Flags whose state is still the system's current one (no newer observation since, e.g. from
   * a change-feed pull), one per dossier: the latest.
   */
  async current(provinceCode: string, codes?: readonly string[]): Promise<DossierFlag[]> {
    const only = codes ? this.sql`and f.dossier_code = any(${codes as string[]}::text[])` : this.sql``;
    const rows = await this.sql<
      {
        dossier_code: string;
        system: SystemId;
        commune_code: string;
        procedure_code: string;
        from_status: string | null;
        to_status: string | null;
        native_status: string;
        source_timestamp: Date;
        detail: string;
      }[]
    >`
      select distinct on (f.dossier_code) f.dossier_code, f.system, f.commune_code, f.procedure_code, f.from_status, f.to_status,
             f.native_status, f.source_timestamp, f.detail
      from dossier_flags f
      left join observations o on o.dossier_code = f.dossier_code and o.system = f.system
      where f.province_code = ${provinceCode} and f.class = 'ILLEGAL_TRANSITION' ${only}
        and (o.source_updated_at is null or o.source_updated_at <= f.source_timestamp)
      order by f.dossier_code, f.source_timestamp desc`;
    return rows.map((r) => ({
      dossierCode: r.dossier_code,
      system: r.system,
      communeCode: r.commune_code,
      procedureCode: r.procedure_code,
      from: isDossierStatus(r.from_status) ? r.from_status : null,
      to: isDossierStatus(r.to_status) ? r.to_status : null,
      nativeStatus: r.native_status,
      at: r.source_timestamp,
      reason: r.detail,
    }));
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
