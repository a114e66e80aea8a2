import { STATUS_CODE, statusFromCode, type DossierStatus } from '../../domain/dossier-status.js';
import { canReach, isTerminal } from '../../domain/status-transitions.js';
import type { DemoDataset, DemoDossier, DemoSystemView } from '../demo/demo-dataset.js';
import { forwardStep } from '../demo/forward-steps.js';
import { dueDate } from '../demo/vietnam-calendar.js';
import { visibleTimes } from '../demo/visible-times.js';
import { JsonBodyWriter, SimulatorServer, json, jsonString, seededRandom, type SimAnswer, type SimRequest, type SimResponse } from '../simulator-kit.js';
import { formatVietnamTimestamp, formatVietnamTimestampMs, parseVietnamTimestamp } from './mapping.js';
import {
  PROVINCIAL_ERROR_CODES,
  PROVINCIAL_MAX_PAGE,
  dossierReceiveRequestSchema,
  lookupRequestSchema,
  statusWriteRequestSchema,
  type DossierReceiveRequest,
  type ProvincialDossierRecord,
  type StatusWriteRequest,
} from './payloads.js';

export interface ProvincialSimulatorOptions {
  dataset: DemoDataset;
  seed: number;
  /** The system's clock; changes are stamped with it, kept strictly increasing. */
  clock?: () => Date;
}

/** One dossier moved by `advance`. */
export interface AdvancedDossier {
  dossierCode: string;
  from: DossierStatus;
  to: DossierStatus;
}

export interface ProvincialSimulator {
  server: SimulatorServer;
  /** Moves up to `count` distinct open dossiers one step forward; each step enters the change feed. */
  advance(count: number): AdvancedDossier[];
  /** The status the system holds, or null when it has no such dossier. */
  statusOf(dossierCode: string): DossierStatus | null;
  /**
   * Calls `listener` with the dossier's record after every change (advance or write-back), as a
   * system that pushes its changes to the hub would; null stops it.
   */
  onChange(listener: ((record: ProvincialDossierRecord) => void) | null): void;
}

/**
 * The provincial one-stop-shop system (Hệ thống thông tin giải quyết TTHC cấp tỉnh), serving:
 * - `GET  /api/v1/hoso/thaydoi?MaTinh=96&ConTro=<opaque>&SoLuong=1000` — change feed of a
 *   province in change-sequence order (SoLuong 1–1000, default 100). A dossier changed twice
 *   appears once, at its latest change, so a reader resuming from any cursor sees every
 *   dossier's current state exactly once.
 * - `POST /api/v1/hoso/tracuu {DanhSachMaHoSo}` — lookup of at most 100 codes; unknown ones are absent.
 * - `POST /api/v1/hoso/{MaHoSo}/trangthai {TrangThaiHoSo, MaYeuCau, LyDo, ThoiDiem}` — status
 *   write-back, idempotent by MaYeuCau; accepted when the new status can legally follow the
 *   current one in one or more steps (the hub corrects a lagging copy to where the dossier is).
 * - `POST /api/v1/hoso {MaYeuCau, MaHoSo, MaTTHC, MaXa, MaTinh, TrangThaiHoSo, NgayTiepNhan,
 *   NgayHenTra, NgayKetThucXuLy, NgayTra, LyDo, ThoiDiem, [TenTTHC, MaDonVi, ChuHoSo,
 *   SoGiayToChuHoSo, KenhThucHien, NgayNopHoSo]}` — receipt of a dossier by interchange (tiếp
 *   nhận hồ sơ liên thông) at the status the sender holds; HTTP 201 and `DuLieu {MaHoSo,
 *   TrangThaiHoSo, PhienBan, DaXuLy: false}`. Idempotent by MaYeuCau: a resend answers 200 with
 *   the first reply and `DaXuLy: true`; the same MaYeuCau with other facts answers 409 MaLoi 5;
 *   a MaHoSo held already answers 409 MaLoi 6. The dossier enters the change feed.
 * - `GET  /api/v1/suckhoe` — health.
 * Errors are `{MaLoi, ThongBao}`: 400 MaLoi 2 for an invalid request, 404 MaLoi 3 for an unknown
 * dossier, 409 MaLoi 4 for a status that cannot follow the current one.
 *
 * Demo copies render their drift: a legacy commune code (`MaXa`), a due date of their own
 * (`NgayHenTra`), and each of the dataset's duplicates as a second record under its own MaHoSo
 * with the original's facts.
 */
