import type { DemoDataset } from '../demo/demo-dataset.js';
import { SimulatorServer, xml, type SimRequest, type SimResponse } from '../simulator-kit.js';
import { buildDemoPopulation, type DemoAddress, type DemoPerson, type DemoPopulation } from './demo-population.js';
import { LIFE_STATUS, MARITAL_STATUS_CODE, SEX_CODE, compactDate } from './mapping.js';
import { decodeSoapXml, lookupRequestSchema, verifyRequestSchema } from './payload.js';
import { TokenBucket, type RateLimit } from './rate-limiter.js';
import {
  BCA_NS,
  DANCU_NS,
  FAULT_CODES,
  POPULATION_MAX_BATCH,
  POPULATION_SERVICE_PATH,
  QLDC_NS,
  SOAP_ACTIONS,
  SOAP_ENVELOPE_NS,
  escapeXml,
  soapEnvelope,
  soapFault,
  textElement,
  type SoapFaultSpec,
} from './soap.js';

export interface PopulationSimulatorOptions {
  dataset: DemoDataset;
  seed: number;
  /** The derived population, when the caller builds it once for several simulators. */
  population?: DemoPopulation;
  /** Metering of the service; null turns it off. Default 20 requests/s with bursts of 40. */
  rateLimit?: RateLimit | null;
  /** The system's clock, for `ThoiDiemDuLieu`. */
  clock?: () => Date;
}

export interface PopulationSimulator {
  server: SimulatorServer;
  population: DemoPopulation;
  /** How many requests were refused for exceeding the rate limit. */
  rateLimitedCount(): number;
}

export const DEFAULT_POPULATION_RATE_LIMIT: RateLimit = { perSecond: 20, burst: 40 };

/**
 * The National Population Database (CSDL quốc gia về dân cư) as its LGSP gateway serves it:
 * SOAP 1.1 on one endpoint, `POST /dancu/services/CongDanService`, the operation chosen by the
 * SOAPAction header (or, without one, by the body's element):
 * - `TraCuuThongTinCongDan` — up to 50 SoDinhDanh → `CongdanCollection` of the citizens found;
 *   unknown ids are absent, more than 50 is a `soap:Client` fault.
 * - `XacThucThongTinCongDan` — one id, name and birth date → `KetQuaXacThucResponse{TonTai}`.
 * - `GET ...?wsdl` — the service description, not metered (the connector's health probe).
 * Every request is metered by a token bucket; an empty bucket answers HTTP 500 with a
 * `soap:Server` fault whose detail `ChiTietLoi` carries `MaLoi` VUOT_GIOI_HAN_TRUY_CAP and
 * `ThoiGianChoGiay`, the seconds until a token is free. Admin: `GET /__admin/ground-truth`,
 * `GET /__admin/rate-limit`.
 */
export function createPopulationSimulator(options: PopulationSimulatorOptions): PopulationSimulator {
  const population = options.population ?? buildDemoPopulation(options.dataset, { seed: options.seed });
  const rateLimit = options.rateLimit === undefined ? DEFAULT_POPULATION_RATE_LIMIT : options.rateLimit;
  const service = new PopulationService(population, rateLimit === null ? null : new TokenBucket(rateLimit), options.clock);
  const server = new SimulatorServer('population', (req) => service.handle(req), options.seed);
  server.malform = malformSoap;
  server.addAdminRoute('ground-truth', () => populationGroundTruth(population));
  server.addAdminRoute('rate-limit', () => ({ ...(rateLimit ?? { perSecond: null, burst: null }), limited: service.limited }));
  return { server, population, rateLimitedCount: () => service.limited };
}

/** What the demo population holds, for anyone checking the hub against it. */
export function populationGroundTruth(population: DemoPopulation): {
  citizens: number;
  byOrigin: Record<string, number>;
  deceased: number;
  /** Registered deaths the database still shows alive (they disagree with civil registration). */
  deathsNotRecorded: string[];
} {
  const byOrigin: Record<string, number> = {};
  for (const person of population.people) byOrigin[person.origin] = (byOrigin[person.origin] ?? 0) + 1;
  return {
    citizens: population.people.length,
    byOrigin,
    deceased: population.people.filter((person) => person.deathDate !== null).length,
    deathsNotRecorded: population.disagreements
      .filter((disagreement) => disagreement.kind === 'DEATH_NOT_IN_POPULATION')
      .map((disagreement) => disagreement.personalId),
  };
}

class PopulationService {
  limited = 0;
  private readonly rendered = new Map<string, string>();
  private readonly clock: () => Date;

  constructor(
    private readonly population: DemoPopulation,
    private readonly bucket: TokenBucket | null,
    clock?: () => Date,
  ) {
    this.clock = clock ?? (() => new Date());
  }

