import type { Logger } from 'pino';
import type { z } from 'zod';
import type {
  ChangePage,
  DossierCorrectionSink,
  DossierCreate,
  DossierObservation,
  DossierSource,
  StatusWrite,
  StatusWriteResult,
  SystemHealth,
} from '../connector.js';
import { ConnectorError, isConnectorError } from '../connector-error.js';
import { HttpClient, type CallStats, type HttpRequest, type HttpResponse, type ResilienceOptions } from '../http-client.js';
import { parseJsonAsLatin1 } from '../latin1-json.js';
import { readChangePage } from './change-page.js';
import { PROVINCIAL_CODE_BY_STATUS, formatVietnamTimestamp, receiveRequestFromCreate, toObservation } from './mapping.js';
import {
  PROVINCIAL_ERROR_CODES,
  PROVINCIAL_MAX_LOOKUP,
  PROVINCIAL_MAX_PAGE,
  changeFeedReplySchema,
  healthReplySchema,
  lookupReplySchema,
  provincialReplyHeadSchema,
  statusWriteReplySchema,
} from './payloads.js';

export interface ProvincialConnectorOptions {
  baseUrl: string;
  logger: Logger;
  resilience?: Partial<ResilienceOptions>;
}

/** HTTP statuses on which the system answers with a `{MaLoi, ThongBao}` business error. */
const BUSINESS_ERROR_STATUSES = [400, 404, 409] as const;
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/**
 * Connector to the provincial one-stop-shop system: its change feed, lookups by dossier code,
 * status write-backs and receipts of dossiers it lacks. A reply with `MaLoi` other than "0" is a
 * ConnectorError UPSTREAM_REJECTED carrying the system's code and message, whatever the HTTP
 * status it came with.
 */
export class ProvincialConnector implements DossierSource, DossierCorrectionSink {
  readonly system = 'provincial' as const;
  private readonly http: HttpClient;

  constructor(options: ProvincialConnectorOptions) {
    this.http = new HttpClient(
      this.system,
      options.baseUrl,
      options.logger.child({ system: this.system }),
      options.resilience ?? {},
    );
  }

  /**
   * The cursor is the system's own `ConTro`, passed through unchanged: it names the last change
   * sequence read, so a read resumes exactly after it. `limit` is capped at the system's 1,000.
   */
  async dossierChanges(
    provinceCode: string,
    cursor: string | null,
    limit: number,
  ): Promise<ChangePage<DossierObservation>> {
    const response = await this.send({
      method: 'GET',
      path: '/api/v1/hoso/thaydoi',
      query: { MaTinh: provinceCode, ConTro: cursor ?? undefined, SoLuong: clampPage(limit) },
      idempotent: true,
    });
    // A page of a thousand records is read by hand from the bytes; anything unusual, from the text.
    const page = response.status < 300 ? readChangePage(parseJsonAsLatin1(response.bytes)) : null;
    if (page) return page;
    const reply = this.read(response, changeFeedReplySchema);
    return { items: reply.DuLieu.map(toObservation), nextCursor: reply.ConTro, hasMore: reply.ConDuLieu };
  }

  /** Looks codes up in chunks of 100 (the system's limit); unknown codes are absent from the result. */
  async dossiersByCode(codes: readonly string[]): Promise<DossierObservation[]> {
    const unique = [...new Set(codes)];
    const chunks: string[][] = [];
    for (let start = 0; start < unique.length; start += PROVINCIAL_MAX_LOOKUP) {
      chunks.push(unique.slice(start, start + PROVINCIAL_MAX_LOOKUP));
    }
    const replies = await Promise.all(
      chunks.map((chunk) =>
        this.call(
          {
            method: 'POST',
            path: '/api/v1/hoso/tracuu',
            headers: JSON_HEADERS,
            body: JSON.stringify({ DanhSachMaHoSo: chunk }),
            // A lookup changes nothing, so it is safe to retry.
            idempotent: true,
          },
          lookupReplySchema,
        ),
      ),
    );
    return replies.flatMap((reply) => reply.DuLieu.map(toObservation));
  }