export function createProvincialSimulator(options: ProvincialSimulatorOptions): ProvincialSimulator {
  const office = new OneStopShop(options);
  const server = new SimulatorServer('provincial', (req) => office.handle(req), options.seed);
  return {
    server,
    advance: (count) => office.advance(count),
    statusOf: (code) => office.statusOf(code),
    onChange: (listener) => {
      office.listener = listener;
    },
  };
}

/**
 * What the system knows of a dossier besides its status and dates. A demo dossier has all of it
 * (and is used as is, so a million dossiers cost no copies); a received one has what its sender sent.
 */
interface DossierFacts {
  readonly procedureCode: string;
  readonly procedureName: string;
  readonly agencyId: string;
  readonly provinceCode: string;
  readonly applicantName: string;
  readonly applicantPersonalId: string;
  readonly channel: number;
  /** Null when the sender did not say when it was filed. */
  readonly submittedAtMs: number | null;
}

interface HoSo {
  /** MaHoSo: the national dossier code, or the second code a duplicate is held under. */
  readonly code: string;
  readonly facts: DossierFacts;
  /** MaXa as the system holds it: a pre-2025 code where the copy never migrated. */
  readonly communeCode: string;
  status: DossierStatus;
  receivedAtMs: number | null;
  dueAtMs: number | null;
  finishedAtMs: number | null;
  returnedAtMs: number | null;
  version: number;
  updatedAtMs: number;
  /** Sequence number of the latest change; older feed entries for this dossier are skipped. */
  sequence: number;
  /** Index in the list of open dossiers, or -1 when final. */
  openSlot: number;
}

/** One province's change feed: entries in sequence order, a dossier once per change. */
interface Feed {
  sequences: number[];
  entries: HoSo[];
}

interface WriteRecord {
  /** What the MaYeuCau was first used for: a reuse for anything else is refused. */
  fingerprint: string;
  reply: { MaHoSo: string; TrangThaiHoSo: number; PhienBan: number };
}

const CURSOR = /^v1\.(\d{2})\.(\d+)$/;
/** Statuses a dossier reaches only once an officer has received it (not refused or withdrawn at intake). */
const IMPLIES_RECEIPT = new Set<DossierStatus>([
  'RECEIVED',
  'PROCESSING',
  'SUPPLEMENT_REQUESTED',
  'AWAITING_FINANCIAL_OBLIGATION',
  'SUSPENDED',
  'RESOLVED',
  'RESULT_RETURNED',
]);

class OneStopShop {
  private readonly byCode = new Map<string, HoSo>();
  private readonly feeds = new Map<string, Feed>();
  private readonly open: HoSo[] = [];
  private readonly writes = new Map<string, WriteRecord>();
  private readonly processingDays = new Map<string, number>();
  private readonly random: () => number;
  private readonly clock: () => Date;
  private sequence = 0;
  private lastStampMs = 0;
  listener: ((record: ProvincialDossierRecord) => void) | null = null;

