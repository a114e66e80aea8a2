import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { LIFE_STATUS, LIFE_STATUSES, SEX_CODES } from './mapping.js';

/**
 * The population database's SOAP messages as zod schemas over fast-xml-parser output: every
 * value is kept as text (so `01` stays `01`), namespace prefixes are dropped, attributes are
 * `@_name`. The connector checks answers with these; the simulator checks requests.
 */

/** Elements that may repeat, declared so that a single occurrence still decodes as a list. */
const REPEATED = new Set(['CongDan', 'SoDinhDanh']);
/** `SoDinhDanh` repeats only inside the request's id list; inside a record it is one value. */
const REPEATED_PARENTS = new Set(['DanhSachSoDinhDanh']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name, jpath) => {
    if (name === 'SoDinhDanh') return REPEATED_PARENTS.has(String(jpath).split('.').at(-2) ?? '');
    return REPEATED.has(name);
  },
});

/**
 * Validates before parsing: fast-xml-parser alone reads some truncated documents as a shorter
 * document, and a cut-off collection must never read as "fewer citizens found".
 */
export function decodeSoapXml(text: string): unknown {
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) throw new SyntaxError(`malformed XML: ${verdict.err.msg} (line ${verdict.err.line})`);
  return parser.parse(text);
}

const PERSONAL_ID = /^\d{12}$/;
const personalId = z.string().regex(PERSONAL_ID, 'expected a 12-digit personal id');
/** An element present but empty, or absent, means "not recorded". */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value === '' ? null : value));
const compactDate = z.string().refine(isCompactDate, 'expected a date yyyyMMdd');

/** DiaChi: province and commune codes (the district level is gone since 1 July 2025). */
const diaChiSchema = z.object({
  MaTinhThanh: z.string().regex(/^\d{2}$/, 'expected a two-digit province code'),
  MaQuanHuyen: optionalText,
  MaPhuongXa: z
    .union([z.literal(''), z.string().regex(/^\d{5}$/, 'expected a five-digit commune code')])
    .optional()
    .transform((value) => (value ? value : null)),
  ChiTiet: z.string().default(''),
  QuocGia: optionalText,
});
export type DiaChi = z.output<typeof diaChiSchema>;

/** Cha, Me, VoChong: a name and, where the person has one, an id. */
const nguoiLienQuanSchema = z.object({
  HoVaTen: z.string().min(1),
  QuocTich: optionalText,
  SoDinhDanh: z
    .union([z.literal(''), personalId])
    .optional()
    .transform((value) => (value ? value : null)),
});

export const congDanSchema = z
  .object({
    SoDinhDanh: personalId,
    SoCMND: optionalText,
    HoVaTen: z.object({
      Ho: z.string().min(1),
      ChuDem: z.string().default(''),
      Ten: z.string().min(1),
    }),
    GioiTinh: z.enum(SEX_CODES),
    NgayThangNamSinh: z
      .object({ Nam: z.string().regex(/^\d{4}$/, 'expected a four-digit year'), NgayThangNam: compactDate })
      .refine((birth) => birth.NgayThangNam.startsWith(birth.Nam), 'NgayThangNam is not in the year Nam'),
    DanToc: z.string().regex(/^\d{2}$/, 'expected a two-digit ethnic-group code'),
    TonGiao: optionalText,
    QuocTich: z.string().regex(/^[A-Z]{2}$/, 'expected a two-letter country code'),
    TinhTrangHonNhan: optionalText,
    NoiDangKyKhaiSinh: diaChiSchema.optional(),
    QueQuan: diaChiSchema.optional(),
    ThuongTru: diaChiSchema,
    NoiOHienTai: diaChiSchema,
    ChuHo: z
      .object({ QuanHe: z.string().min(1), SoDinhDanh: personalId, HoVaTen: z.string().min(1) })
      .optional(),
    Cha: nguoiLienQuanSchema.optional(),
    Me: nguoiLienQuanSchema.optional(),
    VoChong: nguoiLienQuanSchema.optional(),
    /** The simulated system's death mark (see mapping.ts `LIFE_STATUS`). */
    TrangThai: z.enum(LIFE_STATUSES),
    NgayChet: z
      .union([z.literal(''), compactDate])
      .optional()
      .transform((value) => (value ? value : null)),
  })
  .refine(
    (record) => (record.TrangThai === LIFE_STATUS.DEAD) === (record.NgayChet !== null),
    'a dead citizen has NgayChet and a living one has none',
  );
export type CongDan = z.output<typeof congDanSchema>;

