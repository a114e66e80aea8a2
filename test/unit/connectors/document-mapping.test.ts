import { describe, expect, it } from 'vitest';
import { hubDocumentId, nativeIdOf, type ArchiveFile } from '../../../src/connectors/document-source.js';
import { summarizeDigitization } from '../../../src/connectors/government-documents/digitization-summary.js';
import {
  ARCHIVE_RIGHTS,
  BOOK_DIRECTIONS,
  DIGITIZATION,
  GOVERNMENT_STATUS,
  GOVERNMENT_URGENCY,
  archiveAccess,
  formatGovernmentDate,
  formatGovernmentNumber,
  formatGovernmentTimestamp,
  formatMaintenance,
  governmentCalendarDay,
  governmentTypeCode,
  isGovernmentDate,
  parseGovernmentDate,
  parseGovernmentNumber,
  parseMaintenance,
  toArchiveFile,
  toHubDocument as governmentToHub,
} from '../../../src/connectors/government-documents/mapping.js';
import { archivePageSchema, documentSetSchema } from '../../../src/connectors/government-documents/payload.js';
import {
  PARTY_DOCUMENT_TYPES,
  PARTY_SECRECY,
  PARTY_STATUS,
  PARTY_URGENCY,
  formatPartyDate,
  formatPartyNumber,
  formatPartyTimestamp,
  isPartyDate,
  isPartyTimestamp,
  parsePartyDate,
  parsePartyNumber,
  parsePartyTimestamp,
  partyStatus,
  toHubDocument as partyToHub,
} from '../../../src/connectors/party-documents/mapping.js';
import { decodeIcpvXml, documentFeedSchema } from '../../../src/connectors/party-documents/payload.js';

describe('party numbering', () => {
  it('prints the number, a hyphen, the type and the issuer with no colon', () => {
    expect(formatPartyNumber('370', 'QĐ/TU')).toBe('370-QĐ/TU');
    expect(formatPartyNumber('15', 'NQ/ĐU')).toBe('15-NQ/ĐU');
  });

  it.each([
    ['Số 370-QĐ/TU', { number: '370', typeCode: 'QĐ', issuerCode: 'TU' }],
    ['15-NQ/ĐU', { number: '15', typeCode: 'NQ', issuerCode: 'ĐU' }],
    ['36-HD/VPTW', { number: '36', typeCode: 'HD', issuerCode: 'VPTW' }],
    ['112-QĐi/TU', { number: '112', typeCode: 'QĐi', issuerCode: 'TU' }],
    ['48-KL/BTCTU', { number: '48', typeCode: 'KL', issuerCode: 'BTCTU' }],
  ])('reads %s', (printed, expected) => {
    expect(parsePartyNumber(printed)).toEqual(expected);
  });

  it('reads a number whose letters arrive decomposed (NFD)', () => {
    expect(parsePartyNumber('370-QĐ/TU'.normalize('NFD'))?.typeCode).toBe('QĐ');
  });

  it.each(['145/QĐ-UBND', 'Số: 370-QĐ/TU', '370/QĐ-TU', 'QĐ/TU', '370-QĐ'])('refuses %s, which is not a party number', (printed) => {
    expect(parsePartyNumber(printed)).toBeNull();
  });
});

describe('government numbering', () => {
  it('prints the number, a slash and the ký hiệu', () => {
    expect(formatGovernmentNumber('145', 'QĐ-UBND')).toBe('145/QĐ-UBND');
    expect(formatGovernmentNumber('1234', 'UBND-VP')).toBe('1234/UBND-VP');
  });

  it('reads a typed document as type then organ', () => {
    expect(parseGovernmentNumber('Số: 145/QĐ-UBND')).toEqual({ number: '145', typeCode: 'QĐ', organCode: 'UBND', unitCode: null });
    expect(parseGovernmentNumber('27/TTr-SNV')).toEqual({ number: '27', typeCode: 'TTr', organCode: 'SNV', unitCode: null });
  });

  it('reads a công văn, which has no type, as organ then drafting unit', () => {
    expect(parseGovernmentNumber('1234/UBND-VP')).toEqual({ number: '1234', typeCode: 'CV', organCode: 'UBND', unitCode: 'VP' });
    expect(parseGovernmentNumber('7816/VPCP-TTĐT')).toEqual({ number: '7816', typeCode: 'CV', organCode: 'VPCP', unitCode: 'TTĐT' });
  });

  it.each(['370-QĐ/TU', '145-QĐ/UBND', '145/QĐ', 'Số 145'])('refuses %s, which is not a government number', (printed) => {
    expect(parseGovernmentNumber(printed)).toBeNull();
  });
});

