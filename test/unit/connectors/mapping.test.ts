import { describe, expect, it } from 'vitest';
import type { DossierCreate } from '../../../src/connectors/connector.js';
import { DOSSIER_STATUSES, STATUS_CODE } from '../../../src/domain/dossier-status.js';
import {
  PROVINCIAL_CODE_BY_STATUS,
  PROVINCIAL_STATUS_BY_CODE,
  formatVietnamTimestamp,
  formatVietnamTimestampMs,
  parseVietnamTimestamp,
  provincialStatus,
  receiveRequestFromCreate,
  toObservation as provincialObservation,
} from '../../../src/connectors/provincial/mapping.js';
import {
  dossierReceiveRequestSchema,
  provincialDossierSchema,
  type ProvincialDossierRecord,
} from '../../../src/connectors/provincial/payloads.js';
import {
  START_POSITION,
  decodeChangeCursor,
  encodeChangeCursor,
  isAfter,
} from '../../../src/connectors/specialized/change-cursor.js';
import {
  SPECIALIZED_STATUS_BY_WORD,
  formatSpecializedTime,
  formatSpecializedTimeMs,
  parseSpecializedTime,
  specializedStatus,
  specializedWord,
  statusWriteRequest,
  toObservation as specializedObservation,
  transferRequestFromCreate,
} from '../../../src/connectors/specialized/mapping.js';
import {
  caseStatusWriteRequestSchema,
  caseTransferRequestSchema,
  specializedCaseSchema,
  type SpecializedCase,
} from '../../../src/connectors/specialized/payloads.js';

function provincialRecord(overrides: Partial<ProvincialDossierRecord> = {}): ProvincialDossierRecord {
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

function specializedCase(overrides: Partial<SpecializedCase> = {}): SpecializedCase {
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
    deliveredAt: null,
    updatedAt: '2026-02-27T15:42:01.000+07:00',
    revision: 4,
    ...overrides,
  };
}

describe('provincial mapping', () => {
  it('maps the ten national codes both ways, agreeing with the canonical codes', () => {
    for (const status of DOSSIER_STATUSES) {
      expect(PROVINCIAL_CODE_BY_STATUS[status]).toBe(STATUS_CODE[status]);
      expect(PROVINCIAL_STATUS_BY_CODE[STATUS_CODE[status]]).toBe(status);
      expect(provincialStatus(STATUS_CODE[status])).toBe(status);
    }
  });

  it('maps a code outside 1–10 to no canonical status', () => {
    expect(provincialStatus(0)).toBeNull();
    expect(provincialStatus(11)).toBeNull();
    expect(provincialStatus(-1)).toBeNull();
  });

  it('writes and reads yyyyMMddHHmmss on the Vietnamese wall clock', () => {
    expect(formatVietnamTimestamp(new Date('2026-02-27T09:21:16.789Z'))).toBe('20260227162116');
    expect(formatVietnamTimestamp(new Date('2025-12-31T17:00:00Z'))).toBe('20260101000000');
    expect(parseVietnamTimestamp('20260227162116')?.toISOString()).toBe('2026-02-27T09:21:16.000Z');
    expect(parseVietnamTimestamp('20260101000000')?.toISOString()).toBe('2025-12-31T17:00:00.000Z');
  });

  it('refuses timestamps that are not real dates and times', () => {
    for (const text of ['', '20260231120000', '20261301000000', '20260227246000', '2026022716211', '2026-02-27T16:21']) {
      expect(parseVietnamTimestamp(text)).toBeNull();
    }
  });

  it.each([
    ['31 February', '20260231120000'],
    ['30 February', '20260230120000'],
    ['29 February of a common year', '20250229120000'],
    ['29 February of a century not divisible by 400', '21000229120000'],
    ['31 April', '20260431120000'],
    ['month 00', '20260027120000'],
    ['month 13', '20261327120000'],
    ['day 00', '20260200120000'],
    ['hour 24', '20260227240000'],
    ['minute 60', '20260227126000'],
    ['second 60', '20260227125960'],
    ['a letter among the digits', '2026022712000O'],
    ['full-width digits', '２０２６０２２７１２００００'],
    ['fifteen digits', '202602271200000'],
  ])('refuses a stamp on %s', (_what, text) => {
    expect(parseVietnamTimestamp(text)).toBeNull();
    expect(provincialDossierSchema.safeParse(provincialRecord({ NgayCapNhat: text })).success).toBe(false);
    expect(provincialDossierSchema.safeParse(provincialRecord({ NgayHenTra: text })).success).toBe(false);
  });

  it('reads leap days that exist, and years before 100 as written', () => {
    expect(parseVietnamTimestamp('20240229120000')?.toISOString()).toBe('2024-02-29T05:00:00.000Z');
    expect(parseVietnamTimestamp('20000229235959')?.toISOString()).toBe('2000-02-29T16:59:59.000Z');
    expect(parseVietnamTimestamp('00500101070000')?.toISOString()).toBe('0050-01-01T00:00:00.000Z');
  });

  it('turns a record into an observation with empty dates as null', () => {
    const observation = provincialObservation(provincialRecord());
    expect(observation).toEqual({
      system: 'provincial',
      dossierCode: '000.00.37.H96-260227-0004',
      nativeId: null,
      procedureCode: '1.001193',
      communeCode: '32248',
      provinceCode: '96',
      applicantPersonalId: '096190012345',
      nativeStatus: '4',
      status: 'PROCESSING',
      receivedAt: new Date('2026-02-27T01:15:00Z'),
      dueAt: new Date('2026-03-02T10:00:00Z'),
      finishedAt: null,
      returnedAt: null,
      updatedAt: new Date('2026-02-27T02:30:00Z'),
      sourceVersion: '3',
    });
  });

  it('keeps an unknown native status as observed, with no canonical status', () => {
    const observation = provincialObservation(provincialRecord({ TrangThaiHoSo: 0 }));
    expect(observation.status).toBeNull();
    expect(observation.nativeStatus).toBe('0');
  });

  it('reads an applicant without a personal id as null', () => {
    expect(provincialObservation(provincialRecord({ SoGiayToChuHoSo: '' })).applicantPersonalId).toBeNull();
  });

  it('rejects a record whose status is a string or whose date is not a timestamp', () => {
    expect(provincialDossierSchema.safeParse(provincialRecord()).success).toBe(true);
    expect(provincialDossierSchema.safeParse({ ...provincialRecord(), TrangThaiHoSo: '4' }).success).toBe(false);
    expect(provincialDossierSchema.safeParse(provincialRecord({ NgayHenTra: '2026-03-02' })).success).toBe(false);
    expect(provincialDossierSchema.safeParse(provincialRecord({ NgayCapNhat: '' })).success).toBe(false);
  });
});