  handle(req: SimRequest): SimResponse {
    if (req.url.pathname !== POPULATION_SERVICE_PATH) return { status: 404, contentType: 'text/plain; charset=utf-8', body: 'Not Found' };
    if (req.method === 'GET' && req.url.searchParams.has('wsdl')) return xml(200, WSDL);
    if (req.method !== 'POST') return fault({ faultcode: 'soap:Client', faultstring: 'Chỉ hỗ trợ POST', code: FAULT_CODES.INVALID_REQUEST });

    const token = this.bucket?.take() ?? { ok: true };
    if (!token.ok) {
      this.limited += 1;
      const limit = (this.bucket as TokenBucket).limit;
      return fault({
        faultcode: 'soap:Server',
        faultstring: 'Vượt quá giới hạn truy cập của hệ thống tích hợp, vui lòng thử lại sau',
        code: FAULT_CODES.RATE_LIMITED,
        description: `Đã vượt quá giới hạn ${limit.perSecond} yêu cầu mỗi giây (tối đa ${limit.burst} yêu cầu liên tiếp)`,
        retryAfterSeconds: token.retryAfterSeconds,
      });
    }

    let decoded: unknown;
    try {
      decoded = decodeSoapXml(req.body);
    } catch {
      return fault({ faultcode: 'soap:Client', faultstring: 'Yêu cầu không phải XML hợp lệ', code: FAULT_CODES.INVALID_REQUEST });
    }
    const action = (req.headers.soapaction ?? '').toString().replace(/^"|"$/g, '');
    if (action === SOAP_ACTIONS.lookup || (action === '' && hasBodyElement(decoded, 'TraCuuThongTinCongDanRequest'))) {
      return this.lookup(decoded);
    }
    if (action === SOAP_ACTIONS.verify || (action === '' && hasBodyElement(decoded, 'XacThucThongTinCongDanRequest'))) {
      return this.verify(decoded);
    }
    return fault({ faultcode: 'soap:Client', faultstring: `Không hỗ trợ thao tác ${action || '(trống)'}`, code: FAULT_CODES.UNKNOWN_OPERATION });
  }

  private lookup(decoded: unknown): SimResponse {
    const parsed = lookupRequestSchema.safeParse(decoded);
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.at(-1) ?? 'Body';
      return fault({ faultcode: 'soap:Client', faultstring: `Yêu cầu tra cứu không hợp lệ tại ${String(where)}`, code: FAULT_CODES.INVALID_REQUEST });
    }
    const { requestId, personalIds } = parsed.data;
    if (personalIds.length > POPULATION_MAX_BATCH) {
      return fault({
        faultcode: 'soap:Client',
        faultstring: `Số lượng số định danh trong một yêu cầu vượt quá giới hạn ${POPULATION_MAX_BATCH} (nhận ${personalIds.length})`,
        code: FAULT_CODES.BATCH_TOO_LARGE,
      });
    }
    const records: string[] = [];
    for (const id of new Set(personalIds)) {
      const person = this.population.byId.get(id);
      if (person) records.push(this.render(person));
    }
    return xml(
      200,
      soapEnvelope(
        `<qldc:TraCuuThongTinCongDanResponse xmlns:qldc="${QLDC_NS}">` +
          `<CongdanCollection xmlns="${DANCU_NS}" SoCongDan="${records.length}" ThoiDiemDuLieu="${compactTimestamp(this.clock())}" id="${escapeXml(requestId)}">` +
          `${records.join('')}</CongdanCollection></qldc:TraCuuThongTinCongDanResponse>`,
      ),
    );
  }

  private verify(decoded: unknown): SimResponse {
    const parsed = verifyRequestSchema.safeParse(decoded);
    if (!parsed.success) {
      return fault({ faultcode: 'soap:Client', faultstring: 'Yêu cầu xác thực không hợp lệ', code: FAULT_CODES.INVALID_REQUEST });
    }
    const request = parsed.data;
    const person = this.population.byId.get(request.SoDinhDanh);
    const exists =
      person !== undefined &&
      normalizeName(person.fullName) === normalizeName(request.HoVaTen) &&
      compactDate(person.birthDate) === request.NgayThangNamSinh;
    return xml(
      200,
      soapEnvelope(
        `<bca:KetQuaXacThucResponse xmlns:bca="${BCA_NS}">${textElement('bca:MaYeuCau', request.MaYeuCau)}` +
          `${textElement('bca:TonTai', String(exists))}</bca:KetQuaXacThucResponse>`,
      ),
    );
  }

  /** A citizen's record never changes while the simulator runs, so each is rendered once. */
  private render(person: DemoPerson): string {
    const cached = this.rendered.get(person.personalId);
    if (cached !== undefined) return cached;
    const head = this.population.byId.get(person.householdHeadId);
    const spouse = person.spouseId === null ? undefined : this.population.byId.get(person.spouseId);
    const parts = [
      textElement('SoDinhDanh', person.personalId),
      `<HoVaTen>${textElement('Ho', person.familyName)}${textElement('ChuDem', person.middleName)}${textElement('Ten', person.givenName)}</HoVaTen>`,
      textElement('GioiTinh', SEX_CODE[person.sex]),
      `<NgayThangNamSinh>${textElement('Nam', person.birthDate.slice(0, 4))}${textElement('NgayThangNam', compactDate(person.birthDate))}</NgayThangNamSinh>`,
      textElement('DanToc', person.ethnicityCode),
      textElement('TonGiao', person.religionCode),
      textElement('QuocTich', 'VN'),
      textElement('TinhTrangHonNhan', MARITAL_STATUS_CODE[person.maritalStatus]),
      diaChi('NoiDangKyKhaiSinh', person.birthPlace),
      diaChi('QueQuan', person.birthPlace),
      diaChi('ThuongTru', person.permanent),
      diaChi('NoiOHienTai', person.current),
      head
        ? `<ChuHo>${textElement('QuanHe', person.relationToHead)}${textElement('SoDinhDanh', head.personalId)}${textElement('HoVaTen', head.fullName)}</ChuHo>`
        : '',
      this.relative('Cha', person.fatherId),
      this.relative('Me', person.motherId),
      spouse ? relativeXml('VoChong', spouse) : '',
      textElement('TrangThai', person.deathDate === null ? LIFE_STATUS.ALIVE : LIFE_STATUS.DEAD),
      person.deathDate === null ? '' : textElement('NgayChet', compactDate(person.deathDate)),
    ];
    const record = `<CongDan>${parts.join('')}</CongDan>`;
    this.rendered.set(person.personalId, record);
    return record;
  }

  private relative(element: string, personalId: string | null): string {
    const person = personalId === null ? undefined : this.population.byId.get(personalId);
    return person ? relativeXml(element, person) : '';
  }
}

