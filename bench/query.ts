import autocannon from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { print } from 'graphql';
import postgres from 'postgres';
import { mintToken } from '../src/auth/token-verifier.js';
import type { SystemId } from '../src/connectors/system-id.js';
import { DossierPageBenchDocument, type DossierPageBenchQueryVariables } from '../src/generated/operations.js';
import { silentLogger } from '../src/logger.js';
import { startEmbeddedPostgres } from '../src/runtime/embedded-postgres.js';
import { freePort } from '../src/runtime/free-port.js';
import { findRedisServer, startLocalRedis, stopChild } from '../src/runtime/local-redis.js';
import { URL_VARIABLES } from './simulators.js';

/**
 * bench/query: the dossier page query (50 dossiers with applicant, observations, and documents)
 * against the started hub, and the same data from a hand-written node:http handler over the same
 * services (bench/floor-server.ts) as the floor. Both face the same PostgreSQL, the same
 * simulators (the population database without its rate limit) and the same requests: autocannon,
 * 50 connections, a warm-up, then a fixed measured window, rotating over the first pages of each
 * province. Upstream calls per query come from the simulators' request counters.
 *
 * `npx tsx bench/query.ts [--rounds N] [--duration S] [--warmup S] [--connections N] [--pages N]
 * [--population-rate N] [--ephemeral-postgres] [--cpu-prof] [--without-audit-chain]` or
 * `npm run bench -- query …`. Responses are never printed: they hold personal data.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SEED = 20250701;
const DOSSIERS = 2400;
const PROVINCES = ['96', '51'] as const;
const TIMEOUT_MS = 2_000;
const QUERY = persistedText('DossierPageBench') ?? print(DossierPageBenchDocument);
const ISSUER = 'lienthong';
const AUDIENCE = 'lienthong-api';

export interface QueryBenchOptions {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Measured windows per server, alternating hub and floor, so drifting machine load hits both. */
  rounds: number;
  /** Pages per province the requests rotate over. */
  pagesPerProvince: number;
  /** Requests/s of the population simulator's token bucket; null = no limit. */
  populationRate: number | null;
  /** Trade durability for speed in the embedded PostgreSQL (fsync off); default off, as `npm start`. */
  ephemeralPostgres: boolean;
  /** Write V8 CPU profiles of the hub and the floor (whole process lifetime) to bench/out/profiles. */
  cpuProfile: boolean;
  /**
   * Diagnostic only: disable the audit hash-chain trigger in the bench database, to see what the
   * chain's single locked head costs. Audit rows are still written. Never a deployment setting.
   */
  withoutAuditChain: boolean;
}

export const DEFAULT_OPTIONS: QueryBenchOptions = {
  connections: 50,
  durationSeconds: 10,
  warmupSeconds: 3,
  rounds: 1,
  pagesPerProvince: 10,
  populationRate: null,
  ephemeralPostgres: false,
  cpuProfile: false,
  withoutAuditChain: false,
};

