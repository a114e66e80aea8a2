/**
 * Simulated iCPV, the Party's document system. No public interface of iCPV is known, so this
 * one speaks what the national document axis speaks: edXML envelopes (QCVN 102:2016) with party
 * numbering and edXML status packets, wrapped in small iCPV lists. All bodies are XML.
 *
 *   GET  /icpv/health
 *        → <HealthStatus><Status>UP</Status><ServerTime>yyyy/MM/dd HH:mm:ss</ServerTime><Documents/></HealthStatus>
 *   GET  /icpv/provinces/{provinceCode}/documents?cursor={opaque}&limit={1..100, default 50}
 *        Change feed: records of the province changed after the cursor (none = from the start),
 *        oldest change first. A record reappears after each new status packet.
 *        → <DocumentFeed><ProvinceCode/><Count/><NextCursor/><HasMore>true|false</HasMore><DocumentRecord>*</DocumentFeed>
 *   POST /icpv/documents/fetch      body <DocumentIdList><DocumentId>…</DocumentId>{1..50}</DocumentIdList>
 *        A read, safe to repeat. Unknown ids are left out.
 *        → <DocumentSet><Count/><DocumentRecord>*</DocumentSet>
 *   GET  /icpv/documents/status?documentId={edXML DocumentId}
 *        → <StatusList><DocumentId/><Count/><StatusPacket><edXML>…status packet…</edXML></StatusPacket>*</StatusList>, 404 if unknown
 *   + the kit's /__admin/faults and /__admin/requests.
 *
 * A DocumentRecord is <RecordInfo>{ProvinceCode, CommuneCode (empty above commune level),
 * Version, UpdatedAt, CurrentStatus{StatusCode, Timestamp}}</RecordInfo> followed by the edXML
 * envelope: edXML/edXMLEnvelope/edXMLHeader/{MessageHeader, TraceHeaderList} and a manifest.
 * MessageHeader/OtherInfo carries Priority (0 thường, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc) and
 * SecretLevel (0 none, 1 Mật, 2 Tối mật, 3 Tuyệt mật), an element QCVN 102 lacks and iCPV adds.
 * Classified documents are served like the others: the hub decides who sees what.
 * Errors are <Error><Code/><Message/></Error> with HTTP 400, 404 or 405.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { SimulatorServer, xml, type SimRequest, type SimResponse, readSequenceCursor, writeSequenceCursor } from '../simulator-kit.js';
import type { PartyDemoDataset, PartyDemoDocument, PartyDemoPacket } from './demo-data.js';
import { PARTY_STATUS, formatPartyDate, formatPartyNumber, formatPartyTimestamp } from './mapping.js';
import { EDXML_NAMESPACE, ICPV_LIMITS, ICPV_NAMESPACE } from './payload.js';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: true });
const requestParser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => name === 'DocumentId',
});
const DECLARATION = { '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' } };
const CURSOR_PREFIX = 'icpv:';

interface StoredDocument {
  doc: PartyDemoDocument;
  /** Position in the change log: a record with a higher sequence changed later. */
  seq: number;
}

export interface PartyDocumentsSimulatorOptions {
  dataset: PartyDemoDataset;
  seed?: number;
}

export interface PartyDocumentsSimulator {
  server: SimulatorServer;
  dataset: PartyDemoDataset;
  /**
   * Records a status packet from the document's main recipient (or, for 13, from its issuer),
   * as if it had just arrived: the record's version goes up and it moves to the end of the feed.
   */
  recordStatus(documentId: string, code: string, at: Date): void;
}

/** Cuts the body short, as a dropped connection does; never at its very end. */
function truncate(res: SimResponse, random: () => number): SimResponse {
  const cut = Math.max(1, Math.floor(res.body.length * (0.4 + random() * 0.5)));
  return { ...res, body: res.body.slice(0, Math.min(cut, res.body.length - 1)) };
}

/**
 * Well-formed XML that breaks the contract where it matters most: an unknown secrecy level (which
 * must never read as "not secret"), else a Count that disagrees with the items, else a stranger root.
 */
function corrupt(res: SimResponse): SimResponse {
  if (res.body.includes('<SecretLevel>')) {
    return { ...res, body: res.body.replace(/<SecretLevel>\d<\/SecretLevel>/, '<SecretLevel>7</SecretLevel>') };
  }
  const counted = /<Count>(\d+)<\/Count>/.exec(res.body);
  if (counted) return { ...res, body: res.body.replace(counted[0], `<Count>${Number(counted[1]) + 1}</Count>`) };
  return { ...res, body: '<?xml version="1.0" encoding="UTF-8"?><Unexpected/>' };
}

/** The two ways iCPV answers can break, for tests that need one of them every time. */
export const PARTY_MALFORMERS = { truncate, corrupt } as const;

