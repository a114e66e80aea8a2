import type { z } from 'zod';
import type { DossierStatus } from '../../domain/dossier-status.js';
import type { DemoDataset, DemoDossier } from '../demo/demo-dataset.js';
import { visibleTimes } from '../demo/visible-times.js';
import { SimulatorServer, json, type SimRequest, type SimResponse } from '../simulator-kit.js';
import { buildDemoPortal, type DemoPortalEntry } from './demo-portal.js';
import { PORTAL_CODE_BY_STATUS, PROGRESS_STATE_BY_STATUS, formatPortalTimestamp } from './mapping.js';
import {
  PORTAL_ERROR_CODES,
  PORTAL_LIMITS,
  PORTAL_PATHS,
  SUCCESS_MESSAGE,
  createRequestSchema,
  lookupRequestSchema,
  progressRequestSchema,
  updateRequestSchema,
  type HoSo,
  type PortalDossierRecord,
  type QuaTrinhXuLy,
  type UpdateItem,
} from './payload.js';

export interface NationalPortalSimulatorOptions {
  dataset: DemoDataset;
  seed: number;
  /** Share of the provincial dossiers the portal lags behind on or lacks (default 2%). */
  driftRate?: number;
  /** The portal's clock; changes are stamped with it, kept strictly increasing per dossier. */
  clock?: () => Date;
}

export interface NationalPortalSimulator {
  server: SimulatorServer;
  /** The status the portal holds, or null when it has no such dossier. */
  statusOf(dossierCode: string): DossierStatus | null;
}

interface StoredDossier {
  hoSo: HoSo;
  version: number;
  updatedAtMs: number;
  progress: QuaTrinhXuLy[];
  progressKeys: Set<string>;
}

interface AppliedUpdate {
  /** The update as first applied, so a reuse of its MaYeuCau for another change is caught. */
  fingerprint: string;
  result: { MaHoSo: string; MaYeuCau: string; TrangThaiHoSo: string; PhienBan: number };
}

/**
 * The National Public Service Portal's sync API (Cổng DVC quốc gia), JSON over HTTP:
 * - `POST /api/hoso/themmoi [HoSo…]` (≤ 50) — create; all or nothing; an existing MaHoSo
 *   answers error_code "3" "Hồ sơ … đã tồn tại" and creates none.
 * - `POST /api/hoso/capnhat [{MaHoSo, MaYeuCau, …changed fields}]` (≤ 50) — update, idempotent
 *   by MaYeuCau: a replay answers `DaXuLyTruocDo: true` and changes nothing; the same MaYeuCau
 *   with other content answers "5".
 * - `POST /api/hoso/tientrinh [QuaTrinhXuLy…]` (≤ 10) — progress lines; a line the portal holds
 *   already (same dossier, instant, state and content) is counted, not added again.
 * - `POST /api/hoso/tracuu {DanhSachMaHoSo}` (≤ 100) — read-back with progress; unknown codes absent.
 * - `GET /api/trangthai` — health.
 * Replies are `{error_code, message, …}` with HTTP 200, "0" + "thành công" on success; a body
 * that is not JSON answers HTTP 400 with error_code "1". Admin: `GET /__admin/ground-truth`.
 */
export function createNationalPortalSimulator(options: NationalPortalSimulatorOptions): NationalPortalSimulator {
  const demo = buildDemoPortal(options.dataset, options.seed, options.driftRate);
  const portal = new Portal(demo.entries, options.clock ?? (() => new Date()));
  const server = new SimulatorServer('national-portal', (req) => portal.handle(req), options.seed);
  server.addAdminRoute('ground-truth', () => demo.groundTruth);
  return { server, statusOf: (code) => portal.statusOf(code) };
}

class Portal {
  private readonly dossiers = new Map<string, StoredDossier>();
  private readonly updates = new Map<string, AppliedUpdate>();

  constructor(
    entries: readonly DemoPortalEntry[],
    private readonly clock: () => Date,
  ) {
    for (const entry of entries) this.dossiers.set(entry.dossier.code, seedRecord(entry));
  }

  statusOf(code: string): DossierStatus | null {
    const stored = this.dossiers.get(code);
    return stored ? (PORTAL_STATUS[stored.hoSo.TrangThaiHoSo] ?? null) : null;
  }

