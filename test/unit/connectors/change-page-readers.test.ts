import { describe, expect, it } from 'vitest';
import { isAscii, parseJsonAsLatin1 } from '../../../src/connectors/latin1-json.js';
import { readChangePage as readPortalPage } from '../../../src/connectors/national-portal/change-page.js';
import { observationFromRecord } from '../../../src/connectors/national-portal/mapping.js';
import { changesReplySchema } from '../../../src/connectors/national-portal/payload.js';
import { readChangePage as readProvincialPage } from '../../../src/connectors/provincial/change-page.js';
import { toObservation as provincialObservation } from '../../../src/connectors/provincial/mapping.js';
import { changeFeedReplySchema } from '../../../src/connectors/provincial/payloads.js';
import { readListingPage } from '../../../src/connectors/specialized/listing-page.js';
import { toObservation as specializedObservation } from '../../../src/connectors/specialized/mapping.js';
import { caseListReplySchema } from '../../../src/connectors/specialized/payloads.js';

/**
 * The change-page readers check a page by hand, from the Latin-1 view of its bytes, instead of
 * through the zod schema and the mapping. They must never accept what the schema refuses nor map
 * differently, and must accept every page the schema accepts unless a string they would take is
 * not ASCII (else the hand check would seldom serve). Each page here is varied one field at a time.
 */
interface System {
  name: string;
  page: () => Record<string, unknown>;
  /** Where the page's records are. */
  records: string;
  /** Field paths inside a record that hold objects, varied field by field too. */
  nested: readonly string[];
  fast: (reply: unknown) => unknown;
  /** The schema and the mapping, as the connector reads a page it does not read by hand; null when refused. */
  slow: (reply: unknown) => unknown;
}

const SYSTEMS: readonly System[] = [
  {
    name: 'provincial',
    page: () => ({ MaLoi: '0', ThongBao: 'Thành công', DuLieu: [provincialRecord(), provincialRecord({ NgayTiepNhan: '', NgayHenTra: '' })], ConTro: 'djEuOTYuMTI', ConDuLieu: true }),
    records: 'DuLieu',
    nested: [],
    fast: readProvincialPage,
    slow: (reply) => {
      const parsed = changeFeedReplySchema.safeParse(reply);
      return parsed.success ? { items: parsed.data.DuLieu.map(provincialObservation), nextCursor: parsed.data.ConTro, hasMore: parsed.data.ConDuLieu } : null;
    },
  },
  {
    name: 'specialized',
    page: () => ({ data: [specializedCase(), specializedCase({ decidedAt: null, deliveredAt: null })], page: 2, pageSize: 2, totalPages: 7, totalItems: 13 }),
    records: 'data',
    nested: ['applicant'],
    fast: readListingPage,
    slow: (reply) => {
      const parsed = caseListReplySchema.safeParse(reply);
      return parsed.success ? { items: parsed.data.data.map(specializedObservation), totalItems: parsed.data.totalItems } : null;
    },
  },
  {
    name: 'national-portal',
    page: () => ({ error_code: '0', message: 'thành công', DanhSachHoSo: [portalRecord(), portalRecord({ NgayTiepNhan: '', DinhDanhCHS: [] })], ConTro: 'ZHZjcWcu', ConDuLieu: false }),
    records: 'DanhSachHoSo',
    nested: ['DinhDanhCHS.0'],
    fast: readPortalPage,
    slow: (reply) => {
      const parsed = changesReplySchema.safeParse(reply);
      // The connector takes a page only with error_code "0"; any other is a rejection.
      if (!parsed.success || parsed.data.error_code !== '0') return null;
      return { items: parsed.data.DanhSachHoSo.map(observationFromRecord), nextCursor: parsed.data.ConTro, hasMore: parsed.data.ConDuLieu };
    },
  },
];