/** Lists say how many items they carry, so a list that lost items on the way is caught. */
const COUNT_MISMATCH = 'SoCongDan does not match the number of CongDan records';

const congdanCollectionSchema = z
  .object({
    '@_SoCongDan': z.string().regex(/^\d{1,6}$/, 'expected a count').transform(Number),
    '@_ThoiDiemDuLieu': z.string().optional(),
    /** The MaYeuCau of the request, echoed. */
    '@_id': z.string().min(1),
    CongDan: z.array(congDanSchema).default([]),
  })
  .refine((collection) => collection['@_SoCongDan'] === collection.CongDan.length, COUNT_MISMATCH);

export const lookupResponseSchema = z
  .object({
    Envelope: z.object({
      Body: z.object({ TraCuuThongTinCongDanResponse: z.object({ CongdanCollection: congdanCollectionSchema }) }),
    }),
  })
  .transform(({ Envelope }) => {
    const collection = Envelope.Body.TraCuuThongTinCongDanResponse.CongdanCollection;
    return { requestId: collection['@_id'], records: collection.CongDan };
  });

export const verifyResponseSchema = z
  .object({
    Envelope: z.object({
      Body: z.object({
        KetQuaXacThucResponse: z.object({
          MaYeuCau: z.string().min(1),
          TonTai: z.enum(['true', 'false']).transform((value) => value === 'true'),
        }),
      }),
    }),
  })
  .transform(({ Envelope }) => Envelope.Body.KetQuaXacThucResponse);

/** A SOAP 1.1 fault; `detail` is present on every fault this service raises. */
export const faultSchema = z
  .object({
    Envelope: z.object({
      Body: z.object({
        Fault: z.object({
          faultcode: z.string().min(1),
          faultstring: z.string().default(''),
          detail: z
            .object({
              ChiTietLoi: z.object({
                MaLoi: z.string().min(1),
                MoTa: z.string().optional(),
                ThoiGianChoGiay: z
                  .string()
                  .regex(/^\d+(\.\d+)?$/, 'expected seconds')
                  .transform(Number)
                  .optional(),
              }),
            })
            .optional(),
        }),
      }),
    }),
  })
  .transform(({ Envelope }) => {
    const fault = Envelope.Body.Fault;
    return {
      // `soap:Server` and `Server` alike: the prefix is the sender's choice.
      faultcode: fault.faultcode.replace(/^[^:]*:/, ''),
      faultstring: fault.faultstring,
      code: fault.detail?.ChiTietLoi.MaLoi ?? null,
      retryAfterSeconds: fault.detail?.ChiTietLoi.ThoiGianChoGiay ?? null,
    };
  });
export type SoapFault = z.output<typeof faultSchema>;

/** True when the decoded document's body is a fault, whatever else it holds. */
export function isFaultDocument(decoded: unknown): boolean {
  const body = (decoded as { Envelope?: { Body?: Record<string, unknown> } } | null)?.Envelope?.Body;
  return typeof body === 'object' && body !== null && 'Fault' in body;
}

// --- requests (read by the simulator) ---------------------------------------------------------

const required = z.string().min(1);

export const lookupRequestSchema = z
  .object({
    Envelope: z.object({
      Body: z.object({
        TraCuuThongTinCongDanRequest: z.object({
          MaYeuCau: required,
          MaDVC: required,
          MaTichHop: z.string().default(''),
          MaDonVi: required,
          MaCanBo: required,
          DanhSachSoDinhDanh: z.union([z.literal(''), z.object({ SoDinhDanh: z.array(z.string()).default([]) })]),
        }),
      }),
    }),
  })
  .transform(({ Envelope }) => {
    const request = Envelope.Body.TraCuuThongTinCongDanRequest;
    return {
      requestId: request.MaYeuCau,
      personalIds: request.DanhSachSoDinhDanh === '' ? [] : request.DanhSachSoDinhDanh.SoDinhDanh,
    };
  });

export const verifyRequestSchema = z
  .object({
    Envelope: z.object({
      Body: z.object({
        XacThucThongTinCongDanRequest: z.object({
          MaYeuCau: required,
          MaDichVu: required,
          MaDonVi: required,
          MaCanBo: required,
          SoDinhDanh: required,
          HoVaTen: required,
          NgayThangNamSinh: compactDate,
        }),
      }),
    }),
  })
  .transform(({ Envelope }) => Envelope.Body.XacThucThongTinCongDanRequest);

/** `yyyyMMdd` naming a real calendar day. */
export function isCompactDate(text: string): boolean {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
