import type { Logger } from 'pino';
import type { ChangePage, SystemHealth } from '../connector.js';
import { ConnectorError, isConnectorError } from '../connector-error.js';
import {
  nativeIdOf,
  type ArchiveFile,
  type ArchiveFileFilter,
  type ArchiveSource,
  type DocumentDirection,
  type DocumentSource,
  type DocumentStatusEvent,
  type HubDocument,
} from '../document-source.js';
import { HttpClient, type CallStats, type ResilienceOptions } from '../http-client.js';
import { DIGITIZATION_QUERY, DIRECTION_QUERY, toArchiveFile, toHubDocument, toStatusEvent } from './mapping.js';
import { QLVB_LIMITS, archivePageSchema, documentPageSchema, documentSetSchema, healthSchema } from './payload.js';

export interface GovernmentDocumentsConnectorOptions {
  baseUrl: string;
  logger: Logger;
  resilience?: Partial<ResilienceOptions>;
  /** A ready client, for tests that share one; otherwise one is built from baseUrl and resilience. */
  http?: HttpClient;
}

/** A listing of one province's books, with QLVB's own filters. */
export interface GovernmentDocumentQuery {
  provinceCode: string;
  direction?: DocumentDirection;
  /** Only records last changed at or after this instant. */
  since?: Date;
  /** Null or absent = from the beginning. */
  cursor?: string | null;
  /** Capped at QLVB's page size (200). */
  limit?: number;
}

const SOURCE = 'government-documents';
/** Bounds a paging loop if the system keeps reporting more than it delivers. */
const MAX_ARCHIVE_PAGES = 1_000;

/** Connector to QLVB: document books (Decree 30/2020 Annex VI) and archive records, JSON over HTTP. */
export class GovernmentDocumentsConnector implements DocumentSource, ArchiveSource {
  readonly system = SOURCE;
  private readonly http: HttpClient;

  constructor(options: GovernmentDocumentsConnectorOptions) {
    this.http =
      options.http ?? new HttpClient(SOURCE, options.baseUrl, options.logger.child({ system: SOURCE }), options.resilience);
  }

  async health(): Promise<SystemHealth> {
    const checkedAt = new Date();
    try {
      const health = await this.http.json({ method: 'GET', path: '/api/v1/health', idempotent: true }, healthSchema);
      // DEGRADED still answers, so it counts as UP with the word kept as detail.
      const status = health.Status === 'DOWN' ? 'DOWN' : 'UP';
      return { system: SOURCE, status, detail: health.Status === 'UP' ? null : health.Status, checkedAt };
    } catch (error) {
      if (!isConnectorError(error)) throw error;
      return { system: SOURCE, status: 'DOWN', detail: error.message, checkedAt };
    }
  }

  /** Records of both books of a province changed after the cursor, oldest change first. */
  documentChanges(provinceCode: string, cursor: string | null, limit: number): Promise<ChangePage<HubDocument>> {
    return this.listDocuments({ provinceCode, cursor, limit });
  }

  /** Like documentChanges, narrowed to one book and/or to records changed since an instant. */
  async listDocuments(query: GovernmentDocumentQuery): Promise<ChangePage<HubDocument>> {
    if (!/^\d{2}$/.test(query.provinceCode)) throw new RangeError(`province codes are two digits; got ${query.provinceCode}`);
    const page = await this.http.json(
      {
        method: 'GET',
        path: '/api/v1/documents',
        query: {
          province: query.provinceCode,
          direction: query.direction === undefined ? undefined : DIRECTION_QUERY[query.direction],
          since: query.since?.toISOString(),
          cursor: query.cursor ?? undefined,
          limit: clamp(query.limit ?? QLVB_LIMITS.defaultPage, QLVB_LIMITS.maxPage),
        },
        idempotent: true,
      },
      documentPageSchema,
    );
    const items = page.Items.map(toHubDocument);
    if (items.some((doc) => doc.provinceCode !== query.provinceCode)) {
      throw this.invalid(`the listing of province ${query.provinceCode} carried another province's records`);
    }
    return { items, nextCursor: page.NextCursor, hasMore: page.HasMore };
  }

  /** Records by hub id, fetched 50 at a time (QLVB's limit), batches in parallel under the client's cap. */
  async documentsByIds(ids: readonly string[]): Promise<HubDocument[]> {
    const nativeIds = [...new Set(ids.map((id) => nativeIdOf(SOURCE, id)).filter((id): id is string => id !== null))];
    const batches: string[][] = [];
    for (let i = 0; i < nativeIds.length; i += QLVB_LIMITS.maxBatch) batches.push(nativeIds.slice(i, i + QLVB_LIMITS.maxBatch));
    const pages = await Promise.all(batches.map((batch) => this.fetchBatch(batch)));
    return pages.flat();
  }

  /**
   * The processing trace of an incoming record, oldest first: empty for outgoing records, which
   * QLVB does not trace; null when the id is unknown.
   */
  async statusHistory(id: string): Promise<DocumentStatusEvent[] | null> {
    const nativeId = nativeIdOf(SOURCE, id);
    if (nativeId === null) return null;
    const [doc] = await this.fetchNative([nativeId]);
    if (!doc) return null;
    return doc.BookType === 'VB_DEN' ? doc.TraceHeaderList.map(toStatusEvent).sort((a, b) => a.at.getTime() - b.at.getTime()) : [];
  }

  /** Every archive record matching the filter, read page by page (200 per page). */
  async archiveFiles(filter: ArchiveFileFilter): Promise<ArchiveFile[]> {
    const where =
      filter.communeCode !== undefined
        ? { commune: assertCode(filter.communeCode, 5) }
        : { province: assertCode(filter.provinceCode, 2) };
    const files: ArchiveFile[] = [];
    for (let page = 1; page <= MAX_ARCHIVE_PAGES; page += 1) {
      const result = await this.http.json(
        {
          method: 'GET',
          path: '/api/v1/archives',
          query: {
            ...where,
            digitization: filter.digitization === undefined ? undefined : DIGITIZATION_QUERY[filter.digitization],
            page,
            pageSize: QLVB_LIMITS.maxArchivePage,
          },
          idempotent: true,
        },
        archivePageSchema,
      );
      files.push(...result.Items.map(toArchiveFile));
      if (files.length >= result.Total) return files;
      if (result.Items.length === 0) {
        throw this.invalid(`archive paging ended at ${files.length} of ${result.Total} records`);
      }
    }
    throw this.invalid(`archive paging did not end within ${MAX_ARCHIVE_PAGES} pages`);
  }

  stats(): CallStats {
    return this.http.stats();
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async fetchBatch(nativeIds: readonly string[]): Promise<HubDocument[]> {
    return (await this.fetchNative(nativeIds)).map(toHubDocument);
  }

  private async fetchNative(nativeIds: readonly string[]) {
    const set = await this.http.json(
      { method: 'GET', path: '/api/v1/documents/by-ids', query: { ids: nativeIds.join(',') }, idempotent: true },
      documentSetSchema,
    );
    const requested = new Set(nativeIds);
    return set.Items.filter((doc) => requested.has(doc.Id));
  }

  private invalid(message: string): ConnectorError {
    return new ConnectorError(SOURCE, 'UPSTREAM_INVALID_RESPONSE', message, { transient: false });
  }
}

function clamp(limit: number, max: number): number {
  return Math.min(max, Math.max(1, Math.floor(limit)));
}

function assertCode(code: string, digits: number): string {
  if (!new RegExp(`^\\d{${digits}}$`).test(code)) throw new RangeError(`expected a ${digits}-digit unit code; got ${code}`);
  return code;
}
