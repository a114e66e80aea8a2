import { beforeAll, describe, expect, it } from 'vitest';
import { buildDemoDataset, type DemoDataset } from '../../../src/connectors/demo/demo-dataset.js';
import { buildDemoPopulation, stripDiacritics, type DemoPopulation } from '../../../src/connectors/population/demo-population.js';
import { validatePersonalId } from '../../../src/domain/personal-id.js';

const ANCHOR = new Date('2025-10-01T00:00:00+07:00');

let dataset: DemoDataset;
let population: DemoPopulation;

beforeAll(() => {
  dataset = buildDemoDataset({ seed: 20250701, dossierCount: 2400, anchor: ANCHOR });
  population = buildDemoPopulation(dataset);
});

describe('buildDemoPopulation', () => {
  it('derives the same people, events and disagreements from the same dataset and seed', () => {
    const again = buildDemoPopulation(dataset);
    expect(again.people).toEqual(population.people);
    expect(again.events).toEqual(population.events);
  });

  it("holds every applicant of the dataset, with the dataset's name and birth date", () => {
    for (const citizen of dataset.citizens) {
      expect(population.byId.get(citizen.personalId)).toMatchObject({
        origin: 'APPLICANT',
        fullName: citizen.fullName,
        birthDate: citizen.birthDate,
      });
    }
  });

  it('gives everyone a unique, valid personal id and a household head who is in the database', () => {
    expect(population.byId.size).toBe(population.people.length);
    for (const person of population.people) {
      expect(validatePersonalId(person.personalId, ANCHOR).ok).toBe(true);
      expect(population.byId.has(person.householdHeadId)).toBe(true);
    }
  });

  it('adds a citizen for every registered birth, with the parents the registration names', () => {
    const births = population.events.filter((event) => event.kind === 'BIRTH' && event.outcome === 'REGISTERED' && event.variant !== 'RE_REGISTRATION');
    expect(births.length).toBeGreaterThan(0);
    for (const birth of births) {
      const child = population.byId.get(birth.issuedPersonalId as string);
      expect(child?.origin).toBe('NEWBORN');
      expect(child?.motherId).toBe(birth.people.find((person) => person.role === 'MOTHER')?.personalId);
    }
  });

  it('records every registered death except those picked to disagree', () => {
    for (const event of population.events.filter((candidate) => candidate.kind === 'DEATH' && candidate.outcome === 'REGISTERED')) {
      const deceased = population.byId.get(event.people.find((person) => person.role === 'DECEASED')?.personalId as string);
      const notRecorded = event.disagreement?.kind === 'DEATH_NOT_IN_POPULATION';
      expect(deceased?.deathDate).toBe(notRecorded ? null : event.death?.date);
    }
  });

  it('makes 3% of the registrations disagree, of every kind', () => {
    expect(population.disagreements.length).toBe(Math.round(population.events.length * 0.03));
    expect(new Set(population.disagreements.map((entry) => entry.kind))).toEqual(
      new Set(['UNKNOWN_PERSONAL_ID', 'NAME_MISMATCH', 'DEATH_NOT_IN_POPULATION']),
    );
    for (const entry of population.disagreements.filter((candidate) => candidate.kind === 'UNKNOWN_PERSONAL_ID')) {
      expect(population.byId.has(entry.registryValue)).toBe(false);
    }
  });

  it('makes none disagree at a rate of zero', () => {
    expect(buildDemoPopulation(dataset, { disagreementRate: 0 }).disagreements).toEqual([]);
  });
});

describe('stripDiacritics', () => {
  it('removes tone and vowel marks and turns đ into d', () => {
    expect(stripDiacritics('Đặng Thị Hằng')).toBe('Dang Thi Hang');
  });
});
