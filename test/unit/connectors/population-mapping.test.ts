import { describe, expect, it } from 'vitest';
import { citizenFromCongDan } from '../../../src/connectors/population/mapping.js';
import { decodeSoapXml, faultSchema, lookupRequestSchema, lookupResponseSchema } from '../../../src/connectors/population/payload.js';
import { DANCU_NS, FAULT_CODES, QLDC_NS, formatSeconds, lookupRequestXml, soapEnvelope, soapFault } from '../../../src/connectors/population/soap.js';

interface CongDanParts {
  id?: string;
  ho?: string;
  chuDem?: string;
  ten?: string;
  gioiTinh?: string;
  nam?: string;
  ngay?: string;
  honNhan?: string;
  trangThai?: string;
  ngayChet?: string;
  thuongTruXa?: string;
  chuHo?: string;
  cha?: string;
}

function congDan(parts: CongDanParts = {}): string {
  const p = {
    id: '096180368768',
    ho: 'Trần',
    chuDem: 'Mỹ',
    ten: 'Hằng',
    gioiTinh: '2',
    nam: '1980',
    ngay: '19800328',
    honNhan: '2',
    trangThai: 'Còn sống',
    ngayChet: '',
    thuongTruXa: '31927',
    chuHo: '<ChuHo><QuanHe>Vợ</QuanHe><SoDinhDanh>096075123456</SoDinhDanh><HoVaTen>Lê Văn Nam</HoVaTen></ChuHo>',
    cha: '',
    ...parts,
  };
  const diaChi = (name: string, xa: string) =>
    `<${name}><MaTinhThanh>96</MaTinhThanh><MaQuanHuyen/><MaPhuongXa>${xa}</MaPhuongXa><ChiTiet>Ấp 3</ChiTiet><QuocGia>VN</QuocGia></${name}>`;
  return (
    `<CongDan><SoDinhDanh>${p.id}</SoDinhDanh><HoVaTen><Ho>${p.ho}</Ho><ChuDem>${p.chuDem}</ChuDem><Ten>${p.ten}</Ten></HoVaTen>` +
    `<GioiTinh>${p.gioiTinh}</GioiTinh><NgayThangNamSinh><Nam>${p.nam}</Nam><NgayThangNam>${p.ngay}</NgayThangNam></NgayThangNamSinh>` +
    `<DanToc>01</DanToc><TonGiao>00</TonGiao><QuocTich>VN</QuocTich><TinhTrangHonNhan>${p.honNhan}</TinhTrangHonNhan>` +
    `${diaChi('NoiDangKyKhaiSinh', '')}${diaChi('ThuongTru', p.thuongTruXa)}${diaChi('NoiOHienTai', '32002')}${p.chuHo}${p.cha}` +
    `<TrangThai>${p.trangThai}</TrangThai>${p.ngayChet ? `<NgayChet>${p.ngayChet}</NgayChet>` : ''}</CongDan>`
  );
}

function collection(records: string[], count = records.length, id = 'req-1'): string {
  return soapEnvelope(
    `<qldc:TraCuuThongTinCongDanResponse xmlns:qldc="${QLDC_NS}"><CongdanCollection xmlns="${DANCU_NS}" SoCongDan="${count}" ThoiDiemDuLieu="20251001080000" id="${id}">` +
      `${records.join('')}</CongdanCollection></qldc:TraCuuThongTinCongDanResponse>`,
  );
}

function read(xml: string) {
  return lookupResponseSchema.safeParse(decodeSoapXml(xml));
}

