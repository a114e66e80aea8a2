/**
 * Simulated QLVB, the government's document management system (Decree 30/2020/NĐ-CP). REST with
 * JSON bodies whose document and record fields carry the names of Annex VI; dates `dd/MM/yyyy`,
 * instants ISO 8601 with +07:00. Every answer is `{ Success: true, Data }` or
 * `{ Success: false, Error: { Code, Message } }` with HTTP 400 or 404.
 *
 *   GET /api/v1/health
 *       → Data { Status: 'UP', ServerTime, Version }
 *   GET /api/v1/documents?province={NN}[&direction=incoming|outgoing][&since={ISO instant}]
 *                        [&cursor={opaque}][&limit={1..200, default 100}]
 *       Records of the province's books changed after the cursor (none = from the start) and,
 *       with `since`, last changed at or after that instant; oldest change first. A record comes
 *       back after each change.
 *       → Data { Items: Document[], NextCursor, HasMore }
 *   GET /api/v1/documents/by-ids?ids={id},{id}…      at most 50 ids; unknown ids are left out
 *       → Data { Items: Document[] }
 *   GET /api/v1/archives?province={NN} | commune={NNNNN}
 *                        [&digitization=CHUA_SO_HOA|DANG_SO_HOA|DA_SO_HOA][&page={1..}][&pageSize={1..200, default 100}]
 *       Archive records taken over from dissolved districts, by receiving commune or for the
 *       whole province, ordered by id.
 *       → Data { Items: ArchiveFile[], Page, PageSize, Total }
 *   + the kit's /__admin/faults and /__admin/requests.
 *
 * Document: Id, BookType (VB_DI outgoing | VB_DEN incoming), ProvinceCode, CommuneCode (holder),
 * FileCode{OrganId, FileCatalog, FileNotation}, DocOrdinal, TypeName, CodeNumber, CodeNotation,
 * IssuedDate, OrganId (issuer; from edXML, not Annex VI), OrganName, Subject, Language,
 * PageAmount, Description, SignerInfo{Position, FullName}, Priority (0–3 urgency),
 * ProcessingStatus, Version, UpdatedAt; outgoing adds To[{OrganId, OrganName}], IssuedAmount,
 * DueDate; incoming adds ArrivalDate, ArrivalNumber, ToPlaces, TraceHeaderList[{OrganId,
 * OrganName, Timestamp, Action, Note}], DueDate.
 * ArchiveFile: Id, ProvinceCode, FileCode, Title, Maintenance ("Vĩnh viễn" | "N năm"), Rights,
 * Creator, Language, StartDate, EndDate, DocTotal, PageTotal, Description,
 * Digitization{State, PagesDigitized}, Handover{FormerDistrict, FormerProvince,
 * ReceivingCommuneCode, ReceivingOrganName, HandoverDate, MinuteNumber}.
 */
import { SimulatorServer, json, type SimRequest, type SimResponse, readSequenceCursor, writeSequenceCursor } from '../simulator-kit.js';
import type {
  GovernmentDemoArchiveFile,
  GovernmentDemoDataset,
  GovernmentDemoDocument,
} from './demo-data.js';
import {
  QLVB_DIGITIZATION_CODES,
  formatGovernmentDate,
  formatGovernmentTimestamp,
  formatMaintenance,
  type QlvbDigitizationCode,
} from './mapping.js';
import { QLVB_LIMITS } from './payload.js';

const CURSOR_PREFIX = 'qlvb:';
const VERSION = 'QLVB 3.2 (simulated)';

interface StoredDocument {
  doc: GovernmentDemoDocument;
  /** Position in the change log: a record with a higher sequence changed later. */
  seq: number;
}

export interface GovernmentDocumentsSimulatorOptions {
  dataset: GovernmentDemoDataset;
  seed?: number;
}

export interface GovernmentDocumentsSimulator {
  server: SimulatorServer;
  dataset: GovernmentDemoDataset;
  /**
   * Records a processing step on an incoming record (a GOVERNMENT_STATUS word), as if an officer
   * had just done it: the record's version goes up and it moves to the end of the change feed.
   */
  recordProcessing(id: string, action: string, at: Date): void;
  /** Sets how many pages of an archive record are digitised; the state follows the count. */
  recordDigitization(id: string, pagesDigitized: number): void;
}