  constructor(options: ProvincialSimulatorOptions) {
    this.random = seededRandom(options.seed ^ 0x9e3779b9);
    this.clock = options.clock ?? (() => new Date());
    for (const procedure of options.dataset.procedures) this.processingDays.set(procedure.code, procedure.processingDays);

    const duplicatesOf = new Map<string, string[]>();
    for (const { dossierCode, duplicateCode } of options.dataset.duplicates) {
      duplicatesOf.set(dossierCode, [...(duplicatesOf.get(dossierCode) ?? []), duplicateCode]);
    }
    const records: HoSo[] = [];
    for (const dossier of options.dataset.dossiers) {
      const copy = dossier.provincial;
      const duplicates = duplicatesOf.get(dossier.code);
      if (!copy) {
        if (duplicates) throw new RangeError(`duplicate of ${dossier.code}, which the provincial system does not hold`);
        continue;
      }
      this.hold(seedRecord(dossier, copy, dossier.code), records);
      for (const code of duplicates ?? []) this.hold(seedRecord(dossier, copy, code), records);
      duplicatesOf.delete(dossier.code);
      this.lastStampMs = Math.max(this.lastStampMs, copy.updatedAtMs);
    }
    const [unknown] = duplicatesOf.keys();
    if (unknown !== undefined) throw new RangeError(`duplicate of ${unknown}, which the dataset does not hold`);
    // The feed starts in the order the dossiers last changed, as the system's history would have
    // it. Sorted as an index over a typed array of stamps,
    // which reads cheaper than the fields of a million objects.
    const stamps = new Float64Array(records.length);
    records.forEach((record, index) => {
      stamps[index] = record.updatedAtMs;
    });
    const order = new Uint32Array(records.length).map((_, index) => index);
    order.sort((a, b) => (stamps[a] ?? 0) - (stamps[b] ?? 0) || compareText((records[a] as HoSo).code, (records[b] as HoSo).code));
    for (const index of order) {
      const record = records[index] as HoSo;
      this.append(record);
      if (!isTerminal(record.status)) this.markOpen(record);
    }
  }

  /** Indexes a demo record by code, in dataset order: a million keys go in about twice as fast as in feed order. */
  private hold(record: HoSo, records: HoSo[]): void {
    if (this.byCode.has(record.code)) throw new RangeError(`the provincial system would hold ${record.code} twice`);
    this.byCode.set(record.code, record);
    records.push(record);
  }

  statusOf(code: string): DossierStatus | null {
    return this.byCode.get(code)?.status ?? null;
  }

  advance(count: number): AdvancedDossier[] {
    const picks = Math.min(Math.max(0, Math.floor(count)), this.open.length);
    // A partial Fisher–Yates shuffle: the first `picks` slots become a uniform sample of open dossiers.
    for (let slot = 0; slot < picks; slot += 1) {
      const other = slot + Math.floor(this.random() * (this.open.length - slot));
      this.swapOpen(slot, other);
    }
    const chosen = this.open.slice(0, picks);
    const moved: AdvancedDossier[] = [];
    for (const record of chosen) {
      const from = record.status;
      const to = forwardStep(from, this.random);
      if (!to) continue;
      this.change(record, to, this.tick());
      moved.push({ dossierCode: record.code, from, to });
    }
    return moved;
  }

  handle(req: SimRequest): SimAnswer {
    const path = req.url.pathname;
    if (path === '/api/v1/hoso/thaydoi') return req.method === 'GET' ? this.changes(req.url.searchParams) : methodNotAllowed();
    if (path === '/api/v1/hoso/tracuu') return req.method === 'POST' ? this.lookup(req.body) : methodNotAllowed();
    if (path === '/api/v1/suckhoe') return req.method === 'GET' ? this.health() : methodNotAllowed();
    if (path === '/api/v1/hoso') return req.method === 'POST' ? this.receive(req.body) : methodNotAllowed();
    const write = /^\/api\/v1\/hoso\/([^/]+)\/trangthai$/.exec(path);
    if (write?.[1] !== undefined) {
      if (req.method !== 'POST') return methodNotAllowed();
      const code = decodePathSegment(write[1]);
      return code === null ? invalid('MaHoSo không hợp lệ') : this.writeStatus(code, req.body);
    }
    return failure(404, PROVINCIAL_ERROR_CODES.UNKNOWN_ENDPOINT, `Không tìm thấy đường dẫn ${path}`);
  }