describe('party vocabularies', () => {
  it('maps every edXML status packet code iCPV sends', () => {
    expect(Object.fromEntries(Object.entries(PARTY_STATUS).map(([code, entry]) => [code, entry.status]))).toEqual({
      '01': 'ARRIVED',
      '02': 'REJECTED',
      '03': 'REGISTERED',
      '04': 'ASSIGNED',
      '05': 'PROCESSING',
      '06': 'COMPLETED',
      '13': 'RECALL_REQUESTED',
      '15': 'RECALL_AGREED',
      '16': 'RECALL_REFUSED',
    });
  });

  it('keeps no canonical status for a code outside the table', () => {
    expect(partyStatus('07')).toBeNull();
  });

  it('maps urgency 0–3 to thường, Khẩn, Thượng khẩn, Hỏa tốc', () => {
    expect(PARTY_URGENCY).toEqual({ '0': 'NORMAL', '1': 'URGENT', '2': 'VERY_URGENT', '3': 'FLASH' });
  });

  it('maps secrecy 0–3 to none, Mật, Tối mật, Tuyệt mật', () => {
    expect(PARTY_SECRECY).toEqual({ '0': 'NONE', '1': 'CONFIDENTIAL', '2': 'SECRET', '3': 'TOP_SECRET' });
  });

  it('knows the party-only types KL, TT and QĐi besides the Annex III ones', () => {
    const codes = Object.values(PARTY_DOCUMENT_TYPES).map((type) => type.code);
    expect(codes).toEqual(expect.arrayContaining(['NQ', 'QĐ', 'CT', 'KL', 'TT', 'QĐi', 'BC', 'TB', 'HD', 'KH']));
  });
});

describe('government vocabularies', () => {
  it.each([
    ['Quyết định', 'QĐ'],
    ['quyết định', 'QĐ'],
    ['Quy định', 'QyĐ'],
    ['Tờ trình', 'TTr'],
    ['Chương trình', 'CTr'],
    ['Công văn', 'CV'],
    ['Giấy mời', 'GM'],
  ])('files the type %s under %s', (name, code) => {
    expect(governmentTypeCode(name)).toBe(code);
  });

  it('has no code for a type outside Annex III', () => {
    expect(governmentTypeCode('Bản tin')).toBeNull();
  });

  it('maps the two books to the two directions', () => {
    expect(BOOK_DIRECTIONS).toEqual({ VB_DEN: 'INCOMING', VB_DI: 'OUTGOING' });
  });

  it('maps every processing word to a canonical status', () => {
    expect(Object.fromEntries(Object.entries(GOVERNMENT_STATUS).map(([word, entry]) => [word, entry.status]))).toEqual({
      DA_BAN_HANH: 'ISSUED',
      DA_THU_HOI: 'WITHDRAWN',
      CHO_TIEP_NHAN: 'ARRIVED',
      TRA_LAI: 'REJECTED',
      DA_VAO_SO: 'REGISTERED',
      DA_PHAN_PHOI: 'ASSIGNED',
      DANG_XU_LY: 'PROCESSING',
      DA_XU_LY: 'COMPLETED',
    });
  });

  it('maps urgency 0–3 like edXML does', () => {
    expect(GOVERNMENT_URGENCY).toEqual({ 0: 'NORMAL', 1: 'URGENT', 2: 'VERY_URGENT', 3: 'FLASH' });
  });

  it('maps the three digitisation states', () => {
    expect(DIGITIZATION).toEqual({ CHUA_SO_HOA: 'NOT_STARTED', DANG_SO_HOA: 'IN_PROGRESS', DA_SO_HOA: 'DIGITIZED' });
  });
});

