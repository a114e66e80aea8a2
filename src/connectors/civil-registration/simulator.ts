import type { DemoDataset } from '../demo/demo-dataset.js';
import { buildDemoPopulation, type DemoPopulation } from '../population/demo-population.js';
import { SimulatorServer, json, type SimRequest, type SimResponse } from '../simulator-kit.js';
import { buildDemoRegistry, type DemoRegistry, type DemoRegistryEntry } from './demo-registry.js';
import { formatRegistryDateTime } from './mapping.js';
import { REGISTRY_LIMITS, REGISTRY_PATHS, REGISTRY_STATUS, lookupRequestSchema } from './payload.js';

export interface CivilRegistrationSimulatorOptions {
  dataset: DemoDataset;
  seed: number;
  /** The population the registrations name; pass the population simulator's so both agree. */
  population?: DemoPopulation;
  clock?: () => Date;
}

export interface CivilRegistrationSimulator {
  server: SimulatorServer;
  registry: DemoRegistry;
}

/**
 * The Ministry of Justice's civil-status software (phần mềm đăng ký, quản lý hộ tịch), REST JSON
 * with prefixed fields; every reply is `{status: 1|0, statusDescription, value}`:
 * - `POST /api/hotich/tracuu {soDDCN: [...]}` (≤ 50) — every registration naming one of the ids
 *   in any role (child, mother, father, deceased, husband, wife, declarant), each record once.
 * - `GET  /api/hotich/thaydoi?maTinh=96&conTro=…&soLuong=…` (≤ 500) — a province's registrations
 *   in the order they last changed; `conTro` resumes after the last record read.
 * - `GET  /api/hotich/dangky/{id}` — one registration; 404 with status 0 when unknown.
 * - `GET  /api/hotich/suckhoe` — health.
 * Refusals answer HTTP 400 with status 0. Admin: `GET /__admin/ground-truth` (registrations by
 * kind and status, the ~3% that disagree with the population database, and `dataQuality`: those
 * plus ~1% with a mistyped birth date, as a data-quality check should report them).
 */
export function createCivilRegistrationSimulator(options: CivilRegistrationSimulatorOptions): CivilRegistrationSimulator {
  const population = options.population ?? buildDemoPopulation(options.dataset, { seed: options.seed });
  const registry = buildDemoRegistry(options.dataset, population);
  const office = new RegistryOffice(registry, options.clock ?? (() => new Date()));
  const server = new SimulatorServer('civil-registration', (req) => office.handle(req), options.seed);
  server.addAdminRoute('ground-truth', () => registry.groundTruth);
  return { server, registry };
}

const CURSOR = /^v1\.(\d{2})\.(\d+)$/;

class RegistryOffice {
  private readonly byId = new Map<string, DemoRegistryEntry>();
  private readonly byPersonalId = new Map<string, DemoRegistryEntry[]>();
  /** Each province's records in change order, the change feed. */
  private readonly feeds = new Map<string, DemoRegistryEntry[]>();

  constructor(
    private readonly registry: DemoRegistry,
    private readonly clock: () => Date,
  ) {
    for (const entry of registry.entries) {
      this.byId.set(entry.record.id, entry);
      for (const id of entry.personalIds) {
        const list = this.byPersonalId.get(id) ?? [];
        list.push(entry);
        this.byPersonalId.set(id, list);
      }
      const feed = this.feeds.get(entry.provinceCode) ?? [];
      feed.push(entry);
      this.feeds.set(entry.provinceCode, feed);
    }
    for (const feed of this.feeds.values()) {
      feed.sort((a, b) => a.updatedAtMs - b.updatedAtMs || (a.record.id < b.record.id ? -1 : 1));
    }
  }

  handle(req: SimRequest): SimResponse {
    const path = req.url.pathname;
    if (req.method === 'POST' && path === REGISTRY_PATHS.lookup) return this.lookup(req.body);
    if (req.method === 'GET' && path === REGISTRY_PATHS.changes) return this.changes(req.url.searchParams);
    if (req.method === 'GET' && path.startsWith(`${REGISTRY_PATHS.byId}/`)) {
      const id = decodeURIComponent(path.slice(REGISTRY_PATHS.byId.length + 1));
      const entry = this.byId.get(id);
      return entry ? ok(entry.record) : fail(404, `Không tìm thấy bản ghi đăng ký ${id}`);
    }
    if (req.method === 'GET' && path === REGISTRY_PATHS.health) {
      return ok({ thoiGianMayChu: formatRegistryDateTime(this.clock()), soBanGhi: this.registry.entries.length });
    }
    return fail(404, 'Không tìm thấy dịch vụ');
  }

  private lookup(body: string): SimResponse {
    let input: unknown;
    try {
      input = JSON.parse(body) as unknown;
    } catch {
      return fail(400, 'Dữ liệu gửi lên không phải JSON');
    }
    const parsed = lookupRequestSchema.safeParse(input);
    if (!parsed.success) return fail(400, 'Thiếu danh sách soDDCN');
    const ids = [...new Set(parsed.data.soDDCN)];
    if (ids.length > REGISTRY_LIMITS.lookup) {
      return fail(400, `Vượt quá số lượng cho phép: tối đa ${REGISTRY_LIMITS.lookup} số định danh mỗi lần tra cứu (nhận ${ids.length})`);
    }
    const found = new Map<string, DemoRegistryEntry>();
    for (const id of ids) for (const entry of this.byPersonalId.get(id) ?? []) found.set(entry.record.id, entry);
    return ok([...found.values()].map((entry) => entry.record));
  }

  private changes(params: URLSearchParams): SimResponse {
    const provinceCode = params.get('maTinh') ?? '';
    if (!/^\d{2}$/.test(provinceCode)) return fail(400, 'maTinh phải là mã tỉnh hai chữ số');
    const limitText = params.get('soLuong') ?? '100';
    const limit = Number(limitText);
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > REGISTRY_LIMITS.page) {
      return fail(400, `soLuong phải từ 1 đến ${REGISTRY_LIMITS.page}`);
    }
    const cursor = params.get('conTro');
    let start = 0;
    if (cursor) {
      const match = CURSOR.exec(cursor);
      if (!match || match[1] !== provinceCode) return fail(400, 'conTro không hợp lệ cho tỉnh này');
      start = Number(match[2]);
    }
    const feed = this.feeds.get(provinceCode) ?? [];
    const page = feed.slice(start, start + limit);
    const next = Math.min(start + page.length, feed.length);
    return ok({
      maTinh: provinceCode,
      duLieu: page.map((entry) => entry.record),
      conTro: `v1.${provinceCode}.${next}`,
      conDuLieu: next < feed.length,
    });
  }
}

function ok(value: unknown): SimResponse {
  return json(200, { status: REGISTRY_STATUS.OK, statusDescription: 'Thành công', value });
}

function fail(httpStatus: number, description: string): SimResponse {
  return json(httpStatus, { status: REGISTRY_STATUS.FAILED, statusDescription: description });
}
