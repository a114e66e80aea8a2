import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isConnectorError, type ConnectorError } from '../../../src/connectors/connector-error.js';
import { buildDemoDataset, type DemoDataset } from '../../../src/connectors/demo/demo-dataset.js';
import { PopulationConnector, type PopulationConnectorOptions } from '../../../src/connectors/population/client.js';
import { buildDemoPopulation, type DemoPerson, type DemoPopulation } from '../../../src/connectors/population/demo-population.js';
import { createPopulationSimulator, type PopulationSimulator } from '../../../src/connectors/population/simulator.js';
import type { RateLimit } from '../../../src/connectors/population/rate-limiter.js';
import { POPULATION_SERVICE_PATH, SOAP_ACTIONS, lookupRequestXml } from '../../../src/connectors/population/soap.js';
import { silentLogger } from '../../../src/logger.js';

const SEED = 20250701;
const ANCHOR = new Date('2025-10-01T00:00:00+07:00');

let dataset: DemoDataset;
let population: DemoPopulation;
const running: Array<{ close(): Promise<void> }> = [];

beforeAll(() => {
  dataset = buildDemoDataset({ seed: SEED, dossierCount: 2400, anchor: ANCHOR });
  population = buildDemoPopulation(dataset);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((item) => item.close()));
});

async function start(rateLimit: RateLimit | null = null): Promise<PopulationSimulator> {
  const simulator = createPopulationSimulator({ dataset, seed: SEED, population, rateLimit });
  await simulator.server.listen(0);
  running.push(simulator.server);
  return simulator;
}

function connect(simulator: PopulationSimulator, options: Partial<PopulationConnectorOptions> = {}): PopulationConnector {
  const connector = new PopulationConnector({ baseUrl: simulator.server.url, logger: silentLogger(), ...options });
  running.push(connector);
  return connector;
}

