import type { DossierStatus } from '../../domain/dossier-status.js';
import { canReach, isTerminal } from '../../domain/status-transitions.js';
import type { DemoDataset, DemoDossier, DemoSpecializedView } from '../demo/demo-dataset.js';
import { forwardStep } from '../demo/forward-steps.js';
import { vietnamParts } from '../demo/vietnam-calendar.js';
import { visibleTimes } from '../demo/visible-times.js';
import { JsonBodyWriter, SimulatorServer, json, jsonString, seededRandom, type SimAnswer, type SimRequest, type SimResponse } from '../simulator-kit.js';
import { CaseListing } from './case-listing.js';
import { formatSpecializedTime, formatSpecializedTimeMs, parseSpecializedTime, specializedStatus, specializedWord } from './mapping.js';
import {
  SPECIALIZED_MAX_LOOKUP,
  SPECIALIZED_MAX_PAGE_SIZE,
  caseStatusWriteRequestSchema,
  caseTransferRequestSchema,
  type CaseTransferRequest,
  type SpecializedCase,
} from './payloads.js';

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
 * - `GET /api/cases?province=96&updatedSince=<ISO>&page=1&pageSize=1000` — cases of a province
 *   ordered by (updatedAt, caseId), `updatedSince` exclusive, pageSize 1–1000 (default 100);
 *   `{data, page, pageSize, totalPages, totalItems}`. Page numbers are positions in the current
 *   order, so a case that changes between two page reads moves to the end and shifts the pages
 *   after its old place (the connector copes).
 * - `GET /api/cases/by-national-code?codes=a,b,c` — at most 100 national dossier codes.
 * - `POST /api/cases/by-national-code/{code}/status {status, correctionId, reason, at}` — sets a
 *   case's status word, when the legal status graph leads there from the current one in one or
 *   more steps; the decision and delivery dates take `at`. Idempotent by correctionId. Replies
 *   `{data: case, replayed}`: 200 `replayed: false` when applied, 200 `replayed: true` for a
 *   resend; 404 `not_found`, 409 `illegal_transition`, 409 `correction_id_reused` (the id came
 *   with another code or status).
 * - `POST /api/cases {correctionId, nationalDossierCode, procedureCode, provinceCode, communeCode,
 *   applicant: {personalId, fullName?}, status, receivedAt, dueAt, decidedAt, deliveredAt, reason,
 *   at, procedureName?, receivingAgencyId?}` — takes in a dossier transferred from the one-stop
 *   shop under a new case id `HT-{yyyy}-{nnnnnnn}` (year of reception); 201 `{data, replayed:
 *   false}`. Idempotent by correctionId: a resend answers 200 `replayed: true` with the case; the
 *   same correctionId with other facts answers 409 `correction_id_reused`; a national code the
 *   software holds under another correction answers 409 `case_exists`.
 * - `GET /api/health`.
 * Errors are `{error: {code, message}}`; a body that does not validate answers 400 `invalid_request`.
 * `updatedAt` is stamped when a change is made, strictly increasing, so no change can appear
 * before one already listed (writes and transfers included); demo data loaded at start may
 * share timestamps. A demo copy with drift reports its own commune code and due date.
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

/**
 * What the software knows of a case besides its status and dates. A demo dossier has all of it
 * (and is used as is, so a million cases cost no copies); a transferred one has what was sent.
 */
interface CaseFacts {
  readonly code: string;
  readonly procedureCode: string;
  readonly procedureName: string;
  readonly provinceCode: string;
  readonly agencyId: string;
  readonly applicantName: string;
  readonly applicantPersonalId: string;
}

interface CaseFile {
  readonly facts: CaseFacts;
  readonly caseId: string;
  /** The commune the case reports: a demo copy with drift keeps a code of its own. */
  readonly communeCode: string;
  status: DossierStatus;
  receivedAtMs: number | null;
  dueAtMs: number | null;
  decidedAtMs: number | null;
  deliveredAtMs: number | null;
  updatedAtMs: number;
  revision: number;
  openSlot: number;
}