describe('specialized mapping', () => {
  it('gives every canonical status but SUBMITTED exactly one word', () => {
    const words = Object.keys(SPECIALIZED_STATUS_BY_WORD);
    expect(new Set(Object.values(SPECIALIZED_STATUS_BY_WORD)).size).toBe(words.length);
    for (const status of DOSSIER_STATUSES) {
      const word = specializedWord(status);
      if (status === 'SUBMITTED') expect(word).toBeNull();
      else expect(word !== null && specializedStatus(word)).toBe(status);
    }
  });

  it('maps an unknown word, even one on Object’s prototype, to no canonical status', () => {
    for (const word of ['archived', 'constructor', 'toString', 'APPROVED', '']) expect(specializedStatus(word)).toBeNull();
  });

  it.each([
    ['31 February', '2026-02-31T12:00:00.000+07:00'],
    ['29 February of a common year', '2025-02-29T12:00:00.000+07:00'],
    ['31 April', '2026-04-31T12:00:00.000+07:00'],
    ['month 00', '2026-00-27T12:00:00.000+07:00'],
    ['month 13', '2026-13-27T12:00:00.000+07:00'],
    ['day 00', '2026-02-00T12:00:00.000+07:00'],
    ['hour 24', '2026-02-27T24:00:00.000+07:00'],
    ['minute 60', '2026-02-27T12:60:00.000+07:00'],
    ['second 60', '2026-02-27T12:00:60.000+07:00'],
    ['an offset beyond 14 hours', '2026-02-27T12:00:00.000+15:00'],
    ['an offset of 60 minutes', '2026-02-27T12:00:00.000+07:60'],
    ['an offset without its colon', '2026-02-27T12:00:00.000+0700'],
    ['a lower-case z', '2026-02-27T12:00:00.000z'],
    ['no zone', '2026-02-27T12:00:00.000'],
    ['a dot without digits', '2026-02-27T12:00:00.Z'],
    ['ten digits of a second', '2026-02-27T12:00:00.0123456789Z'],
    ['something after the zone', '2026-02-27T12:00:00Z '],
  ])('refuses a timestamp on %s', (_what, text) => {
    expect(parseSpecializedTime(text)).toBeNull();
    expect(specializedCaseSchema.safeParse(specializedCase({ updatedAt: text })).success).toBe(false);
    expect(specializedCaseSchema.safeParse(specializedCase({ dueAt: text })).success).toBe(false);
  });

  it('reads every timestamp it accepts as Date.parse does, years before 100 included', () => {
    for (const text of [
      '2024-02-29T23:59:59.999+07:00',
      '2026-02-27T16:21:16Z',
      '2026-02-27T16:21:16.5-03:30',
      '2026-02-27T16:21:16.123456789+14:59',
      '2026-12-31T23:59:59.9999-14:59',
      '1969-12-31T23:59:59.999Z',
      '0050-02-27T16:21:16+07:00',
    ]) {
      expect(parseSpecializedTime(text)?.getTime(), text).toBe(Date.parse(text));
    }
  });

  it('writes ISO 8601 with milliseconds and the Vietnam offset, and reads any offset', () => {
    expect(formatSpecializedTime(new Date('2026-02-27T09:21:16.5Z'))).toBe('2026-02-27T16:21:16.500+07:00');
    expect(parseSpecializedTime('2026-02-27T16:21:16.500+07:00')?.toISOString()).toBe('2026-02-27T09:21:16.500Z');
    expect(parseSpecializedTime('2026-02-27T09:21:16Z')?.toISOString()).toBe('2026-02-27T09:21:16.000Z');
    for (const text of ['2026-02-27T16:21:16', '2026-02-27 16:21:16+07:00', '2026-02-30T16:21:16+07:00', '2026-02-27T24:00:00Z', 'yesterday']) {
      expect(parseSpecializedTime(text)).toBeNull();
    }
  });

  it('turns a case into an observation keyed by the national code, with the case id as native id', () => {
    const observation = specializedObservation(specializedCase());
    expect(observation).toEqual({
      system: 'specialized',
      dossierCode: '000.00.37.H96-260227-0004',
      nativeId: 'HT-2026-0001234',
      procedureCode: '1.001193',
      communeCode: '32248',
      provinceCode: '96',
      applicantPersonalId: '096190012345',
      nativeStatus: 'approved',
      status: 'RESOLVED',
      receivedAt: new Date('2026-02-27T01:15:00Z'),
      dueAt: new Date('2026-03-02T10:00:00Z'),
      finishedAt: new Date('2026-02-27T08:40:12Z'),
      returnedAt: null,
      updatedAt: new Date('2026-02-27T08:42:01Z'),
      sourceVersion: '4',
    });
  });

  it('keeps an unknown word as observed, with no canonical status', () => {
    const observation = specializedObservation(specializedCase({ status: 'transferred_to_province' }));
    expect(observation.status).toBeNull();
    expect(observation.nativeStatus).toBe('transferred_to_province');
  });

  it('rejects a case with a timestamp that has no offset', () => {
    expect(specializedCaseSchema.safeParse(specializedCase()).success).toBe(true);
    expect(specializedCaseSchema.safeParse(specializedCase({ updatedAt: '2026-02-27T15:42:01' })).success).toBe(false);
    expect(specializedCaseSchema.safeParse({ ...specializedCase(), revision: '4' }).success).toBe(false);
  });
});