export interface ServerFigures {
  server: 'hub' | 'floor';
  round: number;
  requestsPerSecond: number;
  requests: number;
  latencyMs: { p50: number; p97_5: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  /** 200 answers whose body carries GraphQL errors (e.g. an upstream field error). */
  graphqlErrors: number;
  bytesPerResponse: number;
  /** Requests the simulators received during the measured window, per completed query, by system. */
  upstreamPerQuery: Partial<Record<SystemId, number>>;
  /** CPU seconds per 1,000 answered queries, by process group, during the measured window. */
  cpuPerThousand: Record<string, number>;
  /** Audit events written per query sent (one per applicant read: both servers must write the same). */
  auditRowsPerQuery: number;
}

export interface QueryBenchResult {
  options: QueryBenchOptions;
  date: string;
  commit: string;
  node: string;
  cpus: number;
  loadBefore: string;
  loadAfter: string;
  /** Upstream requests of one query alone, by server and system. */
  singleQueryUpstream: Record<'hub' | 'floor', Partial<Record<SystemId, number>>>;
  /** Median latency of 20 queries sent one after another (no queueing), by server. */
  sequentialLatencyMs: Record<'hub' | 'floor', number>;
  runs: ServerFigures[];
  hub: ServerFigures;
  floor: ServerFigures;
  /** Median hub requests/s over median floor requests/s. */
  ratio: number;
}

interface Started {
  name: string;
  stop(): Promise<void>;
}

export async function runQueryBench(options: QueryBenchOptions = DEFAULT_OPTIONS): Promise<QueryBenchResult> {
  const loadBefore = uptime();
  const stack: Started[] = [];
  const root = await mkdtemp(join(tmpdir(), 'lienthong-bench-'));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the directory.
  await chmod(root, 0o755);
  stack.push({ name: 'temp dir', stop: () => rm(root, { recursive: true, force: true }) });
  const logger = silentLogger();
  try {
    step('starting PostgreSQL, Redis and the simulators');
    let databaseUrl = process.env['DATABASE_URL'];
    let pgDataDir: string | null = null;
    if (!databaseUrl) {
      pgDataDir = join(root, 'pg');
      const pg = await startEmbeddedPostgres({ dataDir: pgDataDir, preferredPort: 0, database: 'lienthong_bench', logger, ephemeral: options.ephemeralPostgres });
      stack.push({ name: 'postgres', stop: () => pg.stop() });
      databaseUrl = pg.url;
    }
    let redisUrl = process.env['REDIS_URL'];
    if (!redisUrl && findRedisServer()) {
      const redis = await startLocalRedis({ dataDir: join(root, 'redis'), preferredPort: 0, logger, appendOnly: false });
      stack.push({ name: 'redis', stop: () => redis.stop() });
      redisUrl = redis.url;
    }
    const sims = await startChild('simulators', ['bench/simulators.ts'], {
      BENCH_SEED: String(SEED),
      BENCH_DOSSIERS: String(DOSSIERS),
      ...(options.populationRate === null ? {} : { BENCH_POPULATION_RATE: String(options.populationRate) }),
    }, /^\{"urls".*\}$/m);
    stack.push(sims);
    const simulators = (JSON.parse(sims.match) as { urls: Record<SystemId, string> }).urls;
    const simulatorEnv = Object.fromEntries(Object.entries(simulators).map(([id, url]) => [URL_VARIABLES[id as SystemId], url]));

    step('starting the hub and waiting for the first reconciliation and document sync to fill its indexes');
    const jwtSecret = randomBytes(32).toString('base64url');
    // A province officer of both demo provinces, allowed to read applicants and classified subjects.
    const authorization = `Bearer ${await mintToken(jwtSecret, ISSUER, AUDIENCE, {
      subject: 'bench-province-officer',
      agency: 'bench',
      units: [...PROVINCES],
      roles: ['PROVINCE_OFFICER'],
      scopes: ['population:lookup', 'documents:confidential'],
    })}`;
    const serverEnv = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
      AUTH_JWT_SECRET: jwtSecret,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      // The per-client limit would throttle the one load generator; the floor has none either.
      RATE_LIMIT_PER_SECOND: '0',
      ...simulatorEnv,
    };
    const profile = options.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench', 'out', 'profiles')}`] : [];
    const hub = await startChild('hub', [...profile, 'src/main.ts', 'start'], {
      ...serverEnv,
      PORT: String(await freePort()),
      DATA_DIR: join(root, 'data'),
      ...(redisUrl ? { REDIS_URL: redisUrl } : { QUEUE_BACKEND: 'postgres' }),
      QUEUE_PREFIX: `bench${randomBytes(3).toString('hex')}`,
      RECONCILE_PROVINCES: PROVINCES.join(','),
      // One run at start-up, then none while measuring.
      RECONCILE_EVERY_SECONDS: '3600',
      DOCUMENT_SYNC_EVERY_SECONDS: '3600',
      DEMO_SEED: String(SEED),
      DEMO_DOSSIERS: String(DOSSIERS),
    }, /GraphQL\s+(http:\/\/\S+)[\s\S]*Press Ctrl-C/);
    stack.push(hub);
    const hubUrl = hub.group(1);
    const requests = { bodies: await waitForIndexes(databaseUrl, options.pagesPerProvince, options.withoutAuditChain), authorization };

    step('starting the floor (bench/floor-server.ts)');
    const floor = await startChild('floor', [...profile, 'bench/floor-server.ts'], { ...serverEnv, PORT: String(await freePort()) }, /Floor\s+(http:\/\/\S+)/);
    stack.push(floor);
    const floorUrl = floor.group(1);

    step('checking that both answer the same data, and counting upstream calls of one query');
    await checkSameAnswers(hubUrl, floorUrl, requests).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\nhub output:\n${hub.output().slice(-3_000)}`);
    });
    const singleQueryUpstream = {
      hub: await upstreamOfOneQuery(simulators, hubUrl, requests),
      floor: await upstreamOfOneQuery(simulators, floorUrl, requests),
    };

    const sequentialLatencyMs = {
      hub: await sequentialLatency(hubUrl, requests),
      floor: await sequentialLatency(floorUrl, requests),
    };

    const runs: ServerFigures[] = [];
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const [server, url, child] of [['hub', hubUrl, hub], ['floor', floorUrl, floor]] as const) {
        step(`round ${round}/${options.rounds}: ${server}, ${options.warmupSeconds} s warm-up, ${options.durationSeconds} s measured`);
        runs.push(await measure(server, round, url, child.pid, simulators, sims.pid, pgDataDir, databaseUrl, requests, options));
      }
    }
    const hubFigures = median(runs.filter((r) => r.server === 'hub'));
    const floorFigures = median(runs.filter((r) => r.server === 'floor'));
    return {
      options,
      date: new Date().toISOString(),
      commit: git(['rev-parse', '--short', 'HEAD']) + (git(['status', '--porcelain']).length > 0 ? ' (with uncommitted changes)' : ''),
      node: process.version,
      cpus: cpus().length,
      loadBefore,
      loadAfter: uptime(),
      singleQueryUpstream,
      sequentialLatencyMs,
      runs,
      hub: hubFigures,
      floor: floorFigures,
      ratio: hubFigures.requestsPerSecond / floorFigures.requestsPerSecond,
    };
  } finally {
    for (const item of stack.reverse()) {
      try {
        await item.stop();
      } catch (error) {
        process.stderr.write(`could not stop ${item.name}: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  }
}