  handle(req: SimRequest): SimResponse {
    const path = req.url.pathname;
    if (path === PORTAL_PATHS.health && req.method === 'GET') {
      return ok({ ThoiGianMayChu: formatPortalTimestamp(this.clock()), SoHoSo: this.dossiers.size });
    }
    const routes: Record<string, (body: unknown) => SimResponse> = {
      [PORTAL_PATHS.create]: (body) => this.create(body),
      [PORTAL_PATHS.update]: (body) => this.update(body),
      [PORTAL_PATHS.progress]: (body) => this.progress(body),
      [PORTAL_PATHS.lookup]: (body) => this.lookup(body),
    };
    const route = routes[path];
    if (!route || req.method !== 'POST') return json(404, { error_code: PORTAL_ERROR_CODES.INTERNAL, message: 'Không tìm thấy dịch vụ' });
    let body: unknown;
    try {
      body = JSON.parse(req.body) as unknown;
    } catch {
      return json(400, { error_code: PORTAL_ERROR_CODES.INVALID, message: 'Dữ liệu gửi lên không phải JSON' });
    }
    return route(body);
  }

  private create(body: unknown): SimResponse {
    const parsed = parse(createRequestSchema, body);
    if (!parsed.ok) return parsed.reply;
    if (parsed.data.length > PORTAL_LIMITS.batch) return tooMany('hồ sơ', PORTAL_LIMITS.batch);
    const codes = new Set<string>();
    for (const hoSo of parsed.data) {
      if (this.dossiers.has(hoSo.MaHoSo) || codes.has(hoSo.MaHoSo)) {
        return fail(PORTAL_ERROR_CODES.EXISTS, `Hồ sơ ${hoSo.MaHoSo} đã tồn tại`);
      }
      codes.add(hoSo.MaHoSo);
    }
    const now = this.clock().getTime();
    for (const hoSo of parsed.data) {
      this.dossiers.set(hoSo.MaHoSo, { hoSo, version: 1, updatedAtMs: now, progress: [], progressKeys: new Set() });
    }
    return ok({ DanhSachMaHoSo: [...codes] });
  }

  private update(body: unknown): SimResponse {
    const parsed = parse(updateRequestSchema, body);
    if (!parsed.ok) return parsed.reply;
    if (parsed.data.length > PORTAL_LIMITS.batch) return tooMany('hồ sơ', PORTAL_LIMITS.batch);
    // Checked before anything changes, so a refused call changes nothing.
    for (const item of parsed.data) {
      const applied = this.updates.get(item.MaYeuCau);
      if (applied && applied.fingerprint !== fingerprint(item)) {
        return fail(PORTAL_ERROR_CODES.REQUEST_ID_REUSED, `MaYeuCau ${item.MaYeuCau} đã được dùng cho nội dung khác`);
      }
      if (!applied && !this.dossiers.has(item.MaHoSo)) return fail(PORTAL_ERROR_CODES.NOT_FOUND, `Không tìm thấy hồ sơ ${item.MaHoSo}`);
    }
    const results = parsed.data.map((item) => {
      const applied = this.updates.get(item.MaYeuCau);
      if (applied) return { ...applied.result, DaXuLyTruocDo: true };
      const stored = this.dossiers.get(item.MaHoSo) as StoredDossier;
      const { MaHoSo: _code, MaYeuCau: _key, ...changes } = item;
      stored.hoSo = { ...stored.hoSo, ...definedOnly(changes) };
      this.touch(stored);
      const result = { MaHoSo: item.MaHoSo, MaYeuCau: item.MaYeuCau, TrangThaiHoSo: stored.hoSo.TrangThaiHoSo, PhienBan: stored.version };
      this.updates.set(item.MaYeuCau, { fingerprint: fingerprint(item), result });
      return { ...result, DaXuLyTruocDo: false };
    });
    return ok({ KetQua: results });
  }

