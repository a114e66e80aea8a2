import { describe, expect, it } from 'vitest';
import type { DossierCreate, StatusWrite } from '../../../src/connectors/connector.js';
import { DOSSIER_STATUSES, STATUS_CODE } from '../../../src/domain/dossier-status.js';
import {
  PORTAL_CODE_BY_STATUS,
  agencyOfDossierCode,
  formatPortalTimestamp,
  formatPortalTimestampMs,
  hoSoFromCreate,
  observationFromRecord,
  parsePortalTimestamp,
  portalStatus,
  progressFromStatusWrite,
  updateFromCreate,
  updateFromStatusWrite,
} from '../../../src/connectors/national-portal/mapping.js';
import {
  hoSoSchema,
  portalDossierSchema,
  updateItemSchema,
  type PortalDossierRecord,
} from '../../../src/connectors/national-portal/payload.js';
import { rejectionReason } from '../../../src/connectors/national-portal/portal-error.js';

function makeWrite(overrides: Partial<StatusWrite> = {}): StatusWrite {
  return {
    correctionId: 'corr-1',
    dossierCode: '000.00.37.H96-250915-0001',
    status: 'RESOLVED',
    reason: 'Đã giải quyết tại Bộ Tư pháp',
    at: new Date('2025-09-16T03:00:00Z'),
    ...overrides,
  };
}

function makeRecord(overrides: Partial<PortalDossierRecord> = {}): PortalDossierRecord {
  return portalDossierSchema.parse({
    MaHoSo: '000.00.37.H96-250915-0001',
    MaTTHC: '1.001193.000.00.00.H96',
    TenTTHC: 'Đăng ký khai sinh',
    KenhThucHien: '2',
    LoaiDoiTuong: '1',
    ChuHoSo: 'Nguyễn Thị Lan',
    SoGiayToChuHoSo: '096190123456',
    DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '096190123456' }],
    TrichYeuHoSo: '',
    NgayNopHoSo: '20250915083000',
    NgayTiepNhan: '20250915093000',
    NgayHenTra: '20250916170000',
    NgayTra: '',
    NgayKetThucXuLy: '',
    NgayTuChoi: '',
    TrangThaiHoSo: '4',
    DonViXuLy: '000.00.37.H96',
    MaTinh: '96',
    MaXa: '32002',
    NoiNopHoSo: '2',
    GhiChu: '',
    NgayCapNhat: '20250915100000',
    PhienBan: 3,
    QuaTrinhXuLy: [],
    ...overrides,
  });
}

describe('portal timestamps', () => {
  it('writes an instant on a Vietnamese wall clock as yyyyMMddHHmmss', () => {
    expect(formatPortalTimestamp(new Date('2025-06-30T17:00:00Z'))).toBe('20250701000000');
  });

  it('reads a stamp back to the same instant', () => {
    expect(parsePortalTimestamp('20250701000000')).toEqual(new Date('2025-06-30T17:00:00Z'));
  });

  it.each(['20250231120000', '2025070100000', '20250701240000', ''])('refuses %j', (text) => {
    expect(parsePortalTimestamp(text)).toBeNull();
  });

  it.each([
    ['31 February', '20260231120000'],
    ['30 February', '20260230120000'],
    ['29 February of a common year', '20250229120000'],
    ['29 February of a century not divisible by 400', '21000229120000'],
    ['31 September', '20250931120000'],
    ['month 00', '20250015120000'],
    ['month 13', '20251315120000'],
    ['day 00', '20250900120000'],
    ['hour 24', '20250915240000'],
    ['minute 60', '20250915126000'],
    ['second 60', '20250915125960'],
    ['a year before 100', '00990915120000'],
    ['a letter among the digits', '2025091512000O'],
  ])('refuses a stamp on %s, in the mapping and in the schema', (_what, text) => {
    expect(parsePortalTimestamp(text)).toBeNull();
    expect(() => makeRecord({ NgayCapNhat: text })).toThrow();
    expect(() => makeRecord({ NgayHenTra: text })).toThrow();
  });

  it('reads leap days that exist, and the year 100', () => {
    expect(parsePortalTimestamp('20240229120000')).toEqual(new Date('2024-02-29T05:00:00Z'));
    expect(parsePortalTimestamp('20000229000000')).toEqual(new Date('2000-02-28T17:00:00Z'));
    expect(parsePortalTimestamp('01000101070000')).toEqual(new Date('0100-01-01T00:00:00Z'));
  });
});

describe('portal status codes', () => {
  it('maps every canonical status to its national code and back', () => {
    for (const status of DOSSIER_STATUSES) {
      expect(PORTAL_CODE_BY_STATUS[status]).toBe(String(STATUS_CODE[status]));
      expect(portalStatus(PORTAL_CODE_BY_STATUS[status])).toBe(status);
    }
  });

  it('leaves a code outside 1–10 without a canonical status', () => {
    expect(portalStatus('0')).toBeNull();
    expect(portalStatus('toString')).toBeNull();
  });
});