  private changes(params: URLSearchParams): SimAnswer {
    const province = params.get('MaTinh') ?? '';
    if (!/^\d{2}$/.test(province)) return invalid('MaTinh phải là mã tỉnh 2 chữ số');
    const size = Number(params.get('SoLuong') ?? String(DEFAULT_PAGE));
    if (!Number.isInteger(size) || size < 1 || size > PROVINCIAL_MAX_PAGE) {
      return invalid(`SoLuong phải từ 1 đến ${PROVINCIAL_MAX_PAGE}`);
    }
    let after = 0;
    const token = params.get('ConTro');
    if (token) {
      const match = CURSOR.exec(Buffer.from(token, 'base64url').toString('utf8'));
      if (!match || match[1] !== province) return invalid('ConTro không hợp lệ cho tỉnh này');
      after = Number(match[2]);
    }

    const feed = this.feeds.get(province);
    // Written as it is read, as `json` would write {MaLoi, ThongBao, DuLieu, ConTro, ConDuLieu}.
    const body = new JsonBodyWriter();
    body.write(`{"MaLoi":${jsonString(PROVINCIAL_ERROR_CODES.OK)},"ThongBao":${jsonString(SUCCESS)},"DuLieu":[`);
    let count = 0;
    let last = after;
    let more = false;
    if (feed) {
      let index = upperBound(feed.sequences, after);
      for (; index < feed.entries.length; index += 1) {
        const record = feed.entries[index] as HoSo;
        const sequence = feed.sequences[index] ?? 0;
        if (record.sequence !== sequence) continue;
        if (count === size) {
          more = true;
          break;
        }
        body.write(count === 0 ? renderJson(record) : `,${renderJson(record)}`);
        count += 1;
        last = sequence;
      }
      // Superseded entries at the tail need not be read again: move past them.
      if (!more) last = Math.max(last, feed.sequences.at(-1) ?? after);
    }
    const cursor = Buffer.from(`v1.${province}.${last}`, 'utf8').toString('base64url');
    body.write(`],"ConTro":${jsonString(cursor)},"ConDuLieu":${more}}`);
    return body.answer(200);
  }

  private lookup(body: string): SimResponse {
    const parsed = lookupRequestSchema.safeParse(parseJson(body));
    if (!parsed.success) return invalid(`DanhSachMaHoSo phải có từ 1 đến 100 mã hồ sơ`);
    const items: ProvincialDossierRecord[] = [];
    for (const code of new Set(parsed.data.DanhSachMaHoSo)) {
      const record = this.byCode.get(code);
      if (record) items.push(this.render(record));
    }
    return json(200, { MaLoi: PROVINCIAL_ERROR_CODES.OK, ThongBao: SUCCESS, DuLieu: items });
  }

