import type { Logger } from 'pino';
import type { z } from 'zod';
import type { DossierStatus } from '../../domain/dossier-status.js';
import { err, ok, type DomainError, type Result } from '../../domain/result.js';
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
import {
  HUB_ACTOR,
  PROGRESS_STATE_BY_STATUS,
  formatPortalTimestamp,
  hoSoFromCreate,
  hoSoFromInput,
  observationFromRecord,
  progressFromStatusWrite,
  progressLineFromRecord,
  updateFromCreate,
  updateFromStatusWrite,
  type PortalDossierInput,
  type PortalProgressLine,
} from './mapping.js';
import {
  PORTAL_ERROR_CODES,
  PORTAL_LIMITS,
  PORTAL_PATHS,
  changesReplySchema,
  createReplySchema,
  healthReplySchema,
  lookupReplySchema,
  progressReplySchema,
  replyHeadSchema,
  updateReplySchema,
  type QuaTrinhXuLy,
  type UpdateItem,
} from './payload.js';
import { PortalRejectedError } from './portal-error.js';

const SYSTEM = 'national-portal';
/** HTTP statuses on which the portal still answers `{error_code, message}`. */
const BUSINESS_ERROR_STATUSES = [400, 404] as const;
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

export interface NationalPortalConnectorOptions {
  baseUrl: string;
  logger: Logger;
  resilience?: Partial<ResilienceOptions>;
  /** A ready client, for tests that share one; otherwise one is built from baseUrl and resilience. */
  http?: HttpClient;
}

/** Creating a dossier the portal holds already is an expected outcome: the caller updates instead. */
export type CreateDossierError = DomainError<'DOSSIER_ALREADY_EXISTS'>;
export type CreateDossierResult = Result<{ dossierCode: string }, CreateDossierError>;

/** A progress line the hub sends (a `QuaTrinhXuLy`). */
export interface PortalProgressInput {
  dossierCode: string;
  at: Date;
  /** The status the step led to; the line records it as 2 received, 4 processing or 9 finished. */
  status: DossierStatus;
  content: string;
  /** Defaults to the hub itself: the portal's lines name a system, not an officer. */
  actor?: string;
  title?: string;
  department?: string;
}

export interface ProgressResult {
  added: number;
  /** Lines the portal held already: resending a line is harmless. */
  duplicates: number;
}

/** The portal's record of a dossier: its observation and the progress lines it holds, oldest first. */
export interface PortalDossier {
  observation: DossierObservation;
  progress: PortalProgressLine[];
}

type UpdateResult = z.output<typeof updateReplySchema>['KetQua'][number];

/**
 * Connector to the National Public Service Portal's sync API. The hub reads the portal's change
 * feed ({@link dossierChanges}), mirrors corrected statuses to it ({@link writeDossierStatus}),
 * creates dossiers it lacks ({@link createDossier}), and reads them back to check. Replies with
 * `error_code` other than "0" become {@link PortalRejectedError} (UPSTREAM_REJECTED, with the
 * portal's code and a reason), except "already exists" on {@link createPortalDossier}, which is
 * a typed result.
 */
export class NationalPortalConnector implements DossierSource, DossierCorrectionSink {
  readonly system = SYSTEM;
  private readonly http: HttpClient;

  constructor(options: NationalPortalConnectorOptions) {
    const logger = options.logger.child({ system: SYSTEM });
    this.http = options.http ?? new HttpClient(SYSTEM, options.baseUrl, logger, options.resilience);
  }

  /**
   * Dossiers of a province changed after the cursor, oldest change first. The cursor is the
   * portal's own `ConTro`, passed through unchanged; `limit` is capped at the portal's 1,000.
   * Progress lines are not in the feed: {@link lookupDossiers} reads them.
   */
  async dossierChanges(provinceCode: string, cursor: string | null, limit: number): Promise<ChangePage<DossierObservation>> {
    const response = await this.send({
      method: 'GET',
      path: PORTAL_PATHS.changes,
      query: {
        MaTinh: provinceCode,
        ConTro: cursor ?? undefined,
        SoLuong: Math.min(PORTAL_LIMITS.feed, Math.max(1, Math.floor(limit))),
      },
      idempotent: true,
    });
    // A page of a thousand records is read by hand from the bytes; anything unusual, from the text.
    let page = response.status < 300 ? readChangePage(parseJsonAsLatin1(response.bytes)) : null;
    if (!page) {
      const reply = this.read(response, changesReplySchema);
      page = { items: reply.DanhSachHoSo.map(observationFromRecord), nextCursor: reply.ConTro, hasMore: reply.ConDuLieu };
    }
    if (page.items.some((item) => item.provinceCode !== provinceCode)) throw invalid('the change feed holds a dossier of another province');
    return page;
  }