/** What every request of a run is made of: one of the page bodies, and the bearer token. */
interface BenchRequests {
  bodies: readonly string[];
  authorization: string;
}

/** Waits until both provinces are reconciled and the documents pulled; returns the request bodies. */
async function waitForIndexes(databaseUrl: string, pagesPerProvince: number, withoutAuditChain: boolean): Promise<string[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    const deadline = Date.now() + 180_000;
    let lastDocuments = -1;
    for (;;) {
      const [row] = await sql<{ finished: number; documents: number; dossiers: number }[]>`
        select (select count(distinct province_code)::int from reconciliation_runs
                 where status in ('SUCCEEDED', 'PARTIAL', 'FAILED') and province_code in ${sql([...PROVINCES])}) as finished,
               (select count(*)::int from documents) as documents,
               (select count(*)::int from dossiers) as dossiers`;
      // Documents are pulled by their own job: done when the count has stopped moving.
      if (row && row.finished === PROVINCES.length && row.documents > 0 && row.documents === lastDocuments) {
        step(`indexes filled: ${row.dossiers} dossiers, ${row.documents} documents`);
        break;
      }
      lastDocuments = row?.documents ?? -1;
      if (Date.now() > deadline) throw new Error(`the indexes did not fill within 180 s (${JSON.stringify(row)})`);
      await sleep(2_000);
    }
    if (withoutAuditChain) {
      await sql`alter table audit_events disable trigger audit_events_chain`;
      step('diagnostic: audit hash-chain trigger disabled in the bench database');
    }
    const bodies: string[] = [];
    for (const province of PROVINCES) {
      const codes = (await sql<{ code: string }[]>`select code from dossiers where province_code = ${province} order by code`).map((r) => r.code);
      for (let page = 0; page < pagesPerProvince && page * 50 < codes.length; page += 1) {
        const after = page === 0 ? null : Buffer.from(codes[page * 50 - 1] as string, 'utf8').toString('base64url');
        const variables: DossierPageBenchQueryVariables = { filter: { provinceCode: province }, first: 50, after, documentsFirst: 10 };
        bodies.push(JSON.stringify({ operationName: 'DossierPageBench', query: QUERY, variables }));
      }
    }
    return bodies;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The floor must serve what the hub serves; a difference is reported by path only (no personal data). */
async function checkSameAnswers(hubUrl: string, floorUrl: string, requests: BenchRequests): Promise<void> {
  const { bodies, authorization } = requests;
  for (const body of [bodies[0], bodies[bodies.length - 1]]) {
    const [fromHub, fromFloor] = await Promise.all([post(hubUrl, body as string, authorization), post(floorUrl, body as string, authorization)]);
    if ('errors' in fromHub || 'errors' in fromFloor) throw new Error('a check request answered with errors; is an upstream system failing?');
    const nodes = (fromHub as { data?: { dossiers?: { edges?: Array<{ node: { applicant: unknown } }> } } }).data?.dossiers?.edges ?? [];
    if (nodes.length !== 50 || nodes.filter((e) => e.node.applicant !== null).length < 40) throw new Error('the hub did not answer 50 dossiers with applicants');
    if (!isDeepStrictEqual(fromHub, fromFloor)) throw new Error(`the floor answers other data than the hub, first at ${firstDifference(fromHub, fromFloor, '')}`);
  }
}

function firstDifference(a: unknown, b: unknown, path: string): string {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return path || '(root)';
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const left = (a as Record<string, unknown>)[key];
    const right = (b as Record<string, unknown>)[key];
    if (!isDeepStrictEqual(left, right)) return firstDifference(left, right, `${path}.${key}`);
  }
  return path || '(root)';
}