  private progress(body: unknown): SimResponse {
    if (Array.isArray(body) && body.length > PORTAL_LIMITS.progress) return tooMany('dòng tiến trình', PORTAL_LIMITS.progress);
    const parsed = parse(progressRequestSchema, body);
    if (!parsed.ok) return parsed.reply;
    for (const line of parsed.data) {
      if (!this.dossiers.has(line.MaHoSo)) return fail(PORTAL_ERROR_CODES.NOT_FOUND, `Không tìm thấy hồ sơ ${line.MaHoSo}`);
    }
    let added = 0;
    for (const line of parsed.data) {
      const stored = this.dossiers.get(line.MaHoSo) as StoredDossier;
      const key = progressKey(line);
      if (stored.progressKeys.has(key)) continue;
      stored.progressKeys.add(key);
      stored.progress.push(line);
      stored.progress.sort((a, b) => (a.ThoiDiemXuLy < b.ThoiDiemXuLy ? -1 : a.ThoiDiemXuLy > b.ThoiDiemXuLy ? 1 : 0));
      this.touch(stored);
      added += 1;
    }
    return ok({ SoBanGhiMoi: added, SoBanGhiTrung: parsed.data.length - added });
  }

  private lookup(body: unknown): SimResponse {
    const parsed = parse(lookupRequestSchema, body);
    if (!parsed.ok) return parsed.reply;
    if (parsed.data.DanhSachMaHoSo.length > PORTAL_LIMITS.lookup) return tooMany('mã hồ sơ', PORTAL_LIMITS.lookup);
    const found: PortalDossierRecord[] = [];
    for (const code of new Set(parsed.data.DanhSachMaHoSo)) {
      const stored = this.dossiers.get(code);
      if (!stored) continue;
      found.push({
        ...stored.hoSo,
        NgayCapNhat: formatPortalTimestamp(new Date(stored.updatedAtMs)),
        PhienBan: stored.version,
        QuaTrinhXuLy: stored.progress,
      });
    }
    return ok({ DanhSachHoSo: found });
  }

  /** A change stamps the portal's clock, one second past the last stamp at least: stamps have second resolution. */
  private touch(stored: StoredDossier): void {
    stored.version += 1;
    stored.updatedAtMs = Math.max(this.clock().getTime(), stored.updatedAtMs + 1_000);
  }
}

const PORTAL_STATUS: Readonly<Record<string, DossierStatus>> = Object.fromEntries(
  Object.entries(PORTAL_CODE_BY_STATUS).map(([status, code]) => [code, status as DossierStatus]),
);

/** A demo dossier as the province's sync left it on the portal, with the progress lines of its steps. */
function seedRecord(entry: DemoPortalEntry): StoredDossier {
  const { dossier, status } = entry;
  const times = visibleTimes(dossier, status);
  const stamp = (ms: number | null): string => (ms === null ? '' : formatPortalTimestamp(new Date(ms)));
  const decided = times.finishedAtMs;
  const hoSo: HoSo = {
    MaHoSo: dossier.code,
    MaTTHC: dossier.procedureCode,
    TenTTHC: dossier.procedureName,
    KenhThucHien: String(dossier.channel) as HoSo['KenhThucHien'],
    LoaiDoiTuong: '1',
    ChuHoSo: dossier.applicantName,
    SoGiayToChuHoSo: dossier.applicantPersonalId,
    DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: dossier.applicantPersonalId }],
    TrichYeuHoSo: `${dossier.procedureName} - ${dossier.applicantName}`,
    NgayNopHoSo: stamp(dossier.submittedAtMs),
    NgayTiepNhan: stamp(times.receivedAtMs),
    NgayHenTra: stamp(times.dueAtMs),
    NgayTra: stamp(times.returnedAtMs),
    NgayKetThucXuLy: stamp(decided),
    NgayTuChoi: status === 'REJECTED' ? stamp(decided) : '',
    TrangThaiHoSo: PORTAL_CODE_BY_STATUS[status],
    DonViXuLy: dossier.agencyId,
    MaTinh: dossier.provinceCode,
    MaXa: dossier.communeCode,
    NoiNopHoSo: '2',
    GhiChu: '',
  };
  const progress = demoProgress(dossier, status, times).map((line) => ({ ...line, ThoiDiemXuLy: stamp(line.atMs) }));
  const lines: QuaTrinhXuLy[] = progress.map(({ atMs: _at, ...line }) => line);
  return {
    hoSo,
    version: 1 + lines.length,
    updatedAtMs: entry.updatedAtMs,
    progress: lines,
    progressKeys: new Set(lines.map(progressKey)),
  };
}

type SeedLine = Omit<QuaTrinhXuLy, 'ThoiDiemXuLy'> & { atMs: number };