  private writeStatus(code: string, body: string): SimResponse {
    const record = this.byCode.get(code);
    if (!record) return failure(404, PROVINCIAL_ERROR_CODES.NOT_FOUND, `Không tìm thấy hồ sơ ${code}`);
    const parsed = statusWriteRequestSchema.safeParse(parseJson(body));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return invalid(`Dữ liệu không hợp lệ: ${issue ? `${issue.path.join('.') || 'body'} ${issue.message}` : 'body'}`);
    }
    const request = parsed.data;
    const earlier = this.writes.get(request.MaYeuCau);
    if (earlier) {
      if (earlier.fingerprint !== statusWriteFingerprint(code, request)) {
        return failure(409, PROVINCIAL_ERROR_CODES.REQUEST_ID_REUSED, 'MaYeuCau đã được dùng cho một yêu cầu khác');
      }
      return written(earlier.reply, true);
    }
    return this.applyWrite(record, request);
  }

  private applyWrite(record: HoSo, request: StatusWriteRequest): SimResponse {
    const target = statusFromCode(request.TrangThaiHoSo);
    if (!target) return invalid('TrangThaiHoSo phải từ 1 đến 10');
    if (target !== record.status) {
      if (!canReach(record.status, target)) {
        return failure(
          409,
          PROVINCIAL_ERROR_CODES.ILLEGAL_STATUS_CHANGE,
          `Không thể chuyển hồ sơ từ trạng thái ${STATUS_CODE[record.status]} sang ${request.TrangThaiHoSo}`,
        );
      }
      const at = parseVietnamTimestamp(request.ThoiDiem)?.getTime() ?? this.tick();
      this.change(record, target, at);
    }
    const reply = { MaHoSo: record.code, TrangThaiHoSo: STATUS_CODE[record.status], PhienBan: record.version };
    this.writes.set(request.MaYeuCau, { fingerprint: statusWriteFingerprint(record.code, request), reply });
    return written(reply, false);
  }

  /** Receipt of a dossier by interchange, at the status and with the dates its sender holds. */
  private receive(body: string): SimResponse {
    const parsed = dossierReceiveRequestSchema.safeParse(parseJson(body));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return invalid(`Dữ liệu không hợp lệ: ${issue ? `${issue.path.join('.') || 'body'} ${issue.message}` : 'body'}`);
    }
    const request = parsed.data;
    const earlier = this.writes.get(request.MaYeuCau);
    if (earlier) {
      if (earlier.fingerprint !== receiptFingerprint(request)) {
        return failure(409, PROVINCIAL_ERROR_CODES.REQUEST_ID_REUSED, 'MaYeuCau đã được dùng cho một yêu cầu khác');
      }
      return written(earlier.reply, true);
    }
    if (this.byCode.has(request.MaHoSo)) {
      return failure(409, PROVINCIAL_ERROR_CODES.ALREADY_HELD, `Hồ sơ ${request.MaHoSo} đã có trong hệ thống`);
    }
    const status = statusFromCode(request.TrangThaiHoSo);
    if (!status) return invalid('TrangThaiHoSo phải từ 1 đến 10');
    const record: HoSo = {
      code: request.MaHoSo,
      facts: {
        procedureCode: request.MaTTHC,
        procedureName: request.TenTTHC ?? '',
        agencyId: request.MaDonVi ?? '',
        provinceCode: request.MaTinh,
        applicantName: request.ChuHoSo ?? '',
        applicantPersonalId: request.SoGiayToChuHoSo ?? '',
        // A dossier that arrives by interchange is recorded as received online.
        channel: request.KenhThucHien ?? 2,
        submittedAtMs: stampMs(request.NgayNopHoSo ?? ''),
      },
      communeCode: request.MaXa,
      status,
      receivedAtMs: stampMs(request.NgayTiepNhan),
      dueAtMs: stampMs(request.NgayHenTra),
      finishedAtMs: stampMs(request.NgayKetThucXuLy),
      returnedAtMs: stampMs(request.NgayTra),
      version: 1,
      updatedAtMs: this.tick(),
      sequence: 0,
      openSlot: -1,
    };
    this.byCode.set(record.code, record);
    this.append(record);
    if (!isTerminal(status)) this.markOpen(record);
    const reply = { MaHoSo: record.code, TrangThaiHoSo: STATUS_CODE[status], PhienBan: record.version };
    this.writes.set(request.MaYeuCau, { fingerprint: receiptFingerprint(request), reply });
    this.listener?.(this.render(record));
    return { ...written(reply, false, 'Tiếp nhận hồ sơ liên thông thành công'), status: 201 };
  }

  private health(): SimResponse {
    return json(200, {
      MaLoi: PROVINCIAL_ERROR_CODES.OK,
      ThongBao: 'Hệ thống hoạt động bình thường',
      DuLieu: { TrangThai: 'HoatDong', ThoiDiem: formatVietnamTimestamp(this.clock()) },
    });
  }

  /** Applies a new status with the dates it implies, at `atMs` on the dossier's own timeline. */
  private change(record: HoSo, status: DossierStatus, atMs: number): void {
    record.status = status;
    if (IMPLIES_RECEIPT.has(status) && record.receivedAtMs === null) {
      record.receivedAtMs = atMs;
      record.dueAtMs = dueDate(atMs, this.processingDays.get(record.facts.procedureCode) ?? 1);
    }
    if (status === 'RESOLVED' || status === 'WITHDRAWN' || status === 'REJECTED') record.finishedAtMs = atMs;
    if (status === 'RESULT_RETURNED') {
      record.finishedAtMs ??= atMs;
      record.returnedAtMs = atMs;
    }
    record.version += 1;
    record.updatedAtMs = this.tick();
    this.append(record);
    if (isTerminal(status) && record.openSlot >= 0) this.markClosed(record);
    this.listener?.(this.render(record));
  }

  private append(record: HoSo): void {
    this.sequence += 1;
    record.sequence = this.sequence;
    const province = record.facts.provinceCode;
    let feed = this.feeds.get(province);
    if (!feed) {
      feed = { sequences: [], entries: [] };
      this.feeds.set(province, feed);
    }
    feed.sequences.push(this.sequence);
    feed.entries.push(record);
  }

  /** The system clock, strictly increasing so the feed's dates never go backwards. */
  private tick(): number {
    this.lastStampMs = Math.max(this.clock().getTime(), this.lastStampMs + 1);
    return this.lastStampMs;
  }

  private markOpen(record: HoSo): void {
    record.openSlot = this.open.length;
    this.open.push(record);
  }

  private markClosed(record: HoSo): void {
    const slot = record.openSlot;
    this.swapOpen(slot, this.open.length - 1);
    this.open.pop();
    record.openSlot = -1;
  }

  private swapOpen(a: number, b: number): void {
    const first = this.open[a];
    const second = this.open[b];
    if (!first || !second) return;
    this.open[a] = second;
    this.open[b] = first;
    second.openSlot = a;
    first.openSlot = b;
  }

  private render(record: HoSo): ProvincialDossierRecord {
    const { facts } = record;
    return {
      MaHoSo: record.code,
      MaTTHC: facts.procedureCode,
      TenTTHC: facts.procedureName,
      MaDonVi: facts.agencyId,
      MaXa: record.communeCode,
      MaTinh: facts.provinceCode,
      ChuHoSo: facts.applicantName,
      SoGiayToChuHoSo: facts.applicantPersonalId,
      LoaiDinhDanh: identityType(facts.applicantPersonalId),
      KenhThucHien: facts.channel,
      TrangThaiHoSo: STATUS_CODE[record.status],
      NgayNopHoSo: stamp(facts.submittedAtMs),
      NgayTiepNhan: stamp(record.receivedAtMs),
      NgayHenTra: stamp(record.dueAtMs),
      NgayKetThucXuLy: stamp(record.finishedAtMs),
      NgayTra: stamp(record.returnedAtMs),
      PhienBan: record.version,
      NgayCapNhat: stamp(record.updatedAtMs),
    };
  }
}