describe('specialized change cursor', () => {
  it('round-trips a position through an opaque string', () => {
    const position = { updatedAtMs: 1_772_180_521_000, caseId: 'HT-2026-0001234' };
    const cursor = encodeChangeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeChangeCursor(cursor)).toEqual(position);
  });

  it('refuses a string it did not issue', () => {
    for (const cursor of ['', 'not-a-cursor', Buffer.from('{"v":2,"t":1,"c":""}').toString('base64url')]) {
      expect(() => decodeChangeCursor(cursor)).toThrow(RangeError);
    }
  });

  it('orders cases by timestamp, then by case id within one timestamp', () => {
    const position = { updatedAtMs: 1_000, caseId: 'HT-2026-0000005' };
    expect(isAfter(1_001, 'HT-2026-0000001', position)).toBe(true);
    expect(isAfter(1_000, 'HT-2026-0000006', position)).toBe(true);
    expect(isAfter(1_000, 'HT-2026-0000005', position)).toBe(false);
    expect(isAfter(1_000, 'HT-2026-0000004', position)).toBe(false);
    expect(isAfter(999, 'HT-2026-0000009', position)).toBe(false);
    expect(isAfter(1, '', START_POSITION)).toBe(true);
  });
});

/** Instants on both sides of midnight and of the Vietnam offset, with and without milliseconds. */
const SAMPLE_INSTANTS = [
  '2026-02-27T09:21:16.000Z',
  '2026-02-27T16:59:59.999Z',
  '2026-02-27T17:00:00.000Z',
  '2025-12-31T16:59:59.500Z',
  '2024-02-28T17:00:00.001Z',
  '1969-12-31T23:59:59.000Z',
].map((text) => new Date(text));

