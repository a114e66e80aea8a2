import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createCivilRegistrationSimulator } from '../src/connectors/civil-registration/simulator.js';
import { buildDemoDataset } from '../src/connectors/demo/demo-dataset.js';
import { buildGovernmentDemoDataset } from '../src/connectors/government-documents/demo-data.js';
import { createGovernmentDocumentsSimulator } from '../src/connectors/government-documents/simulator.js';
import { createNationalPortalSimulator } from '../src/connectors/national-portal/simulator.js';
import { buildPartyDemoDataset } from '../src/connectors/party-documents/demo-data.js';
import { createPartyDocumentsSimulator } from '../src/connectors/party-documents/simulator.js';
import { buildDemoPopulation } from '../src/connectors/population/demo-population.js';
import { createPopulationSimulator } from '../src/connectors/population/simulator.js';
import { createProvincialSimulator } from '../src/connectors/provincial/simulator.js';
import type { SimulatorServer } from '../src/connectors/simulator-kit.js';
import { createSpecializedSimulator } from '../src/connectors/specialized/simulator.js';
import type { SystemId } from '../src/connectors/system-id.js';

/**
 * The dossier systems of bench/reconcile at national scale, as a process of their own so their
 * CPU and memory are not the worker's: `node --max-old-space-size=6144 --import tsx
 * bench/reconcile-simulators.ts --dossiers 1000000 --drift 0.02`.
 *
 * Builds one demo dataset over a single province (one run then covers every dossier), starts the
 * provincial one-stop shop, the ministry's specialized software and the national portal on it,
 * and the four other systems on the small default demo data (so the worker under measurement
 * runs no simulator of its own). Prints one JSON line `{"ready": true, "urls": {...}, ...}` on
 * stdout when all listen; nothing else is written to stdout.
 *
 * Commands, one per line on stdin, each answered by one JSON line on stdout:
 * - `advance <n> [split|provincial|specialized|each]` — moves dossiers one step forward: by
 *   default ⌈n/2⌉ in the provincial system and ⌊n/2⌋ in the specialized one (n changed dossiers
 *   in all, each changed in one system); `each` moves n in both.
 * - `requests` — request counts by path of the three dossier systems, and the event loop's delay
 *   (p50, p99, max ms: a GC pause or a slow page delays every answer), since the last `requests`.
 * - `memory` — this process's memory.
 * - `gc` — a full garbage collection now (started with --expose-gc), so that one does not land in
 *   the next measured run; answers how long it took.
 * Stops on SIGTERM, SIGINT or the end of stdin.
 */

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string', default: '20250701' },
    dossiers: { type: 'string', default: '1000000' },
    /** Share of dossiers whose provincial and specialized copies disagree on purpose. */
    drift: { type: 'string', default: '0.02' },
    /** Share of provincial dossiers the national portal lags on or lacks. */
    'portal-drift': { type: 'string', default: '0.02' },
    province: { type: 'string', default: '96' },
  },
});

const seed = Number(args.seed);
const dossierCount = Number(args.dossiers);
const driftRate = Number(args.drift);
const portalDrift = Number(args['portal-drift']);
const province = args.province ?? '96';

const out = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);
const mb = (bytes: number): number => Math.round(bytes / 1_048_576);
const memory = (): Record<string, number> => {
  const m = process.memoryUsage();
  return { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external) };
};

const anchor = demoAnchor();
let t = performance.now();
const dataset = buildDemoDataset({ seed, dossierCount, provinceCodes: [province], anchor, driftRate });
const buildMs = Math.round(performance.now() - t);

t = performance.now();
const provincial = createProvincialSimulator({ dataset, seed });
const specialized = createSpecializedSimulator({ dataset, seed });
const portal = createNationalPortalSimulator({ dataset, seed, driftRate: portalDrift });
const simulatorsMs = Math.round(performance.now() - t);

