import { z } from 'zod';
import { isVietnamTimestamp, isVietnamTimestampOrEmpty } from './mapping.js';

/**
 * The one-stop-shop system's REST contract (Vietnamese field names, as in the national sync
 * payload `HoSoDongBoDVC`). Every reply carries `MaLoi` ("0" = success) and `ThongBao`.
 */
export const PROVINCIAL_ERROR_CODES = {
  OK: '0',
  /** Unknown path or method. */
  UNKNOWN_ENDPOINT: '1',
  /** The request did not pass validation (HTTP 400). */
  INVALID_REQUEST: '2',
  /** No dossier with that code (HTTP 404). */
  NOT_FOUND: '3',
  /** The requested status cannot follow the current one (HTTP 409). */
  ILLEGAL_STATUS_CHANGE: '4',
  /** The idempotency key MaYeuCau was already used for a different change (HTTP 409). */
  REQUEST_ID_REUSED: '5',
  /** A dossier with that code is held already, received under another MaYeuCau (HTTP 409). */
  ALREADY_HELD: '6',
  INTERNAL: '9',
} as const;

/** Page size limit of the change feed (bulk readers take a thousand at a time) and of a lookup. */
export const PROVINCIAL_MAX_PAGE = 1_000;
export const PROVINCIAL_MAX_LOOKUP = 100;

const timestampOrEmpty = z.string().refine(isVietnamTimestampOrEmpty, 'expected yyyyMMddHHmmss or an empty string');
const timestamp = z.string().refine(isVietnamTimestamp, 'expected yyyyMMddHHmmss');

export const provincialDossierSchema = z.object({
  MaHoSo: z.string().min(1),
  MaTTHC: z.string().min(1),
  TenTTHC: z.string(),
  /** Agency id of the receiving unit (mã định danh đơn vị). */
  MaDonVi: z.string(),
  MaXa: z.string().regex(/^\d{5}$/),
  MaTinh: z.string().regex(/^\d{2}$/),
  ChuHoSo: z.string(),
  SoGiayToChuHoSo: z.string(),
  /** 1 = 12-digit personal id, 2 = 9-digit legacy CMND. */
  LoaiDinhDanh: z.string(),
  /** 1 counter, 2 online, 3 postal (BCCI). */
  KenhThucHien: z.number().int(),
  /** National status code; unknown codes pass and map to no canonical status. */
  TrangThaiHoSo: z.number().int(),
  NgayNopHoSo: timestampOrEmpty,
  NgayTiepNhan: timestampOrEmpty,
  NgayHenTra: timestampOrEmpty,
  NgayKetThucXuLy: timestampOrEmpty,
  NgayTra: timestampOrEmpty,
  PhienBan: z.number().int().nonnegative(),
  NgayCapNhat: timestamp,
});

export type ProvincialDossierRecord = z.infer<typeof provincialDossierSchema>;

/** The part every reply has, checked before the rest so an error reply is never read as data. */
export const provincialReplyHeadSchema = z.object({
  MaLoi: z.string(),
  ThongBao: z.string().optional(),
});

const success = { MaLoi: z.literal(PROVINCIAL_ERROR_CODES.OK), ThongBao: z.string() };

export const changeFeedReplySchema = z.object({
  ...success,
  DuLieu: z.array(provincialDossierSchema),
  /** Opaque cursor after the last item; hand it back as `ConTro` to resume. */
  ConTro: z.string().min(1),
  ConDuLieu: z.boolean(),
});

export const lookupRequestSchema = z.object({
  DanhSachMaHoSo: z.array(z.string().min(1).max(64)).min(1).max(PROVINCIAL_MAX_LOOKUP),
});

export const lookupReplySchema = z.object({ ...success, DuLieu: z.array(provincialDossierSchema) });

export const statusWriteRequestSchema = z.object({
  TrangThaiHoSo: z.number().int().min(1).max(10),
  /** Idempotency key: the same MaYeuCau is applied once. */
  MaYeuCau: z.string().min(1).max(100),
  LyDo: z.string().max(1000),
  ThoiDiem: timestamp,
});

export type StatusWriteRequest = z.infer<typeof statusWriteRequestSchema>;

/**
 * `POST /api/v1/hoso`: a dossier received by interchange (tiếp nhận hồ sơ liên thông) from the
 * ministry's software or the hub, with the status and dates it has there. Fields the sender may
 * not know are optional and recorded empty.
 */
export const dossierReceiveRequestSchema = z.object({
  /** Idempotency key: a resend with the same MaYeuCau receives nothing new. */
  MaYeuCau: z.string().min(1).max(100),
  MaHoSo: z.string().min(1).max(64),
  MaTTHC: z.string().min(1).max(100),
  TenTTHC: z.string().max(1000).optional(),
  MaDonVi: z.string().max(50).optional(),
  MaXa: z.string().regex(/^\d{5}$/, 'expected a five-digit commune code'),
  MaTinh: z.string().regex(/^\d{2}$/, 'expected a two-digit province code'),
  ChuHoSo: z.string().max(500).optional(),
  SoGiayToChuHoSo: z.string().regex(/^(?:\d{9}|\d{12})?$/, 'expected a 12-digit personal id or a 9-digit CMND').optional(),
  KenhThucHien: z.number().int().min(1).max(3).optional(),
  TrangThaiHoSo: z.number().int().min(1).max(10),
  NgayNopHoSo: timestampOrEmpty.optional(),
  NgayTiepNhan: timestampOrEmpty,
  NgayHenTra: timestampOrEmpty,
  NgayKetThucXuLy: timestampOrEmpty,
  NgayTra: timestampOrEmpty,
  LyDo: z.string().max(1000),
  ThoiDiem: timestamp,
});

export type DossierReceiveRequest = z.infer<typeof dossierReceiveRequestSchema>;

/** The reply to a status write-back and to a receipt: the dossier's status and version after it. */
export const statusWriteReplySchema = z.object({
  ...success,
  DuLieu: z.object({
    MaHoSo: z.string(),
    TrangThaiHoSo: z.number().int(),
    PhienBan: z.number().int(),
    /** True when this MaYeuCau had already been processed: the reply is the one given then. */
    DaXuLy: z.boolean(),
  }),
});

export const healthReplySchema = z.object({
  ...success,
  DuLieu: z.object({ TrangThai: z.string(), ThoiDiem: timestamp }),
});