/** The steps the province reported, up to the status the portal shows. */
function demoProgress(dossier: DemoDossier, status: DossierStatus, times: ReturnType<typeof visibleTimes>): SeedLine[] {
  const line = (atMs: number, state: DossierStatus, content: string): SeedLine => ({
    MaHoSo: dossier.code,
    NguoiXuLy: 'Bộ phận một cửa',
    ChucDanh: 'Công chức tư pháp - hộ tịch',
    PhongBanXuLy: 'Bộ phận tiếp nhận và trả kết quả',
    NoiDungXuLy: content,
    TrangThai: PROGRESS_STATE_BY_STATUS[state],
    atMs,
    NgayBatDau: '',
    NgayKetThucTheoQuyDinh: times.dueAtMs === null ? '' : formatPortalTimestamp(new Date(times.dueAtMs)),
  });
  const lines: SeedLine[] = [];
  if (times.receivedAtMs !== null) lines.push(line(times.receivedAtMs, 'RECEIVED', 'Tiếp nhận hồ sơ'));
  const past = (candidate: DossierStatus[]) => candidate.includes(status);
  if (dossier.processingAtMs !== null && past(['PROCESSING', 'SUPPLEMENT_REQUESTED', 'AWAITING_FINANCIAL_OBLIGATION', 'SUSPENDED', 'RESOLVED', 'RESULT_RETURNED'])) {
    lines.push(line(dossier.processingAtMs, 'PROCESSING', 'Chuyển xử lý'));
  }
  if (dossier.pausedAtMs !== null && past(['SUPPLEMENT_REQUESTED', 'AWAITING_FINANCIAL_OBLIGATION', 'SUSPENDED'])) {
    lines.push(line(dossier.pausedAtMs, status, PAUSE_CONTENT[status] ?? 'Tạm dừng xử lý'));
  }
  if (times.finishedAtMs !== null) lines.push(line(times.finishedAtMs, status === 'RESULT_RETURNED' ? 'RESOLVED' : status, FINISH_CONTENT[status] ?? 'Hoàn thành xử lý'));
  if (times.returnedAtMs !== null) lines.push(line(times.returnedAtMs, 'RESULT_RETURNED', 'Đã trả kết quả'));
  return lines;
}

const PAUSE_CONTENT: Partial<Record<DossierStatus, string>> = {
  SUPPLEMENT_REQUESTED: 'Yêu cầu bổ sung giấy tờ',
  AWAITING_FINANCIAL_OBLIGATION: 'Yêu cầu thực hiện nghĩa vụ tài chính',
  SUSPENDED: 'Dừng xử lý',
};

const FINISH_CONTENT: Partial<Record<DossierStatus, string>> = {
  REJECTED: 'Không tiếp nhận hồ sơ',
  WITHDRAWN: 'Công dân rút hồ sơ',
  RESOLVED: 'Hoàn thành xử lý',
  RESULT_RETURNED: 'Hoàn thành xử lý',
};

function parse<S extends z.ZodType>(schema: S, body: unknown): { ok: true; data: z.output<S> } | { ok: false; reply: SimResponse } {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue ? issue.path.join('.') || '(gốc)' : '(gốc)';
  return { ok: false, reply: fail(PORTAL_ERROR_CODES.INVALID, `Dữ liệu không hợp lệ tại ${where}: ${issue?.message ?? ''}`) };
}

function ok(fields: Record<string, unknown>): SimResponse {
  return json(200, { error_code: PORTAL_ERROR_CODES.OK, message: SUCCESS_MESSAGE, ...fields });
}

function fail(errorCode: string, message: string): SimResponse {
  return json(200, { error_code: errorCode, message });
}

function tooMany(what: string, limit: number): SimResponse {
  return fail(PORTAL_ERROR_CODES.TOO_MANY, `Vượt quá số lượng cho phép: tối đa ${limit} ${what} mỗi lần gọi`);
}

function fingerprint(item: UpdateItem): string {
  return JSON.stringify(Object.entries(item).filter(([, value]) => value !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function progressKey(line: QuaTrinhXuLy): string {
  return [line.MaHoSo, line.ThoiDiemXuLy, line.TrangThai, line.NoiDungXuLy].join('\u0000');
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