async function sequentialLatency(url: string, requests: BenchRequests): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    const started = performance.now();
    await post(url, requests.bodies[i % requests.bodies.length] as string, requests.authorization);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return round2(((times[9] as number) + (times[10] as number)) / 2);
}

async function upstreamOfOneQuery(simulators: Record<SystemId, string>, url: string, requests: BenchRequests): Promise<Partial<Record<SystemId, number>>> {
  await resetCounters(simulators);
  await post(url, requests.bodies[1] ?? (requests.bodies[0] as string), requests.authorization);
  return readCounters(simulators);
}

async function measure(
  server: 'hub' | 'floor',
  round: number,
  url: string,
  serverPid: number,
  simulators: Record<SystemId, string>,
  simulatorsPid: number,
  pgDataDir: string | null,
  databaseUrl: string,
  requests: BenchRequests,
  options: QueryBenchOptions,
): Promise<ServerFigures> {
  const warm = await load(url, requests, options.connections, options.warmupSeconds);
  // Requests still in flight when the load generator stops are finished by the server after it;
  // let them drain so they are neither counted nor competing in the measured window.
  await drain(warm.result);
  await resetCounters(simulators);
  const auditBefore = await auditRows(databaseUrl);
  const groups = { [server]: [serverPid], simulators: [simulatorsPid], postgres: postgresPids(pgDataDir) };
  const cpuBefore = cpuSeconds(groups);
  const ownBefore = process.cpuUsage();
  const { result, graphqlErrors } = await load(url, requests, options.connections, options.durationSeconds);
  const own = process.cpuUsage(ownBefore);
  await drain(result);
  const cpuAfter = cpuSeconds(groups);
  const counters = await readCounters(simulators);
  const auditAfter = await auditRows(databaseUrl);
  const answered = result['2xx'] + result.non2xx;
  // Upstream calls and CPU include the requests answered after the window closed: per request sent.
  const sent = Math.max(result.requests.sent, 1);
  const perThousand = (seconds: number, of: number): number => round2((seconds / Math.max(of, 1)) * 1_000);
  const cpuPerThousand: Record<string, number> = {};
  for (const name of Object.keys(groups)) cpuPerThousand[name] = perThousand((cpuAfter[name] ?? 0) - (cpuBefore[name] ?? 0), sent);
  cpuPerThousand['load generator'] = perThousand((own.user + own.system) / 1e6, answered);
  return {
    server,
    round,
    requestsPerSecond: round2(answered / result.duration),
    requests: answered,
    latencyMs: { p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99, average: round2(result.latency.average), max: result.latency.max },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    graphqlErrors,
    bytesPerResponse: Math.round(result.throughput.total / Math.max(answered, 1)),
    upstreamPerQuery: Object.fromEntries(Object.entries(counters).map(([system, n]) => [system, Math.round((n / sent) * 1_000) / 1_000])),
    cpuPerThousand,
    auditRowsPerQuery: Math.round(((auditAfter - auditBefore) / sent) * 100) / 100,
  };
}