export function createPartyDocumentsSimulator(options: PartyDocumentsSimulatorOptions): PartyDocumentsSimulator {
  const store = new Map<string, StoredDocument>();
  let lastSeq = 0;
  for (const doc of options.dataset.documents) {
    lastSeq += 1;
    store.set(doc.documentId, { doc: structuredClone(doc), seq: lastSeq });
  }
  const clockStart = options.dataset.anchor.getTime();

  const handler = (req: SimRequest): SimResponse => {
    const path = req.url.pathname;
    if (path === '/icpv/health') {
      if (req.method !== 'GET') return failure(405, 'METHOD_NOT_ALLOWED', 'use GET');
      return ok({
        HealthStatus: {
          '@_xmlns': ICPV_NAMESPACE,
          Status: 'UP',
          ServerTime: formatPartyTimestamp(new Date(Math.max(Date.now(), clockStart))),
          Documents: store.size,
        },
      });
    }
    const feed = /^\/icpv\/provinces\/([^/]+)\/documents$/.exec(path);
    if (feed) {
      if (req.method !== 'GET') return failure(405, 'METHOD_NOT_ALLOWED', 'use GET');
      return changeFeed(decodeURIComponent(feed[1] ?? ''), req.url.searchParams);
    }
    if (path === '/icpv/documents/fetch') {
      if (req.method !== 'POST') return failure(405, 'METHOD_NOT_ALLOWED', 'use POST');
      return fetchByIds(req.body);
    }
    if (path === '/icpv/documents/status') {
      if (req.method !== 'GET') return failure(405, 'METHOD_NOT_ALLOWED', 'use GET');
      const documentId = req.url.searchParams.get('documentId') ?? '';
      const stored = store.get(documentId);
      if (!stored) return failure(404, 'NOT_FOUND', 'no document with this DocumentId');
      return ok({
        StatusList: {
          '@_xmlns': ICPV_NAMESPACE,
          DocumentId: documentId,
          Count: stored.doc.packets.length,
          StatusPacket: stored.doc.packets.map((packet) => ({ edXML: statusPacket(stored.doc, packet) })),
        },
      });
    }
    return failure(404, 'NOT_FOUND', `no route ${path}`);
  };

  function changeFeed(provinceCode: string, params: URLSearchParams): SimResponse {
    if (!/^\d{2}$/.test(provinceCode)) return failure(400, 'BAD_REQUEST', 'province codes are two digits');
    const limitText = params.get('limit');
    const limit = limitText === null ? ICPV_LIMITS.defaultPage : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > ICPV_LIMITS.maxPage) {
      return failure(400, 'BAD_REQUEST', `limit must be 1 to ${ICPV_LIMITS.maxPage}`);
    }
    const after = readSequenceCursor(CURSOR_PREFIX, params.get('cursor'));
    if (after === null) return failure(400, 'BAD_REQUEST', 'unknown cursor');
    const changed = [...store.values()]
      .filter((entry) => entry.doc.provinceCode === provinceCode && entry.seq > after)
      .sort((a, b) => a.seq - b.seq);
    const page = changed.slice(0, limit);
    const last = page[page.length - 1];
    return ok({
      DocumentFeed: {
        '@_xmlns': ICPV_NAMESPACE,
        ProvinceCode: provinceCode,
        Count: page.length,
        NextCursor: writeSequenceCursor(CURSOR_PREFIX, last ? last.seq : after),
        HasMore: String(changed.length > page.length),
        DocumentRecord: page.map((entry) => documentRecord(entry.doc)),
      },
    });
  }

  function fetchByIds(body: string): SimResponse {
    if (XMLValidator.validate(body) !== true) return failure(400, 'BAD_REQUEST', 'the body is not XML');
    const parsed = requestParser.parse(body) as { DocumentIdList?: { DocumentId?: unknown[] } };
    const ids = parsed.DocumentIdList?.DocumentId;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
      return failure(400, 'BAD_REQUEST', 'expected <DocumentIdList><DocumentId>…</DocumentId></DocumentIdList>');
    }
    if (ids.length > ICPV_LIMITS.maxBatch) {
      return failure(400, 'BAD_REQUEST', `at most ${ICPV_LIMITS.maxBatch} DocumentId per request`);
    }
    const found = [...new Set(ids)].flatMap((id) => {
      const stored = store.get(id);
      return stored ? [documentRecord(stored.doc)] : [];
    });
    return ok({ DocumentSet: { '@_xmlns': ICPV_NAMESPACE, Count: found.length, DocumentRecord: found } });
  }

  const server = new SimulatorServer('party-documents', handler, options.seed ?? options.dataset.seed);
  server.malform = (res, random) => (random() < 0.5 ? truncate(res, random) : corrupt(res));

  return {
    server,
    dataset: options.dataset,
    recordStatus(documentId, code, at) {
      const stored = store.get(documentId);
      if (!stored) throw new RangeError(`no document ${documentId}`);
      if (!/^\d{2}$/.test(code)) throw new RangeError('status codes are two digits');
      const { doc } = stored;
      const atMs = Math.max(at.getTime(), doc.updatedAtMs);
      const recipient = doc.to[0] ?? doc.from;
      doc.packets.push({
        code,
        atMs,
        from: code === '13' ? doc.from : recipient,
        department: 'Văn phòng',
        staff: 'Cán bộ văn thư',
        description: PARTY_STATUS[code]?.label ?? '',
      });
      doc.version += 1;
      doc.updatedAtMs = atMs;
      lastSeq += 1;
      stored.seq = lastSeq;
    },
  };
}