/** Cuts the body short, as a dropped connection does; never at its very end. */
function truncate(res: SimResponse, random: () => number): SimResponse {
  const cut = Math.max(1, Math.floor(res.body.length * (0.4 + random() * 0.5)));
  return { ...res, body: res.body.slice(0, Math.min(cut, res.body.length - 1)) };
}

/**
 * Valid JSON that breaks the contract: an urgency outside 0–3 on a document, more pages
 * digitised than an archive record has, or no Data at all.
 */
function corrupt(res: SimResponse): SimResponse {
  const body = JSON.parse(res.body) as { Data?: { Items?: Array<Record<string, unknown>> } };
  const first = body.Data?.Items?.[0];
  if (first && 'Priority' in first) first['Priority'] = 9;
  else if (first && 'Digitization' in first) {
    first['Digitization'] = { State: 'DA_SO_HOA', PagesDigitized: Number(first['PageTotal']) + 1 };
  } else return json(200, { Success: true, Data: null });
  return json(200, body);
}

/** The two ways QLVB answers can break, for tests that need one of them every time. */
export const GOVERNMENT_MALFORMERS = { truncate, corrupt } as const;

export function createGovernmentDocumentsSimulator(options: GovernmentDocumentsSimulatorOptions): GovernmentDocumentsSimulator {
  const documents = new Map<string, StoredDocument>();
  let lastSeq = 0;
  for (const doc of options.dataset.documents) {
    lastSeq += 1;
    documents.set(doc.id, { doc: structuredClone(doc), seq: lastSeq });
  }
  const archives = new Map(options.dataset.archiveFiles.map((file) => [file.id, structuredClone(file)] as const));
  const clockStart = options.dataset.anchor.getTime();

  const handler = (req: SimRequest): SimResponse => {
    if (req.method !== 'GET') return failure(405, 'METHOD_NOT_ALLOWED', 'this interface is read-only');
    const params = req.url.searchParams;
    switch (req.url.pathname) {
      case '/api/v1/health':
        return ok({
          Status: 'UP',
          ServerTime: formatGovernmentTimestamp(new Date(Math.max(Date.now(), clockStart))),
          Version: VERSION,
        });
      case '/api/v1/documents':
        return listDocuments(params);
      case '/api/v1/documents/by-ids':
        return documentsByIds(params);
      case '/api/v1/archives':
        return listArchives(params);
      default:
        return failure(404, 'NOT_FOUND', `no route ${req.url.pathname}`);
    }
  };

  function listDocuments(params: URLSearchParams): SimResponse {
    const province = params.get('province') ?? '';
    if (!/^\d{2}$/.test(province)) return failure(400, 'BAD_REQUEST', 'province is a two-digit code');
    const direction = params.get('direction');
    if (direction !== null && direction !== 'incoming' && direction !== 'outgoing') {
      return failure(400, 'BAD_REQUEST', 'direction is incoming or outgoing');
    }
    const sinceText = params.get('since');
    const since = sinceText === null ? null : Date.parse(sinceText);
    if (since !== null && Number.isNaN(since)) return failure(400, 'BAD_REQUEST', 'since is an ISO 8601 instant');
    const limit = intParam(params.get('limit'), QLVB_LIMITS.defaultPage);
    if (limit === null || limit < 1 || limit > QLVB_LIMITS.maxPage) {
      return failure(400, 'BAD_REQUEST', `limit is 1 to ${QLVB_LIMITS.maxPage}`);
    }
    const after = readSequenceCursor(CURSOR_PREFIX, params.get('cursor'));
    if (after === null) return failure(400, 'BAD_REQUEST', 'unknown cursor');
    const book = direction === 'incoming' ? 'VB_DEN' : direction === 'outgoing' ? 'VB_DI' : null;
    const changed = [...documents.values()]
      .filter(
        ({ doc, seq }) =>
          seq > after &&
          doc.provinceCode === province &&
          (book === null || doc.bookType === book) &&
          (since === null || doc.updatedAtMs >= since),
      )
      .sort((a, b) => a.seq - b.seq);
    const page = changed.slice(0, limit);
    const last = page[page.length - 1];
    return ok({
      Items: page.map(({ doc }) => documentJson(doc)),
      NextCursor: writeSequenceCursor(CURSOR_PREFIX, last ? last.seq : after),
      HasMore: changed.length > page.length,
    });
  }

  function documentsByIds(params: URLSearchParams): SimResponse {
    const ids = (params.get('ids') ?? '').split(',').filter((id) => id !== '');
    if (ids.length === 0) return failure(400, 'BAD_REQUEST', 'ids is a comma-separated list');
    if (ids.length > QLVB_LIMITS.maxBatch) return failure(400, 'BAD_REQUEST', `at most ${QLVB_LIMITS.maxBatch} ids`);
    const items = [...new Set(ids)].flatMap((id) => {
      const stored = documents.get(id);
      return stored ? [documentJson(stored.doc)] : [];
    });
    return ok({ Items: items });
  }

  function listArchives(params: URLSearchParams): SimResponse {
    const province = params.get('province');
    const commune = params.get('commune');
    if ((province === null) === (commune === null)) return failure(400, 'BAD_REQUEST', 'give either province or commune');
    if (province !== null && !/^\d{2}$/.test(province)) return failure(400, 'BAD_REQUEST', 'province is a two-digit code');
    if (commune !== null && !/^\d{5}$/.test(commune)) return failure(400, 'BAD_REQUEST', 'commune is a five-digit code');
    const state = params.get('digitization');
    if (state !== null && !(QLVB_DIGITIZATION_CODES as readonly string[]).includes(state)) {
      return failure(400, 'BAD_REQUEST', `digitization is one of ${QLVB_DIGITIZATION_CODES.join(', ')}`);
    }
    const page = intParam(params.get('page'), 1);
    const pageSize = intParam(params.get('pageSize'), QLVB_LIMITS.defaultPage);
    if (page === null || page < 1) return failure(400, 'BAD_REQUEST', 'page starts at 1');
    if (pageSize === null || pageSize < 1 || pageSize > QLVB_LIMITS.maxArchivePage) {
      return failure(400, 'BAD_REQUEST', `pageSize is 1 to ${QLVB_LIMITS.maxArchivePage}`);
    }
    const matching = [...archives.values()]
      .filter(
        (file) =>
          (province === null || file.provinceCode === province) &&
          (commune === null || file.handover.receivingCommuneCode === commune) &&
          (state === null || file.digitization.state === state),
      )
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return ok({
      Items: matching.slice((page - 1) * pageSize, page * pageSize).map(archiveJson),
      Page: page,
      PageSize: pageSize,
      Total: matching.length,
    });
  }

  const server = new SimulatorServer('government-documents', handler, options.seed ?? options.dataset.seed);
  server.malform = (res, random) => (random() < 0.5 ? truncate(res, random) : corrupt(res));

  return {
    server,
    dataset: options.dataset,
    recordProcessing(id, action, at) {
      const stored = documents.get(id);
      if (!stored) throw new RangeError(`no document ${id}`);
      const { doc } = stored;
      if (doc.bookType !== 'VB_DEN') throw new RangeError('processing steps are recorded on incoming documents');
      const atMs = Math.max(at.getTime(), doc.updatedAtMs);
      doc.trace.push({ organId: doc.holder.organId, organName: doc.holder.organName, atMs, action, note: null });
      doc.status = action;
      doc.version += 1;
      doc.updatedAtMs = atMs;
      lastSeq += 1;
      stored.seq = lastSeq;
    },
    recordDigitization(id, pagesDigitized) {
      const file = archives.get(id);
      if (!file) throw new RangeError(`no archive record ${id}`);
      if (!Number.isInteger(pagesDigitized) || pagesDigitized < 0 || pagesDigitized > file.pageTotal) {
        throw new RangeError(`pages digitised must be 0 to ${file.pageTotal}`);
      }
      const state: QlvbDigitizationCode =
        pagesDigitized === 0 ? 'CHUA_SO_HOA' : pagesDigitized === file.pageTotal ? 'DA_SO_HOA' : 'DANG_SO_HOA';
      file.digitization = { state, pagesDigitized };
    },
  };
}

