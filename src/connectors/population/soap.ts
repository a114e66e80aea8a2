/**
 * The SOAP 1.1 contract of the population database as simulated here. Element names and
 * namespaces follow the LGSP contracts in VIETNAM-EGOV.md §5 (`XacThucThongTinCongDan`,
 * `XacMinhThongTinNhanThan` → `CongdanCollection`); the batch operation
 * `TraCuuThongTinCongDan` (a list of up to 50 SoDinhDanh in one call) and the fault detail
 * `ChiTietLoi` are this simulator's own, since no public contract for either was found.
 */
export const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** Requests of the lookup operations (LGSP `XacMinhThongTinNhanThanRequest`). */
export const QLDC_NS = 'http://gtel.vn/qldc';
/** The citizen records (`CongdanCollection`). */
export const DANCU_NS = 'http://www.mic.gov.vn/dancu/1.0';
/** The verification operation (`XacThucThongTinCongDanRequest`). */
export const BCA_NS = 'http://dancuquocgia.bca';

/** Where the service listens; `?wsdl` answers its description (used as the health probe). */
export const POPULATION_SERVICE_PATH = '/dancu/services/CongDanService';

export const SOAP_ACTIONS = {
  lookup: `${QLDC_NS}/TraCuuThongTinCongDan`,
  verify: `${BCA_NS}/XacThucThongTinCongDan`,
} as const;

/** The service refuses a lookup of more ids than this in one request. */
export const POPULATION_MAX_BATCH = 50;

/** `MaLoi` values of the fault detail `ChiTietLoi`. */
export const FAULT_CODES = {
  /** Too many requests: `ThoiGianChoGiay` says how long to wait. */
  RATE_LIMITED: 'VUOT_GIOI_HAN_TRUY_CAP',
  /** More than {@link POPULATION_MAX_BATCH} ids in one request. */
  BATCH_TOO_LARGE: 'VUOT_SO_LUONG_TRA_CUU',
  /** The request is not the operation's shape, or misses who is asking. */
  INVALID_REQUEST: 'YEU_CAU_KHONG_HOP_LE',
  UNKNOWN_OPERATION: 'KHONG_HO_TRO_THAO_TAC',
  INTERNAL: 'LOI_HE_THONG',
} as const;

/** Who is asking: every lookup names the service, the integration, the unit and the officer (§5). */
export interface CallerIdentity {
  /** MaYeuCau: unique per request, echoed in the answer. */
  requestId: string;
  /** MaDVC: the public service (or procedure) the lookup serves. */
  serviceCode: string;
  /** MaTichHop: the integrating system. */
  integrationCode: string;
  /** MaDonVi: agency id of the unit on whose behalf the hub asks. */
  unitCode: string;
  /** MaCanBo: the officer or system account. */
  officerCode: string;
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `<prefix:name>text</prefix:name>` with the text escaped. */
export function textElement(name: string, text: string): string {
  return `<${name}>${escapeXml(text)}</${name}>`;
}

export function soapEnvelope(body: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${SOAP_ENVELOPE_NS}"><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

export interface SoapFaultSpec {
  /** SOAP 1.1: `Client` when the request is at fault, `Server` when the service is. */
  faultcode: 'soap:Client' | 'soap:Server';
  faultstring: string;
  code: (typeof FAULT_CODES)[keyof typeof FAULT_CODES];
  /** What went wrong, for people reading the detail (`MoTa`). */
  description?: string;
  /** Seconds to wait before retrying; rate-limit faults carry it. */
  retryAfterSeconds?: number;
}

export function soapFault(fault: SoapFaultSpec): string {
  const description = fault.description === undefined ? '' : textElement('qldc:MoTa', fault.description);
  const wait =
    fault.retryAfterSeconds === undefined ? '' : textElement('qldc:ThoiGianChoGiay', formatSeconds(fault.retryAfterSeconds));
  return soapEnvelope(
    `<soap:Fault><faultcode>${fault.faultcode}</faultcode>${textElement('faultstring', fault.faultstring)}` +
      `<detail><qldc:ChiTietLoi xmlns:qldc="${QLDC_NS}">${textElement('qldc:MaLoi', fault.code)}${description}${wait}</qldc:ChiTietLoi></detail>` +
      `</soap:Fault>`,
  );
}

function callerElements(caller: CallerIdentity, prefix: string): string {
  return (
    textElement(`${prefix}:MaYeuCau`, caller.requestId) +
    textElement(`${prefix}:MaDVC`, caller.serviceCode) +
    textElement(`${prefix}:MaTichHop`, caller.integrationCode) +
    textElement(`${prefix}:MaDonVi`, caller.unitCode) +
    textElement(`${prefix}:MaCanBo`, caller.officerCode)
  );
}

/** The batch lookup request: caller identity and the ids, each in its own SoDinhDanh. */
export function lookupRequestXml(caller: CallerIdentity, personalIds: readonly string[]): string {
  const ids = personalIds.map((id) => textElement('qldc:SoDinhDanh', id)).join('');
  return soapEnvelope(
    `<qldc:TraCuuThongTinCongDanRequest xmlns:qldc="${QLDC_NS}">${callerElements(caller, 'qldc')}` +
      `<qldc:DanhSachSoDinhDanh>${ids}</qldc:DanhSachSoDinhDanh></qldc:TraCuuThongTinCongDanRequest>`,
  );
}

export interface VerifyQuery {
  personalId: string;
  fullName: string;
  /** `yyyy-MM-dd`. */
  birthDate: string;
}

/** `XacThucThongTinCongDan`: does a citizen with this id, name and birth date exist? */
export function verifyRequestXml(caller: CallerIdentity, query: VerifyQuery): string {
  return soapEnvelope(
    `<bca:XacThucThongTinCongDanRequest xmlns:bca="${BCA_NS}">` +
      textElement('bca:MaYeuCau', caller.requestId) +
      textElement('bca:MaDichVu', caller.serviceCode) +
      textElement('bca:MaDonVi', caller.unitCode) +
      textElement('bca:MaCanBo', caller.officerCode) +
      textElement('bca:SoDinhDanh', query.personalId) +
      textElement('bca:HoVaTen', query.fullName) +
      textElement('bca:NgayThangNamSinh', query.birthDate.replace(/-/g, '')) +
      `</bca:XacThucThongTinCongDanRequest>`,
  );
}

/** Seconds with at most three decimals and no exponent, as `xs:decimal` wants them. */
export function formatSeconds(seconds: number): string {
  return (Math.ceil(seconds * 1_000) / 1_000).toFixed(3).replace(/\.?0+$/, '');
}
