import type { Logger } from 'pino';
import type { ChangePage, SystemHealth } from '../connector.js';
import { ConnectorError, isConnectorError } from '../connector-error.js';
import {
  nativeIdOf,
  type DocumentSource,
  type DocumentStatusEvent,
  type HubDocument,
} from '../document-source.js';
import { HttpClient, type CallStats, type ResilienceOptions } from '../http-client.js';
import { toHubDocument, toStatusEvent } from './mapping.js';
import {
  ICPV_LIMITS,
  decodeIcpvXml,
  documentFeedSchema,
  documentSetSchema,
  healthSchema,
  statusListSchema,
} from './payload.js';

export interface PartyDocumentsConnectorOptions {
  baseUrl: string;
  logger: Logger;
  resilience?: Partial<ResilienceOptions>;
  /** A ready client, for tests that share one; otherwise one is built from baseUrl and resilience. */
  http?: HttpClient;
}

const SOURCE = 'party-documents';

/** Connector to iCPV: change feed, batch fetch and status packets, all edXML over HTTP. */
export class PartyDocumentsConnector implements DocumentSource {
  readonly system = SOURCE;
  private readonly http: HttpClient;

  constructor(options: PartyDocumentsConnectorOptions) {
    this.http =
      options.http ?? new HttpClient(SOURCE, options.baseUrl, options.logger.child({ system: SOURCE }), options.resilience);
  }

  async health(): Promise<SystemHealth> {
    const checkedAt = new Date();
    try {
      const res = await this.http.send({ method: 'GET', path: '/icpv/health', idempotent: true });
      const { HealthStatus: health } = this.http.parse(res.body, healthSchema, decodeIcpvXml);
      // DEGRADED still answers, so it counts as UP with the word kept as detail.
      const status = health.Status === 'DOWN' ? 'DOWN' : 'UP';
      return { system: SOURCE, status, detail: health.Status === 'UP' ? null : health.Status, checkedAt };
    } catch (error) {
      if (!isConnectorError(error)) throw error;
      return { system: SOURCE, status: 'DOWN', detail: error.message, checkedAt };
    }
  }

  /**
   * Records of a province changed after the cursor. `limit` is capped at iCPV's page size (100).
   * A record comes back each time it changes; the latest read wins.
   */
  async documentChanges(provinceCode: string, cursor: string | null, limit: number): Promise<ChangePage<HubDocument>> {
    if (!/^\d{2}$/.test(provinceCode)) throw new RangeError(`province codes are two digits; got ${provinceCode}`);
    const res = await this.http.send({
      method: 'GET',
      path: `/icpv/provinces/${provinceCode}/documents`,
      query: { cursor: cursor ?? undefined, limit: clampLimit(limit) },
      headers: { accept: 'application/xml' },
      idempotent: true,
    });
    const feed = this.http.parse(res.body, documentFeedSchema, decodeIcpvXml);
    const items = feed.DocumentRecord.map(toHubDocument);
    if (feed.ProvinceCode !== provinceCode || items.some((doc) => doc.provinceCode !== provinceCode)) {
      throw this.invalid(`the feed of province ${provinceCode} carried another province's records`);
    }
    return { items, nextCursor: feed.NextCursor, hasMore: feed.HasMore };
  }

  /** Records by hub id, fetched 50 at a time (iCPV's limit), batches in parallel under the client's cap. */
  async documentsByIds(ids: readonly string[]): Promise<HubDocument[]> {
    const nativeIds = [...new Set(ids.map((id) => nativeIdOf(SOURCE, id)).filter((id): id is string => id !== null))];
    const batches: string[][] = [];
    for (let i = 0; i < nativeIds.length; i += ICPV_LIMITS.maxBatch) batches.push(nativeIds.slice(i, i + ICPV_LIMITS.maxBatch));
    const pages = await Promise.all(batches.map((batch) => this.fetchBatch(batch)));
    return pages.flat();
  }

  /** The status packets of one document, oldest first; null when iCPV does not know the id. */
  async statusHistory(id: string): Promise<DocumentStatusEvent[] | null> {
    const documentId = nativeIdOf(SOURCE, id);
    if (documentId === null) return null;
    const res = await this.http.send({
      method: 'GET',
      path: '/icpv/documents/status',
      query: { documentId },
      headers: { accept: 'application/xml' },
      idempotent: true,
      acceptStatus: [404],
    });
    if (res.status === 404) return null;
    const list = this.http.parse(res.body, statusListSchema, decodeIcpvXml);
    if (list.DocumentId !== documentId) throw this.invalid('the status list is for another document');
    return list.StatusPacket.map(toStatusEvent).sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  stats(): CallStats {
    return this.http.stats();
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async fetchBatch(documentIds: readonly string[]): Promise<HubDocument[]> {
    const res = await this.http.send({
      method: 'POST',
      path: '/icpv/documents/fetch',
      headers: { 'content-type': 'application/xml; charset=utf-8', accept: 'application/xml' },
      body: idListXml(documentIds),
      // A fetch by ids reads and changes nothing, so it is as safe to retry as a GET.
      idempotent: true,
    });
    const requested = new Set(documentIds);
    return this.http
      .parse(res.body, documentSetSchema, decodeIcpvXml)
      .filter((record) => requested.has(record.edXML.edXMLEnvelope.edXMLHeader.MessageHeader.DocumentId))
      .map(toHubDocument);
  }

  private invalid(message: string): ConnectorError {
    return new ConnectorError(SOURCE, 'UPSTREAM_INVALID_RESPONSE', message, { transient: false });
  }
}

function clampLimit(limit: number): number {
  return Math.min(ICPV_LIMITS.maxPage, Math.max(1, Math.floor(limit)));
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function idListXml(documentIds: readonly string[]): string {
  const items = documentIds.map((id) => `<DocumentId>${escapeXml(id)}</DocumentId>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><DocumentIdList>${items}</DocumentIdList>`;
}
