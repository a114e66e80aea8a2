import { z } from 'zod';
import { isPortalTimestamp, isPortalTimestampOrEmpty } from './mapping.js';

/**
 * The National Public Service Portal's sync API (DVCQG, VIETNAM-EGOV.md §2.3) as JSON schemas.
 * Codes travel as strings, as in the portal's `HoSoDongBoDVC`; dates are `yyyyMMddHHmmss` on a
 * Vietnamese wall clock, `""` for "not yet". Every reply carries `error_code` and `message`.
 *
 * Simulated, not found in the sources: `MaTinh`/`MaXa` (the receiving unit's province and
 * commune, which a post-2025 portal needs beside `DonViXuLy`), `MaYeuCau` on updates (the
 * idempotency key), `PhienBan`/`NgayCapNhat`, the read-back endpoint `tracuu` and the change
 * feed `thaydoi` (with its opaque `ConTro` and `ConDuLieu`, as the provincial systems page theirs).
 */

export const PORTAL_PATHS = {
  create: '/api/hoso/themmoi',
  update: '/api/hoso/capnhat',
  progress: '/api/hoso/tientrinh',
  lookup: '/api/hoso/tracuu',
  changes: '/api/hoso/thaydoi',
  health: '/api/trangthai',
} as const;

/** `error_code` values. "0" and "3" are the portal's (§2.3); the others are the simulator's. */
export const PORTAL_ERROR_CODES = {
  OK: '0',
  /** A field is missing or malformed; the message names it. */
  INVALID: '1',
  /** No dossier with that MaHoSo (update, progress). */
  NOT_FOUND: '2',
  /** Create of a MaHoSo the portal already holds: send an update instead. */
  EXISTS: '3',
  /** More items than the endpoint takes in one call. */
  TOO_MANY: '4',
  /** The MaYeuCau was already used for a different change. */
  REQUEST_ID_REUSED: '5',
  INTERNAL: '-1',
} as const;

export const PORTAL_LIMITS = {
  /** Dossiers per create or update call. */
  batch: 50,
  /** Progress lines per call (§2.3: at most 10). */
  progress: 10,
  /** Codes per read-back call. */
  lookup: 100,
  /** Dossiers per change-feed page (`SoLuong`), and the page size when it is not given. */
  feed: 1_000,
  feedDefault: 100,
} as const;

export const SUCCESS_MESSAGE = 'thành công';

const statusCode = z.string().regex(/^(?:[1-9]|10)$/, 'expected TrangThaiHoSo 1–10');
const timestamp = z.string().refine(isPortalTimestamp, 'expected yyyyMMddHHmmss');
const timestampOrEmpty = z.string().refine(isPortalTimestampOrEmpty, 'expected yyyyMMddHHmmss or ""');
const text = (max: number) => z.string().max(max);

/** The dossier fields the hub exchanges with the portal (a subset of `HoSoDongBoDVC`). */
export const hoSoSchema = z.object({
  MaHoSo: z.string().min(1).max(100),
  MaTTHC: z.string().min(1).max(100),
  TenTTHC: text(1000),
  /** 1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích. */
  KenhThucHien: z.enum(['1', '2', '3']),
  /** 1 công dân, 2 doanh nghiệp, 3 cơ quan nhà nước, 4 tổ chức khác. */
  LoaiDoiTuong: z.enum(['1', '2', '3', '4']),
  ChuHoSo: text(500),
  SoGiayToChuHoSo: text(50),
  /** LoaiDinhDanh 1 = 12-digit personal id, 2 = 9-digit CMND. */
  DinhDanhCHS: z.array(z.object({ LoaiDinhDanh: z.enum(['1', '2']), SoDinhDanh: text(50) })).max(5),
  TrichYeuHoSo: text(1000),
  NgayNopHoSo: timestamp,
  NgayTiepNhan: timestampOrEmpty,
  NgayHenTra: timestampOrEmpty,
  NgayTra: timestampOrEmpty,
  NgayKetThucXuLy: timestampOrEmpty,
  NgayTuChoi: timestampOrEmpty,
  TrangThaiHoSo: statusCode,
  /** Agency id of the processing unit, `NNN.NN.NN.Xnn`. */
  DonViXuLy: z.string().regex(/^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/, 'expected an agency id NNN.NN.NN.Xnn'),
  MaTinh: z.string().regex(/^\d{2}$/, 'expected a two-digit province code'),
  MaXa: z.string().regex(/^\d{5}$/, 'expected a five-digit commune code'),
  /** Always "2" in the portal's own payloads. */
  NoiNopHoSo: z.literal('2'),
  GhiChu: text(1000),
});
export type HoSo = z.output<typeof hoSoSchema>;

