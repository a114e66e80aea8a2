import type { DossierObservation } from '../connectors/connector.js';
import type { Tx } from './client.js';

/**
 * Stores what each system says about each dossier. An observation only replaces an older one
 * (by the system's own change time), so a late page never overwrites a newer state.
 */
export class ObservationRepository {
  /** Upserts a page of observations and the dossiers they describe, in the caller's transaction. */
  async upsertMany(tx: Tx, items: readonly DossierObservation[]): Promise<void> {
    if (items.length === 0) return;
    // One statement over column arrays (unnest): one plan and 14 parameters per page, not 14 per row.
    const iso = (d: Date | null) => (d === null ? null : d.toISOString());
    await tx`
      insert into observations (dossier_code, system, province_code, native_id, native_status, status, commune_code,
        procedure_code, received_at, due_at, finished_at, returned_at, source_updated_at, source_version)
      select * from unnest(
        ${items.map((o) => o.dossierCode)}::text[], ${items.map((o) => o.system)}::text[], ${items.map((o) => o.provinceCode)}::text[],
        ${items.map((o) => o.nativeId)}::text[], ${items.map((o) => o.nativeStatus)}::text[], ${items.map((o) => o.status)}::text[],
        ${items.map((o) => o.communeCode)}::text[], ${items.map((o) => o.procedureCode)}::text[],
        ${items.map((o) => iso(o.receivedAt))}::timestamptz[], ${items.map((o) => iso(o.dueAt))}::timestamptz[],
        ${items.map((o) => iso(o.finishedAt))}::timestamptz[], ${items.map((o) => iso(o.returnedAt))}::timestamptz[],
        ${items.map((o) => o.updatedAt.toISOString())}::timestamptz[], ${items.map((o) => o.sourceVersion)}::text[])
      on conflict (dossier_code, system) do update set
        province_code = excluded.province_code,
        native_id = excluded.native_id,
        native_status = excluded.native_status,
        status = excluded.status,
        commune_code = excluded.commune_code,
        procedure_code = excluded.procedure_code,
        received_at = excluded.received_at,
        due_at = excluded.due_at,
        finished_at = excluded.finished_at,
        returned_at = excluded.returned_at,
        source_updated_at = excluded.source_updated_at,
        source_version = excluded.source_version,
        observed_at = now()
      where observations.source_updated_at < excluded.source_updated_at
         or (observations.source_updated_at = excluded.source_updated_at
             and (observations.native_status, observations.source_version, observations.commune_code, observations.due_at,
                  observations.received_at, observations.finished_at, observations.returned_at)
                 is distinct from (excluded.native_status, excluded.source_version, excluded.commune_code, excluded.due_at,
                  excluded.received_at, excluded.finished_at, excluded.returned_at))`;
    // Re-reading an unchanged record writes nothing: a full run re-reads every feed.

    // The provincial one-stop shop is authoritative for receipt and return, so its dates and unit
    // overwrite; other systems only fill what is still unknown.
    // In code order: the three systems' pages are stored at once and share dossier rows, so every
    // transaction must lock them in the same order or two of them deadlock.
    const unique = dedupeByCode(items).sort((a, b) => (a.dossierCode < b.dossierCode ? -1 : a.dossierCode > b.dossierCode ? 1 : 0));
    const authoritative = unique.filter((o) => o.system === 'provincial');
    const others = unique.filter((o) => o.system !== 'provincial');
    const dossierRows = (list: readonly DossierObservation[]) => tx`
      select * from unnest(
        ${list.map((o) => o.dossierCode)}::text[], ${list.map((o) => o.provinceCode)}::text[], ${list.map((o) => o.communeCode)}::text[],
        ${list.map((o) => o.procedureCode)}::text[], ${list.map((o) => o.applicantPersonalId)}::text[],
        ${list.map((o) => iso(o.receivedAt))}::timestamptz[], ${list.map((o) => iso(o.dueAt))}::timestamptz[],
        ${list.map((o) => iso(o.finishedAt))}::timestamptz[], ${list.map((o) => iso(o.returnedAt))}::timestamptz[])`;
    const columns = tx`(code, province_code, commune_code, procedure_code, applicant_personal_id, received_at, due_at, finished_at, returned_at)`;
    if (authoritative.length > 0) {
      await tx`
        insert into dossiers ${columns} ${dossierRows(authoritative)}
        on conflict (code) do update set
          province_code = excluded.province_code,
          commune_code = excluded.commune_code,
          procedure_code = excluded.procedure_code,
          applicant_personal_id = coalesce(excluded.applicant_personal_id, dossiers.applicant_personal_id),
          received_at = excluded.received_at,
          due_at = excluded.due_at,
          finished_at = excluded.finished_at,
          returned_at = excluded.returned_at,
          updated_at = now()
        where (dossiers.province_code, dossiers.commune_code, dossiers.procedure_code, dossiers.applicant_personal_id,
               dossiers.received_at, dossiers.due_at, dossiers.finished_at, dossiers.returned_at)
          is distinct from (excluded.province_code, excluded.commune_code, excluded.procedure_code,
               coalesce(excluded.applicant_personal_id, dossiers.applicant_personal_id),
               excluded.received_at, excluded.due_at, excluded.finished_at, excluded.returned_at)`;
    }
    if (others.length > 0) {
      await tx`
        insert into dossiers ${columns} ${dossierRows(others)}
        on conflict (code) do update set
          applicant_personal_id = coalesce(dossiers.applicant_personal_id, excluded.applicant_personal_id),
          received_at = coalesce(dossiers.received_at, excluded.received_at),
          due_at = coalesce(dossiers.due_at, excluded.due_at),
          finished_at = coalesce(dossiers.finished_at, excluded.finished_at),
          returned_at = coalesce(dossiers.returned_at, excluded.returned_at),
          updated_at = now()
        where (dossiers.applicant_personal_id is null and excluded.applicant_personal_id is not null)
           or (dossiers.received_at is null and excluded.received_at is not null)
           or (dossiers.due_at is null and excluded.due_at is not null)
           or (dossiers.finished_at is null and excluded.finished_at is not null)
           or (dossiers.returned_at is null and excluded.returned_at is not null)`;
    }
  }
}

function dedupeByCode(items: readonly DossierObservation[]): DossierObservation[] {
  const byCode = new Map<string, DossierObservation>();
  for (const item of items) {
    const seen = byCode.get(item.dossierCode);
    if (!seen || item.system === 'provincial') byCode.set(item.dossierCode, item);
  }
  return [...byCode.values()];
}