  /**
   * Writes a status back. The correction id travels as `MaYeuCau`, which the system applies once,
   * so a retry after a lost answer cannot change the dossier twice: it answers `DaXuLy: true`,
   * reported here as `applied: false`.
   */
  async writeDossierStatus(write: StatusWrite): Promise<StatusWriteResult> {
    const reply = await this.call(
      {
        method: 'POST',
        path: `/api/v1/hoso/${encodeURIComponent(write.dossierCode)}/trangthai`,
        headers: JSON_HEADERS,
        body: JSON.stringify({
          TrangThaiHoSo: PROVINCIAL_CODE_BY_STATUS[write.status],
          MaYeuCau: write.correctionId,
          LyDo: write.reason,
          ThoiDiem: formatVietnamTimestamp(write.at),
        }),
        idempotent: true,
      },
      statusWriteReplySchema,
    );
    return { applied: !reply.DuLieu.DaXuLy, nativeStatus: String(reply.DuLieu.TrangThaiHoSo) };
  }

  /**
   * Opens a dossier the system lacks as a receipt by interchange (`POST /api/v1/hoso`), at the
   * status and with the dates the hub holds. The correction id is the MaYeuCau, so a resend
   * after a lost answer is answered `DaXuLy: true` (reported as `applied: false`), and retries
   * are safe. The same correction id with other facts (MaLoi 5), or a dossier the system holds
   * already (MaLoi 6), is an UPSTREAM_REJECTED with status 409.
   */
  async createDossier(create: DossierCreate): Promise<StatusWriteResult> {
    const reply = await this.call(
      {
        method: 'POST',
        path: '/api/v1/hoso',
        headers: JSON_HEADERS,
        body: JSON.stringify(receiveRequestFromCreate(create)),
        idempotent: true,
      },
      statusWriteReplySchema,
    );
    if (reply.DuLieu.MaHoSo !== create.dossierCode) {
      throw new ConnectorError(this.system, 'UPSTREAM_INVALID_RESPONSE', 'the receipt reply is about another dossier', { transient: false });
    }
    return { applied: !reply.DuLieu.DaXuLy, nativeStatus: String(reply.DuLieu.TrangThaiHoSo) };
  }

  async health(): Promise<SystemHealth> {
    const checkedAt = new Date();
    try {
      const reply = await this.call({ method: 'GET', path: '/api/v1/suckhoe', idempotent: true }, healthReplySchema);
      return { system: this.system, status: 'UP', detail: reply.ThongBao, checkedAt };
    } catch (error) {
      if (!isConnectorError(error)) throw error;
      return { system: this.system, status: 'DOWN', detail: `${error.code}: ${error.message}`, checkedAt };
    }
  }

  stats(): CallStats {
    return this.http.stats();
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private async call<S extends z.ZodType>(request: HttpRequest, schema: S): Promise<z.output<S>> {
    return this.read(await this.send(request), schema);
  }

  private send(request: HttpRequest): Promise<HttpResponse> {
    return this.http.send({ ...request, acceptStatus: BUSINESS_ERROR_STATUSES });
  }

  /**
   * Reads a reply in two steps: the `{MaLoi, ThongBao}` head first, so a business error is never
   * parsed as data, then the whole reply against its schema. Nothing is returned unless the
   * whole reply parses.
   */
  private read<S extends z.ZodType>(response: HttpResponse, schema: S): z.output<S> {
    let decoded: unknown;
    try {
      decoded = JSON.parse(response.body) as unknown;
    } catch (cause) {
      if (response.status >= 300) throw refused(response.status, 'the error reply is not JSON');
      throw new ConnectorError(this.system, 'UPSTREAM_INVALID_RESPONSE', 'the body is not JSON', {
        status: response.status,
        transient: false,
        cause,
      });
    }
    const head = provincialReplyHeadSchema.safeParse(decoded);
    if (!head.success) {
      if (response.status >= 300) throw refused(response.status, 'the error reply has no MaLoi');
      // Let the full schema name what is wrong with the reply.
      return this.http.parse('', schema, () => decoded);
    }
    if (head.data.MaLoi !== PROVINCIAL_ERROR_CODES.OK) {
      throw refused(response.status, `MaLoi ${head.data.MaLoi}: ${truncate(head.data.ThongBao ?? '')}`);
    }
    if (response.status >= 300) {
      throw new ConnectorError(this.system, 'UPSTREAM_INVALID_RESPONSE', `MaLoi 0 with HTTP ${response.status}`, {
        status: response.status,
        transient: false,
      });
    }
    return this.http.parse('', schema, () => decoded);
  }
}

function refused(status: number, message: string): ConnectorError {
  return new ConnectorError('provincial', 'UPSTREAM_REJECTED', `${message} (HTTP ${status})`, {
    status,
    transient: false,
  });
}

function clampPage(limit: number): number {
  return Math.min(PROVINCIAL_MAX_PAGE, Math.max(1, Math.floor(limit)));
}

/** System messages can echo input; keep them short in errors that reach logs and reports. */
function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