describe('citizenFromCongDan', () => {
  it('reads name parts, sex, birth date, addresses and the household head of a living citizen', () => {
    const parsed = read(collection([congDan()]));
    expect(parsed.success).toBe(true);
    const [record] = parsed.success ? parsed.data.records : [];
    expect(citizenFromCongDan(record as NonNullable<typeof record>)).toEqual({
      personalId: '096180368768',
      familyName: 'Trần',
      middleName: 'Mỹ',
      givenName: 'Hằng',
      fullName: 'Trần Mỹ Hằng',
      sex: 'FEMALE',
      birthDate: '1980-03-28',
      ethnicityCode: '01',
      nationality: 'VN',
      maritalStatus: 'MARRIED',
      permanentAddress: { provinceCode: '96', communeCode: '31927', detail: 'Ấp 3' },
      currentAddress: { provinceCode: '96', communeCode: '32002', detail: 'Ấp 3' },
      householdHead: { personalId: '096075123456', fullName: 'Lê Văn Nam', relation: 'Vợ' },
      father: null,
      mother: null,
      spouse: null,
      deceased: false,
      deathDate: null,
    });
  });

  it('joins a name without a middle name with single spaces', () => {
    const parsed = read(collection([congDan({ chuDem: '' })]));
    expect(parsed.success && citizenFromCongDan(parsed.data.records[0] as never).fullName).toBe('Trần Hằng');
  });

  it('marks a dead citizen with the date of death', () => {
    const parsed = read(collection([congDan({ trangThai: 'Đã chết', ngayChet: '20250908' })]));
    expect(parsed.success && citizenFromCongDan(parsed.data.records[0] as never)).toMatchObject({ deceased: true, deathDate: '2025-09-08' });
  });

  it('reads a parent named without a personal id', () => {
    const parsed = read(collection([congDan({ cha: '<Cha><HoVaTen>Trần Văn Tư</HoVaTen><QuocTich>VN</QuocTich><SoDinhDanh></SoDinhDanh></Cha>' })]));
    expect(parsed.success && citizenFromCongDan(parsed.data.records[0] as never).father).toEqual({ personalId: null, fullName: 'Trần Văn Tư' });
  });

  it('reads an unknown marital-status code as null and a missing household as no head', () => {
    const parsed = read(collection([congDan({ honNhan: '9', chuHo: '' })]));
    expect(parsed.success && citizenFromCongDan(parsed.data.records[0] as never)).toMatchObject({ maritalStatus: null, householdHead: null });
  });
});

describe('lookupResponseSchema', () => {
  it('reads an empty collection as no citizens', () => {
    const parsed = read(collection([]));
    expect(parsed.success && parsed.data).toEqual({ requestId: 'req-1', records: [] });
  });

  it.each([
    ['a sex code other than 1 or 2', congDan({ gioiTinh: '3' })],
    ['a dead citizen without a date of death', congDan({ trangThai: 'Đã chết' })],
    ['a living citizen with a date of death', congDan({ ngayChet: '20250101' })],
    ['an unknown life status', congDan({ trangThai: 'Không rõ' })],
    ['a birth date outside the birth year', congDan({ nam: '1981' })],
    ['a birth date that is not a calendar day', congDan({ nam: '1980', ngay: '19800231' })],
    ['a personal id that is not 12 digits', congDan({ id: '09618036876' })],
    ['a commune code that is not five digits', congDan({ thuongTruXa: '3192' })],
  ])('refuses a record with %s', (_, record) => {
    expect(read(collection([record])).success).toBe(false);
  });

  it('refuses a collection whose count does not match its records', () => {
    expect(read(collection([congDan()], 2)).success).toBe(false);
  });
});

describe('decodeSoapXml', () => {
  it.each([0.2, 0.5, 0.8, 0.99])('refuses a document cut off at %s of its length', (share) => {
    const xml = collection([congDan(), congDan({ id: '096180368769' })]);
    expect(() => decodeSoapXml(xml.slice(0, Math.floor(xml.length * share)))).toThrow(SyntaxError);
  });
});

describe('faultSchema', () => {
  it('reads the rate-limit fault with the seconds to wait', () => {
    const xml = soapFault({ faultcode: 'soap:Server', faultstring: 'Vượt quá giới hạn', code: FAULT_CODES.RATE_LIMITED, retryAfterSeconds: 0.05 });
    expect(faultSchema.parse(decodeSoapXml(xml))).toEqual({
      faultcode: 'Server',
      faultstring: 'Vượt quá giới hạn',
      code: 'VUOT_GIOI_HAN_TRUY_CAP',
      retryAfterSeconds: 0.05,
    });
  });

  it('reads a fault without detail', () => {
    const xml = soapEnvelope('<soap:Fault><faultcode>soap:Client</faultcode><faultstring>Sai</faultstring></soap:Fault>');
    expect(faultSchema.parse(decodeSoapXml(xml))).toMatchObject({ faultcode: 'Client', code: null, retryAfterSeconds: null });
  });
});

describe('lookupRequestXml', () => {
  it('escapes what it carries and reads back as the same ids, one or many', () => {
    const caller = { requestId: 'a&b<c>', serviceCode: 'S', integrationCode: 'I', unitCode: '000.00.00.H96', officerCode: 'O' };
    for (const ids of [['096180368768'], ['096180368768', '051176951640']]) {
      const parsed = lookupRequestSchema.parse(decodeSoapXml(lookupRequestXml(caller, ids)));
      expect(parsed).toEqual({ requestId: 'a&b<c>', personalIds: ids });
    }
  });
});

describe('formatSeconds', () => {
  it.each([
    [0.05, '0.05'],
    [1, '1'],
    [2.0004, '2.001'],
  ])('writes %s seconds as %s', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });
});
