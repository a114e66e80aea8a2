import { describe, expect, it } from 'vitest';
import {
  DOSSIER_STATUS_BY_REGISTRATION_STATUS,
  STATUS_BY_CODE,
  isRegistryDate,
  isRegistryDateTime,
  personalIdsOf,
  registrationFromRecord,
} from '../../../src/connectors/civil-registration/mapping.js';
import { recordHeadSchema, recordSchemaFor } from '../../../src/connectors/civil-registration/payload.js';

const place = { maTinh: '96', maHuyen: '', maXa: '32002', dcChiTiet: 'Ấp 3' };

const common = {
  id: 'KS-96-0000001',
  loaiDangKy: '1',
  maHoSo: '000.00.37.H96-250915-0001',
  noiDangKy: { maTinh: '96', maXa: '32002', tenCoQuan: 'UBND Xã Khánh Bình' },
  ngayDangKy: '15/09/2025',
  trangThai: 4,
  thoiGianCapNhat: '16/09/2025 10:05:00',
  ketQuaXuLy: { soDinhDanh: '096325000123', soDangKy: '12', quyenSo: '01/2025', trangSo: '12', ngayDangKy: '16/09/2025' },
};

const birth = {
  ...common,
  module: 'KS',
  nksHoTen: 'Lê Kim Quyên',
  nksGioiTinh: '2',
  nksNgaySinh: '27/08/2025',
  nksNoiSinh: { ...place, dcChiTiet: 'Trạm y tế xã' },
  nksDanToc: '01',
  nksQuocTich: 'VN',
  nksSoDDCN: '',
  meHoTen: 'Trần Bích Oanh',
  meNgaySinh: '18/02/2002',
  meSoDDCN: '096302657627',
  meNoiCuTru: place,
  chaHoTen: 'Lê Ngọc Cường',
  chaNgaySinh: '13/05/1995',
  chaSoDDCN: '096095387063',
  chaNoiCuTru: place,
  nycHoTen: 'Trần Bích Oanh',
  nycQuanHe: 'Mẹ',
  nycSoDDCN: '096302657627',
};

const death = {
  ...common,
  id: 'KT-96-0000001',
  module: 'KT',
  ketQuaXuLy: { ...common.ketQuaXuLy, soDinhDanh: '' },
  nktHoTen: 'Huỳnh Đức Bảo',
  nktGioiTinh: '1',
  nktNgaySinh: '12/07/1947',
  nktSoDDCN: '096047093695',
  nktNgayChet: '08/09/2025',
  nktGioPhutChet: '04:30',
  nktNoiChet: 'Tại nhà',
  nktNguyenNhanChet: 'Bệnh già',
  gbtLoai: '1',
  gbtSo: '00001/GBT',
  gbtNgay: '08/09/2025',
  gbtCoQuanCap: 'UBND Xã Khánh Bình',
  nycHoTen: 'Bùi Thị Lan',
  nycQuanHe: 'Vợ',
  nycSoDDCN: '096153311793',
};

const marriage = {
  ...common,
  id: 'KH-96-0000001',
  module: 'KH',
  trangThai: 3,
  ketQuaXuLy: null,
  chongHoTen: 'Nguyễn Văn Nam',
  chongNgaySinh: '01/01/1995',
  chongSoDDCN: '096095000001',
  chongDanToc: '01',
  chongQuocTich: 'VN',
  chongNoiCuTru: place,
  chongSoLanKH: '1',
  voHoTen: 'Phạm Thị Mai',
  voNgaySinh: '',
  voSoDDCN: '096197000002',
  voDanToc: '01',
  voQuocTich: 'VN',
  voNoiCuTru: place,
  voSoLanKH: '1',
};

function read(raw: unknown): ReturnType<typeof registrationFromRecord> {
  const head = recordHeadSchema.parse(raw);
  return registrationFromRecord(recordSchemaFor(head.module).parse(raw));
}