/** Values each field is set to in turn (`undefined` removes it). */
const VALUES: readonly unknown[] = [
  undefined,
  null,
  true,
  0,
  -1,
  1,
  2,
  1.5,
  2 ** 53,
  '',
  'x',
  '0',
  '1',
  '2',
  '4',
  '10',
  '11',
  '96',
  '32248',
  '3224a',
  'Hồ sơ',
  'in_review',
  '000.00.37.H96',
  '000.00.37.h96',
  '096190012345',
  'a'.repeat(51),
  'a'.repeat(101),
  // 30 characters, 60 bytes: within a limit of 50 as text, not in the Latin-1 view.
  'ă'.repeat(30),
  // yyyyMMddHHmmss: real, then impossible dates and times.
  '20260227162116',
  '20240229120000',
  '20260231120000',
  '20260230120000',
  '20250229000000',
  '21000229000000',
  '20260431000000',
  '20261301000000',
  '20260001000000',
  '20260100000000',
  '20260227240000',
  '20260227236000',
  '20260227235960',
  '00500101000000',
  '2026022716211',
  '202602271621166',
  '2026022716211x',
  // ISO 8601 with an offset: real, then impossible or malformed.
  '2026-02-27T16:21:16.000+07:00',
  '2026-02-27T09:21:16Z',
  '2026-02-27T16:21:16.123456789-03:30',
  '0050-02-27T16:21:16Z',
  '2026-02-30T16:21:16.000+07:00',
  '2025-02-29T16:21:16.000+07:00',
  '2026-02-27T24:00:00.000+07:00',
  '2026-02-27T16:60:00.000+07:00',
  '2026-02-27T16:21:60.000+07:00',
  '2026-02-27T16:21:16.000+15:00',
  '2026-02-27T16:21:16.000+07:60',
  '2026-02-27T16:21:16.1234567890Z',
  '2026-02-27T16:21:16.Z',
  '2026-02-27T16:21:16',
  '2026-02-27 16:21:16+07:00',
  '2026-02-27T16:21:16+0700',
  [],
  [{ LoaiDinhDanh: '2', SoDinhDanh: '123456789' }],
  [{ LoaiDinhDanh: '3', SoDinhDanh: '123456789' }],
  Array.from({ length: 5 }, () => ({ LoaiDinhDanh: '1', SoDinhDanh: '096190123456' })),
  Array.from({ length: 6 }, () => ({ LoaiDinhDanh: '1', SoDinhDanh: '096190123456' })),
  {},
];

describe('change-page readers', () => {
  for (const system of SYSTEMS) {
    describe(system.name, () => {
      it('reads a page exactly as the schema and the mapping do', () => {
        const page = system.page();
        const fast = readFast(system, page);
        expect(fast).not.toBeNull();
        expect(fast).toEqual(system.slow(page));
      });

      it('never accepts what the schema refuses, and accepts what it accepts unless a value is not ASCII, varying one field at a time', () => {
        let accepted = 0;
        let refused = 0;
        for (const path of fieldPaths(system)) {
          for (const value of VALUES) {
            const page = withField(system.page(), path, value);
            const fast = readFast(system, page);
            const slow = system.slow(page);
            const where = `${path} = ${JSON.stringify(value)}`;
            if (fast !== null) expect(fast, where).toEqual(slow);
            // The base pages hold Vietnamese names, within their limits even as bytes: only a value
            // outside ASCII may be left to the schema.
            if (isAscii(JSON.stringify(value) ?? '')) expect(fast === null, where).toBe(slow === null);
            if (slow === null) refused += 1;
            else accepted += 1;
          }
        }
        // The sweep exercises both sides.
        expect(accepted).toBeGreaterThan(50);
        expect(refused).toBeGreaterThan(500);
      });

      it('leaves to the schema a page whose codes are not ASCII, which the Latin-1 view cannot give as text', () => {
        const page = system.page();
        const [first] = page[system.records] as Array<Record<string, unknown>>;
        const codeField = system.name === 'specialized' ? 'nationalDossierCode' : 'MaHoSo';
        (first as Record<string, unknown>)[codeField] = 'HỒSƠ-260227-0004';
        expect(readFast(system, page)).toBeNull();
        expect(system.slow(page)).toMatchObject({ items: [{ dossierCode: 'HỒSƠ-260227-0004' }, {}] });
      });

      it('reads escapes as JSON does: an ASCII one in a code, any other only where the text is not taken', () => {
        const text = JSON.stringify(system.page());
        const codeField = system.name === 'specialized' ? 'nationalDossierCode' : 'MaHoSo';
        const asciiEscape = text.replace(`"${codeField}":"000`, `"${codeField}":"\\u0030\\u00300`);
        expect(readFast(system, asciiEscape)).toEqual(system.slow(JSON.parse(asciiEscape)));
        const latinEscape = text.replace(`"${codeField}":"000`, `"${codeField}":"\\u00e900`);
        expect(readFast(system, latinEscape)).toBeNull();
        const nameField = system.name === 'specialized' ? 'procedureName' : 'TenTTHC';
        const escapedName = text.replace(`"${nameField}":"`, `"${nameField}":"\\u00e9\\"\\\\`);
        expect(escapedName).not.toBe(text);
        expect(readFast(system, escapedName)).toEqual(system.slow(JSON.parse(escapedName)));
      });

      it('answers null for a body that is not JSON, or not an object', () => {
        expect(system.fast(parseJsonAsLatin1(Buffer.from('{"MaLoi":"0",', 'utf8')))).toBeNull();
        expect(system.fast(parseJsonAsLatin1(Buffer.from('[]', 'utf8')))).toBeNull();
        expect(system.fast(parseJsonAsLatin1(Buffer.from('null', 'utf8')))).toBeNull();
      });
    });
  }
});

