import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectorError, isConnectorError } from '../../../src/connectors/connector-error.js';
import type { HubDocument } from '../../../src/connectors/document-source.js';
import type { ResilienceOptions } from '../../../src/connectors/http-client.js';
import { PartyDocumentsConnector } from '../../../src/connectors/party-documents/client.js';
import { buildPartyDemoDataset, type PartyDemoDocument } from '../../../src/connectors/party-documents/demo-data.js';
import { PARTY_SECRECY, PARTY_STATUS, PARTY_URGENCY, formatPartyNumber } from '../../../src/connectors/party-documents/mapping.js';
import {
  PARTY_MALFORMERS,
  createPartyDocumentsSimulator,
  type PartyDocumentsSimulator,
} from '../../../src/connectors/party-documents/simulator.js';
import { silentLogger } from '../../../src/logger.js';

const ANCHOR = new Date('2026-11-22T00:00:00+07:00');
const DAY_MS = 86_400_000;
const FEED_PATH = (province: string) => `/icpv/provinces/${province}/documents`;

let simulator: PartyDocumentsSimulator;
let baseUrl: string;
const connectors: PartyDocumentsConnector[] = [];
const ownSimulators: PartyDocumentsSimulator[] = [];

function connector(resilience: Partial<ResilienceOptions> = {}): PartyDocumentsConnector {
  const made = new PartyDocumentsConnector({ baseUrl, logger: silentLogger(), resilience: { timeoutMs: 2_000, ...resilience } });
  connectors.push(made);
  return made;
}