describe('archive retention and rights', () => {
  it('reads Vĩnh viễn as permanent', () => {
    expect(parseMaintenance('Vĩnh viễn')).toEqual({ retention: 'PERMANENT', years: null });
    expect(parseMaintenance('vĩnh viễn'.normalize('NFD'))).toEqual({ retention: 'PERMANENT', years: null });
  });

  it.each([70, 50, 20, 10, 5])('reads "%i năm" as a term of that many years', (years) => {
    expect(parseMaintenance(`${years} năm`)).toEqual({ retention: 'TERM', years });
    expect(formatMaintenance({ retention: 'TERM', years })).toBe(`${years} năm`);
  });

  it.each(['0 năm', 'mãi mãi', '70', 'năm 70', ''])('refuses the retention %j', (text) => {
    expect(parseMaintenance(text)).toBeNull();
  });

  it('treats a Rights text it does not know as restricted, never as public', () => {
    expect(archiveAccess('Công khai')).toBe('PUBLIC');
    expect(archiveAccess('Hạn chế sử dụng')).toBe('RESTRICTED');
    expect(archiveAccess('Theo quy định riêng')).toBe('RESTRICTED');
    expect(Object.values(ARCHIVE_RIGHTS)).toContain('PUBLIC');
  });
});

describe('dates', () => {
  it('reads an edXML date as midnight in Vietnam', () => {
    expect(parsePartyDate('2026/10/01').toISOString()).toBe('2026-09-30T17:00:00.000Z');
    expect(formatPartyDate(new Date('2026-09-30T17:00:00.000Z'))).toBe('2026/10/01');
  });

  it('reads an edXML timestamp on the Vietnam wall clock and writes it back unchanged', () => {
    const instant = parsePartyTimestamp('2026/10/01 08:30:05');
    expect(instant.toISOString()).toBe('2026-10-01T01:30:05.000Z');
    expect(formatPartyTimestamp(instant)).toBe('2026/10/01 08:30:05');
  });

  it('refuses days that do not exist and times out of range', () => {
    expect(isPartyDate('2026/02/29')).toBe(false);
    expect(isPartyDate('2028/02/29')).toBe(true);
    expect(isPartyTimestamp('2026/10/01 24:00:00')).toBe(false);
    expect(isGovernmentDate('31/04/2026')).toBe(false);
  });

  it('reads a QLVB date dd/MM/yyyy as midnight in Vietnam and as a calendar day', () => {
    expect(parseGovernmentDate('15/10/2026').toISOString()).toBe('2026-10-14T17:00:00.000Z');
    expect(governmentCalendarDay('15/10/2026')).toBe('2026-10-15');
    expect(formatGovernmentDate(new Date('2026-10-14T17:00:00.000Z'))).toBe('15/10/2026');
  });

  it('writes QLVB instants on the Vietnam clock with their offset', () => {
    expect(formatGovernmentTimestamp(new Date('2026-10-15T02:12:00.000Z'))).toBe('2026-10-15T09:12:00+07:00');
  });
});

describe('hub ids', () => {
  it('prefixes the native id with the source and takes it back off', () => {
    const id = hubDocumentId('party-documents', '000.00.00.D96,2026/10/01,370-QĐ/TU');
    expect(id).toBe('party-documents:000.00.00.D96,2026/10/01,370-QĐ/TU');
    expect(nativeIdOf('party-documents', id)).toBe('000.00.00.D96,2026/10/01,370-QĐ/TU');
  });

  it('gives no native id for an id of the other source', () => {
    expect(nativeIdOf('party-documents', 'government-documents:QLVB-96-000001')).toBeNull();
    expect(nativeIdOf('government-documents', 'government-documents:')).toBeNull();
  });
});