async function auditRows(databaseUrl: string): Promise<number> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from audit_events`;
    return row?.n ?? 0;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Waits out the slowest answers of a run that has just stopped. */
function drain(result: autocannon.Result): Promise<void> {
  return sleep(Math.min(result.latency.max, 10_000) + 250);
}

/** One autocannon run rotating over the request bodies. */
async function load(url: string, requests: BenchRequests, connections: number, seconds: number): Promise<{ result: autocannon.Result; graphqlErrors: number }> {
  const { bodies } = requests;
  let next = 0;
  let graphqlErrors = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: requests.authorization },
    requests: [
      {
        setupRequest: (request) => {
          request.body = bodies[next++ % bodies.length];
          return request;
        },
        onResponse: (status, body) => {
          if (status === 200 && body.includes('"errors":[')) graphqlErrors += 1;
        },
      },
    ],
  });
  return { result, graphqlErrors };
}

async function resetCounters(simulators: Record<SystemId, string>): Promise<void> {
  await Promise.all(Object.values(simulators).map((url) => fetch(`${url}/__admin/requests`, { method: 'DELETE' }).then((r) => r.arrayBuffer())));
}

async function readCounters(simulators: Record<SystemId, string>): Promise<Partial<Record<SystemId, number>>> {
  const out: Partial<Record<SystemId, number>> = {};
  for (const [system, url] of Object.entries(simulators) as Array<[SystemId, string]>) {
    const counts = (await (await fetch(`${url}/__admin/requests`)).json()) as Record<string, number>;
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    if (total > 0) out[system] = total;
  }
  return out;
}

async function post(url: string, body: string, authorization: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body }).catch((error: unknown) => {
    throw new Error(`POST ${url} failed: ${error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error)}`);
  });
  // Error bodies are masked by both servers (no personal data): show their start.
  if (res.status !== 200) throw new Error(`${url} answered HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return (await res.json()) as Record<string, unknown>;
}

/** user + system CPU seconds of each group of processes, from /proc (Linux); empty elsewhere. */
function cpuSeconds(groups: Record<string, number[]>): Record<string, number> {
  const ticks = 100; // USER_HZ on Linux
  const out: Record<string, number> = {};
  for (const [name, pids] of Object.entries(groups)) {
    let sum = 0;
    for (const pid of pids) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        sum += (Number(fields[11]) + Number(fields[12])) / ticks;
      } catch {
        // exited, or not Linux
      }
    }
    out[name] = sum;
  }
  return out;
}

/** The embedded PostgreSQL's postmaster and its children (backends, writers); none for an external server. */
function postgresPids(dataDir: string | null): number[] {
  if (!dataDir || !existsSync(join(dataDir, 'postmaster.pid'))) return [];
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const pids = [postmaster];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === postmaster) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

interface ChildHandle extends Started {
  pid: number;
  /** What the process printed (warnings and errors only at LOG_LEVEL=warn; never response data). */
  output(): string;
  match: string;
  group(index: number): string;
}

/** Starts `node [--flags] --import tsx <script> <args>` in the repository and waits until its output matches `ready`. */
async function startChild(name: string, args: string[], env: Record<string, string>, ready: RegExp, timeoutMs = 120_000): Promise<ChildHandle> {
  const nodeFlags = args.filter((a) => a.startsWith('--'));
  const script = args.filter((a) => !a.startsWith('--'));
  const child: ChildProcess = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', ...script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // Only the last 100 kB are kept: enough to show why a run failed.
  const append = (chunk: Buffer): void => void (out = (out + chunk.toString()).slice(-100_000));
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${out.slice(-2_000)}`)), timeoutMs);
    const onData = (): void => {
      const found = ready.exec(out);
      if (found) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(found);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before it was ready:\n${out.slice(-2_000)}`));
    });
  });
  return {
    name,
    pid: child.pid ?? 0,
    output: () => out,
    match: match[0],
    group: (index) => match[index] ?? '',
    stop: () => stopChild(child, 12_000),
  };
}

/**
 * The operation's text as the persisted-operations manifest holds it (production runs only
 * manifest operations, matched by the sha256 of their exact text); null without a manifest.
 */
function persistedText(name: string): string | null {
  const file = join(ROOT, 'src', 'generated', 'persisted-operations.json');
  if (!existsSync(file)) return null;
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { name: string | null; body: string }>;
  return Object.values(manifest).find((op) => op.name === name)?.body ?? null;
}

function median(runs: ServerFigures[]): ServerFigures {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)] as ServerFigures;
}

function uptime(): string {
  const out = spawnSync('uptime', { encoding: 'utf8' });
  return out.status === 0 ? out.stdout.trim() : `load average: ${loadavg().map((n) => n.toFixed(2)).join(', ')}`;
}

