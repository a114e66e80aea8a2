import { and, asc, count, desc, eq, gt, gte, ilike, inArray, lt, lte, or, type SQL } from 'drizzle-orm';
import type { HubDocument } from '../connectors/document-source.js';
import type { Database, Tx } from './client.js';
import { documents } from './schema.js';

export type DocumentRow = typeof documents.$inferSelect;

/** A document as indexed: the canonical record and, when its system said so, the dossier it is about. */
export type IndexedDocument = HubDocument & { dossierCode?: string | null };

/** Upserts documents in the caller's transaction (change-feed pages and pushed documents alike). */
export async function upsertDocuments(tx: Tx, items: readonly IndexedDocument[]): Promise<void> {
  if (items.length === 0) return;
  const rows = items.map((d) => ({
    id: d.id,
    source: d.source,
    direction: d.direction,
    number: d.number,
    type_code: d.typeCode,
    type_name: d.typeName,
    subject: d.subject,
    issuer_organ_id: d.issuerOrganId,
    issuer_name: d.issuerName,
    issued_at: d.issuedAt,
    due_at: d.dueAt,
    arrived_at: d.arrivedAt,
    urgency: d.urgency,
    secrecy: d.secrecy,
    page_count: d.pageCount,
    signer_name: d.signerName,
    signer_position: d.signerPosition,
    province_code: d.provinceCode,
    commune_code: d.communeCode,
    dossier_code: d.dossierCode ?? null,
    status: d.status,
    native_status: d.nativeStatus,
    source_updated_at: d.updatedAt,
  }));
  await tx`
    insert into documents ${tx(rows)}
    on conflict (id) do update set
      direction = excluded.direction, number = excluded.number, type_code = excluded.type_code,
      type_name = excluded.type_name, subject = excluded.subject, issuer_organ_id = excluded.issuer_organ_id,
      issuer_name = excluded.issuer_name, issued_at = excluded.issued_at, due_at = excluded.due_at,
      arrived_at = excluded.arrived_at, urgency = excluded.urgency, secrecy = excluded.secrecy,
      page_count = excluded.page_count, signer_name = excluded.signer_name, signer_position = excluded.signer_position,
      province_code = excluded.province_code, commune_code = excluded.commune_code,
      dossier_code = coalesce(excluded.dossier_code, documents.dossier_code), status = excluded.status,
      native_status = excluded.native_status, source_updated_at = excluded.source_updated_at, observed_at = now()
    where documents.source_updated_at <= excluded.source_updated_at`;
}

export interface DocumentQuery {
  sources?: readonly string[] | null | undefined;
  provinceCode?: string | null | undefined;
  communeCode?: string | null | undefined;
  direction?: string | null | undefined;
  statuses?: readonly string[] | null | undefined;
  secrecy?: readonly string[] | null | undefined;
  issuedFrom?: Date | null | undefined;
  issuedTo?: Date | null | undefined;
  /** Words of the number or subject (trích yếu), case-insensitive. */
  text?: string | null | undefined;
  dossierCode?: string | null | undefined;
}

/** Keyset position in the newest-first order: (issued_at desc, id asc). */
export interface DocumentPosition {
  issuedAt: Date;
  id: string;
}

export class DocumentRepository {
  constructor(private readonly db: Database) {}

  /** Upserts a page of documents in the caller's transaction; an older record never replaces a newer one. */
  upsertMany(tx: Tx, items: readonly IndexedDocument[]): Promise<void> {
    return upsertDocuments(tx, items);
  }

  /** Documents about each dossier (as their systems said), newest first, in one query. */
  async byDossierCodes(codes: readonly string[]): Promise<DocumentRow[][]> {
    if (codes.length === 0) return [];
    const rows = await this.db
      .select()
      .from(documents)
      .where(inArray(documents.dossierCode, [...codes]))
      .orderBy(desc(documents.issuedAt), asc(documents.id));
    const grouped = new Map<string, DocumentRow[]>();
    for (const row of rows) if (row.dossierCode) grouped.set(row.dossierCode, [...(grouped.get(row.dossierCode) ?? []), row]);
    return codes.map((code) => grouped.get(code) ?? []);
  }

  async byIds(ids: readonly string[]): Promise<DocumentRow[]> {
    if (ids.length === 0) return [];
    return this.db.select().from(documents).where(inArray(documents.id, [...ids]));
  }

  async page(query: DocumentQuery, after: DocumentPosition | null, limit: number): Promise<DocumentRow[]> {
    const conditions = this.conditions(query);
    if (after) {
      conditions.push(or(lt(documents.issuedAt, after.issuedAt), and(eq(documents.issuedAt, after.issuedAt), gt(documents.id, after.id))) as SQL);
    }
    return this.db
      .select()
      .from(documents)
      .where(and(...conditions))
      .orderBy(desc(documents.issuedAt), asc(documents.id))
      .limit(limit);
  }

  async count(query: DocumentQuery): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(documents).where(and(...this.conditions(query)));
    return row?.n ?? 0;
  }

  private conditions(query: DocumentQuery): SQL[] {
    const c: SQL[] = [];
    if (query.sources?.length) c.push(inArray(documents.source, [...query.sources]));
    if (query.provinceCode) c.push(eq(documents.provinceCode, query.provinceCode));
    if (query.communeCode) c.push(eq(documents.communeCode, query.communeCode));
    if (query.direction) c.push(eq(documents.direction, query.direction));
    if (query.statuses?.length) c.push(inArray(documents.status, [...query.statuses]));
    if (query.secrecy?.length) c.push(inArray(documents.secrecy, [...query.secrecy]));
    if (query.issuedFrom) c.push(gte(documents.issuedAt, query.issuedFrom));
    if (query.issuedTo) c.push(lte(documents.issuedAt, query.issuedTo));
    if (query.dossierCode) c.push(eq(documents.dossierCode, query.dossierCode));
    if (query.text) {
      const pattern = `%${query.text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      c.push(or(ilike(documents.subject, pattern), ilike(documents.number, pattern)) as SQL);
    }
    return c;
  }
}