const PARTY_RECORD = `<?xml version="1.0" encoding="UTF-8"?>
<DocumentFeed xmlns="urn:lienthong:sim:icpv:1.0">
  <ProvinceCode>96</ProvinceCode><Count>1</Count><NextCursor>aWNwdjox</NextCursor><HasMore>false</HasMore>
  <DocumentRecord>
    <RecordInfo>
      <ProvinceCode>96</ProvinceCode><CommuneCode/><Version>3</Version><UpdatedAt>2026/10/02 09:15:00</UpdatedAt>
      <CurrentStatus><StatusCode>04</StatusCode><Timestamp>2026/10/02 09:15:00</Timestamp></CurrentStatus>
    </RecordInfo>
    <edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader><MessageHeader>
      <From><OrganId>000.00.00.D96</OrganId><OrganName>Tỉnh ủy Cà Mau</OrganName></From>
      <To><OrganId>000.00.37.D96</OrganId><OrganName>Đảng ủy xã Trần Văn Thời</OrganName></To>
      <Code><CodeNumber>370</CodeNumber><CodeNotation>QĐ/TU</CodeNotation></Code>
      <PromulgationInfo><Place>Cà Mau</Place><PromulgationDate>2026/10/01</PromulgationDate></PromulgationInfo>
      <DocumentType><Type>2</Type><TypeName>Quyết định</TypeName></DocumentType>
      <Subject>về việc điều động, phân công cán bộ &amp; bố trí công tác</Subject>
      <SignerInfo><Competence>T/M BAN THƯỜNG VỤ</Competence><Position>Bí thư</Position><FullName>Nguyễn Văn A</FullName></SignerInfo>
      <DueDate>2026/10/15</DueDate>
      <OtherInfo><Priority>2</Priority><SecretLevel>1</SecretLevel><PageAmount>4</PageAmount></OtherInfo>
      <DocumentId>000.00.00.D96,2026/10/01,370-QĐ/TU</DocumentId>
    </MessageHeader></edXMLHeader></edXMLEnvelope></edXML>
  </DocumentRecord>
</DocumentFeed>`;

describe('party record to HubDocument', () => {
  it('reads an edXML envelope into a canonical document', () => {
    const feed = documentFeedSchema.parse(decodeIcpvXml(PARTY_RECORD));
    const record = feed.DocumentRecord[0];
    expect(record).toBeDefined();
    expect(partyToHub(record as NonNullable<typeof record>)).toEqual({
      id: 'party-documents:000.00.00.D96,2026/10/01,370-QĐ/TU',
      source: 'party-documents',
      direction: null,
      number: '370-QĐ/TU',
      typeCode: 'QĐ',
      typeName: 'Quyết định',
      subject: 'về việc điều động, phân công cán bộ & bố trí công tác',
      issuerOrganId: '000.00.00.D96',
      issuerName: 'Tỉnh ủy Cà Mau',
      issuedAt: new Date('2026-09-30T17:00:00.000Z'),
      dueAt: new Date('2026-10-14T17:00:00.000Z'),
      arrivedAt: null,
      urgency: 'VERY_URGENT',
      secrecy: 'CONFIDENTIAL',
      pageCount: 4,
      signerName: 'Nguyễn Văn A',
      signerPosition: 'Bí thư',
      provinceCode: '96',
      communeCode: null,
      status: 'ASSIGNED',
      nativeStatus: '04',
      updatedAt: new Date('2026-10-02T02:15:00.000Z'),
    });
  });

  it('refuses an envelope without a secrecy level rather than reading it as not secret', () => {
    const withoutSecrecy = PARTY_RECORD.replace('<SecretLevel>1</SecretLevel>', '');
    expect(documentFeedSchema.safeParse(decodeIcpvXml(withoutSecrecy)).success).toBe(false);
  });

  it('refuses a feed whose Count disagrees with its records', () => {
    const miscounted = PARTY_RECORD.replace('<Count>1</Count>', '<Count>2</Count>');
    expect(documentFeedSchema.safeParse(decodeIcpvXml(miscounted)).success).toBe(false);
  });

  it('refuses XML cut off anywhere before its end', () => {
    for (const cut of [40, 400, PARTY_RECORD.length - 2]) {
      expect(() => decodeIcpvXml(PARTY_RECORD.slice(0, cut))).toThrow(SyntaxError);
    }
  });
});

