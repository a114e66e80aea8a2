import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CivilRegistration } from '../../../src/connectors/civil-registration/civil-registration.js';
import { CivilRegistrationConnector } from '../../../src/connectors/civil-registration/client.js';
import type { RegistryGroundTruth } from '../../../src/connectors/civil-registration/demo-registry.js';
import { REGISTRY_PATHS } from '../../../src/connectors/civil-registration/payload.js';
import { createCivilRegistrationSimulator, type CivilRegistrationSimulator } from '../../../src/connectors/civil-registration/simulator.js';
import { isConnectorError, type ConnectorError } from '../../../src/connectors/connector-error.js';
import { buildDemoDataset, type DemoDataset } from '../../../src/connectors/demo/demo-dataset.js';
import { PopulationConnector } from '../../../src/connectors/population/client.js';
import { buildDemoPopulation, type DemoCivilEvent, type DemoPopulation } from '../../../src/connectors/population/demo-population.js';
import { createPopulationSimulator, type PopulationSimulator } from '../../../src/connectors/population/simulator.js';
import { silentLogger } from '../../../src/logger.js';

const SEED = 20250701;
const ANCHOR = new Date('2025-10-01T00:00:00+07:00');

let dataset: DemoDataset;
let population: DemoPopulation;
let registry: CivilRegistrationSimulator;
let populationDb: PopulationSimulator;
let connector: CivilRegistrationConnector;
let citizens: PopulationConnector;
/** Every registration of both demo provinces, read once through the change feed. */
let all: CivilRegistration[];
let pagesRead = 0;
let originalMalform: CivilRegistrationSimulator['server']['malform'];