interface AppliedCorrection {
  /** What the correction id was first used for: a reuse for anything else is refused. */
  fingerprint: string;
  record: CaseFile;
}

const CASE_ID = /^HT-(\d{4})-(\d+)$/;

class CaseRegistry {
  private readonly byCode = new Map<string, CaseFile>();
  /** Per province, every case in listing order. */
  private readonly listings = new Map<string, CaseListing<CaseFile>>();
  private readonly open: CaseFile[] = [];
  private readonly corrections = new Map<string, AppliedCorrection>();
  /** The last case serial issued per year of intake. */
  private readonly serials = new Map<number, number>();
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
      const record = seedCase(dossier, copy);
      this.byCode.set(dossier.code, record);
      const cases = byProvince.get(dossier.provinceCode) ?? [];
      cases.push(record);
      byProvince.set(dossier.provinceCode, cases);
      if (!isTerminal(record.status)) {
        record.openSlot = this.open.length;
        this.open.push(record);
      }
      this.noteSerial(copy.caseId);
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
      moved.push({ dossierCode: record.facts.code, caseId: record.caseId, from, to });
    }
    return moved;
  }

  handle(req: SimRequest): SimAnswer {
    const path = req.url.pathname;
    const write = /^\/api\/cases\/by-national-code\/([^/]+)\/status$/.exec(path);
    if (write?.[1] !== undefined) {
      if (req.method !== 'POST') return methodNotAllowed(req.method);
      const code = decodePathSegment(write[1]);
      return code === null ? failure(400, 'invalid_request', 'the national code is not URL-encoded') : this.writeStatus(code, req.body);
    }
    switch (path) {
      case '/api/cases':
        if (req.method === 'POST') return this.transfer(req.body);
        return req.method === 'GET' ? this.list(req.url.searchParams) : methodNotAllowed(req.method);
      case '/api/cases/by-national-code':
        return req.method === 'GET' ? this.lookup(req.url.searchParams) : methodNotAllowed(req.method);
      case '/api/health':
        if (req.method !== 'GET') return methodNotAllowed(req.method);
        return json(200, { status: 'ok', version: 'hotich-2.4.1-sim', time: formatSpecializedTime(this.clock()) });
      default:
        return failure(404, 'not_found', `no route for ${path}`);
    }
  }

  private writeStatus(code: string, body: string): SimResponse {
    const parsed = caseStatusWriteRequestSchema.safeParse(parseJson(body));
    if (!parsed.success) return invalidRequest(parsed.error.issues[0]);
    const request = parsed.data;
    const fingerprint = JSON.stringify(['status', code, request.status]);
    const earlier = this.corrections.get(request.correctionId);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint) return reused(request.correctionId);
      return json(200, { data: render(earlier.record), replayed: true });
    }
    const record = this.byCode.get(code);
    if (!record) return failure(404, 'not_found', `no case for national dossier code ${code}`);
    const target = specializedStatus(request.status) as DossierStatus;
    if (target !== record.status) {
      if (!canReach(record.status, target)) {
        return failure(409, 'illegal_transition', `case ${record.caseId} cannot go from ${specializedWord(record.status) ?? 'unknown'} to ${request.status}`);
      }
      this.change(record, target, (parseSpecializedTime(request.at) as Date).getTime());
    }
    this.corrections.set(request.correctionId, { fingerprint, record });
    return json(200, { data: render(record), replayed: false });
  }

  private transfer(body: string): SimResponse {
    const parsed = caseTransferRequestSchema.safeParse(parseJson(body));
    if (!parsed.success) return invalidRequest(parsed.error.issues[0]);
    const request = parsed.data;
    const fingerprint = transferFingerprint(request);
    const earlier = this.corrections.get(request.correctionId);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint) return reused(request.correctionId);
      return json(200, { data: render(earlier.record), replayed: true });
    }
    const held = this.byCode.get(request.nationalDossierCode);
    if (held) return failure(409, 'case_exists', `national dossier code ${request.nationalDossierCode} is case ${held.caseId}`);

    const ms = (text: string | null): number | null => (text === null ? null : (parseSpecializedTime(text) as Date).getTime());
    const status = specializedStatus(request.status) as DossierStatus;
    const receivedAtMs = ms(request.receivedAt);
    const record: CaseFile = {
      facts: {
        code: request.nationalDossierCode,
        procedureCode: request.procedureCode,
        procedureName: request.procedureName ?? '',
        provinceCode: request.provinceCode,
        agencyId: request.receivingAgencyId ?? '',
        applicantName: request.applicant.fullName ?? '',
        applicantPersonalId: request.applicant.personalId ?? '',
      },
      caseId: this.nextCaseId(receivedAtMs ?? (parseSpecializedTime(request.at) as Date).getTime()),
      communeCode: request.communeCode,
      status,
      receivedAtMs,
      dueAtMs: ms(request.dueAt),
      decidedAtMs: ms(request.decidedAt),
      deliveredAtMs: ms(request.deliveredAt),
      updatedAtMs: this.tick(),
      revision: 1,
      openSlot: -1,
    };
    this.byCode.set(record.facts.code, record);
    let listing = this.listings.get(record.facts.provinceCode);
    if (!listing) {
      listing = new CaseListing<CaseFile>([]);
      this.listings.set(record.facts.provinceCode, listing);
    }
    listing.moveToEnd(record);
    if (!isTerminal(status)) {
      record.openSlot = this.open.length;
      this.open.push(record);
    }
    this.corrections.set(request.correctionId, { fingerprint, record });
    return json(201, { data: render(record), replayed: false });
  }

  private list(params: URLSearchParams): SimAnswer {
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
    // As `json` would write {data, page, pageSize, totalPages, totalItems}.
    const body = new JsonBodyWriter();
    body.write('{"data":[');
    items.forEach((record, index) => body.write(index === 0 ? renderJson(record) : `,${renderJson(record)}`));
    body.write(`],"page":${page},"pageSize":${pageSize},"totalPages":${Math.ceil(total / pageSize)},"totalItems":${total}}`);
    return body.answer(200);
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

  /** A new status; decided and delivered at `atMs` (now, for the software's own steps), listed now. */
  private change(record: CaseFile, status: DossierStatus, atMs?: number): void {
    const now = this.tick();
    const at = atMs ?? now;
    record.status = status;
    if (status === 'RESOLVED' || status === 'WITHDRAWN' || status === 'REJECTED') record.decidedAtMs = at;
    if (status === 'RESULT_RETURNED') {
      record.decidedAtMs ??= at;
      record.deliveredAtMs = at;
    }
    record.updatedAtMs = now;
    record.revision += 1;
    this.listings.get(record.facts.provinceCode)?.moveToEnd(record);
    if (isTerminal(status) && record.openSlot >= 0) {
      const slot = record.openSlot;
      this.swapOpen(slot, this.open.length - 1);
      this.open.pop();
      record.openSlot = -1;
    }
  }

  private noteSerial(caseId: string): void {
    const match = CASE_ID.exec(caseId);
    if (!match) return;
    const year = Number(match[1]);
    this.serials.set(year, Math.max(this.serials.get(year) ?? 0, Number(match[2])));
  }

  /** The next case id of the year of intake (Vietnamese calendar year). */
  private nextCaseId(intakeMs: number): string {
    const year = vietnamParts(intakeMs).year;
    const serial = (this.serials.get(year) ?? 0) + 1;
    this.serials.set(year, serial);
    return `HT-${year}-${String(serial).padStart(7, '0')}`;
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

/** A demo dossier's copy as the software holds it, with the drift the copy carries. */
function seedCase(dossier: DemoDossier, copy: DemoSpecializedView): CaseFile {
  const times = visibleTimes(dossier, copy.status);
  return {
    facts: dossier,
    caseId: copy.caseId,
    communeCode: copy.communeCode ?? dossier.communeCode,
    status: copy.status,
    receivedAtMs: times.receivedAtMs,
    // A copy with a due date of its own shows it; one not yet received shows none at all.
    dueAtMs: copy.dueAtMs !== undefined && times.dueAtMs !== null ? copy.dueAtMs : times.dueAtMs,
    decidedAtMs: times.finishedAtMs,
    deliveredAtMs: times.returnedAtMs,
    updatedAtMs: copy.updatedAtMs,
    // One revision per recorded step since intake (taken in, decided, delivered).
    revision: 1 + Number(times.finishedAtMs !== null) + Number(times.returnedAtMs !== null),
    openSlot: -1,
  };
}

/** A transfer is the same request when it carries the same facts; the note and instant may differ. */
function transferFingerprint(request: CaseTransferRequest): string {
  const { correctionId: _id, reason: _reason, at: _at, applicant, ...facts } = request;
  const entries = Object.entries({ ...facts, applicantName: applicant.fullName, applicantPersonalId: applicant.personalId });
  return JSON.stringify(['transfer', ...entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
}

function render(record: CaseFile): SpecializedCase {
  const { facts } = record;
  return {
    caseId: record.caseId,
    nationalDossierCode: facts.code,
    procedureCode: facts.procedureCode,
    procedureName: facts.procedureName,
    provinceCode: facts.provinceCode,
    communeCode: record.communeCode,
    receivingAgencyId: facts.agencyId,
    applicant: { fullName: facts.applicantName, personalId: facts.applicantPersonalId },
    status: specializedWord(record.status) ?? 'unknown',
    receivedAt: time(record.receivedAtMs),
    dueAt: time(record.dueAtMs),
    decidedAt: time(record.decidedAtMs),
    deliveredAt: time(record.deliveredAtMs),
    updatedAt: formatSpecializedTimeMs(record.updatedAtMs),
    revision: record.revision,
  };
}

/**
 * The case `render` gives, as the JSON text JSON.stringify would write of it, keys in the same
 * order: a listing page writes a thousand of them without building an object each.
 */
function renderJson(record: CaseFile): string {
  const { facts } = record;
  return (
    `{"caseId":${jsonString(record.caseId)},"nationalDossierCode":${jsonString(facts.code)},"procedureCode":${jsonString(facts.procedureCode)}` +
    `,"procedureName":${jsonString(facts.procedureName)},"provinceCode":${jsonString(facts.provinceCode)},"communeCode":${jsonString(record.communeCode)}` +
    `,"receivingAgencyId":${jsonString(facts.agencyId)},"applicant":{"fullName":${jsonString(facts.applicantName)},"personalId":${jsonString(facts.applicantPersonalId)}}` +
    `,"status":"${specializedWord(record.status) ?? 'unknown'}","receivedAt":${timeJson(record.receivedAtMs)},"dueAt":${timeJson(record.dueAtMs)}` +
    `,"decidedAt":${timeJson(record.decidedAtMs)},"deliveredAt":${timeJson(record.deliveredAtMs)},"updatedAt":"${formatSpecializedTimeMs(record.updatedAtMs)}"` +
    `,"revision":${record.revision}}`
  );
}

function time(ms: number | null): string | null {
  return ms === null ? null : formatSpecializedTimeMs(ms);
}

function timeJson(ms: number | null): string {
  return ms === null ? 'null' : `"${formatSpecializedTimeMs(ms)}"`;
}

function failure(status: number, code: string, message: string): SimResponse {
  return json(status, { error: { code, message } });
}

function methodNotAllowed(method: string): SimResponse {
  return failure(405, 'method_not_allowed', `${method} is not supported`);
}

function invalidRequest(issue: { path: PropertyKey[]; message: string } | undefined): SimResponse {
  const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  return failure(400, 'invalid_request', `${where}${issue?.message ?? 'the body does not validate'}`);
}

function reused(correctionId: string): SimResponse {
  return failure(409, 'correction_id_reused', `correction ${correctionId} was applied to another change`);
}

function decodePathSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