const INCOMING = {
  Id: 'QLVB-96-000005',
  BookType: 'VB_DEN',
  ProvinceCode: '96',
  CommuneCode: '32095',
  FileCode: { OrganId: '000.00.37.H96', FileCatalog: 2026, FileNotation: '14-VP' },
  DocOrdinal: 8,
  TypeName: 'Quyết định',
  CodeNumber: '145',
  CodeNotation: 'QĐ-UBND',
  IssuedDate: '01/10/2026',
  OrganId: '000.00.00.H96',
  OrganName: 'Ủy ban nhân dân tỉnh Cà Mau',
  Subject: 'Về việc phân bổ kinh phí',
  Language: 'Tiếng Việt',
  PageAmount: 3,
  Description: null,
  SignerInfo: { Position: 'Phó Chủ tịch', FullName: 'Trần Văn B' },
  Priority: 1,
  ProcessingStatus: 'DANG_XU_LY',
  Version: 4,
  UpdatedAt: '2026-10-03T10:00:00+07:00',
  ArrivalDate: '02/10/2026',
  ArrivalNumber: 1457,
  ToPlaces: 'Chủ tịch UBND; Văn phòng HĐND và UBND',
  TraceHeaderList: [],
  DueDate: '12/10/2026',
};

describe('QLVB record to HubDocument', () => {
  it('reads an incoming record with its arrival and due dates', () => {
    const [doc] = documentSetSchema.parse({ Success: true, Data: { Items: [INCOMING] } }).Items;
    expect(governmentToHub(doc as NonNullable<typeof doc>)).toMatchObject({
      id: 'government-documents:QLVB-96-000005',
      direction: 'INCOMING',
      number: '145/QĐ-UBND',
      typeCode: 'QĐ',
      urgency: 'URGENT',
      secrecy: 'NONE',
      issuedAt: new Date('2026-09-30T17:00:00.000Z'),
      arrivedAt: new Date('2026-10-01T17:00:00.000Z'),
      dueAt: new Date('2026-10-11T17:00:00.000Z'),
      communeCode: '32095',
      status: 'PROCESSING',
      nativeStatus: 'DANG_XU_LY',
      updatedAt: new Date('2026-10-03T03:00:00.000Z'),
    });
  });

  it('refuses an urgency outside 0–3', () => {
    expect(documentSetSchema.safeParse({ Success: true, Data: { Items: [{ ...INCOMING, Priority: 9 }] } }).success).toBe(false);
  });
});

const ARCHIVE = {
  Id: 'HSLT-96-00001',
  ProvinceCode: '96',
  FileCode: { OrganId: '000.00.07.H96', FileCatalog: 2018, FileNotation: '03-TNMT' },
  Title: 'Hồ sơ cấp giấy chứng nhận quyền sử dụng đất năm 2018',
  Maintenance: 'Vĩnh viễn',
  Rights: 'Công khai',
  Creator: 'UBND huyện Trần Văn Thời',
  Language: 'Tiếng Việt',
  StartDate: '05/01/2018',
  EndDate: '28/12/2018',
  DocTotal: 40,
  PageTotal: 312,
  Description: null,
  Digitization: { State: 'DANG_SO_HOA', PagesDigitized: 100 },
  Handover: {
    FormerDistrict: 'Huyện Trần Văn Thời',
    FormerProvince: 'Tỉnh Cà Mau',
    ReceivingCommuneCode: '32095',
    ReceivingOrganName: 'UBND xã Trần Văn Thời',
    HandoverDate: '15/07/2025',
    MinuteNumber: '05/BB-BGTL',
  },
};

