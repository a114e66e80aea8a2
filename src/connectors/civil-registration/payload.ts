import { z } from 'zod';
import { isRegistryDate, isRegistryDateTime } from './mapping.js';

/**
 * The civil-status software's REST contract (phần mềm đăng ký, quản lý hộ tịch of the Ministry
 * of Justice), as simulated. Field names follow the BTP interconnection payloads of
 * VIETNAM-EGOV.md §4 (prefixes nks*, me*, cha*, nyc*, nkt*, gbt*, chong*, vo*; `ketQuaXuLy`);
 * the registry's own server API was not found, so the paths, the `{status, statusDescription,
 * value}` envelope (from the BTP scan reply), the `loaiDangKy` codes and the dates
 * `dd/MM/yyyy` (`dd/MM/yyyy HH:mm:ss` for instants, Vietnam time) are the simulator's.
 */

export const REGISTRY_PATHS = {
  /** POST `{soDDCN: [...]}`: registrations naming any of the ids, in any role. */
  lookup: '/api/hotich/tracuu',
  /** GET `?maTinh=96&conTro=…&soLuong=…`: a province's registrations in change order. */
  changes: '/api/hotich/thaydoi',
  /** GET `/api/hotich/dangky/{id}`. */
  byId: '/api/hotich/dangky',
  health: '/api/hotich/suckhoe',
} as const;

export const REGISTRY_LIMITS = {
  /** Personal ids per lookup. */
  lookup: 50,
  /** Records per change-feed page. */
  page: 500,
} as const;

/** `status` of the envelope: 1 success, 0 refused (with the reason in statusDescription). */
export const REGISTRY_STATUS = { OK: 1, FAILED: 0 } as const;

const personalIdOrEmpty = z
  .union([z.literal(''), z.string().regex(/^\d{12}$/, 'expected a 12-digit personal id')])
  .transform((value) => (value === '' ? null : value));
const date = z.string().refine(isRegistryDate, 'expected a date dd/MM/yyyy');
const dateOrEmpty = z.string().refine((text) => text === '' || isRegistryDate(text), 'expected dd/MM/yyyy or ""');
const dateTime = z.string().refine(isRegistryDateTime, 'expected dd/MM/yyyy HH:mm:ss');
const sex = z.enum(['1', '2']);
const name = z.string().min(1).max(200);

/** NoiCuTru / NoiSinh: the district (`maHuyen`) is empty since 1 July 2025. */
const place = z.object({
  maTinh: z.union([z.literal(''), z.string().regex(/^\d{2}$/)]),
  maHuyen: z.string().default(''),
  maXa: z.union([z.literal(''), z.string().regex(/^\d{5}$/)]),
  dcChiTiet: z.string().default(''),
});

const ketQuaXuLy = z.object({
  /** Births: the child's new personal id (re-registrations: the one they have). */
  soDinhDanh: personalIdOrEmpty,
  soDangKy: z.string().min(1),
  quyenSo: z.string().min(1),
  trangSo: z.string().min(1),
  ngayDangKy: date,
});

/** Fields every record has. `module` decides which of the schemas below reads the rest. */
export const recordHeadSchema = z.looseObject({ module: z.string().min(1) });

const common = {
  id: z.string().min(1).max(64),
  module: z.string().min(1),
  /** 1 đăng ký mới, 2 đăng ký lại, 3 lưu động, 4 kết hợp nhận cha, mẹ, con (simulator's codes). */
  loaiDangKy: z.string().regex(/^\d{1,2}$/),
  maHoSo: z
    .string()
    .nullable()
    .transform((value) => (value ? value : null)),
  noiDangKy: z.object({
    maTinh: z.string().regex(/^\d{2}$/),
    maXa: z.string().regex(/^\d{5}$/),
    tenCoQuan: z.string(),
  }),
  /** The day the request was lodged. */
  ngayDangKy: date,
  /** BTP status code; codes outside the known list pass and map to no canonical status. */
  trangThai: z.number().int(),
  thoiGianCapNhat: dateTime,
  ketQuaXuLy: ketQuaXuLy.nullable(),
};

/** A registered record has its register numbers; an unregistered one has none. */
const REGISTERED_CODES = new Set([4, 5]);
const NUMBERS_MATCH_STATUS = 'ketQuaXuLy is present exactly when trangThai is 4 or 5';
function numbersMatchStatus(record: { trangThai: number; ketQuaXuLy: unknown }): boolean {
  return REGISTERED_CODES.has(record.trangThai) === (record.ketQuaXuLy !== null);
}

