import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DossierCreate, DossierObservation } from '../../../src/connectors/connector.js';
import { isConnectorError, type ConnectorError } from '../../../src/connectors/connector-error.js';
import { buildDemoDataset, type DemoDataset, type DemoDossier } from '../../../src/connectors/demo/demo-dataset.js';
import { visibleTimes } from '../../../src/connectors/demo/visible-times.js';
import type { ResilienceOptions } from '../../../src/connectors/http-client.js';
import { ProvincialConnector } from '../../../src/connectors/provincial/client.js';
import { createProvincialSimulator, type ProvincialSimulator } from '../../../src/connectors/provincial/simulator.js';
import { STATUS_CODE } from '../../../src/domain/dossier-status.js';
import { silentLogger } from '../../../src/logger.js';
import { eventually } from '../../support/test-database.js';
import { makeDemoDataset, makeDemoDossier, provincialCopy } from './hand-made-dataset.js';
import { readWholeFeed } from './read-whole-feed.js';

const SEED = 20250701;
const ANCHOR = new Date('2026-03-02T10:00:00+07:00');
const FEED_PATH = '/api/v1/hoso/thaydoi';
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

/** What the system should report for a dossier's provincial copy held under `code`, drift included. */
function expectedObservation(dossier: DemoDossier, code = dossier.code): Omit<DossierObservation, 'sourceVersion'> {
  const copy = dossier.provincial;
  if (!copy) throw new Error(`${dossier.code} has no provincial copy`);
  const times = visibleTimes(dossier, copy.status);
  return {
    system: 'provincial',
    dossierCode: code,
    nativeId: null,
    procedureCode: dossier.procedureCode,
    communeCode: copy.communeCode ?? dossier.communeCode,
    provinceCode: dossier.provinceCode,
    applicantPersonalId: dossier.applicantPersonalId,
    nativeStatus: String(STATUS_CODE[copy.status]),
    status: copy.status,
    receivedAt: dateOf(times.receivedAtMs),
    dueAt: dateOf(times.dueAtMs === null ? null : (copy.dueAtMs ?? times.dueAtMs)),
    finishedAt: dateOf(times.finishedAtMs),
    returnedAt: dateOf(times.returnedAtMs),
    updatedAt: new Date(copy.updatedAtMs),
  };
}

/** The codes the provincial system holds for a province: every provincial copy, and each duplicate. */
function provincialRecords(dataset: DemoDataset, province: string): { dossier: DemoDossier; code: string }[] {
  const byCode = new Map(dataset.dossiers.map((dossier) => [dossier.code, dossier]));
  const held = dataset.dossiers.filter((dossier) => dossier.provinceCode === province && dossier.provincial).map((dossier) => ({ dossier, code: dossier.code }));
  for (const { dossierCode, duplicateCode } of dataset.duplicates) {
    const dossier = byCode.get(dossierCode);
    if (dossier?.provinceCode === province) held.push({ dossier, code: duplicateCode });
  }
  return held;
}

let uniqueCode = 0;

/** A dossier the demo system does not hold, as the hub would ask for it to be received. */
function makeCreate(overrides: Partial<DossierCreate> = {}): DossierCreate {
  uniqueCode += 1;
  return {
    correctionId: randomUUID(),
    dossierCode: `000.00.37.H96-260227-${String(8000 + uniqueCode).padStart(4, '0')}`,
    procedureCode: '1.001193',
    communeCode: '32002',
    provinceCode: '96',
    applicantPersonalId: '096190123456',
    status: 'RESOLVED',
    receivedAt: new Date('2026-02-27T08:30:00+07:00'),
    dueAt: new Date('2026-02-28T17:00:00+07:00'),
    finishedAt: new Date('2026-02-27T15:00:00+07:00'),
    returnedAt: null,
    reason: 'Bộ Tư pháp đã giải quyết; một cửa chưa có hồ sơ',
    at: new Date('2026-03-01T09:00:00+07:00'),
    ...overrides,
  };
}