beforeAll(async () => {
  dataset = buildDemoDataset({ seed: SEED, dossierCount: 2400, anchor: ANCHOR });
  population = buildDemoPopulation(dataset);
  registry = createCivilRegistrationSimulator({ dataset, seed: SEED, population });
  originalMalform = registry.server.malform;
  populationDb = createPopulationSimulator({ dataset, seed: SEED, population, rateLimit: null });
  await Promise.all([registry.server.listen(0), populationDb.server.listen(0)]);
  connector = new CivilRegistrationConnector({ baseUrl: registry.server.url, logger: silentLogger() });
  citizens = new PopulationConnector({ baseUrl: populationDb.server.url, logger: silentLogger() });
  all = [];
  for (const province of ['96', '51']) {
    let cursor: string | null = null;
    for (;;) {
      const page = await connector.registrationChanges(province, cursor, 200);
      pagesRead += 1;
      all.push(...page.items);
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
  }
});

afterAll(async () => {
  await Promise.all([connector.close(), citizens.close(), registry.server.close(), populationDb.server.close()]);
});

afterEach(() => {
  registry.server.resetFaults();
  registry.server.resetRequestCounts();
  registry.server.malform = originalMalform;
});

async function groundTruth(): Promise<RegistryGroundTruth> {
  return (await (await fetch(`${registry.server.url}/__admin/ground-truth`)).json()) as RegistryGroundTruth;
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

function event(predicate: (candidate: DemoCivilEvent) => boolean): DemoCivilEvent {
  const found = population.events.find((candidate) => predicate(candidate) && candidate.disagreement === null);
  if (!found) throw new Error('the demo population has no such event');
  return found;
}

const idOf = (found: DemoCivilEvent, role: string): string => found.people.find((person) => person.role === role)?.personalId as string;

describe('CivilRegistrationConnector against the civil-status simulator', () => {
  it("reads every registration of both provinces through the change feed, each once, every kind and the registry's statuses", async () => {
    const truth = await groundTruth();
    expect(all).toHaveLength(truth.registrations);
    expect(new Set(all.map((registration) => registration.id)).size).toBe(all.length);
    expect(pagesRead).toBeGreaterThan(2);
    const kinds = new Set(all.map((registration) => registration.kind));
    expect(kinds).toEqual(new Set(['BIRTH', 'DEATH', 'MARRIAGE']));
    expect(new Set(all.map((registration) => registration.status))).toEqual(
      new Set(['AWAITING_ACCEPTANCE', 'SUPPLEMENT_REQUESTED', 'PROCESSING', 'REGISTERED', 'REFUSED']),
    );
    const dossierCodes = new Set(dataset.dossiers.map((dossier) => dossier.code));
    expect(all.every((registration) => registration.dossierCode !== null && dossierCodes.has(registration.dossierCode))).toBe(true);
    // Register numbers exactly on registered records.
    expect(all.every((registration) => (registration.status === 'REGISTERED') === (registration.registrationNumber !== null))).toBe(true);
  });

  it('finds a birth by the mother, the father and the child it issued an id to, each in their role', async () => {
    const birth = event((candidate) => candidate.kind === 'BIRTH' && candidate.outcome === 'REGISTERED' && candidate.variant === 'STANDARD' && idOf(candidate, 'FATHER') !== undefined);
    const [mother, father, child] = [idOf(birth, 'MOTHER'), idOf(birth, 'FATHER'), birth.issuedPersonalId as string];
    const found = await connector.registrationsByPersonalIds([mother, father, child]);
    for (const [id, role] of [[mother, 'MOTHER'], [father, 'FATHER'], [child, 'CHILD']] as const) {
      const registration = found.get(id)?.find((candidate) => candidate.dossierCode === birth.dossierCode);
      expect(registration?.people.find((person) => person.personalId === id)?.role).toBe(role);
      expect(registration).toMatchObject({ kind: 'BIRTH', status: 'REGISTERED', issuedPersonalId: child, placeCommuneCode: birth.communeCode });
      expect(registration?.registrationNumber).toMatch(/^\d+$/);
      expect(registration?.book).toMatch(/^\d{2}\/\d{4}$/);
    }
  });

  it('finds a death by the deceased and a marriage by the wife', async () => {
    const death = event((candidate) => candidate.kind === 'DEATH' && candidate.outcome === 'REGISTERED');
    const marriage = event((candidate) => candidate.kind === 'MARRIAGE');
    const deceased = idOf(death, 'DECEASED');
    const wife = idOf(marriage, 'WIFE');
    const found = await connector.registrationsByPersonalIds([deceased, wife, '096199000001']);
    expect(found.get(deceased)?.find((r) => r.dossierCode === death.dossierCode)).toMatchObject({ kind: 'DEATH', deathDate: death.death?.date });
    expect(found.get(wife)?.find((r) => r.dossierCode === marriage.dossierCode)?.people.map((person) => person.role)).toEqual(['HUSBAND', 'WIFE']);
    expect(found.get('096199000001')).toEqual([]);
  });

  it('disagrees with the population database on about 3% of registrations, exactly as the ground truth says', async () => {
    const truth = await groundTruth();
    const ids = [...new Set(all.flatMap((registration) => registration.people.map((person) => person.personalId)))].filter(
      (id): id is string => id !== null,
    );
    const known = await citizens.citizensByIds(ids);
    const found: string[] = [];
    for (const registration of all) {
      for (const person of registration.people) {
        if (person.personalId === null || person.role === 'DECLARANT') continue;
        const citizen = known.get(person.personalId);
        if (!citizen) found.push(`${registration.id}:UNKNOWN_PERSONAL_ID:${person.role}`);
        else if (citizen.fullName !== person.fullName) found.push(`${registration.id}:NAME_MISMATCH:${person.role}`);
        else if (registration.kind === 'DEATH' && registration.status === 'REGISTERED' && person.role === 'DECEASED' && !citizen.deceased) {
          found.push(`${registration.id}:DEATH_NOT_IN_POPULATION:${person.role}`);
        }
      }
    }
    const expected = truth.disagreements.map((entry) => `${entry.registrationId}:${entry.kind}:${entry.role}`);
    expect(found.sort()).toEqual(expected.sort());
    expect(found.length / all.length).toBeGreaterThan(0.025);
    expect(found.length / all.length).toBeLessThan(0.035);
    expect(new Set(truth.disagreements.map((entry) => entry.kind))).toEqual(
      new Set(['UNKNOWN_PERSONAL_ID', 'NAME_MISMATCH', 'DEATH_NOT_IN_POPULATION']),
    );
  });

  it('looks ids up 50 per request, and the registry refuses 51 in one request', async () => {
    const ids = population.people.slice(0, 120).map((person) => person.personalId);
    const found = await connector.registrationsByPersonalIds(ids);
    expect(found.size).toBe(120);
    expect(registry.server.requestCounts()[REGISTRY_PATHS.lookup]).toBe(3);

    const res = await fetch(`${registry.server.url}${REGISTRY_PATHS.lookup}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ soDDCN: population.people.slice(0, 51).map((person) => person.personalId) }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 0 });
  });

  it('reads one registration by its id and answers an unknown id with null', async () => {
    const sample = all[0] as CivilRegistration;
    expect(await connector.registrationById(sample.id)).toEqual(sample);
    expect(await connector.registrationById('KS-96-9999999')).toBeNull();
  });

  it("refuses another province's cursor as UPSTREAM_REJECTED", async () => {
    const page = await connector.registrationChanges('96', null, 5);
    const error = await failure(connector.registrationChanges('51', page.nextCursor, 5));
    expect(error).toMatchObject({ code: 'UPSTREAM_REJECTED', status: 400, transient: false });
  });

  it.each([
    ['cut off mid-body', (body: string) => body.slice(0, Math.floor(body.length / 2))],
    ['with one record of the wrong shape', (body: string) => body.replace(/"trangThai":\d+/, '"trangThai":"bốn"')],
    ['without its envelope', () => JSON.stringify([{ id: 'KS-96-0000001' }])],
  ])('reports a page %s as UPSTREAM_INVALID_RESPONSE, never a shorter page', async (_, malform) => {
    registry.server.malform = (res) => ({ ...res, body: malform(res.body) });
    registry.server.setFaults({ malformedRate: 1 });
    const error = await failure(connector.registrationChanges('96', null, 50));
    expect(error).toMatchObject({ code: 'UPSTREAM_INVALID_RESPONSE', transient: false });
  });

  it('reports the registry UP with the number of records it holds', async () => {
    const health = await connector.health();
    expect(health).toMatchObject({ system: 'civil-registration', status: 'UP', detail: `${all.length} registrations` });
  });
});