export const createRequestSchema = z.array(hoSoSchema).min(1);

/**
 * An update: the dossier, the idempotency key and the fields that change. The portal's own
 * update resends the whole record; the simulated one also accepts the changed fields alone.
 * `NoiNopHoSo` is the portal's own and never changes.
 */
export const updateItemSchema = hoSoSchema
  .omit({ MaHoSo: true, NoiNopHoSo: true })
  .partial()
  .extend({
    MaHoSo: z.string().min(1).max(100),
    /** Correction id: an update carrying a MaYeuCau already applied is answered, not applied again. */
    MaYeuCau: z.string().min(1).max(100),
  });
export type UpdateItem = z.output<typeof updateItemSchema>;
export const updateRequestSchema = z.array(updateItemSchema).min(1);

/** A progress line `QuaTrinhXuLy` (§2.3). */
export const quaTrinhXuLySchema = z.object({
  MaHoSo: z.string().min(1).max(100),
  NguoiXuLy: text(50).min(1),
  ChucDanh: text(200),
  ThoiDiemXuLy: timestamp,
  PhongBanXuLy: text(500),
  NoiDungXuLy: text(2000).min(1),
  /** 2 received, 4 processing, 9 finished (§2.3); other national codes pass. */
  TrangThai: statusCode,
  NgayBatDau: timestampOrEmpty,
  NgayKetThucTheoQuyDinh: timestampOrEmpty,
});
export type QuaTrinhXuLy = z.output<typeof quaTrinhXuLySchema>;
export const progressRequestSchema = z.array(quaTrinhXuLySchema).min(1);

export const lookupRequestSchema = z.object({ DanhSachMaHoSo: z.array(z.string().min(1).max(100)).min(1) });

// --- replies ----------------------------------------------------------------------------------

/** The part every reply has, read first so an error reply is never read as data. */
export const replyHeadSchema = z.object({ error_code: z.string(), message: z.string() });

export const createReplySchema = replyHeadSchema.extend({ DanhSachMaHoSo: z.array(z.string()) });

export const updateReplySchema = replyHeadSchema.extend({
  KetQua: z.array(
    z.object({
      MaHoSo: z.string(),
      MaYeuCau: z.string(),
      /** True when this MaYeuCau had been applied before: nothing changed now. */
      DaXuLyTruocDo: z.boolean(),
      TrangThaiHoSo: statusCode,
      PhienBan: z.number().int().positive(),
    }),
  ),
});

export const progressReplySchema = replyHeadSchema.extend({
  SoBanGhiMoi: z.number().int().nonnegative(),
  /** Lines already held (same dossier, instant, state and content) are not added twice. */
  SoBanGhiTrung: z.number().int().nonnegative(),
});

/** A dossier as the portal lists it: the record with its change stamp and version. */
export const portalDossierSummarySchema = hoSoSchema.extend({
  NgayCapNhat: timestamp,
  PhienBan: z.number().int().positive(),
});
export type PortalDossierSummary = z.output<typeof portalDossierSummarySchema>;

/** A dossier as the read-back returns it: the summary and its progress lines. */
export const portalDossierSchema = portalDossierSummarySchema.extend({
  QuaTrinhXuLy: z.array(quaTrinhXuLySchema),
});
export type PortalDossierRecord = z.output<typeof portalDossierSchema>;

export const lookupReplySchema = replyHeadSchema.extend({ DanhSachHoSo: z.array(portalDossierSchema) });

/**
 * `GET thaydoi` query: a province, the cursor of the last page read (absent = from the start)
 * and a page size. SoLuong's upper bound is checked apart, so a page too large answers "4".
 */
export const changesQuerySchema = z.object({
  MaTinh: z.string().regex(/^\d{2}$/, 'expected a two-digit province code'),
  ConTro: z.string().min(1).max(200).optional(),
  SoLuong: z
    .string()
    .regex(/^\d{1,7}$/, 'expected a whole number')
    .transform(Number)
    .refine((size) => size >= 1, 'expected at least 1')
    .optional(),
});

/** Dossiers changed after the cursor, oldest change first; progress lines are read with `tracuu`. */
export const changesReplySchema = replyHeadSchema.extend({
  DanhSachHoSo: z.array(portalDossierSummarySchema),
  /** Opaque; hand it back as `ConTro` to read on. */
  ConTro: z.string().min(1),
  ConDuLieu: z.boolean(),
});

export const healthReplySchema = replyHeadSchema.extend({ ThoiGianMayChu: timestamp, SoHoSo: z.number().int().nonnegative() });
