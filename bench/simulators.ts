import { pathToFileURL } from 'node:url';
import { createCivilRegistrationSimulator } from '../src/connectors/civil-registration/simulator.js';
import { buildDemoDataset } from '../src/connectors/demo/demo-dataset.js';
import { buildGovernmentDemoDataset } from '../src/connectors/government-documents/demo-data.js';
import { createGovernmentDocumentsSimulator } from '../src/connectors/government-documents/simulator.js';
import { createNationalPortalSimulator } from '../src/connectors/national-portal/simulator.js';
import { buildPartyDemoDataset } from '../src/connectors/party-documents/demo-data.js';
import { createPartyDocumentsSimulator } from '../src/connectors/party-documents/simulator.js';
import { buildDemoPopulation } from '../src/connectors/population/demo-population.js';
import type { RateLimit } from '../src/connectors/population/rate-limiter.js';
import { createPopulationSimulator } from '../src/connectors/population/simulator.js';
import { createProvincialSimulator } from '../src/connectors/provincial/simulator.js';
import type { SimulatorServer } from '../src/connectors/simulator-kit.js';
import { createSpecializedSimulator } from '../src/connectors/specialized/simulator.js';
import type { SystemId } from '../src/connectors/system-id.js';

export interface BenchSimulatorOptions {
  seed: number;
  dossiers: number;
  /** The population database's metering; null = none (the benchmark measures the hub, not the meter). */
  populationRateLimit: RateLimit | null;
}

export interface BenchSimulators {
  urls: Record<SystemId, string>;
  stop(): Promise<void>;
}

/** The environment variable through which the hub takes each system's URL. */
export const URL_VARIABLES: Record<SystemId, string> = {
  provincial: 'PROVINCIAL_URL',
  specialized: 'SPECIALIZED_URL',
  population: 'POPULATION_URL',
  'civil-registration': 'CIVIL_REGISTRATION_URL',
  'national-portal': 'NATIONAL_PORTAL_URL',
  'party-documents': 'PARTY_DOCUMENTS_URL',
  'government-documents': 'GOVERNMENT_DOCUMENTS_URL',
};

/**
 * The seven simulated agency systems with the demo data `npm start` uses (same seed, same
 * anchor rule), except that the population database's rate limit is the caller's choice:
 * at its default (20 requests/s, bursts of 40) it, not the server under test, would set the
 * throughput of a page query that makes one population call.
 */
export async function startBenchSimulators(options: BenchSimulatorOptions): Promise<BenchSimulators> {
  const { seed } = options;
  const anchor = demoAnchor();
  const dataset = buildDemoDataset({ seed, dossierCount: options.dossiers, anchor });
  const population = buildDemoPopulation(dataset);
  const builders: Record<SystemId, () => SimulatorServer> = {
    provincial: () => createProvincialSimulator({ dataset, seed }).server,
    specialized: () => createSpecializedSimulator({ dataset, seed }).server,
    population: () => createPopulationSimulator({ dataset, seed, population, rateLimit: options.populationRateLimit }).server,
    'civil-registration': () => createCivilRegistrationSimulator({ dataset, seed, population }).server,
    'national-portal': () => createNationalPortalSimulator({ dataset, seed }).server,
    'party-documents': () => createPartyDocumentsSimulator({ dataset: buildPartyDemoDataset({ seed, anchor }), seed }).server,
    'government-documents': () => createGovernmentDocumentsSimulator({ dataset: buildGovernmentDemoDataset({ seed, anchor }), seed }).server,
  };
  const started: SimulatorServer[] = [];
  const urls = {} as Record<SystemId, string>;
  for (const id of Object.keys(builders) as SystemId[]) {
    const server = builders[id]();
    urls[id] = await server.listen(0);
    started.push(server);
  }
  return { urls, stop: async () => void (await Promise.allSettled(started.map((s) => s.close()))) };
}

/** As the hub dates its demo data: relative to the start of today in Vietnam. */
function demoAnchor(): Date {
  const offset = 7 * 3_600_000;
  return new Date(Math.floor((Date.now() + offset) / 86_400_000) * 86_400_000 - offset);
}

/**
 * Run as a process (`node --import tsx bench/simulators.ts`), so the simulators do not share an
 * event loop with the load generator: prints one JSON line `{"urls": {...}}`, stops on SIGTERM.
 * Environment: BENCH_SEED, BENCH_DOSSIERS, BENCH_POPULATION_RATE (requests/s; absent = no limit).
 */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rate = process.env['BENCH_POPULATION_RATE'];
  const sims = await startBenchSimulators({
    seed: Number(process.env['BENCH_SEED'] ?? 20250701),
    dossiers: Number(process.env['BENCH_DOSSIERS'] ?? 2400),
    populationRateLimit: rate ? { perSecond: Number(rate), burst: Number(rate) * 2 } : null,
  });
  process.stdout.write(`${JSON.stringify({ urls: sims.urls })}\n`);
  const stop = (): void => void sims.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