describe('ProvincialConnector against the one-stop-shop simulator', () => {
  let dataset: DemoDataset;
  let simulator: ProvincialSimulator;
  let baseUrl: string;
  const connectors: ProvincialConnector[] = [];

  const connect = (resilience: Partial<ResilienceOptions> = {}): ProvincialConnector => {
    const connector = new ProvincialConnector({ baseUrl, logger, resilience: { timeoutMs: 2_000, retries: 0, ...resilience } });
    connectors.push(connector);
    return connector;
  };

  const fresh: ProvincialSimulator[] = [];
  /** A fresh simulator, for tests that change dossiers and must not disturb the others. */
  const startFresh = async (): Promise<{ sim: ProvincialSimulator; connector: ProvincialConnector }> => {
    const sim = createProvincialSimulator({ dataset: buildDemoDataset({ seed: SEED, anchor: ANCHOR }), seed: SEED });
    const connector = new ProvincialConnector({ baseUrl: await sim.server.listen(0), logger, resilience: { retries: 0 } });
    connectors.push(connector);
    fresh.push(sim);
    return { sim, connector };
  };

  beforeAll(async () => {
    dataset = buildDemoDataset({ seed: SEED, anchor: ANCHOR });
    simulator = createProvincialSimulator({ dataset, seed: SEED });
    baseUrl = await simulator.server.listen(0);
  });

  afterEach(() => {
    simulator.server.resetFaults();
    simulator.server.resetRequestCounts();
  });

  afterAll(async () => {
    await Promise.all(connectors.map((connector) => connector.close()));
    await Promise.all([simulator.server.close(), ...fresh.map((sim) => sim.server.close())]);
  });

  it('reads every provincial dossier once from the change feed, as the ground truth has it', async () => {
    const connector = connect();
    for (const province of ['96', '51']) {
      const feed = await readWholeFeed(connector, province, { limit: 1_000 });
      const expected = provincialRecords(dataset, province);
      expect(feed.read).toBe(expected.length);
      expect(feed.latest.size).toBe(expected.length);
      for (const { dossier, code } of expected) {
        const { sourceVersion, ...observation } = feed.latest.get(code) ?? { sourceVersion: '' };
        expect(sourceVersion).toMatch(/^\d+$/);
        expect(observation).toEqual(expectedObservation(dossier, code));
      }
    }
  });

  it('shows each drifted dossier with the provincial status the ground truth gives, and not the missing ones', async () => {
    const connector = connect();
    const seen = new Map([...(await readWholeFeed(connector, '96')).latest, ...(await readWholeFeed(connector, '51')).latest]);
    for (const drift of dataset.drift) {
      if (drift.kind === 'MISSING_IN_PROVINCIAL') expect(seen.has(drift.dossierCode)).toBe(false);
      else expect(seen.get(drift.dossierCode)?.status).toBe(drift.provincialStatus);
    }
  });

  it('resumes from a cursor with exactly the dossiers that changed after it', async () => {
    const { sim, connector } = await startFresh();
    const before = await readWholeFeed(connector, '96');
    const moved = sim.advance(40);
    const movedHere = moved.filter((change) => before.latest.has(change.dossierCode));
    expect(movedHere.length).toBeGreaterThan(5);

    const after = await readWholeFeed(connector, '96', { cursor: before.cursor, limit: 7 });
    expect(new Map([...after.latest].map(([code, item]) => [code, item.status]))).toEqual(
      new Map(movedHere.map((change) => [change.dossierCode, change.to])),
    );
    for (const change of movedHere) {
      expect(sim.statusOf(change.dossierCode)).toBe(change.to);
      const earlier = Number(before.latest.get(change.dossierCode)?.sourceVersion);
      expect(Number(after.latest.get(change.dossierCode)?.sourceVersion)).toBeGreaterThan(earlier);
    }
    const idle = await connector.dossierChanges('96', after.cursor, 100);
    expect(idle).toEqual({ items: [], nextCursor: idle.nextCursor, hasMore: false });
  });

  it('loses no change when dossiers keep moving while small pages are read', async () => {
    const { sim, connector } = await startFresh();
    const feed = await readWholeFeed(connector, '51', { limit: 23, between: () => sim.advance(6) });
    const expected = provincialRecords(dataset, '51');
    expect(feed.latest.size).toBe(expected.length);
    // The latest item read for every dossier is its current state, once the tail is read too.
    const tail = await readWholeFeed(connector, '51', { cursor: feed.cursor });
    for (const [code, item] of tail.latest) feed.latest.set(code, item);
    for (const { code } of expected) expect(feed.latest.get(code)?.status).toBe(sim.statusOf(code));
  });

  it('looks dossiers up by code in requests of at most 100 codes', async () => {
    const connector = connect();
    const known = dataset.dossiers.filter((dossier) => dossier.provincial).slice(0, 250);
    const found = await connector.dossiersByCode([...known.map((d) => d.code), '000.00.01.H96-260101-9999', known[0]?.code ?? '']);
    expect(found.map((item) => item.dossierCode).sort()).toEqual(known.map((d) => d.code).sort());
    expect(simulator.server.requestCounts()['/api/v1/hoso/tracuu']).toBe(3);
  });

  it('applies a status correction once when the same correction id is sent twice', async () => {
    const { sim, connector } = await startFresh();
    const behind = dataset.drift.find((d) => d.kind === 'SPECIALIZED_AHEAD' && d.specializedStatus === 'RESULT_RETURNED');
    if (!behind?.specializedStatus) throw new Error('the dataset has no provincial dossier behind a returned result');
    const province = dataset.dossiers.find((d) => d.code === behind.dossierCode)?.provinceCode ?? '';
    const { cursor, latest } = await readWholeFeed(connector, province);
    const write = {
      correctionId: randomUUID(),
      dossierCode: behind.dossierCode,
      status: behind.specializedStatus,
      reason: 'Bộ Tư pháp đã trả kết quả',
      at: new Date('2026-03-01T09:30:00+07:00'),
    };

    const first = await connector.writeDossierStatus(write);
    const replay = await connector.writeDossierStatus(write);

    expect(first).toEqual({ applied: true, nativeStatus: '10' });
    expect(replay).toEqual({ applied: false, nativeStatus: '10' });
    const changes = await readWholeFeed(connector, province, { cursor });
    expect(changes.read).toBe(1);
    const changed = changes.latest.get(behind.dossierCode);
    expect(changed?.status).toBe('RESULT_RETURNED');
    expect(changed?.returnedAt).toEqual(write.at);
    expect(Number(changed?.sourceVersion)).toBe(Number(latest.get(behind.dossierCode)?.sourceVersion) + 1);
    expect(sim.statusOf(behind.dossierCode)).toBe('RESULT_RETURNED');
  });

  it('refuses a correction the legal status graph forbids, with a typed error', async () => {
    const connector = connect();
    const returned = dataset.dossiers.find((d) => d.provincial?.status === 'RESULT_RETURNED') as DemoDossier;
    const error = await failureOf(
      connector.writeDossierStatus({
        correctionId: randomUUID(),
        dossierCode: returned.code,
        status: 'PROCESSING',
        reason: 'test',
        at: new Date(),
      }),
    );
    expect(error).toMatchObject({ system: 'provincial', code: 'UPSTREAM_REJECTED', status: 409, transient: false });
    expect(error.message).toContain('MaLoi 4');
    expect(simulator.statusOf(returned.code)).toBe('RESULT_RETURNED');
  });

  it('refuses the same correction id reused for another change', async () => {
    const { connector } = await startFresh();
    const [a, b] = dataset.dossiers.filter((d) => d.provincial?.status === 'RECEIVED');
    if (!a || !b) throw new Error('the dataset needs two received dossiers');
    const correctionId = randomUUID();
    await connector.writeDossierStatus({ correctionId, dossierCode: a.code, status: 'PROCESSING', reason: 'x', at: new Date() });
    const error = await failureOf(
      connector.writeDossierStatus({ correctionId, dossierCode: b.code, status: 'PROCESSING', reason: 'x', at: new Date() }),
    );
    expect(error).toMatchObject({ code: 'UPSTREAM_REJECTED', status: 409 });
    expect(error.message).toContain('MaLoi 5');
  });

  it('reports a write-back to an unknown dossier as rejected with 404', async () => {
    const error = await failureOf(
      connect().writeDossierStatus({
        correctionId: randomUUID(),
        dossierCode: '000.00.01.H96-260101-9999',
        status: 'RESOLVED',
        reason: 'test',
        at: new Date(),
      }),
    );
    expect(error).toMatchObject({ code: 'UPSTREAM_REJECTED', status: 404 });
    expect(error.message).toContain('MaLoi 3');
  });

  it('answers an invalid write-back body with HTTP 400 and a non-zero MaLoi', async () => {
    const code = dataset.dossiers.find((d) => d.provincial)?.code ?? '';
    const response = await fetch(`${baseUrl}/api/v1/hoso/${encodeURIComponent(code)}/trangthai`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ TrangThaiHoSo: 12, LyDo: 'x', ThoiDiem: 'yesterday' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { MaLoi?: unknown; ThongBao?: unknown };
    expect(body.MaLoi).toBe('2');
    expect(typeof body.ThongBao).toBe('string');
  });

  it('refuses a cursor of another province with a typed error', async () => {
    const connector = connect();
    const page = await connector.dossierChanges('96', null, 5);
    const error = await failureOf(connector.dossierChanges('51', page.nextCursor, 5));
    expect(error).toMatchObject({ code: 'UPSTREAM_REJECTED', status: 400 });
  });

  it('reports a malformed answer as UPSTREAM_INVALID_RESPONSE and never as a half-read page', async () => {
    const connector = connect();
    simulator.server.setFaults({ malformedRate: 1 });
    const calls = [
      ...Array.from({ length: 6 }, () => connector.dossierChanges('96', null, 50)),
      connector.dossiersByCode([dataset.dossiers[0]?.code ?? '']),
    ];
    for (const call of calls) {
      const error = await failureOf(call);
      expect(error).toMatchObject({ system: 'provincial', code: 'UPSTREAM_INVALID_RESPONSE', transient: false });
    }
  });

  it('gives up on a slow answer with UPSTREAM_TIMEOUT', async () => {
    const connector = connect({ timeoutMs: 100 });
    simulator.server.setFaults({ latencyMs: 400 });
    const error = await failureOf(connector.dossierChanges('96', null, 10));
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', transient: true, circuitOpen: false });
  });

  it('opens the breaker after a burst of 5xx answers, then fails fast without calling the system', async () => {
    const connector = connect({ breakerThreshold: 3, breakerHalfOpenAfterMs: 60_000 });
    simulator.server.setFaults({ errorRate: 1 });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(await failureOf(connector.dossierChanges('96', null, 10))).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        status: 503,
        circuitOpen: false,
      });
    }
    simulator.server.resetRequestCounts();
    simulator.server.resetFaults();

    const error = await failureOf(connector.dossierChanges('96', null, 10));

    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', circuitOpen: true });
    expect(simulator.server.requestCounts()[FEED_PATH]).toBeUndefined();
    expect(connector.stats().circuit).toBe('OPEN');
  });

  it('opens the breaker when the system keeps timing out', async () => {
    const connector = connect({ timeoutMs: 80, breakerThreshold: 2, breakerHalfOpenAfterMs: 60_000 });
    simulator.server.setFaults({ latencyMs: 300 });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect((await failureOf(connector.dossierChanges('96', null, 10))).code).toBe('UPSTREAM_TIMEOUT');
    }
    expect(await failureOf(connector.dossierChanges('96', null, 10))).toMatchObject({ circuitOpen: true });
  });

  it('closes the breaker again once the system answers a probe', async () => {
    const connector = connect({ breakerThreshold: 2, breakerHalfOpenAfterMs: 150 });
    simulator.server.setFaults({ errorRate: 1 });
    await failureOf(connector.dossierChanges('96', null, 10));
    await failureOf(connector.dossierChanges('96', null, 10));
    expect(connector.stats().circuit).toBe('OPEN');
    simulator.server.resetFaults();

    const page = await eventually(
      async () => {
        try {
          return await connector.dossierChanges('96', null, 10);
        } catch (error) {
          if (isConnectorError(error) && error.circuitOpen) return undefined;
          throw error;
        }
      },
      { timeoutMs: 5_000, intervalMs: 25, what: 'the breaker to let a probe through' },
    );
    expect(page.items).toHaveLength(10);
    expect(connector.stats().circuit).toBe('CLOSED');
  });

  it('reports health UP, and DOWN with the error code when the system is down', async () => {
    const connector = connect();
    expect(await connector.health()).toMatchObject({ system: 'provincial', status: 'UP' });
    simulator.server.setFaults({ down: true });
    const down = await connector.health();
    expect(down).toMatchObject({ system: 'provincial', status: 'DOWN' });
    expect(down.detail).toContain('UPSTREAM_UNAVAILABLE');
  });

  it('changes a dossier once however often a correction is retried through failures', async () => {
    const { sim, connector } = await startFresh();
    const retrying = new ProvincialConnector({ baseUrl: sim.server.url, logger, resilience: { retries: 3, retryBaseMs: 5 } });
    connectors.push(retrying);
    const received = dataset.dossiers.find((d) => d.provincial?.status === 'RECEIVED' && d.specialized) as DemoDossier;
    const { cursor } = await readWholeFeed(connector, received.provinceCode);
    sim.server.setFaults({ errorRate: 0.5 });
    const write = { correctionId: randomUUID(), dossierCode: received.code, status: 'PROCESSING' as const, reason: 'x', at: new Date() };
    const results = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      try {
        results.push(await retrying.writeDossierStatus(write));
      } catch (error) {
        if (!isConnectorError(error) || !error.transient) throw error;
      }
    }
    sim.server.resetFaults();
    expect(results.filter((result) => result.applied).length).toBeLessThanOrEqual(1);
    expect((await readWholeFeed(connector, received.provinceCode, { cursor })).read).toBe(1);
  });

  it('reports a copy’s legacy commune code and its own due date instead of the dossier’s', async () => {
    const legacy = makeDemoDossier();
    legacy.provincial = provincialCopy(legacy, { communeCode: '32011' });
    const ownDue = makeDemoDossier();
    const dueAtMs = Date.parse('2025-09-19T17:00:00+07:00');
    ownDue.provincial = provincialCopy(ownDue, { dueAtMs });
    const notReceived = makeDemoDossier({ status: 'SUBMITTED', receivedAtMs: null, dueAtMs: null, processingAtMs: null, specialized: null });
    notReceived.provincial = { status: 'SUBMITTED', updatedAtMs: notReceived.submittedAtMs, dueAtMs };
    const plain = makeDemoDossier();
    const sim = createProvincialSimulator({ dataset: makeDemoDataset([legacy, ownDue, notReceived, plain]), seed: SEED });
    fresh.push(sim);
    const connector = new ProvincialConnector({ baseUrl: await sim.server.listen(0), logger, resilience: { retries: 0 } });
    connectors.push(connector);

    const { latest } = await readWholeFeed(connector, '96');
    const looked = new Map((await connector.dossiersByCode([legacy.code, ownDue.code])).map((item) => [item.dossierCode, item]));

    expect(latest.get(legacy.code)?.communeCode).toBe('32011');
    expect(looked.get(legacy.code)?.communeCode).toBe('32011');
    expect(latest.get(ownDue.code)?.dueAt).toEqual(new Date(dueAtMs));
    expect(looked.get(ownDue.code)?.dueAt).toEqual(new Date(dueAtMs));
    expect(latest.get(ownDue.code)?.communeCode).toBe(ownDue.communeCode);
    // A copy not yet received has no appointment date, whatever date the drift gives it.
    expect(latest.get(notReceived.code)?.dueAt).toBeNull();
    expect(latest.get(plain.code)).toMatchObject({ communeCode: plain.communeCode, dueAt: dateOf(plain.dueAtMs) });
  });

  it('serves a duplicate as a second record with the same facts, in the feed and the lookup', async () => {
    const original = makeDemoDossier();
    original.provincial = provincialCopy(original, { communeCode: '32011' });
    const other = makeDemoDossier();
    const duplicateCode = `${original.agencyId}-250915-0999`;
    const data = makeDemoDataset([original, other], [{ dossierCode: original.code, duplicateCode }]);
    const sim = createProvincialSimulator({ dataset: data, seed: SEED });
    fresh.push(sim);
    const connector = new ProvincialConnector({ baseUrl: await sim.server.listen(0), logger, resilience: { retries: 0 } });
    connectors.push(connector);

    const feed = await readWholeFeed(connector, '96', { limit: 1 });
    const looked = await connector.dossiersByCode([original.code, duplicateCode]);

    expect(feed.read).toBe(3);
    expect([...feed.latest.keys()].sort()).toEqual([original.code, duplicateCode, other.code].sort());
    const { sourceVersion: _a, ...first } = feed.latest.get(original.code) ?? { sourceVersion: '' };
    const { sourceVersion: _b, ...second } = feed.latest.get(duplicateCode) ?? { sourceVersion: '' };
    expect(first).toEqual(expectedObservation(original));
    expect(second).toEqual({ ...first, dossierCode: duplicateCode });
    expect(looked.map((item) => item.dossierCode).sort()).toEqual([original.code, duplicateCode].sort());
    expect(sim.statusOf(duplicateCode)).toBe('PROCESSING');
  });

  it('refuses to start on a duplicate of a dossier it does not hold', () => {
    const lacking = makeDemoDossier({ provincial: null });
    const data = makeDemoDataset([lacking], [{ dossierCode: lacking.code, duplicateCode: `${lacking.agencyId}-250915-0998` }]);
    expect(() => createProvincialSimulator({ dataset: data, seed: SEED })).toThrow(RangeError);
  });

  it('serves a change-feed page of 1,000 dossiers and refuses a larger one', async () => {
    const page = await connect().dossierChanges('96', null, 1_000);
    expect(page.items).toHaveLength(1_000);
    expect(page.hasMore).toBe(true);
    const refused = await fetch(`${baseUrl}${FEED_PATH}?MaTinh=96&SoLuong=1001`);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ MaLoi: '2' });
  });

  it('receives a dossier it lacks at the hub’s status and dates, and lists it after the cursor', async () => {
    const { sim, connector } = await startFresh();
    const pushed: string[] = [];
    sim.onChange((record) => pushed.push(record.MaHoSo));
    const { cursor } = await readWholeFeed(connector, '96', { limit: 1_000 });
    const create = makeCreate();

    expect(await connector.createDossier(create)).toEqual({ applied: true, nativeStatus: '9' });

    const changes = await readWholeFeed(connector, '96', { cursor });
    expect(changes.read).toBe(1);
    expect(changes.latest.get(create.dossierCode)).toMatchObject({
      system: 'provincial',
      dossierCode: create.dossierCode,
      procedureCode: '1.001193',
      communeCode: '32002',
      provinceCode: '96',
      applicantPersonalId: create.applicantPersonalId,
      status: 'RESOLVED',
      nativeStatus: '9',
      receivedAt: create.receivedAt,
      dueAt: create.dueAt,
      finishedAt: create.finishedAt,
      returnedAt: null,
      sourceVersion: '1',
    });
    expect(sim.statusOf(create.dossierCode)).toBe('RESOLVED');
    expect(pushed).toEqual([create.dossierCode]);
    // The received dossier moves on like any other: RESOLVED is open until the result is returned.
    const write = { correctionId: randomUUID(), dossierCode: create.dossierCode, status: 'RESULT_RETURNED' as const, reason: 'x', at: new Date('2026-03-01T10:00:00+07:00') };
    expect(await connector.writeDossierStatus(write)).toEqual({ applied: true, nativeStatus: '10' });
  });

  it('reads a received dossier whose code is not ASCII, or needs escaping in JSON, as it was sent', async () => {
    const { connector } = await startFresh();
    const { cursor } = await readWholeFeed(connector, '96', { limit: 1_000 });
    const creates = [makeCreate({ dossierCode: 'HỒ-SƠ-260227-0001' }), makeCreate({ dossierCode: 'say "0002"\\\t' })];
    for (const create of creates) await connector.createDossier(create);

    // A page each: the one whose code is ASCII is read by hand, the other through the schema.
    const changes = await readWholeFeed(connector, '96', { cursor, limit: 1 });
    expect([...changes.latest.keys()].sort()).toEqual(creates.map((create) => create.dossierCode).sort());
  });

  it('answers a resent receipt as not applied and receives nothing new', async () => {
    const { connector } = await startFresh();
    const create = makeCreate();
    await connector.createDossier(create);
    const { cursor } = await readWholeFeed(connector, '96', { limit: 1_000 });

    // A resend carries the same facts; its note and instant may differ.
    expect(await connector.createDossier({ ...create, reason: 'gửi lại', at: new Date() })).toEqual({ applied: false, nativeStatus: '9' });
    expect((await readWholeFeed(connector, '96', { cursor })).read).toBe(0);
  });

  it('refuses a correction id reused for other facts (MaLoi 5) and a dossier it holds already (MaLoi 6)', async () => {
    const { sim, connector } = await startFresh();
    const create = makeCreate();
    await connector.createDossier(create);

    const reused = await failureOf(connector.createDossier({ ...create, status: 'RESULT_RETURNED', returnedAt: create.at }));
    expect(reused).toMatchObject({ system: 'provincial', code: 'UPSTREAM_REJECTED', status: 409, transient: false });
    expect(reused.message).toContain('MaLoi 5');
    const elsewhere = await failureOf(connector.createDossier({ ...create, dossierCode: makeCreate().dossierCode, status: 'PROCESSING' }));
    expect(elsewhere.message).toContain('MaLoi 5');
    expect(sim.statusOf(create.dossierCode)).toBe('RESOLVED');

    const held = dataset.dossiers.find((d) => d.provincial) as DemoDossier;
    const exists = await failureOf(connector.createDossier(makeCreate({ dossierCode: held.code })));
    expect(exists).toMatchObject({ code: 'UPSTREAM_REJECTED', status: 409 });
    expect(exists.message).toContain('MaLoi 6');
    // A status write's MaYeuCau is spent too: reused for a receipt it is refused.
    const received = dataset.dossiers.find((d) => d.provincial?.status === 'RECEIVED') as DemoDossier;
    const correctionId = randomUUID();
    await connector.writeDossierStatus({ correctionId, dossierCode: received.code, status: 'PROCESSING', reason: 'x', at: new Date() });
    expect((await failureOf(connector.createDossier(makeCreate({ correctionId })))).message).toContain('MaLoi 5');
  });

  it('answers an invalid receipt with HTTP 400 and MaLoi 2, naming the field', async () => {
    const response = await fetch(`${baseUrl}/api/v1/hoso`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ MaYeuCau: 'x', MaHoSo: 'y', MaTTHC: '1.001193', MaXa: '3200', MaTinh: '96', TrangThaiHoSo: 2 }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { MaLoi: string; ThongBao: string };
    expect(body.MaLoi).toBe('2');
    expect(body.ThongBao).toContain('MaXa');
    expect((await fetch(`${baseUrl}/api/v1/hoso`)).status).toBe(405);
  });
});