const DEFAULT_PAGE = 100;
const SUCCESS = 'Thành công';

/**
 * The record `render` gives, as the JSON text JSON.stringify would write of it, keys in the same
 * order: a change-feed page writes a thousand of them without building an object each.
 */
function renderJson(record: HoSo): string {
  const { facts } = record;
  return (
    `{"MaHoSo":${jsonString(record.code)},"MaTTHC":${jsonString(facts.procedureCode)},"TenTTHC":${jsonString(facts.procedureName)}` +
    `,"MaDonVi":${jsonString(facts.agencyId)},"MaXa":${jsonString(record.communeCode)},"MaTinh":${jsonString(facts.provinceCode)}` +
    `,"ChuHoSo":${jsonString(facts.applicantName)},"SoGiayToChuHoSo":${jsonString(facts.applicantPersonalId)}` +
    `,"LoaiDinhDanh":"${identityType(facts.applicantPersonalId)}","KenhThucHien":${facts.channel}` +
    `,"TrangThaiHoSo":${STATUS_CODE[record.status]},"NgayNopHoSo":"${stamp(facts.submittedAtMs)}","NgayTiepNhan":"${stamp(record.receivedAtMs)}"` +
    `,"NgayHenTra":"${stamp(record.dueAtMs)}","NgayKetThucXuLy":"${stamp(record.finishedAtMs)}","NgayTra":"${stamp(record.returnedAtMs)}"` +
    `,"PhienBan":${record.version},"NgayCapNhat":"${stamp(record.updatedAtMs)}"}`
  );
}