const declarant = {
  nycHoTen: name,
  nycQuanHe: z.string(),
  nycSoDDCN: personalIdOrEmpty,
};

export const birthRecordSchema = z
  .object({
    ...common,
    module: z.literal('KS'),
    nksHoTen: name,
    nksGioiTinh: sex,
    nksNgaySinh: date,
    nksNoiSinh: place,
    nksDanToc: z.string().regex(/^\d{2}$/),
    nksQuocTich: z.string().regex(/^[A-Z]{2}$/),
    /** Empty for a newborn: the id arrives with the result. */
    nksSoDDCN: personalIdOrEmpty,
    meHoTen: name,
    meNgaySinh: dateOrEmpty,
    meSoDDCN: personalIdOrEmpty,
    meNoiCuTru: place,
    /** Empty when the father is not named (khai sinh chưa xác định cha). */
    chaHoTen: z.string().max(200),
    chaNgaySinh: dateOrEmpty,
    chaSoDDCN: personalIdOrEmpty,
    chaNoiCuTru: place,
    ...declarant,
  })
  .refine(numbersMatchStatus, NUMBERS_MATCH_STATUS);
export type BirthRecord = z.output<typeof birthRecordSchema>;

export const deathRecordSchema = z
  .object({
    ...common,
    module: z.literal('KT'),
    nktHoTen: name,
    nktGioiTinh: sex,
    nktNgaySinh: dateOrEmpty,
    nktSoDDCN: personalIdOrEmpty,
    nktNgayChet: date,
    nktGioPhutChet: z.union([z.literal(''), z.string().regex(/^\d{2}:\d{2}$/)]),
    nktNoiChet: z.string(),
    nktNguyenNhanChet: z.string(),
    /** Giấy báo tử: 1 giấy báo tử, 2 giấy tờ thay thế (simulator's codes). */
    gbtLoai: z.string(),
    gbtSo: z.string(),
    gbtNgay: dateOrEmpty,
    gbtCoQuanCap: z.string(),
    ...declarant,
  })
  .refine(numbersMatchStatus, NUMBERS_MATCH_STATUS);
export type DeathRecord = z.output<typeof deathRecordSchema>;

export const marriageRecordSchema = z
  .object({
    ...common,
    module: z.literal('KH'),
    chongHoTen: name,
    chongNgaySinh: dateOrEmpty,
    chongSoDDCN: personalIdOrEmpty,
    chongDanToc: z.string(),
    chongQuocTich: z.string(),
    chongNoiCuTru: place,
    chongSoLanKH: z.string().regex(/^\d{1,2}$/),
    voHoTen: name,
    voNgaySinh: dateOrEmpty,
    voSoDDCN: personalIdOrEmpty,
    voDanToc: z.string(),
    voQuocTich: z.string(),
    voNoiCuTru: place,
    voSoLanKH: z.string().regex(/^\d{1,2}$/),
  })
  .refine(numbersMatchStatus, NUMBERS_MATCH_STATUS);
export type MarriageRecord = z.output<typeof marriageRecordSchema>;

/** A record of a module the hub does not model: its common fields are still checked and kept. */
export const otherRecordSchema = z.object(common);
export type OtherRecord = z.output<typeof otherRecordSchema>;

export type RegistrationRecord = BirthRecord | DeathRecord | MarriageRecord | OtherRecord;

/** The schema that reads a record of `module`. */
export function recordSchemaFor(module: string): z.ZodType<RegistrationRecord> {
  switch (module) {
    case 'KS':
      return birthRecordSchema;
    case 'KT':
      return deathRecordSchema;
    case 'KH':
      return marriageRecordSchema;
    default:
      return otherRecordSchema;
  }
}

// --- envelopes ---------------------------------------------------------------------------------

export const envelopeHeadSchema = z.object({ status: z.number().int(), statusDescription: z.string() });

export const lookupReplySchema = envelopeHeadSchema.extend({ value: z.array(z.unknown()) });

export const changesReplySchema = envelopeHeadSchema.extend({
  value: z.object({
    maTinh: z.string().regex(/^\d{2}$/),
    duLieu: z.array(z.unknown()),
    /** Opaque; the position after the last record of this page. */
    conTro: z.string().min(1),
    conDuLieu: z.boolean(),
  }),
});

export const byIdReplySchema = envelopeHeadSchema.extend({ value: z.unknown() });

export const healthReplySchema = envelopeHeadSchema.extend({
  value: z.object({ thoiGianMayChu: dateTime, soBanGhi: z.number().int().nonnegative() }),
});

export const lookupRequestSchema = z.object({ soDDCN: z.array(z.string()).min(1) });