  /**
   * Opens a dossier the portal lacks, as a correction: an update carrying the correction id as
   * `MaYeuCau` first, which the portal answers as a replay when it applied that id before
   * (`applied: false`), refuses with CORRECTION_ID_REUSED when the id came with other facts, and
   * refuses with DOSSIER_NOT_FOUND when it lacks the dossier. Only then the create (`themmoi`),
   * and the same update again, so the portal holds the correction id and a resend is a replay.
   * The update before the create keeps a reused id from creating anything. A progress line
   * records the correction. Every step is safe to resend, so a lost answer is retried by
   * calling again with the same correction.
   */
  async createDossier(create: DossierCreate): Promise<StatusWriteResult> {
    const mirror = updateFromCreate(create);
    let result = await this.updateUnlessMissing(mirror);
    if (result === null) {
      try {
        await this.call(
          {
            method: 'POST',
            path: PORTAL_PATHS.create,
            headers: JSON_HEADERS,
            body: JSON.stringify([hoSoFromCreate(create)]),
            // themmoi has no idempotency key; a resend of the whole correction is safe instead.
            idempotent: false,
          },
          createReplySchema,
        );
      } catch (error) {
        // Created meanwhile (by the province's own sync, or a lost answer): the update mirrors onto it.
        if (!(error instanceof PortalRejectedError && error.reason === 'DOSSIER_EXISTS')) throw error;
      }
      result = await this.update(mirror);
    }
    await this.sendProgress([progressFromStatusWrite(create)]);
    return { applied: !result.DaXuLyTruocDo, nativeStatus: result.TrangThaiHoSo };
  }

  /**
   * Creates a dossier from what a province's sync knows of it. Not retried on a lost answer (a
   * create has no idempotency key); a resend after all would answer DOSSIER_ALREADY_EXISTS, which
   * the caller handles as "update instead".
   */
  async createPortalDossier(input: PortalDossierInput): Promise<CreateDossierResult> {
    try {
      const reply = await this.call(
        { method: 'POST', path: PORTAL_PATHS.create, headers: JSON_HEADERS, body: JSON.stringify([hoSoFromInput(input)]), idempotent: false },
        createReplySchema,
      );
      if (!reply.DanhSachMaHoSo.includes(input.code)) throw invalid('the create reply does not list the dossier');
      return ok({ dossierCode: input.code });
    } catch (error) {
      if (error instanceof PortalRejectedError && error.reason === 'DOSSIER_EXISTS') {
        return err({ code: 'DOSSIER_ALREADY_EXISTS', message: `the portal already holds dossier ${input.code}` });
      }
      throw error;
    }
  }

  /**
   * Mirrors a status: an update carrying the correction id as `MaYeuCau`, then a progress line
   * saying what changed. Both are safe to resend: the portal applies a MaYeuCau once (a replay
   * answers `DaXuLyTruocDo`, reported as `applied: false`) and keeps one copy of a line. The
   * line is sent on a replay too, in case the first attempt stopped between the two calls.
   */
  async writeDossierStatus(write: StatusWrite): Promise<StatusWriteResult> {
    const result = await this.update(updateFromStatusWrite(write));
    await this.sendProgress([progressFromStatusWrite(write)]);
    return { applied: !result.DaXuLyTruocDo, nativeStatus: result.TrangThaiHoSo };
  }

  /** Adds progress lines, ten per call (the portal's limit). */
  async addProgress(lines: readonly PortalProgressInput[]): Promise<ProgressResult> {
    const items = lines.map(
      (line): QuaTrinhXuLy => ({
        MaHoSo: line.dossierCode,
        NguoiXuLy: (line.actor ?? HUB_ACTOR.NguoiXuLy).slice(0, 50),
        ChucDanh: line.title ?? HUB_ACTOR.ChucDanh,
        ThoiDiemXuLy: formatPortalTimestamp(line.at),
        PhongBanXuLy: line.department ?? HUB_ACTOR.PhongBanXuLy,
        NoiDungXuLy: line.content,
        TrangThai: PROGRESS_STATE_BY_STATUS[line.status],
        NgayBatDau: '',
        NgayKetThucTheoQuyDinh: '',
      }),
    );
    const total: ProgressResult = { added: 0, duplicates: 0 };
    for (const chunk of chunks(items, PORTAL_LIMITS.progress)) {
      const reply = await this.sendProgress(chunk);
      total.added += reply.added;
      total.duplicates += reply.duplicates;
    }
    return total;
  }

  /** The portal's view of dossiers by code, 100 per call; codes it lacks are absent. */
  async dossiersByCode(codes: readonly string[]): Promise<DossierObservation[]> {
    return (await this.lookupDossiers(codes)).map((dossier) => dossier.observation);
  }