/** A demo dossier's copy as the system holds it under `code`, with the drift the copy carries. */
function seedRecord(dossier: DemoDossier, copy: DemoSystemView, code: string): HoSo {
  const times = visibleTimes(dossier, copy.status);
  return {
    code,
    facts: dossier,
    communeCode: copy.communeCode ?? dossier.communeCode,
    status: copy.status,
    receivedAtMs: times.receivedAtMs,
    // A copy with a due date of its own shows it; one not yet received shows none at all.
    dueAtMs: copy.dueAtMs !== undefined && times.dueAtMs !== null ? copy.dueAtMs : times.dueAtMs,
    finishedAtMs: times.finishedAtMs,
    returnedAtMs: times.returnedAtMs,
    // One version per recorded step of the history the demo data implies (filed, received, decided, returned).
    version: 1 + Number(times.receivedAtMs !== null) + Number(times.finishedAtMs !== null) + Number(times.returnedAtMs !== null),
    updatedAtMs: copy.updatedAtMs,
    sequence: 0,
    openSlot: -1,
  };
}

/** 1 for a 12-digit personal id, 2 for a 9-digit CMND, empty when there is none. */
function identityType(personalId: string): string {
  if (personalId === '') return '';
  return personalId.length === 9 ? '2' : '1';
}

/** A status write is the same request when it asks the same dossier for the same status. */
function statusWriteFingerprint(code: string, request: StatusWriteRequest): string {
  return JSON.stringify(['trangthai', code, request.TrangThaiHoSo]);
}

/** A receipt is the same request when it carries the same facts; the note and instant may differ. */
function receiptFingerprint(request: DossierReceiveRequest): string {
  const { MaYeuCau: _key, LyDo: _reason, ThoiDiem: _at, ...facts } = request;
  return JSON.stringify(['hoso', ...Object.entries(facts).sort(([a], [b]) => compareText(a, b))]);
}

function stampMs(text: string): number | null {
  return text === '' ? null : (parseVietnamTimestamp(text)?.getTime() ?? null);
}

function stamp(ms: number | null): string {
  return ms === null ? '' : formatVietnamTimestampMs(ms);
}

function written(reply: WriteRecord['reply'], replay: boolean, done = 'Cập nhật trạng thái thành công'): SimResponse {
  return json(200, {
    MaLoi: PROVINCIAL_ERROR_CODES.OK,
    ThongBao: replay ? 'Yêu cầu đã được xử lý trước đó' : done,
    DuLieu: { ...reply, DaXuLy: replay },
  });
}

function failure(status: number, code: string, message: string): SimResponse {
  return json(status, { MaLoi: code, ThongBao: message });
}

function invalid(message: string): SimResponse {
  return failure(400, PROVINCIAL_ERROR_CODES.INVALID_REQUEST, message);
}

function methodNotAllowed(): SimResponse {
  return failure(405, PROVINCIAL_ERROR_CODES.UNKNOWN_ENDPOINT, 'Phương thức không được hỗ trợ');
}

function decodePathSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
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
