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
import { START_POSITION, decodeChangeCursor, encodeChangeCursor, isAfter } from './change-cursor.js';
import { readListingPage, type ListingPage } from './listing-page.js';
import { statusWriteRequest, toObservation, transferRequestFromCreate } from './mapping.js';
import {
  SPECIALIZED_MAX_LOOKUP,
  SPECIALIZED_MAX_PAGE_SIZE,
  caseListReplySchema,
  caseLookupReplySchema,
  caseWriteReplySchema,
  specializedErrorSchema,
  specializedHealthReplySchema,
  type SpecializedCase,
} from './payloads.js';

export interface SpecializedConnectorOptions {
  baseUrl: string;
  logger: Logger;
  resilience?: Partial<ResilienceOptions>;
}

const BUSINESS_ERROR_STATUSES = [400, 404, 409] as const;
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };
/** Times one `dossierChanges` call starts over on a shifting listing before leaving it to the next call. */
const MAX_RESTARTS = 8;

/**
 * Connector to a ministry's specialized software (civil status). It reads the page-numbered
 * listing as a change feed with a cursor of its own making (see `dossierChanges`), and corrects
 * cases: a status write and the transfer of a dossier the software lacks, both idempotent by
 * correction id. A 4xx `{error: {code, message}}` reply is an UPSTREAM_REJECTED carrying the
 * software's code (`correction_id_reused`, `illegal_transition`, `case_exists`, `not_found`).
 */
export class SpecializedConnector implements DossierSource, DossierCorrectionSink {
  readonly system = 'specialized' as const;
  private readonly http: HttpClient;
  private readonly logger: Logger;

  constructor(options: SpecializedConnectorOptions) {
    this.logger = options.logger.child({ system: this.system });
    this.http = new HttpClient(this.system, options.baseUrl, this.logger, options.resilience ?? {});
  }

  /**
   * Cases of a province changed after the cursor, in (updatedAt, caseId) order.
   *
   * The cursor holds the (updatedAt, caseId) of the last case delivered. Each call lists with
   * `updatedSince` = that instant minus 1 ms, so cases stamped at exactly that instant are listed
   * again (the listing's bound is exclusive), and drops those ordered at or before the cursor:
   * cases sharing a timestamp are never skipped, whichever side of a page boundary they fell on.
   *
   * Page numbers are positions, and a case that changes moves to the end, shifting every later
   * page. So every call starts again at page 1 and trusts a later page only when it overlaps
   * what was already read: its first case must be at or before the cursor, which proves, in that
   * very reply, that nothing undelivered precedes the page. Only a run of equal timestamps longer
   * than a page needs a later page; if the check fails (cases moved meanwhile), the walk starts
   * over. This relies on the software stamping every change later than any change it already
   * listed, to the millisecond (the simulator does; a real system with a skewed or coarser clock
   * would need a look-back window, and the hub tolerates re-delivered cases by sourceVersion).
   */
  async dossierChanges(
    provinceCode: string,
    cursor: string | null,
    limit: number,
  ): Promise<ChangePage<DossierObservation>> {
    const position = cursor === null ? START_POSITION : decodeChangeCursor(cursor);
    const pageSize = Math.min(SPECIALIZED_MAX_PAGE_SIZE, Math.max(1, Math.floor(limit)));
    const updatedSince = cursor === null ? undefined : new Date(position.updatedAtMs - 1).toISOString();
    /** Listing positions [0, delivered) hold only cases at or before the cursor, as of the last read. */
    let delivered = 0;
    let restarts = 0;
    while (restarts <= MAX_RESTARTS) {
      const window = readWindow(delivered, pageSize);
      const listed = await this.listCases(provinceCode, updatedSince, window.page, window.size);
      const first = listed.items[0];
      if (window.start > 0 && (!first || isAfter(first.updatedAt.getTime(), caseIdOf(first), position))) {
        // Cases moved between reads, so earlier pages are not what they were: start over.
        delivered = 0;
        restarts += 1;
        continue;
      }
      const fresh = listed.items.filter((item) => isAfter(item.updatedAt.getTime(), caseIdOf(item), position));
      // Fresh cases are a suffix of the page in listing order, so any prefix of them is a safe stop.
      const items = fresh.slice(0, pageSize);
      const last = items.at(-1);
      if (last) {
        return {
          items,
          nextCursor: encodeChangeCursor({ updatedAtMs: last.updatedAt.getTime(), caseId: caseIdOf(last) }),
          hasMore: items.length < fresh.length || window.start + listed.items.length < listed.totalItems,
        };
      }
      delivered = window.start + listed.items.length;
      if (delivered >= listed.totalItems) return { items: [], nextCursor: encodeChangeCursor(position), hasMore: false };
    }
    // Cases kept moving under the reader; the next read resumes from the same cursor.
    this.logger.warn({ provinceCode, restarts }, 'change listing kept shifting; read again later');
    return { items: [], nextCursor: encodeChangeCursor(position), hasMore: false };
  }

  /** Looks national codes up in chunks of 100; codes the software does not know are absent. */
  async dossiersByCode(codes: readonly string[]): Promise<DossierObservation[]> {
    const unique = [...new Set(codes)];
    const chunks: string[][] = [];
    for (let start = 0; start < unique.length; start += SPECIALIZED_MAX_LOOKUP) {
      chunks.push(unique.slice(start, start + SPECIALIZED_MAX_LOOKUP));
    }
    const replies = await Promise.all(
      chunks.map((chunk) =>
        this.call(
          { method: 'GET', path: '/api/cases/by-national-code', query: { codes: chunk.join(',') }, idempotent: true },
          caseLookupReplySchema,
        ),
      ),
    );
    return replies.flatMap((reply) => reply.data.map(toObservation));
  }