function archivePage(items: unknown[]) {
  return archivePageSchema.safeParse({ Success: true, Data: { Items: items, Page: 1, PageSize: 200, Total: items.length } });
}

describe('QLVB archive record to ArchiveFile', () => {
  it('reads a record with its retention, dates and handover', () => {
    const page = archivePage([ARCHIVE]);
    expect(page.success).toBe(true);
    const [file] = page.success ? page.data.Items : [];
    expect(toArchiveFile(file as NonNullable<typeof file>)).toEqual({
      id: 'government-documents:HSLT-96-00001',
      fileCode: '000.00.07.H96.2018.03-TNMT',
      title: 'Hồ sơ cấp giấy chứng nhận quyền sử dụng đất năm 2018',
      retention: 'PERMANENT',
      retentionYears: null,
      access: 'PUBLIC',
      creator: 'UBND huyện Trần Văn Thời',
      startDate: '2018-01-05',
      endDate: '2018-12-28',
      documentCount: 40,
      pageCount: 312,
      pagesDigitized: 100,
      digitization: 'IN_PROGRESS',
      provinceCode: '96',
      receivingCommuneCode: '32095',
      handedOverAt: new Date('2025-07-14T17:00:00.000Z'),
      formerDistrictName: 'Huyện Trần Văn Thời',
    });
  });

  it('refuses a record with more pages digitised than it has', () => {
    expect(archivePage([{ ...ARCHIVE, Digitization: { State: 'DA_SO_HOA', PagesDigitized: 313 } }]).success).toBe(false);
  });

  it('refuses a retention that is neither Vĩnh viễn nor a number of years', () => {
    expect(archivePage([{ ...ARCHIVE, Maintenance: 'Lâu dài' }]).success).toBe(false);
  });
});

function file(overrides: Partial<ArchiveFile>): ArchiveFile {
  return {
    id: 'government-documents:HSLT-96-00001',
    fileCode: '000.00.07.H96.2018.03-TNMT',
    title: 'Hồ sơ',
    retention: 'PERMANENT',
    retentionYears: null,
    access: 'PUBLIC',
    creator: 'UBND huyện Trần Văn Thời',
    startDate: '2018-01-05',
    endDate: '2018-12-28',
    documentCount: 10,
    pageCount: 100,
    pagesDigitized: 0,
    digitization: 'NOT_STARTED',
    provinceCode: '96',
    receivingCommuneCode: '32095',
    handedOverAt: new Date('2025-07-14T17:00:00.000Z'),
    formerDistrictName: 'Huyện Trần Văn Thời',
    ...overrides,
  };
}

describe('summarizeDigitization', () => {
  it('weighs progress by pages, not by files', () => {
    const [summary] = summarizeDigitization(
      [
        file({ pageCount: 900, pagesDigitized: 0 }),
        file({ pageCount: 100, pagesDigitized: 100, digitization: 'DIGITIZED' }),
      ],
      'receivingCommuneCode',
    );
    expect(summary).toEqual({
      key: '32095',
      files: 2,
      filesDigitized: 1,
      filesInProgress: 0,
      filesNotStarted: 1,
      pages: 1000,
      pagesDigitized: 100,
      progress: 0.1,
    });
  });

  it('groups by receiving commune in code order and reports no progress for a group without pages', () => {
    const summaries = summarizeDigitization(
      [file({ receivingCommuneCode: '32152', pageCount: 0 }), file({ receivingCommuneCode: '32095', pagesDigitized: 50, digitization: 'IN_PROGRESS' })],
      'receivingCommuneCode',
    );
    expect(summaries.map((summary) => [summary.key, summary.progress])).toEqual([
      ['32095', 0.5],
      ['32152', 0],
    ]);
  });
});