  /** Dossiers with their progress lines, 100 per call; codes the portal lacks are absent. */
  async lookupDossiers(codes: readonly string[]): Promise<PortalDossier[]> {
    const batches = chunks([...new Set(codes)], PORTAL_LIMITS.lookup);
    const replies = await Promise.all(
      batches.map(async (batch) => {
        const reply = await this.call(
          {
            method: 'POST',
            path: PORTAL_PATHS.lookup,
            headers: JSON_HEADERS,
            body: JSON.stringify({ DanhSachMaHoSo: batch }),
            // A read-back changes nothing, so it is safe to retry.
            idempotent: true,
          },
          lookupReplySchema,
        );
        const asked = new Set(batch);
        if (reply.DanhSachHoSo.some((record) => !asked.has(record.MaHoSo))) throw invalid('the read-back holds a dossier that was not asked for');
        return reply.DanhSachHoSo;
      }),
    );
    return replies.flat().map((record) => ({
      observation: observationFromRecord(record),
      progress: record.QuaTrinhXuLy.map(progressLineFromRecord).sort((a, b) => a.at.getTime() - b.at.getTime()),
    }));
  }

  async health(): Promise<SystemHealth> {
    const checkedAt = new Date();
    try {
      const reply = await this.call({ method: 'GET', path: PORTAL_PATHS.health, idempotent: true }, healthReplySchema);
      return { system: SYSTEM, status: 'UP', detail: `${reply.SoHoSo} dossiers`, checkedAt };
    } catch (error) {
      if (!isConnectorError(error)) throw error;
      return { system: SYSTEM, status: 'DOWN', detail: `${error.code}: ${error.message}`, checkedAt };
    }
  }

  stats(): CallStats {
    return this.http.stats();
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /** One update (`capnhat`), safe to resend: it carries its MaYeuCau. */
  private async update(item: UpdateItem): Promise<UpdateResult> {
    const reply = await this.call(
      { method: 'POST', path: PORTAL_PATHS.update, headers: JSON_HEADERS, body: JSON.stringify([item]), idempotent: true },
      updateReplySchema,
    );
    const result = reply.KetQua[0];
    if (reply.KetQua.length !== 1 || !result || result.MaHoSo !== item.MaHoSo || result.MaYeuCau !== item.MaYeuCau) {
      throw invalid('the update reply is not about the correction sent');
    }
    return result;
  }

  /** The update's result, or null when the portal lacks the dossier (and never saw the MaYeuCau). */
  private async updateUnlessMissing(item: UpdateItem): Promise<UpdateResult | null> {
    try {
      return await this.update(item);
    } catch (error) {
      if (error instanceof PortalRejectedError && error.reason === 'DOSSIER_NOT_FOUND') return null;
      throw error;
    }
  }

  private async sendProgress(items: readonly QuaTrinhXuLy[]): Promise<ProgressResult> {
    const reply = await this.call(
      {
        method: 'POST',
        path: PORTAL_PATHS.progress,
        headers: JSON_HEADERS,
        body: JSON.stringify(items),
        // The portal keeps one copy of a line, so a resend cannot add it twice.
        idempotent: true,
      },
      progressReplySchema,
    );
    if (reply.SoBanGhiMoi + reply.SoBanGhiTrung !== items.length) throw invalid('the progress reply does not count the lines sent');
    return { added: reply.SoBanGhiMoi, duplicates: reply.SoBanGhiTrung };
  }

  private async call<S extends z.ZodType>(request: HttpRequest, schema: S): Promise<z.output<S>> {
    return this.read(await this.send(request), schema);
  }

  private send(request: HttpRequest): Promise<HttpResponse> {
    return this.http.send({ ...request, acceptStatus: BUSINESS_ERROR_STATUSES });
  }

  /**
   * Reads a reply in two steps: the `{error_code, message}` head first, so a business error is
   * never parsed as data, then the whole reply against its schema.
   */
  private read<S extends z.ZodType>(response: HttpResponse, schema: S): z.output<S> {
    let decoded: unknown;
    try {
      decoded = JSON.parse(response.body) as unknown;
    } catch (cause) {
      if (response.status >= 300) throw new PortalRejectedError('', `HTTP ${response.status} without a JSON reply`, response.status);
      throw new ConnectorError(SYSTEM, 'UPSTREAM_INVALID_RESPONSE', 'the body is not JSON', { status: response.status, transient: false, cause });
    }
    const head = replyHeadSchema.safeParse(decoded);
    if (!head.success) {
      if (response.status >= 300) throw new PortalRejectedError('', `HTTP ${response.status} without error_code`, response.status);
      // Let the full schema name what is wrong with the reply.
      return this.http.parse('', schema, () => decoded);
    }
    if (head.data.error_code !== PORTAL_ERROR_CODES.OK) {
      throw new PortalRejectedError(head.data.error_code, head.data.message, response.status);
    }
    if (response.status >= 300) throw invalid(`error_code 0 with HTTP ${response.status}`);
    return this.http.parse('', schema, () => decoded);
  }
}

function invalid(message: string): ConnectorError {
  return new ConnectorError(SYSTEM, 'UPSTREAM_INVALID_RESPONSE', message, { transient: false });
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}
