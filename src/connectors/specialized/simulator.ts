import type { DossierStatus } from '../../domain/dossier-status.js';
import { isTerminal } from '../../domain/status-transitions.js';
import type { DemoDataset, DemoDossier } from '../demo/demo-dataset.js';
import { forwardStep } from '../demo/forward-steps.js';
import { visibleTimes } from '../demo/visible-times.js';
import { SimulatorServer, json, seededRandom, type SimRequest, type SimResponse } from '../simulator-kit.js';
import { CaseListing } from './case-listing.js';
import { formatSpecializedTime, specializedWord } from './mapping.js';
import { SPECIALIZED_MAX_LOOKUP, SPECIALIZED_MAX_PAGE_SIZE, type SpecializedCase } from './payloads.js';

export interface SpecializedSimulatorOptions {
  dataset: DemoDataset;
  seed: number;
  /** The software's clock; changes are stamped with it, kept strictly increasing. */
  clock?: () => Date;
}

/** One case moved by `advance`. */
export interface AdvancedCase {
  dossierCode: string;
  caseId: string;
  from: DossierStatus;
  to: DossierStatus;
}

export interface SpecializedSimulator {
  server: SimulatorServer;
  /** Moves up to `count` distinct open cases one step forward; each gets a new `updatedAt`. */
  advance(count: number): AdvancedCase[];
  /** The status the software holds for a national dossier code, or null when it has no such case. */
  statusOf(dossierCode: string): DossierStatus | null;
}

/**
 * The Ministry of Justice's civil-status software, serving:
 * - `GET /api/cases?province=96&updatedSince=<ISO>&page=1&pageSize=200` — cases of a province
 *   ordered by (updatedAt, caseId), `updatedSince` exclusive; `{data, page, pageSize, totalPages,
 *   totalItems}`. Page numbers are positions in the current order, so a case that changes between
 *   two page reads moves to the end and shifts the pages after its old place (the connector copes).
 * - `GET /api/cases/by-national-code?codes=a,b,c` — at most 100 national dossier codes.
 * - `GET /api/health`.
 * `updatedAt` is stamped when a change is made, strictly increasing, so no change can appear
 * before one already listed; demo data loaded at start may share timestamps.
 */
export function createSpecializedSimulator(options: SpecializedSimulatorOptions): SpecializedSimulator {
  const registry = new CaseRegistry(options);
  const server = new SimulatorServer('specialized', (req) => registry.handle(req), options.seed);
  return {
    server,
    advance: (count) => registry.advance(count),
    statusOf: (code) => registry.statusOf(code),
  };
}

interface CaseFile {
  readonly dossier: DemoDossier;
  readonly caseId: string;
  status: DossierStatus;
  receivedAtMs: number | null;
  dueAtMs: number | null;
  decidedAtMs: number | null;
  deliveredAtMs: number | null;
  updatedAtMs: number;
  revision: number;
  openSlot: number;
}

class CaseRegistry {
  private readonly byCode = new Map<string, CaseFile>();
  /** Per province, every case in listing order. */
  private readonly listings = new Map<string, CaseListing<CaseFile>>();
  private readonly open: CaseFile[] = [];
  private readonly random: () => number;
  private readonly clock: () => Date;
  private lastStampMs = 0;

  constructor(options: SpecializedSimulatorOptions) {
    this.random = seededRandom(options.seed ^ 0x85ebca6b);
    this.clock = options.clock ?? (() => new Date());
    const byProvince = new Map<string, CaseFile[]>();
    for (const dossier of options.dataset.dossiers) {
      const copy = dossier.specialized;
      if (!copy) continue;
      const times = visibleTimes(dossier, copy.status);
      const record: CaseFile = {
        dossier,
        caseId: copy.caseId,
        status: copy.status,
        receivedAtMs: times.receivedAtMs,
        dueAtMs: times.dueAtMs,
        decidedAtMs: times.finishedAtMs,
        deliveredAtMs: times.returnedAtMs,
        updatedAtMs: copy.updatedAtMs,
        // One revision per recorded step since intake (taken in, decided, delivered).
        revision: 1 + [times.finishedAtMs, times.returnedAtMs].filter((t) => t !== null).length,
        openSlot: -1,
      };
      this.byCode.set(dossier.code, record);
      const cases = byProvince.get(dossier.provinceCode) ?? [];
      cases.push(record);
      byProvince.set(dossier.provinceCode, cases);
      if (!isTerminal(record.status)) {
        record.openSlot = this.open.length;
        this.open.push(record);
      }
      this.lastStampMs = Math.max(this.lastStampMs, copy.updatedAtMs);
    }
    for (const [province, cases] of byProvince) this.listings.set(province, new CaseListing(cases));
  }

  statusOf(code: string): DossierStatus | null {
    return this.byCode.get(code)?.status ?? null;
  }