async function failureOf(call: Promise<unknown>): Promise<ConnectorError> {
  try {
    await call;
  } catch (error) {
    if (isConnectorError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

async function readWholeFeed(
  source: PartyDocumentsConnector,
  provinceCode: string,
  options: { cursor?: string | null; limit?: number } = {},
): Promise<{ latest: Map<string, HubDocument>; read: number; pages: number; cursor: string }> {
  const latest = new Map<string, HubDocument>();
  let cursor = options.cursor ?? null;
  let read = 0;
  for (let pages = 1; pages <= 1_000; pages += 1) {
    const page = await source.documentChanges(provinceCode, cursor, options.limit ?? 100);
    for (const item of page.items) latest.set(item.id, item);
    read += page.items.length;
    cursor = page.nextCursor;
    if (!page.hasMore) return { latest, read, pages, cursor };
  }
  throw new Error('the change feed did not end within 1,000 pages');
}

/** A simulator of its own for a test that changes the system, so other tests see the demo data unchanged. */
async function ownSimulator(): Promise<{ sim: PartyDocumentsSimulator; source: PartyDocumentsConnector }> {
  const sim = createPartyDocumentsSimulator({ dataset: simulator.dataset });
  const url = await sim.server.listen(0);
  const source = new PartyDocumentsConnector({ baseUrl: url, logger: silentLogger() });
  connectors.push(source);
  ownSimulators.push(sim);
  return { sim, source };
}

function demoOf(provinceCode: string): PartyDemoDocument[] {
  return simulator.dataset.documents.filter((doc) => doc.provinceCode === provinceCode);
}

beforeAll(async () => {
  simulator = createPartyDocumentsSimulator({ dataset: buildPartyDemoDataset({ seed: 20250701, anchor: ANCHOR }) });
  baseUrl = await simulator.server.listen(0);
});

afterEach(() => {
  simulator.server.resetFaults();
  simulator.server.malform = (res, random) =>
    random() < 0.5 ? PARTY_MALFORMERS.truncate(res, random) : PARTY_MALFORMERS.corrupt(res);
});

afterAll(async () => {
  await Promise.all(connectors.map((made) => made.close()));
  await Promise.all([simulator, ...ownSimulators].map((sim) => sim.server.close()));
});

describe('party-documents demo data', () => {
  it('holds a few hundred documents per province, all issued in the 90 days before the anchor', () => {
    expect(demoOf('96')).toHaveLength(328);
    expect(demoOf('51')).toHaveLength(392);
    for (const doc of simulator.dataset.documents) {
      expect(doc.promulgationDay).toBeGreaterThanOrEqual(ANCHOR.getTime() - 90 * DAY_MS);
      expect(doc.promulgationDay).toBeLessThan(ANCHOR.getTime());
      expect(doc.updatedAtMs).toBeLessThan(ANCHOR.getTime());
    }
  });

  it('marks one document in ten per province as Mật, Tối mật or Tuyệt mật', () => {
    for (const provinceCode of ['96', '51']) {
      const demo = demoOf(provinceCode);
      expect(demo.filter((doc) => doc.secretLevel !== '0')).toHaveLength(Math.round(demo.length / 10));
    }
  });

  it('gives every issuing organ consecutive, unique numbers', () => {
    const ids = simulator.dataset.documents.map((doc) => doc.documentId);
    expect(new Set(ids).size).toBe(ids.length);
    const numbers = simulator.dataset.documents.map((doc) => `${doc.from.organId} ${formatPartyNumber(doc.codeNumber, doc.codeNotation)}`);
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});

describe('PartyDocumentsConnector', () => {
  it('reads the whole change feed of each province and finds every demo document with its canonical fields', async () => {
    const source = connector();
    for (const provinceCode of ['96', '51']) {
      const feed = await readWholeFeed(source, provinceCode, { limit: 37 });
      const demo = demoOf(provinceCode);
      expect(feed.read).toBe(demo.length);
      expect(feed.pages).toBe(Math.ceil(demo.length / 37));
      for (const doc of demo) {
        const read = feed.latest.get(`party-documents:${doc.documentId}`);
        const last = doc.packets[doc.packets.length - 1];
        expect(read).toEqual({
          id: `party-documents:${doc.documentId}`,
          source: 'party-documents',
          direction: null,
          number: `${doc.codeNumber}-${doc.codeNotation}`,
          typeCode: doc.codeNotation.split('/')[0],
          typeName: doc.typeName,
          subject: doc.subject,
          issuerOrganId: doc.from.organId,
          issuerName: doc.from.organName,
          issuedAt: new Date(doc.promulgationDay),
          dueAt: doc.dueDay === null ? null : new Date(doc.dueDay),
          arrivedAt: null,
          urgency: PARTY_URGENCY[doc.priority],
          secrecy: PARTY_SECRECY[doc.secretLevel],
          pageCount: doc.pageAmount,
          signerName: doc.signer.fullName,
          signerPosition: doc.signer.position,
          provinceCode,
          communeCode: doc.communeCode,
          status: PARTY_STATUS[last?.code ?? '']?.status,
          nativeStatus: last?.code,
          updatedAt: new Date(doc.updatedAtMs),
        });
      }
    }
  });

  it('serves about one document in ten as classified, with its subject like any other', async () => {
    const feed = await readWholeFeed(connector(), '96');
    const documents = [...feed.latest.values()];
    const classified = documents.filter((doc) => doc.secrecy !== 'NONE');
    expect(classified.length / documents.length).toBeGreaterThan(0.05);
    expect(classified.length / documents.length).toBeLessThan(0.15);
    expect(classified.every((doc) => doc.subject.length > 0)).toBe(true);
  });

  it('returns an empty page and the same position for a province with no documents', async () => {
    const page = await connector().documentChanges('01', null, 50);
    expect(page.items).toEqual([]);
    expect(page.hasMore).toBe(false);
    const again = await connector().documentChanges('01', page.nextCursor, 50);
    expect(again.items).toEqual([]);
  });

  it('resumes after its cursor and sees a document again once a new status packet arrives', async () => {
    const { sim, source } = await ownSimulator();
    const first = await readWholeFeed(source, '51');
    const target = demoOf('51').find((doc) => doc.packets[doc.packets.length - 1]?.code === '05');
    expect(target).toBeDefined();
    sim.recordStatus(target?.documentId ?? '', '06', new Date(ANCHOR.getTime() + 3_600_000));

    const next = await readWholeFeed(source, '51', { cursor: first.cursor });
    expect(next.read).toBe(1);
    expect(next.latest.get(`party-documents:${target?.documentId ?? ''}`)).toMatchObject({
      status: 'COMPLETED',
      nativeStatus: '06',
      updatedAt: new Date(ANCHOR.getTime() + 3_600_000),
    });
    const quiet = await source.documentChanges('51', next.cursor, 100);
    expect(quiet.items).toEqual([]);
  });

  it('fetches documents by id in batches of at most 50 and leaves out ids it does not know', async () => {
    const wanted = demoOf('96').slice(0, 120).map((doc) => `party-documents:${doc.documentId}`);
    simulator.server.resetRequestCounts();
    const found = await connector().documentsByIds([
      ...wanted,
      wanted[0] ?? '',
      'party-documents:000.00.00.D96,2026/01/01,1-QĐ/TU',
      'government-documents:QLVB-96-000001',
    ]);
    expect(found.map((doc) => doc.id).sort()).toEqual([...wanted].sort());
    expect(simulator.server.requestCounts()['/icpv/documents/fetch']).toBe(3);
  });

  it('returns the status packets of a document oldest first, and null for an unknown document', async () => {
    const doc = demoOf('96').find((candidate) => candidate.packets.length >= 4);
    const history = await connector().statusHistory(`party-documents:${doc?.documentId ?? ''}`);
    expect(history?.map((event) => event.nativeStatus)).toEqual(doc?.packets.map((packet) => packet.code));
    expect(history?.[0]).toMatchObject({ status: 'ARRIVED', organId: doc?.to[0]?.organId });
    expect(await connector().statusHistory('party-documents:000.00.00.D96,2026/01/01,1-QĐ/TU')).toBeNull();
  });

  it('reports the system UP when it answers and DOWN when it does not', async () => {
    expect((await connector().health()).status).toBe('UP');
    simulator.server.setFaults({ down: true });
    const down = await connector({ retries: 0 }).health();
    expect(down).toMatchObject({ system: 'party-documents', status: 'DOWN' });
  });
});

describe('PartyDocumentsConnector under faults', () => {
  it('turns an answer slower than the timeout into UPSTREAM_TIMEOUT', async () => {
    simulator.server.setFaults({ latencyMs: 1_500 });
    const failure = await failureOf(connector({ timeoutMs: 150, retries: 0 }).documentChanges('96', null, 10));
    expect(failure).toMatchObject({ system: 'party-documents', code: 'UPSTREAM_TIMEOUT', transient: true });
  });

  it('opens the breaker after a burst of errors, then fails fast without reaching the system', async () => {
    const source = connector({ retries: 0, breakerThreshold: 3, breakerHalfOpenAfterMs: 60_000 });
    simulator.server.setFaults({ errorRate: 1 });
    simulator.server.resetRequestCounts();
    for (let i = 0; i < 3; i += 1) {
      expect(await failureOf(source.documentChanges('96', null, 10))).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        status: 503,
        circuitOpen: false,
      });
    }
    expect(simulator.server.requestCounts()[FEED_PATH('96')]).toBe(3);

    simulator.server.resetFaults();
    const fast = await failureOf(source.documentChanges('96', null, 10));
    expect(fast).toMatchObject({ system: 'party-documents', code: 'UPSTREAM_UNAVAILABLE', circuitOpen: true });
    const fetchFast = await failureOf(source.documentsByIds([`party-documents:${demoOf('96')[0]?.documentId ?? ''}`]));
    expect(fetchFast.circuitOpen).toBe(true);
    expect(simulator.server.requestCounts()[FEED_PATH('96')]).toBe(3);
    expect(simulator.server.requestCounts()['/icpv/documents/fetch']).toBeUndefined();
  });

  it('retries a read that failed for a transient reason', async () => {
    const source = connector({ retries: 3, retryBaseMs: 1 });
    simulator.server.setFaults({ down: true });
    simulator.server.resetRequestCounts();
    const call = source.documentChanges('96', null, 10);
    // The first attempt meets a closed connection; the system is back before the retry.
    const deadline = Date.now() + 5_000;
    while ((simulator.server.requestCounts()[FEED_PATH('96')] ?? 0) < 1 && Date.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    simulator.server.resetFaults();
    const page = await call;
    expect(page.items).toHaveLength(10);
    expect(simulator.server.requestCounts()[FEED_PATH('96')]).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ['change feed', (source: PartyDocumentsConnector) => source.documentChanges('96', null, 20)],
    ['batch fetch', (source: PartyDocumentsConnector) => source.documentsByIds(demoOf('51').slice(0, 5).map((doc) => `party-documents:${doc.documentId}`))],
    ['status packets', (source: PartyDocumentsConnector) => source.statusHistory(`party-documents:${demoOf('51')[0]?.documentId ?? ''}`)],
  ])('rejects truncated XML from the %s as UPSTREAM_INVALID_RESPONSE', async (_name, call) => {
    simulator.server.malform = PARTY_MALFORMERS.truncate;
    simulator.server.setFaults({ malformedRate: 1 });
    const failure = await failureOf(call(connector()));
    expect(failure).toMatchObject({ system: 'party-documents', code: 'UPSTREAM_INVALID_RESPONSE', transient: false });
  });

  it('rejects an envelope with an unknown secrecy level instead of reading it as not secret', async () => {
    simulator.server.malform = PARTY_MALFORMERS.corrupt;
    simulator.server.setFaults({ malformedRate: 1 });
    const failure = await failureOf(connector().documentChanges('96', null, 20));
    expect(failure).toMatchObject({ system: 'party-documents', code: 'UPSTREAM_INVALID_RESPONSE' });
    expect(failure.message).toContain('SecretLevel');
  });

  it('rejects a status list whose count disagrees with its packets', async () => {
    simulator.server.malform = PARTY_MALFORMERS.corrupt;
    simulator.server.setFaults({ malformedRate: 1 });
    const failure = await failureOf(connector().statusHistory(`party-documents:${demoOf('96')[0]?.documentId ?? ''}`));
    expect(failure).toMatchObject({ system: 'party-documents', code: 'UPSTREAM_INVALID_RESPONSE' });
  });

  it('does not open the breaker for malformed answers, which retrying would not fix', async () => {
    const source = connector({ breakerThreshold: 2, breakerHalfOpenAfterMs: 60_000 });
    simulator.server.malform = PARTY_MALFORMERS.truncate;
    simulator.server.setFaults({ malformedRate: 1 });
    simulator.server.resetRequestCounts();
    for (let i = 0; i < 3; i += 1) await failureOf(source.documentChanges('96', null, 5));
    expect(simulator.server.requestCounts()[FEED_PATH('96')]).toBe(3);
  });
});
