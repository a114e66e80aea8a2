import { describe, expect, it } from 'vitest';
import type { StatusWrite } from '../../../src/connectors/connector.js';
import { DOSSIER_STATUSES, STATUS_CODE } from '../../../src/domain/dossier-status.js';
import {
  PORTAL_CODE_BY_STATUS,
  formatPortalTimestamp,
  observationFromRecord,
  parsePortalTimestamp,
  portalStatus,
  progressFromStatusWrite,
  updateFromStatusWrite,
} from '../../../src/connectors/national-portal/mapping.js';
import { portalDossierSchema, type PortalDossierRecord } from '../../../src/connectors/national-portal/payload.js';
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