function makeCreate(overrides: Partial<DossierCreate> = {}): DossierCreate {
  return {
    correctionId: 'corr-7',
    dossierCode: '000.00.37.H96-260227-0004',
    procedureCode: '1.004873.000.00.00.H96',
    communeCode: '32002',
    provinceCode: '96',
    applicantPersonalId: '096190123456',
    status: 'RESOLVED',
    receivedAt: new Date('2026-02-27T01:30:00Z'),
    dueAt: new Date('2026-03-04T10:00:00Z'),
    finishedAt: new Date('2026-03-02T08:00:00Z'),
    returnedAt: null,
    reason: 'Bộ đã giải quyết',
    at: new Date('2026-03-02T09:00:00Z'),
    ...overrides,
  };
}

describe('provincial receipt and timestamps', () => {
  it('formats epoch milliseconds exactly as it formats a Date', () => {
    for (const instant of SAMPLE_INSTANTS) expect(formatVietnamTimestampMs(instant.getTime())).toBe(formatVietnamTimestamp(instant));
    expect(formatVietnamTimestampMs(Date.parse('2026-02-27T16:59:59Z'))).toBe('20260227235959');
  });

  it('builds a receipt that passes the system’s own schema, with the unit from the dossier code', () => {
    const request = receiveRequestFromCreate(makeCreate());
    expect(dossierReceiveRequestSchema.parse(request)).toEqual(request);
    expect(request).toMatchObject({
      MaYeuCau: 'corr-7',
      MaHoSo: '000.00.37.H96-260227-0004',
      MaDonVi: '000.00.37.H96',
      TenTTHC: 'Cấp Giấy xác nhận tình trạng hôn nhân',
      TrangThaiHoSo: 9,
      NgayTiepNhan: '20260227083000',
      NgayKetThucXuLy: '20260302150000',
      NgayTra: '',
      ThoiDiem: '20260302160000',
    });
  });

  it('leaves out what the hub does not know rather than sending it empty', () => {
    const request = receiveRequestFromCreate(makeCreate({ applicantPersonalId: null, dossierCode: 'not-a-code', procedureCode: '9.999999' }));
    expect(request).not.toHaveProperty('SoGiayToChuHoSo');
    expect(request).not.toHaveProperty('MaDonVi');
    expect(request).not.toHaveProperty('TenTTHC');
    expect(request).not.toHaveProperty('ChuHoSo');
  });
});

describe('specialized corrections and timestamps', () => {
  it('formats epoch milliseconds exactly as it formats a Date', () => {
    for (const instant of SAMPLE_INSTANTS) expect(formatSpecializedTimeMs(instant.getTime())).toBe(formatSpecializedTime(instant));
    expect(formatSpecializedTimeMs(Date.parse('2026-02-27T09:21:16.042Z'))).toBe('2026-02-27T16:21:16.042+07:00');
  });

  it('builds a transfer that passes the software’s own schema, in its status words', () => {
    const request = transferRequestFromCreate(makeCreate());
    expect(caseTransferRequestSchema.parse(request)).toEqual(request);
    expect(request).toMatchObject({
      correctionId: 'corr-7',
      nationalDossierCode: '000.00.37.H96-260227-0004',
      receivingAgencyId: '000.00.37.H96',
      applicant: { personalId: '096190123456' },
      status: 'approved',
      decidedAt: '2026-03-02T15:00:00.000+07:00',
      deliveredAt: null,
    });
  });

  it('has no status write nor transfer for SUBMITTED, which the software cannot hold', () => {
    expect(transferRequestFromCreate(makeCreate({ status: 'SUBMITTED' }))).toBeNull();
    expect(statusWriteRequest({ correctionId: 'c', dossierCode: 'x', status: 'SUBMITTED', reason: '', at: new Date() })).toBeNull();
    const write = statusWriteRequest({ correctionId: 'c', dossierCode: 'x', status: 'WITHDRAWN', reason: 'r', at: new Date('2026-03-02T09:00:00Z') });
    expect(caseStatusWriteRequestSchema.parse(write)).toEqual({ status: 'withdrawn', correctionId: 'c', reason: 'r', at: '2026-03-02T16:00:00.000+07:00' });
  });
});