function ok(body: Record<string, unknown>): SimResponse {
  return xml(200, builder.build({ ...DECLARATION, ...body }));
}

function failure(status: number, code: string, message: string): SimResponse {
  return xml(status, builder.build({ ...DECLARATION, Error: { '@_xmlns': ICPV_NAMESPACE, Code: code, Message: message } }));
}

function documentRecord(doc: PartyDemoDocument): Record<string, unknown> {
  const current = doc.packets[doc.packets.length - 1];
  const number = formatPartyNumber(doc.codeNumber, doc.codeNotation);
  return {
    RecordInfo: {
      ProvinceCode: doc.provinceCode,
      CommuneCode: doc.communeCode ?? '',
      Version: doc.version,
      UpdatedAt: formatPartyTimestamp(new Date(doc.updatedAtMs)),
      CurrentStatus: current
        ? { StatusCode: current.code, Timestamp: formatPartyTimestamp(new Date(current.atMs)) }
        : { StatusCode: '01', Timestamp: formatPartyTimestamp(new Date(doc.sentAtMs)) },
    },
    edXML: {
      '@_xmlns': EDXML_NAMESPACE,
      edXMLEnvelope: {
        edXMLHeader: {
          MessageHeader: {
            From: { OrganId: doc.from.organId, OrganName: doc.from.organName },
            To: doc.to.map((to) => ({ OrganId: to.organId, OrganName: to.organName })),
            Code: { CodeNumber: doc.codeNumber, CodeNotation: doc.codeNotation },
            PromulgationInfo: { Place: doc.place, PromulgationDate: formatPartyDate(new Date(doc.promulgationDay)) },
            DocumentType: { Type: doc.type, TypeName: doc.typeName },
            Subject: doc.subject,
            SignerInfo: { Competence: doc.signer.competence, Position: doc.signer.position, FullName: doc.signer.fullName },
            DueDate: doc.dueDay === null ? '' : formatPartyDate(new Date(doc.dueDay)),
            OtherInfo: {
              Priority: doc.priority,
              SecretLevel: doc.secretLevel,
              PromulgationAmount: doc.promulgationAmount,
              PageAmount: doc.pageAmount,
            },
            DocumentId: doc.documentId,
          },
          TraceHeaderList: {
            TraceHeader: [
              { OrganId: doc.from.organId, Timestamp: formatPartyTimestamp(new Date(doc.sentAtMs)) },
              ...doc.to.map((to) => ({ OrganId: to.organId, Timestamp: formatPartyTimestamp(new Date(doc.sentAtMs)) })),
            ],
            Bussiness: { BussinessDocType: 0, BussinessDocReason: '', Paper: 0 },
          },
        },
        edXMLBody: {
          edXMLManifest: {
            Reference: [
              {
                ContentId: 'cid:1',
                AttachmentName: `${number.replace(/\//g, '-')}.pdf`,
                Description: 'Văn bản điện tử',
              },
            ],
          },
        },
      },
    },
  };
}

function statusPacket(doc: PartyDemoDocument, packet: PartyDemoPacket): Record<string, unknown> {
  return {
    '@_xmlns': EDXML_NAMESPACE,
    edXMLEnvelope: {
      edXMLHeader: {
        MessageHeader: {
          From: { OrganId: packet.from.organId, OrganName: packet.from.organName },
          ResponseFor: {
            OrganId: doc.from.organId,
            Code: formatPartyNumber(doc.codeNumber, doc.codeNotation),
            PromulgationDate: formatPartyDate(new Date(doc.promulgationDay)),
            DocumentId: doc.documentId,
          },
          StaffInfo: { Department: packet.department, Staff: packet.staff },
          StatusCode: packet.code,
          Description: packet.description,
          Timestamp: formatPartyTimestamp(new Date(packet.atMs)),
        },
      },
    },
  };
}