describe('parseJsonAsLatin1', () => {
  it('gives the structure, numbers and ASCII strings of the UTF-8 text, and other strings as their bytes', () => {
    const text = '{"a":"Đăng ký","b":[1,2.5,-3e2,true,null],"c":"ASCII \\" \\u0041","đ":"x"}';
    const view = parseJsonAsLatin1(Buffer.from(text, 'utf8')) as Record<string, unknown>;
    const real = JSON.parse(text) as Record<string, unknown>;
    expect(view['b']).toEqual(real['b']);
    expect(view['c']).toBe(real['c']);
    expect(view['a']).toBe(Buffer.from('Đăng ký', 'utf8').toString('latin1'));
    expect((view['a'] as string).length).toBeGreaterThan((real['a'] as string).length);
    expect(isAscii(view['a'] as string)).toBe(false);
  });

  it('answers undefined for bytes that are not JSON', () => {
    expect(parseJsonAsLatin1(Buffer.from('{"a":', 'utf8'))).toBeUndefined();
    expect(parseJsonAsLatin1(Buffer.from('\u00a0{}', 'utf8'))).toBeUndefined();
  });
});

function readFast(system: System, page: Record<string, unknown> | string): unknown {
  const text = typeof page === 'string' ? page : JSON.stringify(page);
  return system.fast(parseJsonAsLatin1(Buffer.from(text, 'utf8')));
}

/** Every field of the reply and of its first record, `records.0.<field>`, and of the record's nested objects. */
function fieldPaths(system: System): string[] {
  const page = system.page();
  const [record] = page[system.records] as Array<Record<string, unknown>>;
  const paths = Object.keys(page).map((key) => key);
  paths.push(`${system.records}.0`);
  for (const key of Object.keys(record ?? {})) paths.push(`${system.records}.0.${key}`);
  for (const nested of system.nested) {
    const inner = nested.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], record) as Record<string, unknown>;
    for (const key of Object.keys(inner)) paths.push(`${system.records}.0.${nested}.${key}`);
  }
  return paths;
}

function withField(page: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = keys.reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], page) as Record<string, unknown>;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return page;
}

function provincialRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    MaHoSo: '000.00.37.H96-260227-0004',
    MaTTHC: '1.001193',
    TenTTHC: 'Đăng ký khai sinh',
    MaDonVi: '000.00.37.H96',
    MaXa: '32248',
    MaTinh: '96',
    ChuHoSo: 'Nguyễn Thị Lan',
    SoGiayToChuHoSo: '096190012345',
    LoaiDinhDanh: '1',
    KenhThucHien: 1,
    TrangThaiHoSo: 4,
    NgayNopHoSo: '20260227081500',
    NgayTiepNhan: '20260227081500',
    NgayHenTra: '20260302170000',
    NgayKetThucXuLy: '',
    NgayTra: '',
    PhienBan: 3,
    NgayCapNhat: '20260227093000',
    ...overrides,
  };
}

function specializedCase(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    caseId: 'HT-2026-0001234',
    nationalDossierCode: '000.00.37.H96-260227-0004',
    procedureCode: '1.001193',
    procedureName: 'Đăng ký khai sinh',
    provinceCode: '96',
    communeCode: '32248',
    receivingAgencyId: '000.00.37.H96',
    applicant: { fullName: 'Nguyễn Thị Lan', personalId: '096190012345' },
    status: 'approved',
    receivedAt: '2026-02-27T08:15:00.000+07:00',
    dueAt: '2026-03-02T17:00:00.000+07:00',
    decidedAt: '2026-02-27T15:40:12.000+07:00',
    deliveredAt: '2026-02-28T09:00:00.500Z',
    updatedAt: '2026-02-27T15:42:01.000+07:00',
    revision: 4,
    ...overrides,
  };
}

function portalRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    MaHoSo: '000.00.37.H96-250915-0001',
    MaTTHC: '1.001193.000.00.00.H96',
    TenTTHC: 'Đăng ký khai sinh',
    KenhThucHien: '2',
    LoaiDoiTuong: '1',
    ChuHoSo: 'Nguyễn Thị Lan',
    SoGiayToChuHoSo: '096190123456',
    DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '096190123456' }],
    TrichYeuHoSo: 'Đăng ký khai sinh - Nguyễn Thị Lan',
    NgayNopHoSo: '20250915083000',
    NgayTiepNhan: '20250915093000',
    NgayHenTra: '20250916170000',
    NgayTra: '',
    NgayKetThucXuLy: '20250916100000',
    NgayTuChoi: '',
    TrangThaiHoSo: '9',
    DonViXuLy: '000.00.37.H96',
    MaTinh: '96',
    MaXa: '32002',
    NoiNopHoSo: '2',
    GhiChu: '',
    NgayCapNhat: '20250916100500',
    PhienBan: 3,
    ...overrides,
  };
}
