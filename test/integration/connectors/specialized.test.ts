import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DossierCreate, StatusWrite } from '../../../src/connectors/connector.js';
import { isConnectorError, type ConnectorError } from '../../../src/connectors/connector-error.js';
import { buildDemoDataset, type DemoDataset } from '../../../src/connectors/demo/demo-dataset.js';
import { visibleTimes } from '../../../src/connectors/demo/visible-times.js';
import type { ResilienceOptions } from '../../../src/connectors/http-client.js';
import { SpecializedConnector } from '../../../src/connectors/specialized/client.js';
import { specializedWord, transferRequestFromCreate } from '../../../src/connectors/specialized/mapping.js';
import { createSpecializedSimulator, type SpecializedSimulator } from '../../../src/connectors/specialized/simulator.js';
import { SimulatorServer } from '../../../src/connectors/simulator-kit.js';
import { silentLogger } from '../../../src/logger.js';
import { makeDemoDataset, makeDemoDossier, specializedCopy } from './hand-made-dataset.js';
import { readWholeFeed } from './read-whole-feed.js';

const SEED = 20250701;
const ANCHOR = new Date('2026-03-02T10:00:00+07:00');
const LIST_PATH = '/api/cases';
const logger = silentLogger();

async function failureOf(call: Promise<unknown>): Promise<ConnectorError> {
  try {
    await call;
  } catch (error) {
    if (isConnectorError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail with a ConnectorError');
}

function dateOf(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}

function makeWrite(dossierCode: string, overrides: Partial<StatusWrite> = {}): StatusWrite {
  return {
    correctionId: randomUUID(),
    dossierCode,
    status: 'RESOLVED',
    reason: 'Một cửa đã giải quyết; đồng bộ sang phần mềm chuyên ngành',
    at: new Date('2026-03-01T09:30:00+07:00'),
    ...overrides,
  };
}

let uniqueCode = 0;

/** A dossier the demo software does not hold, as the hub would transfer it. */
function makeCreate(overrides: Partial<DossierCreate> = {}): DossierCreate {
  uniqueCode += 1;
  return {
    correctionId: randomUUID(),
    dossierCode: `000.00.37.H96-260227-${String(7000 + uniqueCode).padStart(4, '0')}`,
    procedureCode: '1.004873',
    communeCode: '32002',
    provinceCode: '96',
    applicantPersonalId: '096190123456',
    status: 'PROCESSING',
    receivedAt: new Date('2026-02-27T08:30:00+07:00'),
    dueAt: new Date('2026-03-04T17:00:00+07:00'),
    finishedAt: null,
    returnedAt: null,
    reason: 'Một cửa đã tiếp nhận; phần mềm chuyên ngành chưa có hồ sơ',
    at: new Date('2026-03-01T09:00:00+07:00'),
    ...overrides,
  };
}

describe('SpecializedConnector against the civil-status software simulator', () => {
  let dataset: DemoDataset;
  let simulator: SpecializedSimulator;
  let baseUrl: string;
  const connectors: SpecializedConnector[] = [];
  /** Servers a test started besides the shared simulator, closed at the end. */
  const servers: SimulatorServer[] = [];

  const connect = (resilience: Partial<ResilienceOptions> = {}, url = baseUrl): SpecializedConnector => {
    const connector = new SpecializedConnector({ baseUrl: url, logger, resilience: { timeoutMs: 2_000, retries: 0, ...resilience } });
    connectors.push(connector);
    return connector;
  };

  /** Its own simulator over `data`, for tests that change cases. */
  const startOwn = async (data: DemoDataset): Promise<{ sim: SpecializedSimulator; connector: SpecializedConnector }> => {
    const sim = createSpecializedSimulator({ dataset: data, seed: SEED });
    servers.push(sim.server);
    return { sim, connector: connect({}, await sim.server.listen(0)) };
  };

  beforeAll(async () => {
    dataset = buildDemoDataset({ seed: SEED, anchor: ANCHOR });
    simulator = createSpecializedSimulator({ dataset, seed: SEED });
    baseUrl = await simulator.server.listen(0);
  });

  afterEach(() => {
    simulator.server.resetFaults();
    simulator.server.resetRequestCounts();
  });

  afterAll(async () => {
    await Promise.all(connectors.map((connector) => connector.close()));
    await Promise.all([simulator.server, ...servers].map((server) => server.close()));
  });

  it('reads every case of a province once, as the ground truth has it', async () => {
    const connector = connect();
    for (const province of ['96', '51']) {
      const feed = await readWholeFeed(connector, province, { limit: 200 });
      const expected = dataset.dossiers.filter((dossier) => dossier.provinceCode === province && dossier.specialized);
      expect(feed.read).toBe(expected.length);
      for (const dossier of expected) {
        const copy = dossier.specialized;
        if (!copy) continue;
        const times = visibleTimes(dossier, copy.status);
        const { sourceVersion, ...observation } = feed.latest.get(dossier.code) ?? { sourceVersion: '' };
        expect(sourceVersion).toMatch(/^\d+$/);
        expect(observation).toEqual({
          system: 'specialized',
          dossierCode: dossier.code,
          nativeId: copy.caseId,
          procedureCode: dossier.procedureCode,
          communeCode: copy.communeCode ?? dossier.communeCode,
          provinceCode: province,
          applicantPersonalId: dossier.applicantPersonalId,
          nativeStatus: specializedWord(copy.status),
          status: copy.status,
          receivedAt: dateOf(times.receivedAtMs),
          dueAt: dateOf(times.dueAtMs === null ? null : (copy.dueAtMs ?? times.dueAtMs)),
          finishedAt: dateOf(times.finishedAtMs),
          returnedAt: dateOf(times.returnedAtMs),
          updatedAt: new Date(copy.updatedAtMs),
        });
      }
    }
  });

  it('holds no dossier the one-stop shop has not received, nor those the drift says are missing', async () => {
    const connector = connect();
    const seen = new Map([...(await readWholeFeed(connector, '96')).latest, ...(await readWholeFeed(connector, '51')).latest]);
    const drifted = new Map(dataset.drift.map((drift) => [drift.dossierCode, drift]));
    for (const dossier of dataset.dossiers) {
      const drift = drifted.get(dossier.code);
      if (drift?.kind === 'MISSING_IN_SPECIALIZED' || (!drift && ['SUBMITTED', 'REJECTED'].includes(dossier.status))) {
        expect(seen.has(dossier.code)).toBe(false);
      } else {
        expect(seen.get(dossier.code)?.status).toBe(drift ? drift.specializedStatus : dossier.status);
      }
    }
  });

  it('resumes from a cursor with exactly the cases that changed after it', async () => {
    const { sim, connector } = await startOwn(buildDemoDataset({ seed: SEED, anchor: ANCHOR }));
    const before = await readWholeFeed(connector, '96');
    const moved = sim.advance(40).filter((change) => before.latest.has(change.dossierCode));
    expect(moved.length).toBeGreaterThan(5);

    const after = await readWholeFeed(connector, '96', { cursor: before.cursor, limit: 6 });

    expect(new Map([...after.latest].map(([code, item]) => [code, item.status]))).toEqual(
      new Map(moved.map((change) => [change.dossierCode, change.to])),
    );
    for (const change of moved) expect(sim.statusOf(change.dossierCode)).toBe(change.to);
    expect((await connector.dossierChanges('96', after.cursor, 50)).items).toEqual([]);
  });

  it('skips no case that shares its timestamp with others across page boundaries, while cases keep changing', async () => {
    // A batch import stamps 1,100 cases with one instant: a run of equal timestamps longer than
    // the largest page, read 90 at a time while other cases change between pages.
    const data = structuredClone(buildDemoDataset({ seed: SEED, anchor: ANCHOR, dossierCount: 4_000 }));
    const batch = data.dossiers.filter((dossier) => dossier.provinceCode === '96' && dossier.specialized).slice(0, 1_100);
    const batchInstant = Date.parse('2026-01-15T02:00:00Z');
    for (const dossier of batch) if (dossier.specialized) dossier.specialized.updatedAtMs = batchInstant;
    const { sim, connector } = await startOwn(data);
    const all = data.dossiers.filter((dossier) => dossier.provinceCode === '96' && dossier.specialized);

    const feed = await readWholeFeed(connector, '96', { limit: 90, between: () => sim.advance(4) });
    const tail = await readWholeFeed(connector, '96', { cursor: feed.cursor });
    for (const [code, item] of tail.latest) feed.latest.set(code, item);

    expect(batch.length).toBe(1_100);
    for (const dossier of all) expect(feed.latest.get(dossier.code)?.status).toBe(sim.statusOf(dossier.code));
  });

  it('skips no case when cases change between the page reads of a single call', async () => {
    const data = structuredClone(buildDemoDataset({ seed: SEED, anchor: ANCHOR, dossierCount: 4_000 }));
    const batchInstant = Date.parse('2026-01-15T02:00:00Z');
    const inProvince = data.dossiers.filter((dossier) => dossier.provinceCode === '96' && dossier.specialized);
    for (const dossier of inProvince.slice(0, 1_100)) if (dossier.specialized) dossier.specialized.updatedAtMs = batchInstant;
    const { sim } = await startOwn(data);
    // A proxy that changes cases just before each of the first later-page reads, so the pages a
    // call already read are no longer what they were when it reads the next one.
    let disturbances = 12;
    const proxy = new SimulatorServer('specialized', async (req) => {
      if (req.url.pathname === LIST_PATH && Number(req.url.searchParams.get('page')) > 1 && disturbances > 0) {
        disturbances -= 1;
        sim.advance(25);
      }
      const answer = await fetch(`${sim.server.url}${req.url.pathname}${req.url.search}`);
      return { status: answer.status, contentType: 'application/json', body: await answer.text() };
    });
    servers.push(proxy);
    const connector = connect({}, await proxy.listen(0));

    const feed = await readWholeFeed(connector, '96', { limit: 90 });
    const tail = await readWholeFeed(connector, '96', { cursor: feed.cursor });
    for (const [code, item] of tail.latest) feed.latest.set(code, item);

    expect(disturbances).toBe(0);
    for (const dossier of inProvince) expect(feed.latest.get(dossier.code)?.status).toBe(sim.statusOf(dossier.code));
  });

  it('looks cases up by national code in requests of at most 100 codes', async () => {
    const connector = connect();
    const known = dataset.dossiers.filter((dossier) => dossier.specialized).slice(0, 230);
    const found = await connector.dossiersByCode([...known.map((d) => d.code), '000.00.01.H96-260101-9999']);
    expect(found.map((item) => item.dossierCode).sort()).toEqual(known.map((d) => d.code).sort());
    expect(simulator.server.requestCounts()['/api/cases/by-national-code']).toBe(3);
  });

  it('reports a refused request as UPSTREAM_REJECTED with the software’s reason', async () => {
    const error = await failureOf(connect().dossierChanges('9X', null, 10));
    expect(error).toMatchObject({ system: 'specialized', code: 'UPSTREAM_REJECTED', status: 400, transient: false });
    expect(error.message).toContain('invalid_request');
  });

  it('reports a malformed answer as UPSTREAM_INVALID_RESPONSE and never as a half-read page', async () => {
    const connector = connect();
    simulator.server.setFaults({ malformedRate: 1 });
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const error = await failureOf(connector.dossierChanges('51', null, 100));
      expect(error).toMatchObject({ system: 'specialized', code: 'UPSTREAM_INVALID_RESPONSE' });
    }
  });

  it('gives up on a slow answer with UPSTREAM_TIMEOUT', async () => {
    simulator.server.setFaults({ latencyMs: 400 });
    expect(await failureOf(connect({ timeoutMs: 100 }).dossiersByCode(['x']))).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
  });

  it('opens the breaker after a burst of 5xx answers, then fails fast without calling the software', async () => {
    const connector = connect({ retries: 2, retryBaseMs: 5, breakerThreshold: 4, breakerHalfOpenAfterMs: 60_000 });
    simulator.server.setFaults({ errorRate: 1 });
    // Two calls of up to three attempts each: the fourth failure opens the breaker mid-retry.
    await failureOf(connector.dossierChanges('96', null, 10));
    expect(await failureOf(connector.dossierChanges('96', null, 10))).toMatchObject({ circuitOpen: true });
    expect(simulator.server.requestCounts()[LIST_PATH]).toBe(4);
    simulator.server.resetRequestCounts();
    simulator.server.resetFaults();

    const error = await failureOf(connector.dossierChanges('96', null, 10));

    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', circuitOpen: true, transient: true });
    expect(simulator.server.requestCounts()[LIST_PATH]).toBeUndefined();
  });

  it('reports health UP, and DOWN with the error code when the software is down', async () => {
    const connector = connect();
    expect(await connector.health()).toMatchObject({ system: 'specialized', status: 'UP' });
    simulator.server.setFaults({ down: true });
    expect((await connector.health()).detail).toContain('UPSTREAM_UNAVAILABLE');
  });

  it('reports a copy’s own commune code and due date instead of the dossier’s', async () => {
    const legacy = makeDemoDossier();
    legacy.specialized = specializedCopy(legacy, { communeCode: '32011' });
    const ownDue = makeDemoDossier();
    const dueAtMs = Date.parse('2025-09-22T17:00:00+07:00');
    ownDue.specialized = specializedCopy(ownDue, { dueAtMs });
    const plain = makeDemoDossier();
    const { connector } = await startOwn(makeDemoDataset([legacy, ownDue, plain]));

    const { latest } = await readWholeFeed(connector, '96');
    const looked = new Map((await connector.dossiersByCode([legacy.code, ownDue.code])).map((item) => [item.dossierCode, item]));

    expect(latest.get(legacy.code)?.communeCode).toBe('32011');
    expect(looked.get(legacy.code)?.communeCode).toBe('32011');
    expect(latest.get(ownDue.code)).toMatchObject({ communeCode: ownDue.communeCode, dueAt: new Date(dueAtMs) });
    expect(looked.get(ownDue.code)?.dueAt).toEqual(new Date(dueAtMs));
    expect(latest.get(plain.code)).toMatchObject({ communeCode: plain.communeCode, dueAt: dateOf(plain.dueAtMs) });
  });

  it('lists 1,000 cases a page and refuses a larger page', async () => {
    const { connector } = await startOwn(buildDemoDataset({ seed: SEED, anchor: ANCHOR, dossierCount: 3_000, provinceCodes: ['96'] }));
    const page = await connector.dossierChanges('96', null, 1_000);
    expect(page.items).toHaveLength(1_000);
    expect(page.hasMore).toBe(true);
    const refused = await fetch(`${baseUrl}${LIST_PATH}?province=96&pageSize=1001`);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: 'invalid_request' } });
  });

  it('writes a status once per correction id, and lists the case again after the cursor', async () => {
    const { sim, connector } = await startOwn(buildDemoDataset({ seed: SEED, anchor: ANCHOR }));
    const processing = dataset.dossiers.find((d) => d.provinceCode === '96' && d.specialized?.status === 'PROCESSING' && !dataset.drift.some((x) => x.dossierCode === d.code));
    if (!processing) throw new Error('the dataset has no case in review');
    const before = await readWholeFeed(connector, '96', { limit: 1_000 });
    const write = makeWrite(processing.code, { status: 'RESULT_RETURNED' });

    expect(await connector.writeDossierStatus(write)).toEqual({ applied: true, nativeStatus: 'delivered' });
    expect(await connector.writeDossierStatus({ ...write, reason: 'resent' })).toEqual({ applied: false, nativeStatus: 'delivered' });

    const after = await readWholeFeed(connector, '96', { cursor: before.cursor });
    expect([...after.latest.keys()]).toEqual([processing.code]);
    const changed = after.latest.get(processing.code);
    const earlier = before.latest.get(processing.code);
    expect(changed).toMatchObject({ status: 'RESULT_RETURNED', finishedAt: write.at, returnedAt: write.at });
    expect(Number(changed?.sourceVersion)).toBe(Number(earlier?.sourceVersion) + 1);
    // The software's clock moves past every stamp it listed, so the change cannot hide behind one.
    const latestBefore = Math.max(...[...before.latest.values()].map((item) => item.updatedAt.getTime()));
    expect(changed?.updatedAt.getTime()).toBeGreaterThan(latestBefore);
    expect(sim.statusOf(processing.code)).toBe('RESULT_RETURNED');
  });

  it('refuses a correction id reused for another change, a status the graph forbids, and an unknown case', async () => {
    const { sim, connector } = await startOwn(buildDemoDataset({ seed: SEED, anchor: ANCHOR }));
    const [a, b] = dataset.dossiers.filter((d) => d.specialized?.status === 'PROCESSING');
    const delivered = dataset.dossiers.find((d) => d.specialized?.status === 'RESULT_RETURNED');
    if (!a || !b || !delivered) throw new Error('the dataset needs two cases in review and a delivered one');
    const write = makeWrite(a.code, { status: 'RESOLVED' });
    await connector.writeDossierStatus(write);

    const reused = await failureOf(connector.writeDossierStatus({ ...write, dossierCode: b.code }));
    expect(reused).toMatchObject({ system: 'specialized', code: 'UPSTREAM_REJECTED', status: 409, transient: false });
    expect(reused.message).toContain('correction_id_reused');
    expect(sim.statusOf(b.code)).toBe('PROCESSING');

    const illegal = await failureOf(connector.writeDossierStatus(makeWrite(delivered.code, { status: 'PROCESSING' })));
    expect(illegal).toMatchObject({ status: 409 });
    expect(illegal.message).toContain('illegal_transition');
    expect(sim.statusOf(delivered.code)).toBe('RESULT_RETURNED');

    const unknown = await failureOf(connector.writeDossierStatus(makeWrite('000.00.37.H96-260101-9999')));
    expect(unknown).toMatchObject({ status: 404 });
    expect(unknown.message).toContain('not_found');
  });

  it('refuses to write or transfer a SUBMITTED dossier without calling the software', async () => {
    const connector = connect();
    const code = dataset.dossiers.find((d) => d.specialized)?.code ?? '';
    expect(await failureOf(connector.writeDossierStatus(makeWrite(code, { status: 'SUBMITTED' })))).toMatchObject({ code: 'UPSTREAM_REJECTED', transient: false });
    expect(await failureOf(connector.createDossier(makeCreate({ status: 'SUBMITTED' })))).toMatchObject({ code: 'UPSTREAM_REJECTED' });
    expect(simulator.server.requestCounts()).toEqual({});
  });

  it('takes in a transferred dossier under a new case id and lists it after the cursor', async () => {
    const { sim, connector } = await startOwn(buildDemoDataset({ seed: SEED, anchor: ANCHOR }));
    const before = await readWholeFeed(connector, '96', { limit: 1_000 });
    const create = makeCreate();

    expect(await connector.createDossier(create)).toEqual({ applied: true, nativeStatus: 'in_review' });

    const after = await readWholeFeed(connector, '96', { cursor: before.cursor });
    expect(after.read).toBe(1);
    const observation = after.latest.get(create.dossierCode);
    expect(observation).toMatchObject({
      system: 'specialized',
      dossierCode: create.dossierCode,
      procedureCode: '1.004873',
      communeCode: '32002',
      provinceCode: '96',
      applicantPersonalId: create.applicantPersonalId,
      nativeStatus: 'in_review',
      status: 'PROCESSING',
      receivedAt: create.receivedAt,
      dueAt: create.dueAt,
      finishedAt: null,
      returnedAt: null,
      sourceVersion: '1',
    });
    const taken = new Set([...before.latest.values()].map((item) => item.nativeId));
    expect(observation?.nativeId).toMatch(/^HT-2026-\d{7}$/);
    expect(taken.has(observation?.nativeId ?? null)).toBe(false);
    expect(sim.statusOf(create.dossierCode)).toBe('PROCESSING');
    // It moves on like any case.
    expect((await connector.writeDossierStatus(makeWrite(create.dossierCode, { status: 'RESOLVED' }))).applied).toBe(true);
  });

  it('answers a resent transfer as not applied, and refuses its id with other facts or a code it holds', async () => {
    const { connector } = await startOwn(buildDemoDataset({ seed: SEED, anchor: ANCHOR }));
    const create = makeCreate();
    await connector.createDossier(create);
    const { cursor } = await readWholeFeed(connector, '96', { limit: 1_000 });

    expect(await connector.createDossier({ ...create, reason: 'gửi lại', at: new Date() })).toEqual({ applied: false, nativeStatus: 'in_review' });
    expect((await readWholeFeed(connector, '96', { cursor })).read).toBe(0);

    const reused = await failureOf(connector.createDossier({ ...create, dueAt: new Date('2026-03-05T17:00:00+07:00') }));
    expect(reused).toMatchObject({ code: 'UPSTREAM_REJECTED', status: 409 });
    expect(reused.message).toContain('correction_id_reused');
    const held = dataset.dossiers.find((d) => d.specialized) as (typeof dataset.dossiers)[number];
    const exists = await failureOf(connector.createDossier(makeCreate({ dossierCode: held.code })));
    expect(exists).toMatchObject({ status: 409 });
    expect(exists.message).toContain('case_exists');
  });

  it('answers an invalid transfer with 400 invalid_request naming the field', async () => {
    const response = await fetch(`${baseUrl}${LIST_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...transferRequestFromCreate(makeCreate()), status: 'submitted' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toContain('status');
    expect((await fetch(`${baseUrl}/api/health`, { method: 'POST' })).status).toBe(405);
  });
});