// The other four systems on the small demo data of `npm start`: the worker needs a URL for each.
const small = buildDemoDataset({ seed, dossierCount: 2_400, anchor });
const population = buildDemoPopulation(small);
const servers: Record<SystemId, SimulatorServer> = {
  provincial: provincial.server,
  specialized: specialized.server,
  'national-portal': portal.server,
  population: createPopulationSimulator({ dataset: small, seed, population, rateLimit: null }).server,
  'civil-registration': createCivilRegistrationSimulator({ dataset: small, seed, population }).server,
  'party-documents': createPartyDocumentsSimulator({ dataset: buildPartyDemoDataset({ seed, anchor }), seed }).server,
  'government-documents': createGovernmentDocumentsSimulator({ dataset: buildGovernmentDemoDataset({ seed, anchor }), seed }).server,
};
const urls = {} as Record<SystemId, string>;
for (const [id, server] of Object.entries(servers) as Array<[SystemId, SimulatorServer]>) urls[id] = await server.listen(0);

const provincialCopies = dataset.dossiers.reduce((n, d) => n + (d.provincial ? 1 : 0), 0);
const specializedCopies = dataset.dossiers.reduce((n, d) => n + (d.specialized ? 1 : 0), 0);
const driftByClass: Record<string, number> = {};
for (const record of dataset.drift) driftByClass[record.expectedClass] = (driftByClass[record.expectedClass] ?? 0) + 1;
const portalTruth = (await (await fetch(`${urls['national-portal']}/__admin/ground-truth`)).json()) as {
  provincial: number;
  mirrored: number;
  lagging: unknown[];
  missing: unknown[];
};

out({
  ready: true,
  urls,
  dataset: {
    seed,
    province,
    anchor: anchor.toISOString(),
    dossiers: dataset.dossiers.length,
    provincialCopies,
    specializedCopies,
    portalCopies: portalTruth.mirrored,
    driftRate,
    drift: dataset.drift.length,
    driftByClass,
    portalDriftRate: portalDrift,
    portalLagging: portalTruth.lagging.length,
    portalMissing: portalTruth.missing.length,
  },
  timings: { buildMs, simulatorsMs },
  memory: memory(),
});

// Every simulator shares this event loop: its delay is added to every answer the hub waits for.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, ...rest] = line.trim().split(/\s+/);
  try {
    switch (command) {
      case 'advance': {
        const n = Math.max(0, Math.floor(Number(rest[0] ?? '0')));
        const how = rest[1] ?? 'split';
        const started = performance.now();
        const [p, s] = how === 'provincial' ? [n, 0] : how === 'specialized' ? [0, n] : how === 'each' ? [n, n] : [Math.ceil(n / 2), Math.floor(n / 2)];
        const movedProvincial = provincial.advance(p).length;
        const movedSpecialized = specialized.advance(s).length;
        out({ advanced: { provincial: movedProvincial, specialized: movedSpecialized }, ms: Math.round(performance.now() - started) });
        return;
      }
      case 'requests': {
        const counts: Record<string, Record<string, number>> = {};
        for (const id of ['provincial', 'specialized', 'national-portal'] as const) {
          counts[id] = servers[id].requestCounts();
          servers[id].resetRequestCounts();
        }
        const ms = (ns: number): number => Math.round(ns / 1e5) / 10;
        out({ requests: counts, eventLoopDelayMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) } });
        loopDelay.reset();
        return;
      }
      case 'gc': {
        // Started with --expose-gc by bench/reconcile: a full collection before a measured run.
        const started = performance.now();
        (globalThis as { gc?: () => void }).gc?.();
        out({ gcMs: Math.round(performance.now() - started), memory: memory() });
        return;
      }
      case 'memory':
        out({ memory: memory() });
        return;
      case undefined:
      case '':
        return;
      default:
        out({ error: `unknown command ${command}` });
    }
  } catch (error) {
    out({ error: error instanceof Error ? error.message : String(error) });
  }
});

const stop = (): void => {
  void Promise.allSettled(Object.values(servers).map((s) => s.close())).then(() => process.exit(0));
};
lines.on('close', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

/** As the hub dates its demo data: relative to the start of today in Vietnam. */
function demoAnchor(): Date {
  const offset = 7 * 3_600_000;
  return new Date(Math.floor((Date.now() + offset) / 86_400_000) * 86_400_000 - offset);
}