  advance(count: number): AdvancedCase[] {
    const picks = Math.min(Math.max(0, Math.floor(count)), this.open.length);
    for (let slot = 0; slot < picks; slot += 1) {
      this.swapOpen(slot, slot + Math.floor(this.random() * (this.open.length - slot)));
    }
    const moved: AdvancedCase[] = [];
    for (const record of this.open.slice(0, picks)) {
      const from = record.status;
      const to = forwardStep(from, this.random);
      if (!to || specializedWord(to) === null) continue;
      this.change(record, to);
      moved.push({ dossierCode: record.dossier.code, caseId: record.caseId, from, to });
    }
    return moved;
  }

  handle(req: SimRequest): SimResponse {
    if (req.method !== 'GET') return failure(405, 'method_not_allowed', `${req.method} is not supported`);
    switch (req.url.pathname) {
      case '/api/cases':
        return this.list(req.url.searchParams);
      case '/api/cases/by-national-code':
        return this.lookup(req.url.searchParams);
      case '/api/health':
        return json(200, { status: 'ok', version: 'hotich-2.4.1-sim', time: formatSpecializedTime(this.clock()) });
      default:
        return failure(404, 'not_found', `no route for ${req.url.pathname}`);
    }
  }

  private list(params: URLSearchParams): SimResponse {
    const province = params.get('province') ?? '';
    if (!/^\d{2}$/.test(province)) return failure(400, 'invalid_request', 'province must be a two-digit code');
    const page = Number(params.get('page') ?? '1');
    const pageSize = Number(params.get('pageSize') ?? '100');
    if (!Number.isInteger(page) || page < 1) return failure(400, 'invalid_request', 'page must be a positive integer');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > SPECIALIZED_MAX_PAGE_SIZE) {
      return failure(400, 'invalid_request', `pageSize must be from 1 to ${SPECIALIZED_MAX_PAGE_SIZE}`);
    }
    const since = params.get('updatedSince');
    const sinceMs = since === null ? Number.NEGATIVE_INFINITY : Date.parse(since);
    if (Number.isNaN(sinceMs)) return failure(400, 'invalid_request', 'updatedSince must be an ISO 8601 timestamp');

    const { items, total } = this.listings.get(province)?.page(sinceMs, (page - 1) * pageSize, pageSize) ?? {
      items: [],
      total: 0,
    };
    return json(200, {
      data: items.map(render),
      page,
      pageSize,
      totalPages: Math.ceil(total / pageSize),
      totalItems: total,
    });
  }

  private lookup(params: URLSearchParams): SimResponse {
    const codes = (params.get('codes') ?? '').split(',').filter((code) => code !== '');
    if (codes.length === 0 || codes.length > SPECIALIZED_MAX_LOOKUP) {
      return failure(400, 'invalid_request', `codes must list 1 to ${SPECIALIZED_MAX_LOOKUP} national dossier codes`);
    }
    const data: SpecializedCase[] = [];
    for (const code of new Set(codes)) {
      const record = this.byCode.get(code);
      if (record) data.push(render(record));
    }
    return json(200, { data });
  }

  private change(record: CaseFile, status: DossierStatus): void {
    const now = this.tick();
    record.status = status;
    if (status === 'RESOLVED' || status === 'WITHDRAWN' || status === 'REJECTED') record.decidedAtMs = now;
    if (status === 'RESULT_RETURNED') {
      record.decidedAtMs ??= now;
      record.deliveredAtMs = now;
    }
    record.updatedAtMs = now;
    record.revision += 1;
    this.listings.get(record.dossier.provinceCode)?.moveToEnd(record);
    if (isTerminal(status) && record.openSlot >= 0) {
      const slot = record.openSlot;
      this.swapOpen(slot, this.open.length - 1);
      this.open.pop();
      record.openSlot = -1;
    }
  }

  private tick(): number {
    this.lastStampMs = Math.max(this.clock().getTime(), this.lastStampMs + 1);
    return this.lastStampMs;
  }

  private swapOpen(a: number, b: number): void {
    const first = this.open[a];
    const second = this.open[b];
    if (!first || !second) return;
    this.open[a] = second;
    this.open[b] = first;
    second.openSlot = a;
    first.openSlot = b;
  }
}

function render(record: CaseFile): SpecializedCase {
  const { dossier } = record;
  return {
    caseId: record.caseId,
    nationalDossierCode: dossier.code,
    procedureCode: dossier.procedureCode,
    procedureName: dossier.procedureName,
    provinceCode: dossier.provinceCode,
    communeCode: dossier.communeCode,
    receivingAgencyId: dossier.agencyId,
    applicant: { fullName: dossier.applicantName, personalId: dossier.applicantPersonalId },
    status: specializedWord(record.status) ?? 'unknown',
    receivedAt: time(record.receivedAtMs),
    dueAt: time(record.dueAtMs),
    decidedAt: time(record.decidedAtMs),
    deliveredAt: time(record.deliveredAtMs),
    updatedAt: formatSpecializedTime(new Date(record.updatedAtMs)),
    revision: record.revision,
  };
}

function time(ms: number | null): string | null {
  return ms === null ? null : formatSpecializedTime(new Date(ms));
}

function failure(status: number, code: string, message: string): SimResponse {
  return json(status, { error: { code, message } });
}