  /**
   * Sets a case's status word. The correction id makes a resend after a lost answer harmless: the
   * software answers it `replayed` (reported as `applied: false`), so the call is retried.
   */
  async writeDossierStatus(write: StatusWrite): Promise<StatusWriteResult> {
    const request = statusWriteRequest(write);
    if (request === null) throw this.noSubmittedStatus();
    const reply = await this.call(
      {
        method: 'POST',
        path: `/api/cases/by-national-code/${encodeURIComponent(write.dossierCode)}/status`,
        headers: JSON_HEADERS,
        body: JSON.stringify(request),
        idempotent: true,
      },
      caseWriteReplySchema,
    );
    return this.written(reply, write.dossierCode);
  }

  /**
   * Transfers a dossier the software lacks (`POST /api/cases`), at the status and with the dates
   * the hub holds. Idempotent by correction id as above; the same id with other facts
   * (`correction_id_reused`) or a code the software holds already (`case_exists`) is an
   * UPSTREAM_REJECTED with status 409.
   */
  async createDossier(create: DossierCreate): Promise<StatusWriteResult> {
    const request = transferRequestFromCreate(create);
    if (request === null) throw this.noSubmittedStatus();
    const reply = await this.call(
      { method: 'POST', path: '/api/cases', headers: JSON_HEADERS, body: JSON.stringify(request), idempotent: true },
      caseWriteReplySchema,
    );
    return this.written(reply, create.dossierCode);
  }

  async health(): Promise<SystemHealth> {
    const checkedAt = new Date();
    try {
      const reply = await this.call({ method: 'GET', path: '/api/health', idempotent: true }, specializedHealthReplySchema);
      return { system: this.system, status: 'UP', detail: `${reply.status} (${reply.version})`, checkedAt };
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

  private written(reply: { data: SpecializedCase; replayed: boolean }, dossierCode: string): StatusWriteResult {
    if (reply.data.nationalDossierCode !== dossierCode) {
      throw new ConnectorError(this.system, 'UPSTREAM_INVALID_RESPONSE', 'the reply is about another case', { transient: false });
    }
    return { applied: !reply.replayed, nativeStatus: reply.data.status };
  }

  /** Refused before any call: the software takes a dossier in only once the one-stop shop received it. */
  private noSubmittedStatus(): ConnectorError {
    return new ConnectorError(this.system, 'UPSTREAM_REJECTED', 'the software has no status word for SUBMITTED', { transient: false });
  }

  /** A page of the listing, each case as its observation (the case id is `nativeId`, the listing instant `updatedAt`). */
  private async listCases(province: string, updatedSince: string | undefined, page: number, pageSize: number): Promise<ListingPage> {
    const response = await this.send({ method: 'GET', path: '/api/cases', query: { province, updatedSince, page, pageSize }, idempotent: true });
    // A page of a thousand cases is read by hand from the bytes; anything unusual, from the text.
    const listed = response.status < 300 ? readListingPage(parseJsonAsLatin1(response.bytes)) : null;
    if (listed) return listed;
    const reply = this.read(response, caseListReplySchema);
    return { items: reply.data.map(toObservation), totalItems: reply.totalItems };
  }

  private async call<S extends z.ZodType>(request: HttpRequest, schema: S): Promise<z.output<S>> {
    return this.read(await this.send(request), schema);
  }

  private send(request: HttpRequest): Promise<HttpResponse> {
    return this.http.send({
      ...request,
      headers: { accept: 'application/json', ...request.headers },
      acceptStatus: BUSINESS_ERROR_STATUSES,
    });
  }

  /** A 4xx `{error: {code, message}}` reply is a ConnectorError UPSTREAM_REJECTED with that code. */
  private read<S extends z.ZodType>(response: HttpResponse, schema: S): z.output<S> {
    if (response.status < 300) return this.http.parse(response.body, schema, (text) => JSON.parse(text) as unknown);
    let reason = 'request refused';
    try {
      const parsed = specializedErrorSchema.safeParse(JSON.parse(response.body) as unknown);
      if (parsed.success) reason = `${parsed.data.error.code}: ${parsed.data.error.message.slice(0, 200)}`;
    } catch {
      // An error page that is not JSON: the HTTP status says enough.
    }
    throw new ConnectorError(this.system, 'UPSTREAM_REJECTED', `${reason} (HTTP ${response.status})`, {
      status: response.status,
      transient: false,
    });
  }
}

/**
 * The page to read next when listing positions [0, delivered) hold only delivered cases. While
 * they fit in one page, page 1 again at the largest size: a first page needs no proof. Beyond that, a
 * later page that starts at or before position `delivered - 1` and reaches past it, so that its
 * first case can prove nothing undelivered precedes it. Some size in 2…1000 always fits, as no
 * realistic count is a multiple of every one of them.
 */
function readWindow(delivered: number, pageSize: number): { page: number; size: number; start: number } {
  if (delivered === 0) return { page: 1, size: pageSize, start: 0 };
  if (delivered < SPECIALIZED_MAX_PAGE_SIZE) return { page: 1, size: SPECIALIZED_MAX_PAGE_SIZE, start: 0 };
  for (let size = SPECIALIZED_MAX_PAGE_SIZE; size >= 2; size -= 1) {
    const start = Math.floor((delivered - 1) / size) * size;
    if (start + size - 1 >= delivered) return { page: start / size + 1, size, start };
  }
  return { page: 1, size: SPECIALIZED_MAX_PAGE_SIZE, start: 0 };
}

/** The case id of a case read from the listing, which every observation of the software carries. */
function caseIdOf(item: DossierObservation): string {
  return item.nativeId ?? '';
}