function ids(count: number, from = 0): string[] {
  return population.people.slice(from, from + count).map((person) => person.personalId);
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    if (isConnectorError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const lookups = (simulator: PopulationSimulator): number => simulator.server.requestCounts()[POPULATION_SERVICE_PATH] ?? 0;

describe('PopulationConnector against the population database simulator', () => {
  it('looks up 50 ids with exactly one request to the service', async () => {
    const simulator = await start();
    const citizens = await connect(simulator).citizensByIds(ids(50));
    expect(citizens.size).toBe(50);
    expect(lookups(simulator)).toBe(1);
  });

  it('looks up 120 ids in three requests', async () => {
    const simulator = await start();
    const citizens = await connect(simulator).citizensByIds(ids(120, 200));
    expect(citizens.size).toBe(120);
    expect(lookups(simulator)).toBe(3);
  });

  it('leaves ids the database does not hold out of the result and never sends malformed ones', async () => {
    const simulator = await start();
    const known = ids(3);
    const unknown = ['096199000001', '051201999999'];
    const citizens = await connect(simulator).citizensByIds([...known, ...unknown, 'not-an-id', '12345']);
    expect([...citizens.keys()].sort()).toEqual([...known].sort());
    expect(lookups(simulator)).toBe(1);
  });

  it("maps a citizen's record: name parts, sex, birth date, addresses and household head", async () => {
    const simulator = await start();
    const spouse = population.people.find((person) => person.origin === 'SPOUSE' && person.deathDate === null) as DemoPerson;
    const head = population.byId.get(spouse.householdHeadId) as DemoPerson;
    const citizen = (await connect(simulator).citizensByIds([spouse.personalId])).get(spouse.personalId);
    expect(citizen).toMatchObject({
      personalId: spouse.personalId,
      familyName: spouse.familyName,
      middleName: spouse.middleName,
      givenName: spouse.givenName,
      fullName: spouse.fullName,
      sex: spouse.sex,
      birthDate: spouse.birthDate,
      ethnicityCode: spouse.ethnicityCode,
      nationality: 'VN',
      maritalStatus: 'MARRIED',
      permanentAddress: spouse.permanent,
      householdHead: { personalId: head.personalId, fullName: head.fullName, relation: spouse.relationToHead },
      spouse: { personalId: head.personalId, fullName: head.fullName },
      deceased: false,
      deathDate: null,
    });
  });

  it('marks the dead with their date of death and names the parents of a newborn', async () => {
    const simulator = await start();
    const dead = population.people.find((person) => person.deathDate !== null) as DemoPerson;
    const newborn = population.people.find((person) => person.origin === 'NEWBORN' && person.fatherId !== null) as DemoPerson;
    const citizens = await connect(simulator).citizensByIds([dead.personalId, newborn.personalId]);
    expect(citizens.get(dead.personalId)).toMatchObject({ deceased: true, deathDate: dead.deathDate });
    expect(citizens.get(newborn.personalId)).toMatchObject({
      deceased: false,
      father: { personalId: newborn.fatherId },
      mother: { personalId: newborn.motherId },
    });
  });

  it('answers a SOAP fault naming the limit when one request carries 51 ids', async () => {
    const simulator = await start();
    const caller = { requestId: 'req-51', serviceCode: 'TEST', integrationCode: 'TEST', unitCode: '000.00.00.H96', officerCode: 'TEST' };
    const res = await fetch(`${simulator.server.url}${POPULATION_SERVICE_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${SOAP_ACTIONS.lookup}"` },
      body: lookupRequestXml(caller, ids(51)),
    });
    const body = await res.text();
    expect(res.status).toBe(500);
    expect(body).toContain('<faultcode>soap:Client</faultcode>');
    expect(body).toContain('vượt quá giới hạn 50 (nhận 51)');

    const error = await failure(connect(simulator, { batchSize: 51 }).citizensByIds(ids(51)));
    expect(error.code).toBe('UPSTREAM_REJECTED');
    expect(error.transient).toBe(false);
    expect(error.message).toContain('VUOT_SO_LUONG_TRA_CUU');
  });

  it('verifies an identity only when id, full name and birth date all match', async () => {
    const simulator = await start();
    const person = population.people[10] as DemoPerson;
    const connector = connect(simulator);
    const query = { personalId: person.personalId, fullName: person.fullName, birthDate: person.birthDate };
    expect(await connector.verifyCitizen(query)).toBe(true);
    expect(await connector.verifyCitizen({ ...query, fullName: `${person.familyName} ${person.givenName}` })).toBe(false);
    expect(await connector.verifyCitizen({ ...query, birthDate: '1900-01-01' })).toBe(false);
  });

  it('honours rate-limit faults with backoff until every id of a hammering burst resolves', async () => {
    const simulator = await start({ perSecond: 20, burst: 2 });
    // Simulator and connector share one event loop here, so a long timeout keeps this about rate limits.
    const connector = connect(simulator, { parallelBatches: 2, rateLimitRetries: 12, resilience: { timeoutMs: 15_000 } });
    const calls = Array.from({ length: 12 }, (_, call) => ids(100, call * 100));
    const results = await Promise.all(calls.map((batch) => connector.citizensByIds(batch)));

    results.forEach((citizens, call) => expect([...citizens.keys()].sort()).toEqual([...(calls[call] as string[])].sort()));
    const seen = connector.rateLimitStats();
    expect(seen.rateLimited).toBeGreaterThan(0);
    expect(seen.rateLimited).toBe(simulator.rateLimitedCount());
    expect(seen.retried).toBe(seen.rateLimited);
    expect(seen.lastRetryAfterSeconds).toBeGreaterThan(0);
    // Rate limiting is the service being busy, not broken: the breaker stays closed.
    expect(connector.stats().circuit).toBe('CLOSED');
  });

  it('fails with UPSTREAM_RATE_LIMITED and the wait the service asked for once retries run out', async () => {
    const simulator = await start({ perSecond: 0.5, burst: 1 });
    const connector = connect(simulator, { rateLimitRetries: 0 });
    await connector.citizensByIds(ids(1));
    const error = await failure(connector.citizensByIds(ids(1, 1)));
    expect(error.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(error.transient).toBe(true);
    expect(error.retryAfterSeconds).toBeGreaterThan(1);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(2);
  });

  it('gives up on a slow answer with UPSTREAM_TIMEOUT', async () => {
    const simulator = await start();
    simulator.server.setFaults({ latencyMs: 1_000 });
    const error = await failure(connect(simulator, { resilience: { timeoutMs: 100, retries: 0 } }).citizensByIds(ids(5)));
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(error.transient).toBe(true);
  });

  it('opens the breaker after a burst of 5xx, then fails fast without reaching the service', async () => {
    const simulator = await start();
    simulator.server.setFaults({ errorRate: 1 });
    const connector = connect(simulator, { resilience: { retries: 0, breakerThreshold: 3, breakerHalfOpenAfterMs: 60_000 } });
    for (let call = 0; call < 3; call += 1) {
      const error = await failure(connector.citizensByIds(ids(2)));
      expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503, circuitOpen: false });
    }
    expect(lookups(simulator)).toBe(3);

    const fast = await failure(connector.citizensByIds(ids(2)));
    expect(fast).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', circuitOpen: true });
    expect(lookups(simulator)).toBe(3);
    expect(connector.stats().circuit).toBe('OPEN');
  });

  it.each([0.1, 0.5, 0.95])('reports an answer cut off at %s of its length as UPSTREAM_INVALID_RESPONSE', async (share) => {
    const simulator = await start();
    simulator.server.malform = (res) => ({ ...res, body: res.body.slice(0, Math.floor(res.body.length * share)) });
    simulator.server.setFaults({ malformedRate: 1 });
    const error = await failure(connect(simulator).citizensByIds(ids(20)));
    expect(error.code).toBe('UPSTREAM_INVALID_RESPONSE');
    // Not transient, so not retried: one request.
    expect(lookups(simulator)).toBe(1);
  });

  it('never turns a malformed collection into a shorter result', async () => {
    const simulator = await start();
    simulator.server.setFaults({ malformedRate: 1 });
    const connector = connect(simulator);
    for (let call = 0; call < 8; call += 1) {
      const error = await failure(connector.citizensByIds(ids(10, call * 10)));
      expect(error.code).toBe('UPSTREAM_INVALID_RESPONSE');
    }
  });

  it('reports the service UP while it serves its description and DOWN when it is unreachable', async () => {
    const simulator = await start();
    const connector = connect(simulator, { resilience: { retries: 0 } });
    expect((await connector.health()).status).toBe('UP');
    simulator.server.setFaults({ down: true });
    const health = await connector.health();
    expect(health.status).toBe('DOWN');
    expect(health.detail).toContain('UPSTREAM_UNAVAILABLE');
  });
});