function git(args: string[]): string {
  const out = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  return out.status === 0 ? out.stdout.trim() : 'unknown';
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function step(message: string): void {
  process.stdout.write(`[bench/query] ${message}\n`);
}

export function formatResult(r: QueryBenchResult): string {
  const row = (f: ServerFigures): string =>
    `| ${f.server} (round ${f.round}) | ${f.requestsPerSecond.toFixed(0)} | ${f.latencyMs.p50} | ${f.latencyMs.p97_5} | ${f.latencyMs.p99} | ` +
    `${f.errors}/${f.non2xx}/${f.graphqlErrors} | ${formatCalls(f.upstreamPerQuery)} | ${f.auditRowsPerQuery} | ${Object.entries(f.cpuPerThousand).map(([k, v]) => `${k} ${v}`).join(', ')} |`;
  return [
    '',
    `bench/query — ${r.date}, commit ${r.commit}, Node ${r.node}, ${r.cpus} cores`,
    `${r.options.connections} connections, ${r.options.warmupSeconds} s warm-up + ${r.options.durationSeconds} s measured, ${r.options.rounds} round(s), population rate limit ${r.options.populationRate ?? 'off'}` +
      `${r.options.ephemeralPostgres ? ', PostgreSQL fsync off' : ''}${r.options.withoutAuditChain ? ', DIAGNOSTIC: audit hash chain off' : ''}`,
    `load before: ${r.loadBefore}`,
    `load after:  ${r.loadAfter}`,
    ...(busyMachine(r.loadBefore, r.cpus) ? ['warning: the 1-minute load average was above the number of cores when the run started: other work shared the machine'] : []),
    `upstream requests of one query alone: hub ${formatCalls(r.singleQueryUpstream.hub)}; floor ${formatCalls(r.singleQueryUpstream.floor)}`,
    `latency of one query at a time (median of 20): hub ${r.sequentialLatencyMs.hub} ms; floor ${r.sequentialLatencyMs.floor} ms`,
    '',
    '| server | req/s | p50 ms | p97.5 ms | p99 ms | errors/non-2xx/GraphQL errors | upstream calls per query | audit rows per query | CPU s per 1,000 queries |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.runs.map(row),
    '',
    `hub / floor (median req/s): ${r.hub.requestsPerSecond.toFixed(0)} / ${r.floor.requestsPerSecond.toFixed(0)} = ${r.ratio.toFixed(2)} (goal ≥ 0.50)`,
    '',
  ].join('\n');
}

function busyMachine(uptimeLine: string, cores: number): boolean {
  const first = /load averages?:\s*([\d.]+)/.exec(uptimeLine)?.[1];
  return first !== undefined && Number(first) > cores;
}

function formatCalls(calls: Partial<Record<SystemId, number>>): string {
  const entries = Object.entries(calls);
  return entries.length === 0 ? 'none' : entries.map(([system, n]) => `${system} ${n}`).join(', ');
}

export function parseOptions(argv: readonly string[]): QueryBenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      pages: { type: 'string' },
      'population-rate': { type: 'string' },
      'ephemeral-postgres': { type: 'boolean' },
      'cpu-prof': { type: 'boolean' },
      'without-audit-chain': { type: 'boolean' },
    },
  });
  const int = (value: string | undefined, fallback: number, name: string): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
    return n;
  };
  return {
    rounds: int(values.rounds, DEFAULT_OPTIONS.rounds, 'rounds'),
    durationSeconds: int(values.duration, DEFAULT_OPTIONS.durationSeconds, 'duration'),
    warmupSeconds: int(values.warmup, DEFAULT_OPTIONS.warmupSeconds, 'warmup'),
    connections: int(values.connections, DEFAULT_OPTIONS.connections, 'connections'),
    pagesPerProvince: int(values.pages, DEFAULT_OPTIONS.pagesPerProvince, 'pages'),
    populationRate: values['population-rate'] === undefined ? null : int(values['population-rate'], 0, 'population-rate'),
    ephemeralPostgres: values['ephemeral-postgres'] ?? false,
    cpuProfile: values['cpu-prof'] ?? false,
    withoutAuditChain: values['without-audit-chain'] ?? false,
  };
}

/** `npx tsx bench/query.ts …`: runs, prints the table, writes bench/out/query-<date>.json. */
export async function main(argv: readonly string[]): Promise<void> {
  const result = await runQueryBench(parseOptions(argv));
  process.stdout.write(formatResult(result));
  const outDir = join(ROOT, 'bench', 'out');
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, `query-${result.date.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`figures written to ${file}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`bench/query failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