function relativeXml(element: string, person: DemoPerson): string {
  return `<${element}>${textElement('HoVaTen', person.fullName)}${textElement('QuocTich', 'VN')}${textElement('SoDinhDanh', person.personalId)}</${element}>`;
}

function diaChi(element: string, place: DemoAddress): string {
  return (
    `<${element}>${textElement('MaTinhThanh', place.provinceCode)}<MaQuanHuyen/>` +
    `${textElement('MaPhuongXa', place.communeCode ?? '')}${textElement('ChiTiet', place.detail)}${textElement('QuocGia', 'VN')}</${element}>`
  );
}

/** SOAP 1.1 answers every fault with HTTP 500, the client's faults included. */
function fault(spec: SoapFaultSpec): SimResponse {
  return xml(500, soapFault(spec));
}

function hasBodyElement(decoded: unknown, name: string): boolean {
  const body = (decoded as { Envelope?: { Body?: Record<string, unknown> } } | null)?.Envelope?.Body;
  return typeof body === 'object' && body !== null && name in body;
}

/** Names compare as people read them: same letters and marks, spacing and case aside. */
function normalizeName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');
}

function compactTimestamp(instant: Date): string {
  const iso = new Date(instant.getTime() + 7 * 3_600_000).toISOString();
  return iso.slice(0, 19).replace(/[-T:]/g, '');
}

/**
 * Malformed answers as a SOAP gateway produces them: half the time the body is cut off
 * mid-stream; otherwise the collection lost its last record but still announces the full count.
 */
function malformSoap(res: SimResponse, random: () => number): SimResponse {
  const records = res.body.lastIndexOf('<CongDan>');
  if (random() < 0.5 || records < 0) {
    const cut = Math.max(1, Math.floor(res.body.length * (0.3 + random() * 0.6)));
    return { ...res, body: res.body.slice(0, cut) };
  }
  const end = res.body.indexOf('</CongDan>', records) + '</CongDan>'.length;
  return { ...res, body: res.body.slice(0, records) + res.body.slice(end) };
}

const WSDL = `<?xml version="1.0" encoding="utf-8"?>
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:qldc="${QLDC_NS}" xmlns:bca="${BCA_NS}" name="CongDanService" targetNamespace="${QLDC_NS}">
  <documentation>CSDL quốc gia về dân cư — tra cứu (tối đa ${POPULATION_MAX_BATCH} số định danh mỗi yêu cầu) và xác thực thông tin công dân. Envelope ${SOAP_ENVELOPE_NS}.</documentation>
  <portType name="CongDanPortType">
    <operation name="TraCuuThongTinCongDan"/>
    <operation name="XacThucThongTinCongDan"/>
  </portType>
  <binding name="CongDanBinding" type="qldc:CongDanPortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="TraCuuThongTinCongDan"><soap:operation soapAction="${SOAP_ACTIONS.lookup}"/></operation>
    <operation name="XacThucThongTinCongDan"><soap:operation soapAction="${SOAP_ACTIONS.verify}"/></operation>
  </binding>
  <service name="CongDanService">
    <port name="CongDanPort" binding="qldc:CongDanBinding"><soap:address location="${POPULATION_SERVICE_PATH}"/></port>
  </service>
</definitions>`;
