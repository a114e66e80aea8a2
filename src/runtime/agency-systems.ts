import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { CivilRegistrationConnector } from '../connectors/civil-registration/client.js';
import { createCivilRegistrationSimulator } from '../connectors/civil-registration/simulator.js';
import type { Connector } from '../connectors/connector.js';
import { buildDemoDataset } from '../connectors/demo/demo-dataset.js';
import { GovernmentDocumentsConnector } from '../connectors/government-documents/client.js';
import { buildGovernmentDemoDataset } from '../connectors/government-documents/demo-data.js';
import { createGovernmentDocumentsSimulator } from '../connectors/government-documents/simulator.js';
import { NationalPortalConnector } from '../connectors/national-portal/client.js';
import { createNationalPortalSimulator } from '../connectors/national-portal/simulator.js';
import { PartyDocumentsConnector } from '../connectors/party-documents/client.js';
import { buildPartyDemoDataset } from '../connectors/party-documents/demo-data.js';
import { createPartyDocumentsSimulator } from '../connectors/party-documents/simulator.js';
import { PopulationConnector } from '../connectors/population/client.js';
import { buildDemoPopulation } from '../connectors/population/demo-population.js';
import { createPopulationSimulator } from '../connectors/population/simulator.js';
import { ProvincialConnector } from '../connectors/provincial/client.js';
import { createProvincialSimulator, type ProvincialSimulator } from '../connectors/provincial/simulator.js';
import type { SimulatorServer } from '../connectors/simulator-kit.js';
import { SpecializedConnector } from '../connectors/specialized/client.js';
import { createSpecializedSimulator } from '../connectors/specialized/simulator.js';
import type { SystemId } from '../connectors/system-id.js';

export interface AgencyConnectors {
  provincial: ProvincialConnector;
  specialized: SpecializedConnector;
  population: PopulationConnector;
  civilRegistration: CivilRegistrationConnector;
  nationalPortal: NationalPortalConnector;
  partyDocuments: PartyDocumentsConnector;
  governmentDocuments: GovernmentDocumentsConnector;
}

export interface AgencySystems {
  connectors: AgencyConnectors;
  /** Every connector by system id, for health and statistics. */
  all: ReadonlyMap<SystemId, Connector>;
  /** Base URLs of the simulators started, by system id. */
  simulators: Record<string, string>;
  /** The provincial simulator when it runs (demo mode), so its changes can be pushed to the hub. */
  provincialSimulator: ProvincialSimulator | null;
  stop(): Promise<void>;
}

/**
 * Connects the seven agency systems. A system with a configured URL is used as it is; every
 * other one is started here as a simulator with demo data, all drawn from one seed so the
 * population database knows the applicants of the dossiers and the civil registry their births.
 */
export async function startAgencySystems(config: Config, logger: Logger): Promise<AgencySystems> {
  const started: SimulatorServer[] = [];
  let provincialSimulator: ProvincialSimulator | null = null;
  const simulators: Record<string, string> = {};
  const urls: Record<SystemId, string | undefined> = {
    provincial: config.PROVINCIAL_URL,
    specialized: config.SPECIALIZED_URL,
    population: config.POPULATION_URL,
    'civil-registration': config.CIVIL_REGISTRATION_URL,
    'national-portal': config.NATIONAL_PORTAL_URL,
    'party-documents': config.PARTY_DOCUMENTS_URL,
    'government-documents': config.GOVERNMENT_DOCUMENTS_URL,
  };
  const missing = (Object.keys(urls) as SystemId[]).filter((id) => !urls[id]);
  if (missing.length > 0) {
    const seed = config.DEMO_SEED;
    const anchor = demoAnchor();
    const dataset = buildDemoDataset({ seed, dossierCount: config.DEMO_DOSSIERS, anchor });
    const population = buildDemoPopulation(dataset);
    const builders: Record<SystemId, () => SimulatorServer> = {
      provincial: () => {
        const sim = createProvincialSimulator({ dataset, seed });
        provincialSimulator = sim;
        // What the demo data drifts on purpose, so anyone can check reconciliation against it.
        sim.server.addAdminRoute('ground-truth', () => ({ dossiers: dataset.dossiers.length, drift: dataset.drift, duplicates: dataset.duplicates }));
        return sim.server;
      },
      specialized: () => createSpecializedSimulator({ dataset, seed }).server,
      population: () => createPopulationSimulator({ dataset, seed, population }).server,
      'civil-registration': () => createCivilRegistrationSimulator({ dataset, seed, population }).server,
      'national-portal': () => createNationalPortalSimulator({ dataset, seed }).server,
      'party-documents': () => createPartyDocumentsSimulator({ dataset: buildPartyDemoDataset({ seed, anchor }), seed }).server,
      'government-documents': () =>
        createGovernmentDocumentsSimulator({ dataset: buildGovernmentDemoDataset({ seed, anchor }), seed }).server,
    };
    for (const id of missing) {
      const server = builders[id]();
      const url = await server.listen(0);
      started.push(server);
      simulators[id] = url;
      urls[id] = url;
    }
  }
  const resilience = { timeoutMs: config.UPSTREAM_TIMEOUT_MS };
  const url = (id: SystemId): string => urls[id] as string;
  const connectors: AgencyConnectors = {
    provincial: new ProvincialConnector({ baseUrl: url('provincial'), logger, resilience }),
    specialized: new SpecializedConnector({ baseUrl: url('specialized'), logger, resilience }),
    // On the read path a rate-limited lookup may wait only briefly: the GraphQL deadline is near.
    population: new PopulationConnector({
      baseUrl: url('population'),
      logger,
      resilience,
      rateLimitRetries: 2,
      maxRateLimitWaitMs: Math.floor(config.UPSTREAM_TIMEOUT_MS / 2),
    }),
    civilRegistration: new CivilRegistrationConnector({ baseUrl: url('civil-registration'), logger, resilience }),
    nationalPortal: new NationalPortalConnector({ baseUrl: url('national-portal'), logger, resilience }),
    partyDocuments: new PartyDocumentsConnector({ baseUrl: url('party-documents'), logger, resilience }),
    governmentDocuments: new GovernmentDocumentsConnector({ baseUrl: url('government-documents'), logger, resilience }),
  };
  const all = new Map<SystemId, Connector>(Object.values(connectors).map((c: Connector) => [c.system, c]));
  return {
    connectors,
    all,
    simulators,
    provincialSimulator,
    stop: async () => {
      await Promise.allSettled([...all.values()].map((c) => c.close()));
      await Promise.allSettled(started.map((s) => s.close()));
    },
  };
}

/** Demo data is dated relative to the start of today in Vietnam, so it looks current. */
function demoAnchor(): Date {
  const offset = 7 * 3_600_000;
  return new Date(Math.floor((Date.now() + offset) / 86_400_000) * 86_400_000 - offset);
}