describe('updateFromStatusWrite', () => {
  it('carries the correction id as MaYeuCau with the status code and the reason', () => {
    expect(updateFromStatusWrite(makeWrite({ status: 'PROCESSING' }))).toEqual({
      MaHoSo: '000.00.37.H96-250915-0001',
      MaYeuCau: 'corr-1',
      TrangThaiHoSo: '4',
      GhiChu: 'Đã giải quyết tại Bộ Tư pháp',
    });
  });

  it.each([
    ['RESOLVED', { NgayKetThucXuLy: '20250916100000' }],
    ['REJECTED', { NgayKetThucXuLy: '20250916100000', NgayTuChoi: '20250916100000' }],
    ['RESULT_RETURNED', { NgayTra: '20250916100000' }],
    ['RECEIVED', { NgayTiepNhan: '20250916100000' }],
  ] as const)('sets the date a %s status implies', (status, dates) => {
    expect(updateFromStatusWrite(makeWrite({ status }))).toMatchObject(dates);
  });
});

describe('progressFromStatusWrite', () => {
  it.each([
    ['RECEIVED', '2'],
    ['SUPPLEMENT_REQUESTED', '4'],
    ['RESOLVED', '9'],
    ['WITHDRAWN', '9'],
  ] as const)('records a %s status as progress state %s, written by the hub', (status, state) => {
    expect(progressFromStatusWrite(makeWrite({ status }))).toMatchObject({
      TrangThai: state,
      NguoiXuLy: 'Trục liên thông',
      ThoiDiemXuLy: '20250916100000',
      NoiDungXuLy: 'Đã giải quyết tại Bộ Tư pháp',
    });
  });
});

describe('observationFromRecord', () => {
  it("reads the portal's record as an observation with the national procedure code and the applicant's id", () => {
    expect(observationFromRecord(makeRecord())).toEqual({
      system: 'national-portal',
      dossierCode: '000.00.37.H96-250915-0001',
      nativeId: null,
      procedureCode: '1.001193',
      communeCode: '32002',
      provinceCode: '96',
      applicantPersonalId: '096190123456',
      nativeStatus: '4',
      status: 'PROCESSING',
      receivedAt: new Date('2025-09-15T02:30:00Z'),
      dueAt: new Date('2025-09-16T10:00:00Z'),
      finishedAt: null,
      returnedAt: null,
      updatedAt: new Date('2025-09-15T03:00:00Z'),
      sourceVersion: '3',
    });
  });

  it('has no applicant id when the applicant is known by a legacy CMND only', () => {
    const record = makeRecord({ DinhDanhCHS: [{ LoaiDinhDanh: '2', SoDinhDanh: '381234567' }], SoGiayToChuHoSo: '381234567' });
    expect(observationFromRecord(record).applicantPersonalId).toBeNull();
  });
});

describe('rejectionReason', () => {
  it.each([
    ['3', 'DOSSIER_EXISTS'],
    ['-3', 'DOSSIER_EXISTS'],
    ['2', 'DOSSIER_NOT_FOUND'],
    ['4', 'TOO_MANY_ITEMS'],
    ['5', 'CORRECTION_ID_REUSED'],
    ['77', 'UNKNOWN'],
    ['constructor', 'UNKNOWN'],
  ])('reads error_code %s as %s', (code, reason) => {
    expect(rejectionReason(code)).toBe(reason);
  });
});

describe('portal corrections that open a dossier', () => {
  const create: DossierCreate = {
    correctionId: 'corr-9',
    dossierCode: '000.00.37.H96-250915-0001',
    procedureCode: '1.001193',
    communeCode: '32002',
    provinceCode: '96',
    applicantPersonalId: null,
    status: 'REJECTED',
    receivedAt: null,
    dueAt: null,
    finishedAt: new Date('2025-09-16T03:00:00Z'),
    returnedAt: null,
    reason: 'Không tiếp nhận',
    at: new Date('2025-09-16T04:00:00Z'),
  };

  it('formats epoch milliseconds exactly as it formats a Date', () => {
    for (const text of ['2025-06-30T16:59:59.999Z', '2025-06-30T17:00:00Z', '2024-02-28T17:00:00Z', '1969-12-31T23:00:00Z']) {
      expect(formatPortalTimestampMs(Date.parse(text))).toBe(formatPortalTimestamp(new Date(text)));
    }
  });

  it('builds a record the portal’s schema accepts, with the unit from the code and the filing instant it can stand for', () => {
    const record = hoSoSchema.parse(hoSoFromCreate(create));
    expect(record).toMatchObject({
      MaHoSo: create.dossierCode,
      TenTTHC: 'Đăng ký khai sinh',
      ChuHoSo: '',
      SoGiayToChuHoSo: '',
      DinhDanhCHS: [],
      DonViXuLy: '000.00.37.H96',
      NgayNopHoSo: '20250916110000',
      NgayTiepNhan: '',
      NgayKetThucXuLy: '20250916100000',
      NgayTuChoi: '20250916100000',
      TrangThaiHoSo: '3',
      GhiChu: 'Không tiếp nhận',
    });
    expect(agencyOfDossierCode('H96-250915-0001')).toBeNull();
  });

  it('updates with what the hub knows and never with the fields it leaves empty', () => {
    const update = updateItemSchema.parse(updateFromCreate(create));
    expect(update).toMatchObject({ MaHoSo: create.dossierCode, MaYeuCau: 'corr-9', TrangThaiHoSo: '3', MaXa: '32002', MaTinh: '96' });
    for (const field of ['ChuHoSo', 'TenTTHC', 'KenhThucHien', 'NgayNopHoSo', 'DonViXuLy', 'SoGiayToChuHoSo', 'DinhDanhCHS']) {
      expect(update).not.toHaveProperty(field);
    }
    expect(updateFromCreate({ ...create, applicantPersonalId: '096190123456' })).toMatchObject({
      SoGiayToChuHoSo: '096190123456',
      DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '096190123456' }],
    });
  });
});