function intParam(text: string | null, fallback: number): number | null {
  if (text === null) return fallback;
  return /^\d{1,9}$/.test(text) ? Number(text) : null;
}

function ok(data: unknown): SimResponse {
  return json(200, { Success: true, Data: data });
}

function failure(status: number, code: string, message: string): SimResponse {
  return json(status, { Success: false, Error: { Code: code, Message: message } });
}

function date(ms: number): string {
  return formatGovernmentDate(new Date(ms));
}

function documentJson(doc: GovernmentDemoDocument): Record<string, unknown> {
  const common = {
    Id: doc.id,
    BookType: doc.bookType,
    ProvinceCode: doc.provinceCode,
    CommuneCode: doc.communeCode,
    FileCode: { OrganId: doc.holder.organId, FileCatalog: doc.fileCatalog, FileNotation: doc.fileNotation },
    DocOrdinal: doc.docOrdinal,
    TypeName: doc.typeName,
    CodeNumber: doc.codeNumber,
    CodeNotation: doc.codeNotation,
    IssuedDate: date(doc.issuedDay),
    OrganId: doc.issuer.organId,
    OrganName: doc.issuer.organName,
    Subject: doc.subject,
    Language: 'Tiếng Việt',
    PageAmount: doc.pageAmount,
    Description: doc.description,
    SignerInfo: { Position: doc.signer.position, FullName: doc.signer.fullName },
    Priority: doc.priority,
    ProcessingStatus: doc.status,
    Version: doc.version,
    UpdatedAt: formatGovernmentTimestamp(new Date(doc.updatedAtMs)),
  };
  if (doc.bookType === 'VB_DI') {
    return {
      ...common,
      To: doc.to.map((to) => ({ OrganId: to.organId, OrganName: to.organName })),
      IssuedAmount: doc.issuedAmount,
      DueDate: doc.dueDay === null ? null : date(doc.dueDay),
    };
  }
  return {
    ...common,
    ArrivalDate: date(doc.arrivalDay),
    ArrivalNumber: doc.arrivalNumber,
    ToPlaces: doc.toPlaces,
    TraceHeaderList: doc.trace.map((entry) => ({
      OrganId: entry.organId,
      OrganName: entry.organName,
      Timestamp: formatGovernmentTimestamp(new Date(entry.atMs)),
      Action: entry.action,
      Note: entry.note,
    })),
    DueDate: doc.dueDay === null ? null : date(doc.dueDay),
  };
}