describe('registrationFromRecord', () => {
  it('reads a registered birth: the child with the id it issued, both parents, the declarant and the register numbers', () => {
    expect(read(birth)).toEqual({
      id: 'KS-96-0000001',
      kind: 'BIRTH',
      nativeModule: 'KS',
      type: 'STANDARD',
      status: 'REGISTERED',
      nativeStatus: '4',
      lodgedAt: new Date('2025-09-14T17:00:00Z'),
      registeredAt: new Date('2025-09-15T17:00:00Z'),
      registrationNumber: '12',
      book: '01/2025',
      page: '12',
      placeProvinceCode: '96',
      placeCommuneCode: '32002',
      dossierCode: '000.00.37.H96-250915-0001',
      people: [
        { role: 'CHILD', personalId: '096325000123', fullName: 'Lê Kim Quyên', sex: 'FEMALE', birthDate: '2025-08-27', relation: null },
        { role: 'MOTHER', personalId: '096302657627', fullName: 'Trần Bích Oanh', sex: 'FEMALE', birthDate: '2002-02-18', relation: null },
        { role: 'FATHER', personalId: '096095387063', fullName: 'Lê Ngọc Cường', sex: 'MALE', birthDate: '1995-05-13', relation: null },
        { role: 'DECLARANT', personalId: '096302657627', fullName: 'Trần Bích Oanh', sex: null, birthDate: null, relation: 'Mẹ' },
      ],
      issuedPersonalId: '096325000123',
      deathDate: null,
      updatedAt: new Date('2025-09-16T03:05:00Z'),
    });
  });

  it('names no father on a birth registered without one', () => {
    const registration = read({ ...birth, chaHoTen: '', chaNgaySinh: '', chaSoDDCN: '' });
    expect(registration.people.map((person) => person.role)).toEqual(['CHILD', 'MOTHER', 'DECLARANT']);
  });

  it('reads a death with the deceased, the date of death and the declarant', () => {
    const registration = read(death);
    expect(registration).toMatchObject({ kind: 'DEATH', deathDate: '2025-09-08', issuedPersonalId: null });
    expect(registration.people).toEqual([
      { role: 'DECEASED', personalId: '096047093695', fullName: 'Huỳnh Đức Bảo', sex: 'MALE', birthDate: '1947-07-12', relation: null },
      { role: 'DECLARANT', personalId: '096153311793', fullName: 'Bùi Thị Lan', sex: null, birthDate: null, relation: 'Vợ' },
    ]);
  });

  it('reads a marriage in progress with husband and wife and no register numbers', () => {
    const registration = read(marriage);
    expect(registration).toMatchObject({ kind: 'MARRIAGE', status: 'PROCESSING', registeredAt: null, registrationNumber: null });
    expect(registration.people.map((person) => [person.role, person.birthDate])).toEqual([
      ['HUSBAND', '1995-01-01'],
      ['WIFE', null],
    ]);
    expect(personalIdsOf(registration)).toEqual(['096095000001', '096197000002']);
  });

  it('keeps a record of a module it does not model as OTHER, with its common fields', () => {
    const registration = read({ ...common, id: 'GH-96-0000001', module: 'GH' });
    expect(registration).toMatchObject({ kind: 'OTHER', nativeModule: 'GH', people: [], status: 'REGISTERED' });
  });

  it('keeps an unknown status code as native with no canonical status', () => {
    expect(read({ ...marriage, trangThai: 7 })).toMatchObject({ status: null, nativeStatus: '7' });
  });
});

describe('record schemas', () => {
  it.each([
    ['a registered record without register numbers', { ...birth, ketQuaXuLy: null }],
    ['register numbers on a record in progress', { ...marriage, ketQuaXuLy: common.ketQuaXuLy }],
    ['a personal id that is not 12 digits', { ...birth, meSoDDCN: '09630265762' }],
    ['a date that is not dd/MM/yyyy', { ...death, nktNgayChet: '2025-09-08' }],
    ['a sex code other than 1 or 2', { ...birth, nksGioiTinh: '0' }],
    ['a missing name', { ...marriage, voHoTen: '' }],
  ])('refuses %s', (_, raw) => {
    const head = recordHeadSchema.parse(raw);
    expect(recordSchemaFor(head.module).safeParse(raw).success).toBe(false);
  });
});

describe('status tables', () => {
  it('gives every registry status a dossier status', () => {
    for (const { status } of Object.values(STATUS_BY_CODE)) expect(DOSSIER_STATUS_BY_REGISTRATION_STATUS[status]).toBeDefined();
  });
});

describe('registry dates', () => {
  it.each([
    ['29/02/2024', true],
    ['29/02/2025', false],
    ['1/9/2025', false],
  ])('reads %s as a date: %s', (text, valid) => {
    expect(isRegistryDate(text)).toBe(valid);
  });

  it.each([
    ['16/09/2025 10:05:00', true],
    ['16/09/2025 24:00:00', false],
  ])('reads %s as an instant: %s', (text, valid) => {
    expect(isRegistryDateTime(text)).toBe(valid);
  });
});
