import type { z } from 'zod';
import type { DossierStatus } from '../../domain/dossier-status.js';
import type { DemoDataset, DemoDossier } from '../demo/demo-dataset.js';
import { visibleTimes, type VisibleTimes } from '../demo/visible-times.js';
import {
  JsonBodyWriter,
  SimulatorServer,
  json,
  jsonString,
  readSequenceCursor,
  writeSequenceCursor,
  type SimAnswer,
  type SimRequest,
  type SimResponse,
} from '../simulator-kit.js';
import { buildDemoPortal, type DemoPortalEntry } from './demo-portal.js';
import { PORTAL_CODE_BY_STATUS, PROGRESS_STATE_BY_STATUS, formatPortalTimestamp, formatPortalTimestampMs } from './mapping.js';
import {
  PORTAL_ERROR_CODES,
  PORTAL_LIMITS,
  PORTAL_PATHS,
  SUCCESS_MESSAGE,
  changesQuerySchema,
  createRequestSchema,
  lookupRequestSchema,
  progressRequestSchema,
  updateRequestSchema,
  type HoSo,
  type PortalDossierRecord,
  type PortalDossierSummary,
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

/** A record's content once the portal holds it as its own (created, or changed since seeding). */
interface OwnRecord {
  hoSo: HoSo;
  progress: QuaTrinhXuLy[];
  progressKeys: Set<string>;
}

interface StoredDossier {
  /**
   * The demo entry a seeded record is rendered from while `own` is null. Rendering on demand
   * keeps a million seeded dossiers at a few small fields each instead of ~30 strings and a Set.
   */
  readonly seed: DemoPortalEntry | null;
  own: OwnRecord | null;
  /** MaTinh as held now: the feed of that province lists the record. */
  province: string;
  version: number;
  updatedAtMs: number;
  /** Sequence of the latest change; older feed entries for this record are skipped. */
  sequence: number;
}

/** One province's change feed: entries in sequence order, a record once per change. */
interface Feed {
  sequences: number[];
  entries: StoredDossier[];
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
 *   with other content answers "5". Any HoSo field but MaHoSo and NoiNopHoSo may change.
 * - `POST /api/hoso/tientrinh [QuaTrinhXuLy…]` (≤ 10) — progress lines; a line the portal holds
 *   already (same dossier, instant, state and content) is counted, not added again.
 * - `POST /api/hoso/tracuu {DanhSachMaHoSo}` (≤ 100) — read-back with progress; unknown codes absent.
 * - `GET /api/hoso/thaydoi?MaTinh=96&ConTro=<opaque>&SoLuong=1000` (SoLuong 1–1000, default
 *   100) — the dossiers of a province changed after the cursor, oldest change first, without
 *   progress lines: `{DanhSachHoSo: [HoSo + NgayCapNhat + PhienBan], ConTro, ConDuLieu}`. Every
 *   create, update and new progress line makes a change; a dossier changed twice appears once, at
 *   its latest change. A cursor of another province answers "1", a page over 1000 answers "4".
 * - `GET /api/trangthai` — health.
 * Replies are `{error_code, message, …}` with HTTP 200, "0" + "thành công" on success; a body
 * that is not JSON answers HTTP 400 with error_code "1". Admin: `GET /__admin/ground-truth`.
 *
 * Demo records mirror the provincial copy, drift included: its legacy commune code (`MaXa`) and
 * its own due date (`NgayHenTra`).
 */
export function createNationalPortalSimulator(options: NationalPortalSimulatorOptions): NationalPortalSimulator {
  const demo = buildDemoPortal(options.dataset, options.seed, options.driftRate);
  const portal = new Portal(demo.entries, options.clock ?? (() => new Date()));
  const server = new SimulatorServer('national-portal', (req) => portal.handle(req), options.seed);
  server.addAdminRoute('ground-truth', () => demo.groundTruth);
  return { server, statusOf: (code) => portal.statusOf(code) };
}

const CURSOR_PREFIX = 'dvcqg.thaydoi.';

class Portal {
  private readonly dossiers = new Map<string, StoredDossier>();
  private readonly updates = new Map<string, AppliedUpdate>();
  private readonly feeds = new Map<string, Feed>();
  private sequence = 0;

  constructor(
    entries: readonly DemoPortalEntry[],
    private readonly clock: () => Date,
  ) {
    const seeded = entries.map((entry): StoredDossier => {
      const stored: StoredDossier = {
        seed: entry,
        own: null,
        province: entry.dossier.provinceCode,
        version: 1 + seedStepCount(entry.dossier, entry.status),
        updatedAtMs: entry.updatedAtMs,
        sequence: 0,
      };
      // Indexed in dataset order: a million keys go in about twice as fast as in feed order.
      this.dossiers.set(entry.dossier.code, stored);
      return stored;
    });
    // The feed starts in the order the records last changed, as the portal's history would have
    // it. Sorted as an index over a typed array of stamps,
    // which reads cheaper than the fields of a million objects.
    const stamps = new Float64Array(seeded.length);
    seeded.forEach((stored, index) => {
      stamps[index] = stored.updatedAtMs;
    });
    const order = new Uint32Array(seeded.length).map((_, index) => index);
    order.sort((a, b) => (stamps[a] ?? 0) - (stamps[b] ?? 0) || compareText(codeOf(seeded[a] as StoredDossier), codeOf(seeded[b] as StoredDossier)));
    for (const index of order) this.append(seeded[index] as StoredDossier);
  }

  statusOf(code: string): DossierStatus | null {
    const stored = this.dossiers.get(code);
    if (!stored) return null;
    if (stored.own) return PORTAL_STATUS[stored.own.hoSo.TrangThaiHoSo] ?? null;
    return stored.seed?.status ?? null;
  }

  handle(req: SimRequest): SimAnswer {
    const path = req.url.pathname;
    if (req.method === 'GET') {
      if (path === PORTAL_PATHS.health) {
        return ok({ ThoiGianMayChu: formatPortalTimestamp(this.clock()), SoHoSo: this.dossiers.size });
      }
      if (path === PORTAL_PATHS.changes) return this.changes(req.url.searchParams);
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
      const stored: StoredDossier = {
        seed: null,
        own: { hoSo, progress: [], progressKeys: new Set() },
        province: hoSo.MaTinh,
        version: 1,
        updatedAtMs: now,
        sequence: 0,
      };
      this.dossiers.set(hoSo.MaHoSo, stored);
      this.append(stored);
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
      const own = this.materialize(stored);
      const { MaHoSo: _code, MaYeuCau: _key, ...changes } = item;
      own.hoSo = { ...own.hoSo, ...definedOnly(changes) };
      stored.province = own.hoSo.MaTinh;
      this.touch(stored);
      const result = { MaHoSo: item.MaHoSo, MaYeuCau: item.MaYeuCau, TrangThaiHoSo: own.hoSo.TrangThaiHoSo, PhienBan: stored.version };
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
      const own = this.materialize(stored);
      const key = progressKey(line);
      if (own.progressKeys.has(key)) continue;
      own.progressKeys.add(key);
      own.progress.push(line);
      own.progress.sort((a, b) => (a.ThoiDiemXuLy < b.ThoiDiemXuLy ? -1 : a.ThoiDiemXuLy > b.ThoiDiemXuLy ? 1 : 0));
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
      const progress = (stored.own ?? seededRecord(stored.seed as DemoPortalEntry)).progress;
      found.push({ ...summaryOf(stored), QuaTrinhXuLy: progress });
    }
    return ok({ DanhSachHoSo: found });
  }

  private changes(params: URLSearchParams): SimAnswer {
    const parsed = parse(changesQuerySchema, Object.fromEntries(params));
    if (!parsed.ok) return parsed.reply;
    const { MaTinh: province, ConTro: token, SoLuong: size = PORTAL_LIMITS.feedDefault } = parsed.data;
    if (size > PORTAL_LIMITS.feed) return tooMany('hồ sơ', PORTAL_LIMITS.feed);
    const after = readSequenceCursor(`${CURSOR_PREFIX}${province}.`, token ?? null);
    if (after === null) return fail(PORTAL_ERROR_CODES.INVALID, 'ConTro không hợp lệ cho tỉnh này');

    const feed = this.feeds.get(province);
    // Written as it is read, as `ok` would write {error_code, message, DanhSachHoSo, ConTro, ConDuLieu}.
    const body = new JsonBodyWriter();
    body.write(`{"error_code":${jsonString(PORTAL_ERROR_CODES.OK)},"message":${jsonString(SUCCESS_MESSAGE)},"DanhSachHoSo":[`);
    let count = 0;
    let last = after;
    let more = false;
    if (feed) {
      for (let index = upperBound(feed.sequences, after); index < feed.entries.length; index += 1) {
        const stored = feed.entries[index] as StoredDossier;
        const sequence = feed.sequences[index] ?? 0;
        // Superseded by a later change of the same record, or moved to another province's feed.
        if (stored.sequence !== sequence) continue;
        if (count === size) {
          more = true;
          break;
        }
        body.write(count === 0 ? summaryJson(stored) : `,${summaryJson(stored)}`);
        count += 1;
        last = sequence;
      }
      // Superseded entries at the tail need not be read again: move past them.
      if (!more) last = Math.max(last, feed.sequences.at(-1) ?? after);
    }
    body.write(`],"ConTro":${jsonString(writeSequenceCursor(`${CURSOR_PREFIX}${province}.`, last))},"ConDuLieu":${more}}`);
    return body.answer(200);
  }

  /** The record as the portal's own, built from its demo entry the first time it changes. */
  private materialize(stored: StoredDossier): OwnRecord {
    stored.own ??= seededRecord(stored.seed as DemoPortalEntry);
    return stored.own;
  }

  /**
   * A change stamps the portal's clock, one second past the last stamp at least (stamps have
   * second resolution), and moves the record to the end of its province's feed.
   */
  private touch(stored: StoredDossier): void {
    stored.version += 1;
    stored.updatedAtMs = Math.max(this.clock().getTime(), stored.updatedAtMs + 1_000);
    this.append(stored);
  }

  private append(stored: StoredDossier): void {
    this.sequence += 1;
    stored.sequence = this.sequence;
    let feed = this.feeds.get(stored.province);
    if (!feed) {
      feed = { sequences: [], entries: [] };
      this.feeds.set(stored.province, feed);
    }
    feed.sequences.push(this.sequence);
    feed.entries.push(stored);
  }
}

function codeOf(stored: StoredDossier): string {
  return stored.own?.hoSo.MaHoSo ?? (stored.seed as DemoPortalEntry).dossier.code;
}

/** The record as listed: a seeded one is rendered afresh, so it takes the two fields in place. */
function summaryOf(stored: StoredDossier): PortalDossierSummary {
  const listed = { NgayCapNhat: stamp(stored.updatedAtMs), PhienBan: stored.version };
  return stored.own ? { ...stored.own.hoSo, ...listed } : Object.assign(seededHoSo(stored.seed as DemoPortalEntry), listed);
}

/**
 * {@link summaryOf} as the JSON text JSON.stringify would write of it: a seeded record is written
 * straight from its demo entry, keys in the order {@link seededHoSo} gives them, so a change-feed
 * page of a thousand builds no object per record.
 */
function summaryJson(stored: StoredDossier): string {
  if (stored.own) return JSON.stringify(summaryOf(stored));
  const entry = stored.seed as DemoPortalEntry;
  const { dossier, status } = entry;
  const times = seedTimes(entry);
  const decided = stamp(times.finishedAtMs);
  const personalId = jsonString(dossier.applicantPersonalId);
  return (
    `{"MaHoSo":${jsonString(dossier.code)},"MaTTHC":${jsonString(dossier.procedureCode)},"TenTTHC":${jsonString(dossier.procedureName)}` +
    `,"KenhThucHien":"${dossier.channel}","LoaiDoiTuong":"1","ChuHoSo":${jsonString(dossier.applicantName)},"SoGiayToChuHoSo":${personalId}` +
    `,"DinhDanhCHS":[{"LoaiDinhDanh":"1","SoDinhDanh":${personalId}}]` +
    `,"TrichYeuHoSo":${jsonString(`${dossier.procedureName} - ${dossier.applicantName}`)}` +
    `,"NgayNopHoSo":"${stamp(dossier.submittedAtMs)}","NgayTiepNhan":"${stamp(times.receivedAtMs)}","NgayHenTra":"${stamp(times.dueAtMs)}"` +
    `,"NgayTra":"${stamp(times.returnedAtMs)}","NgayKetThucXuLy":"${decided}","NgayTuChoi":"${status === 'REJECTED' ? decided : ''}"` +
    `,"TrangThaiHoSo":"${PORTAL_CODE_BY_STATUS[status]}","DonViXuLy":${jsonString(dossier.agencyId)},"MaTinh":${jsonString(dossier.provinceCode)}` +
    `,"MaXa":${jsonString(dossier.provincial?.communeCode ?? dossier.communeCode)},"NoiNopHoSo":"2","GhiChu":""` +
    `,"NgayCapNhat":"${stamp(stored.updatedAtMs)}","PhienBan":${stored.version}}`
  );
}

const PORTAL_STATUS: Readonly<Record<string, DossierStatus>> = Object.fromEntries(
  Object.entries(PORTAL_CODE_BY_STATUS).map(([status, code]) => [code, status as DossierStatus]),
);

/** The dates a demo record shows: the dossier's as its status implies, and the provincial copy's own due date. */
function seedTimes(entry: DemoPortalEntry): VisibleTimes {
  const times = visibleTimes(entry.dossier, entry.status);
  const ownDue = entry.dossier.provincial?.dueAtMs;
  // A copy that shows no due date (not received) shows none whatever the province holds.
  return ownDue === undefined || times.dueAtMs === null ? times : { ...times, dueAtMs: ownDue };
}

/** A demo dossier as the province's sync left it on the portal: the provincial copy, drift included. */
function seededHoSo(entry: DemoPortalEntry): HoSo {
  const { dossier, status } = entry;
  const times = seedTimes(entry);
  const decided = times.finishedAtMs;
  return {
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
    // A provincial copy that kept a pre-2025 commune code synced that code.
    MaXa: dossier.provincial?.communeCode ?? dossier.communeCode,
    NoiNopHoSo: '2',
    GhiChu: '',
  };
}

/** A demo record with the progress lines of the steps the province reported. */
function seededRecord(entry: DemoPortalEntry): OwnRecord {
  const times = seedTimes(entry);
  const due = stamp(times.dueAtMs);
  const progress = seedSteps(entry.dossier, entry.status, times).map(
    (step): QuaTrinhXuLy => ({
      MaHoSo: entry.dossier.code,
      NguoiXuLy: 'Bộ phận một cửa',
      ChucDanh: 'Công chức tư pháp - hộ tịch',
      ThoiDiemXuLy: stamp(step.atMs),
      PhongBanXuLy: 'Bộ phận tiếp nhận và trả kết quả',
      NoiDungXuLy: step.content,
      TrangThai: PROGRESS_STATE_BY_STATUS[step.state],
      NgayBatDau: '',
      NgayKetThucTheoQuyDinh: due,
    }),
  );
  return { hoSo: seededHoSo(entry), progress, progressKeys: new Set(progress.map(progressKey)) };
}

/** How many steps {@link seedSteps} lists, without listing them: counted for every seeded record. */
function seedStepCount(dossier: DemoDossier, status: DossierStatus): number {
  const received = status !== 'SUBMITTED' && dossier.receivedAtMs !== null;
  const finished = DECIDED.has(status) && dossier.finishedAtMs !== null;
  const returned = status === 'RESULT_RETURNED' && dossier.returnedAtMs !== null;
  const processing = dossier.processingAtMs !== null && AFTER_PROCESSING.has(status);
  const paused = dossier.pausedAtMs !== null && PAUSED.has(status);
  return Number(received) + Number(processing) + Number(paused) + Number(finished) + Number(returned);
}

interface SeedStep {
  atMs: number;
  state: DossierStatus;
  content: string;
}

/** The steps the province reported, up to the status the portal shows (one version each). */
function seedSteps(dossier: DemoDossier, status: DossierStatus, times: VisibleTimes): SeedStep[] {
  const steps: SeedStep[] = [];
  if (times.receivedAtMs !== null) steps.push({ atMs: times.receivedAtMs, state: 'RECEIVED', content: 'Tiếp nhận hồ sơ' });
  if (dossier.processingAtMs !== null && AFTER_PROCESSING.has(status)) {
    steps.push({ atMs: dossier.processingAtMs, state: 'PROCESSING', content: 'Chuyển xử lý' });
  }
  if (dossier.pausedAtMs !== null && PAUSED.has(status)) {
    steps.push({ atMs: dossier.pausedAtMs, state: status, content: PAUSE_CONTENT[status] ?? 'Tạm dừng xử lý' });
  }
  if (times.finishedAtMs !== null) {
    steps.push({ atMs: times.finishedAtMs, state: status === 'RESULT_RETURNED' ? 'RESOLVED' : status, content: FINISH_CONTENT[status] ?? 'Hoàn thành xử lý' });
  }
  if (times.returnedAtMs !== null) steps.push({ atMs: times.returnedAtMs, state: 'RESULT_RETURNED', content: 'Đã trả kết quả' });
  return steps;
}

const AFTER_PROCESSING = new Set<DossierStatus>([
  'PROCESSING',
  'SUPPLEMENT_REQUESTED',
  'AWAITING_FINANCIAL_OBLIGATION',
  'SUSPENDED',
  'RESOLVED',
  'RESULT_RETURNED',
]);
const PAUSED = new Set<DossierStatus>(['SUPPLEMENT_REQUESTED', 'AWAITING_FINANCIAL_OBLIGATION', 'SUSPENDED']);
/** The statuses whose copy shows a decision date (as `visibleTimes` has it). */
const DECIDED = new Set<DossierStatus>(['RESOLVED', 'RESULT_RETURNED', 'WITHDRAWN', 'REJECTED']);

function stamp(ms: number | null): string {
  return ms === null ? '' : formatPortalTimestampMs(ms);
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

/** First index whose value is greater than `value` in an ascending array. */
function upperBound(values: readonly number[], value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] ?? 0) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