function archiveJson(file: GovernmentDemoArchiveFile): Record<string, unknown> {
  const [sy, sm, sd] = file.startDate.split('-');
  const [ey, em, ed] = file.endDate.split('-');
  return {
    Id: file.id,
    ProvinceCode: file.provinceCode,
    FileCode: { OrganId: file.fileCode.organId, FileCatalog: file.fileCode.fileCatalog, FileNotation: file.fileCode.fileNotation },
    Title: file.title,
    Maintenance: formatMaintenance(file.retention),
    Rights: file.rights,
    Creator: file.creator,
    Language: 'Tiếng Việt',
    StartDate: `${sd}/${sm}/${sy}`,
    EndDate: `${ed}/${em}/${ey}`,
    DocTotal: file.docTotal,
    PageTotal: file.pageTotal,
    Description: null,
    Digitization: { State: file.digitization.state, PagesDigitized: file.digitization.pagesDigitized },
    Handover: {
      FormerDistrict: file.handover.formerDistrict,
      FormerProvince: file.handover.formerProvince,
      ReceivingCommuneCode: file.handover.receivingCommuneCode,
      ReceivingOrganName: file.handover.receivingOrganName,
      HandoverDate: date(file.handover.handoverDay),
      MinuteNumber: file.handover.minuteNumber,
    },
  };
}
