import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { Pool } from 'undici';
import { buildDemoDataset, type DemoDossier } from '../src/connectors/demo/demo-dataset.js';
import { signDelivery } from '../src/connectors/webhook-sender.js';
import { generateWebhookSecret } from '../src/http/webhook-signature.js';
import { silentLogger } from '../src/logger.js';
import { startEmbeddedPostgres } from '../src/runtime/embedded-postgres.js';
import { startLocalRedis, stopChild } from '../src/runtime/local-redis.js';

/**
 * bench/ingest: sustained signed pushes against the started hub (`lienthong start`, as `npm
 * start` runs it) on its own durable PostgreSQL (fsync on) and redis-server (AOF), with the apply
 * workers running in the same process, as in the default ROLE=all:
 *
 * 1. batches of 100 events, closed loop, `--batch-connections` deliveries in flight;
 * 2. single events, closed loop, `--single-connections` in flight (the most it takes);
 * 3. single events at a fixed `--rate` per second, open loop (acknowledgement latency under load).
 *
 * `--role api` runs the hub without workers (API and workers scale as separate processes): the
 * figures are then those of the acknowledgement path alone, and nothing is applied.
 *
 * An acknowledgement (HTTP 200) is sent only after the events and their outbox rows committed;
 * after each phase the bench counts the events in PostgreSQL and checks every acknowledged one is
 * there. `npx tsx bench/ingest.ts [--duration S] [--rate N] …` or `npm run bench -- ingest …`.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Phase {
  name: string;
  events: number;
  deliveries: number;
  seconds: number;
  eventsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  /** Acknowledged events found in PostgreSQL right after the phase. */
  durable: number;
  /** CPU milliseconds per 1,000 acknowledged events, by process, during the phase. */
  cpuMsPer1000Events: Record<string, number>;
  /** The hub's inbox statements during the phase (group commit), from its /metrics. */
  store: { statements: number; deliveriesPerStatement: number; meanMs: number };
  /** PostgreSQL's write-ahead log during the phase, per 1,000 acknowledged events (pg_stat_wal). */
  walPer1000Events: { kB: number; fullPageImages: number; records: number };
  /** The hub's side of the tail (single events): see hubTail. */
  hub?: ReturnType<typeof hubTail>;
  /** With --pg-statements: PostgreSQL's most time-consuming statements during the phase. */
  topStatements?: Array<{ calls: number; totalMs: number; meanMs: number; rows: number; query: string }>;
}

/** user + system CPU seconds of each group of processes, from /proc (Linux); zero elsewhere. */
function cpuSeconds(groups: Record<string, number[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pids] of Object.entries(groups)) {
    let sum = 0;
    for (const pid of pids) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        sum += (Number(fields[11]) + Number(fields[12])) / 100;
      } catch {
        // exited, or not Linux
      }
    }
    out[name] = sum;
  }
  return out;
}

/** The processes a process started (Linux; none elsewhere). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The embedded PostgreSQL's postmaster and its children (backends, writers). */
function postgresPids(dataDir: string): number[] {
  if (!existsSync(join(dataDir, 'postmaster.pid'))) return [];
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return [postmaster, ...childrenOf(postmaster)];
}

/**
 * The hub's side of a phase's tail, from its /metrics: acknowledgements that took the hub more
 * than 25 ms (from the request's arrival to its answer; a histogram bucket bound), and the
 * event-loop delay since the previous scrape (a request that arrives while the loop is busy
 * waits before the hub even sees it).
 */
function hubTail(before: string, after: string): {
  acks: number;
  acksOver25Ms: number;
  statements: number;
  statementsOver10Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  gcMs: number;
} {
  const value = (text: string, pattern: RegExp): number => Number(pattern.exec(text)?.[1] ?? 0);
  const count = /^lienthong_ingest_ack_seconds_count\{channel="WEBHOOK"\} (\S+)$/m;
  const within = /^lienthong_ingest_ack_seconds_bucket\{(?:le="0.025",channel="WEBHOOK"|channel="WEBHOOK",le="0.025")\} (\S+)$/m;
  const gc = (text: string): number => [...text.matchAll(/^nodejs_gc_duration_seconds_sum\{kind="[^"]+"\} (\S+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  const acks = value(after, count) - value(before, count);
  const stored = /^lienthong_ingest_store_seconds_count\{result="ok"\} (\S+)$/m;
  const storedWithin = /^lienthong_ingest_store_seconds_bucket\{(?:le="0.01",result="ok"|result="ok",le="0.01")\} (\S+)$/m;
  const statements = value(after, stored) - value(before, stored);
  return {
    acks,
    acksOver25Ms: acks - (value(after, within) - value(before, within)),
    statements,
    statementsOver10Ms: statements - (value(after, storedWithin) - value(before, storedWithin)),
    loopDelayP99Ms: Number((value(after, /^nodejs_eventloop_lag_p99_seconds (\S+)$/m) * 1_000).toFixed(1)),
    loopDelayMaxMs: Number((value(after, /^nodejs_eventloop_lag_max_seconds (\S+)$/m) * 1_000).toFixed(1)),
    gcMs: Math.round((gc(after) - gc(before)) * 1_000),
  };
}

/** The sums and counts of the inbox statement histograms in a /metrics text. */
function storeCounters(text: string): { statements: number; seconds: number; deliveries: number } {
  const value = (pattern: RegExp): number => Number(pattern.exec(text)?.[1] ?? 0);
  return {
    statements: value(/^lienthong_ingest_store_deliveries_count (\S+)$/m),
    seconds: value(/^lienthong_ingest_store_seconds_sum\{result="ok"\} (\S+)$/m) + value(/^lienthong_ingest_store_seconds_sum\{result="failed"\} (\S+)$/m),
    deliveries: value(/^lienthong_ingest_store_deliveries_sum (\S+)$/m),
  };
}

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    rate: { type: 'string', default: '1000' },
    'batch-connections': { type: 'string', default: '8' },
    'single-connections': { type: 'string', default: '32' },
    role: { type: 'string', default: 'all' },
    /** Write a V8 CPU profile of the hub into this directory. */
    profile: { type: 'string' },
    /** Record PostgreSQL's statements per phase (pg_stat_statements): where the database's time goes. */
    'pg-statements': { type: 'boolean', default: false },
  },
});
const DURATION_S = Number(args.duration);
const RATE = Number(args.rate);

async function main(): Promise<void> {
  const loadAtStart = loadavg();
  const logger = silentLogger();
  const root = await mkdtemp(join(tmpdir(), 'lienthong-bench-ingest-'));
  await chmod(root, 0o755);
  const cleanup: Array<() => Promise<unknown>> = [];
  try {
    const pgStatements = args['pg-statements'] === true;
    const pg = await startEmbeddedPostgres({
      dataDir: join(root, 'pg'),
      preferredPort: 0,
      database: 'lienthong_bench',
      logger,
      ephemeral: false,
      ...(pgStatements ? { settings: ['shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track=all'] } : {}),
    });
    cleanup.push(() => pg.stop());
    const redis = await startLocalRedis({ dataDir: join(root, 'redis'), preferredPort: 0, logger, appendOnly: true });
    cleanup.push(() => redis.stop());
    const secret = generateWebhookSecret();
    const hub = await startHub({
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      DATA_DIR: join(root, 'data'),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DEMO_DOSSIERS: '50',
      RECONCILE_PROVINCES: '',
      ROLE: args.role ?? 'all',
      INGEST_SECRETS: `provincial=${secret}`,
    });
    cleanup.push(() => stopChild(hub.child, 10_000));
    const base = hub.url.replace(/\/graphql$/, '');
    const sql = postgres(pg.url, { max: 2, onnotice: () => undefined });
    cleanup.push(() => sql.end());
    if (pgStatements) await sql`create extension if not exists pg_stat_statements`;

    const dossiers = buildDemoDataset({ seed: 99, dossierCount: 5_000, anchor: new Date('2026-11-20T00:00:00+07:00') }).dossiers;
    let counter = 0;
    const nextEvent = (): Record<string, unknown> => {
      counter += 1;
      const d = dossiers[counter % dossiers.length] as DemoDossier;
      return {
        id: `bench-${counter}`,
        type: 'dossier.status_changed',
        timestamp: new Date(Date.UTC(2026, 10, 19) + counter).toISOString(),
        version: counter,
        data: { dossierCode: d.code, procedureCode: d.procedureCode, provinceCode: d.provinceCode, communeCode: d.communeCode, status: 'PROCESSING' },
      };
    };
    const url = `${base}/ingest/provincial`;
    const pool = new Pool(base, { connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });
    cleanup.push(() => pool.close());

    /** A signed delivery of `batchSize` new events, ready to send (its signature holds for the tolerance, 5 minutes). */
    const prepare = (batchSize: number): { body: string; headers: Record<string, string>; ids: string[] } => {
      const events = Array.from({ length: batchSize }, nextEvent);
      const body = JSON.stringify(batchSize === 1 ? events[0] : events);
      const signed = signDelivery(url, [secret], body, `msg_${counter}`, new Date());
      return { body, headers: signed.headers, ids: events.map((e) => e['id'] as string) };
    };
    const send = async (delivery: ReturnType<typeof prepare>): Promise<{ ms: number; ok: boolean; ids: string[] }> => {
      const started = process.hrtime.bigint();
      const res = await pool.request({ path: '/ingest/provincial', method: 'POST', headers: delivery.headers, body: delivery.body });
      await res.body.text();
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      return { ms, ok: res.statusCode === 200, ids: delivery.ids };
    };
    const deliver = (batchSize: number): Promise<{ ms: number; ok: boolean; ids: string[] }> => send(prepare(batchSize));

    const durable = async (ids: string[]): Promise<number> => {
      let found = 0;
      for (let i = 0; i < ids.length; i += 10_000) {
        const [row] = await sql<{ n: number }[]>`select count(*)::int as n from inbound_events where system = 'provincial' and event_id = any(${ids.slice(i, i + 10_000)})`;
        found += row?.n ?? 0;
      }
      return found;
    };

    const processes = (): Record<string, number[]> => ({
      hub: hub.child.pid === undefined ? [] : [hub.child.pid],
      // ROLE=all: the worker process `lienthong start` runs beside the API (none with ROLE=api).
      workers: hub.child.pid === undefined ? [] : childrenOf(hub.child.pid),
      postgres: postgresPids(join(root, 'pg')),
      redis: redis.process.pid === undefined ? [] : [redis.process.pid],
    });
    const scrape = async (): Promise<string> => (await fetch(`${base}/metrics`)).text();
    const wal = async (): Promise<{ bytes: number; fpi: number; records: number }> => {
      const [row] = await sql<{ bytes: string; fpi: string; records: string }[]>`select wal_bytes::text as bytes, wal_fpi::text as fpi, wal_records::text as records from pg_stat_wal`;
      return { bytes: Number(row?.bytes ?? 0), fpi: Number(row?.fpi ?? 0), records: Number(row?.records ?? 0) };
    };
    /** Runs a phase and adds what it cost: CPU per process, and the hub's inbox statements. */
    const measured = async (run: () => Promise<Phase>): Promise<Phase> => {
      const groups = processes();
      const cpuBefore = cpuSeconds(groups);
      const ownBefore = process.cpuUsage();
      const metricsBefore = await scrape();
      const storeBefore = storeCounters(metricsBefore);
      const walBefore = await wal();
      if (pgStatements) await sql`select pg_stat_statements_reset()`;
      const phase = await run();
      if (pgStatements) {
        phase.topStatements = (
          await sql<{ calls: string; total_ms: number; mean_ms: number; rows: string; query: string }[]>`
            select calls::text, total_exec_time::float8 as total_ms, mean_exec_time::float8 as mean_ms, rows::text,
                   regexp_replace(left(query, 160), '[[:space:]]+', ' ', 'g') as query
            from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
            order by total_exec_time desc limit 8`
        ).map((r) => ({ calls: Number(r.calls), totalMs: Math.round(r.total_ms), meanMs: Number(r.mean_ms.toFixed(3)), rows: Number(r.rows), query: r.query }));
      }
      const own = process.cpuUsage(ownBefore);
      const cpuAfter = cpuSeconds(groups);
      const metricsAfter = await scrape();
      const storeAfter = storeCounters(metricsAfter);
      const walAfter = await wal();
      phase.hub = hubTail(metricsBefore, metricsAfter);
      const per1000 = (seconds: number): number => Number(((seconds * 1_000 * 1_000) / Math.max(1, phase.events)).toFixed(1));
      phase.cpuMsPer1000Events = {
        ...Object.fromEntries(Object.keys(groups).map((k) => [k, per1000((cpuAfter[k] ?? 0) - (cpuBefore[k] ?? 0))])),
        bench: per1000((own.user + own.system) / 1e6),
      };
      const perEvents = (n: number): number => Number(((n * 1_000) / Math.max(1, phase.events)).toFixed(1));
      phase.walPer1000Events = {
        kB: perEvents((walAfter.bytes - walBefore.bytes) / 1_024),
        fullPageImages: perEvents(walAfter.fpi - walBefore.fpi),
        records: perEvents(walAfter.records - walBefore.records),
      };
      const statements = storeAfter.statements - storeBefore.statements;
      phase.store = {
        statements,
        deliveriesPerStatement: Number(((storeAfter.deliveries - storeBefore.deliveries) / Math.max(1, statements)).toFixed(1)),
        meanMs: Number((((storeAfter.seconds - storeBefore.seconds) * 1_000) / Math.max(1, statements)).toFixed(2)),
      };
      return phase;
    };

    const closedLoop = async (name: string, batchSize: number, connections: number): Promise<Phase> => {
      const latencies: number[] = [];
      const acked: string[] = [];
      let non2xx = 0;
      const deadline = Date.now() + DURATION_S * 1_000;
      const started = Date.now();
      await Promise.all(
        Array.from({ length: connections }, async () => {
          while (Date.now() < deadline) {
            const r = await deliver(batchSize);
            latencies.push(r.ms);
            if (r.ok) acked.push(...r.ids);
            else non2xx += 1;
          }
        }),
      );
      const seconds = (Date.now() - started) / 1_000;
      return summarize(name, acked, latencies, non2xx, seconds, await durable(acked));
    };

    const openLoop = async (name: string, rate: number, prepared: ReadonlyArray<ReturnType<typeof prepare>>): Promise<Phase> => {
      const latencies: number[] = [];
      const acked: string[] = [];
      let non2xx = 0;
      const total = prepared.length;
      const started = Date.now();
      const inFlight: Array<Promise<void>> = [];
      // Each request leaves at its scheduled instant, whether earlier ones have answered or not.
      for (let i = 0; i < total; i += 1) {
        const due = started + (i * 1_000) / rate;
        const wait = due - Date.now();
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
        inFlight.push(
          send(prepared[i] as ReturnType<typeof prepare>).then((r) => {
            latencies.push(r.ms);
            if (r.ok) acked.push(...r.ids);
            else non2xx += 1;
          }),
        );
      }
      await Promise.all(inFlight);
      const seconds = (Date.now() - started) / 1_000;
      return summarize(name, acked, latencies, non2xx, seconds, await durable(acked));
    };

    // Warm-up: JIT, connection pools, prepared statements.
    await closedLoop('warm-up', 10, 4).catch(() => undefined);
    const phases: Phase[] = [];
    // With workers in the process, each phase starts once the previous one's events are applied.
    const settle = args.role === 'api' ? () => Promise.resolve() : () => drain(sql);
    phases.push(await measured(() => closedLoop('batches of 100, closed loop', 100, Number(args['batch-connections']))));
    await settle();
    phases.push(await measured(() => closedLoop('single events, closed loop', 1, Number(args['single-connections']))));
    await settle();
    // Built and signed before the phase, as a sender on another machine would have them: the load
    // generator shares the hub's two cores, and signing on the schedule took a fifth of one.
    const openLoopDeliveries = Array.from({ length: Math.round(RATE * DURATION_S) }, () => prepare(1));
    phases.push(await measured(() => openLoop(`single events at ${RATE}/s, open loop`, RATE, openLoopDeliveries)));
    const drainStarted = Date.now();
    await settle();
    const drainSeconds = (Date.now() - drainStarted) / 1_000;

    const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
    const report = {
      date: new Date().toISOString(),
      commit,
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', loadavgAtStart: loadAtStart, loadavgAtEnd: loadavg() },
      conditions: {
        role: args.role,
        durationSeconds: DURATION_S,
        postgres: 'embedded-postgres, fsync on, synchronous_commit on',
        redis: 'redis-server, appendonly yes, everysec',
        workers: args.role === 'api' ? 'none (ROLE=api)' : 'apply workers in the worker process lienthong start runs beside the API (ROLE=all, WORKERS=process)',
        client: 'undici Pool in the bench process on the same machine; open-loop deliveries built and signed before the phase',
      },
      phases,
      drainSecondsAfterLastPhase: drainSeconds,
    };
    await mkdir(join(ROOT, 'bench/out'), { recursive: true });
    await writeFile(join(ROOT, `bench/out/ingest-${report.date.slice(0, 19).replace(/[:T]/g, '-')}.json`), JSON.stringify(report, null, 2));
    process.stdout.write(
      `\n${table(phases)}\n\n${hubSide(phases)}\n\n${costs(phases)}\n\n${statements(phases)}\n\ncommit ${commit}, ${report.machine.cpus} cores, role ${args.role}, load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}; backlog applied ${drainSeconds.toFixed(1)} s after the last phase\n`,
    );
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  }
}

function summarize(name: string, acked: string[], latencies: number[], non2xx: number, seconds: number, durableCount: number): Phase {
  latencies.sort((a, b) => a - b);
  const at = (p: number): number => Number((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0).toFixed(2));
  return {
    name,
    events: acked.length,
    deliveries: latencies.length,
    seconds: Number(seconds.toFixed(2)),
    eventsPerSecond: Math.round(acked.length / seconds),
    latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: Number((latencies.at(-1) ?? 0).toFixed(2)) },
    non2xx,
    durable: durableCount,
    cpuMsPer1000Events: {},
    walPer1000Events: { kB: 0, fullPageImages: 0, records: 0 },
    store: { statements: 0, deliveriesPerStatement: 0, meanMs: 0 },
  };
}

/** Waits until the workers applied everything, so one phase's apply work does not load the next. */
async function drain(sql: postgres.Sql): Promise<void> {
  for (;;) {
    // An event keeps its outbox row until it is applied (or superseded, or rejected).
    const [row] = await sql<{ waiting: boolean }[]>`select exists (select 1 from outbox) as waiting`;
    if (row?.waiting !== true) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function statements(phases: Phase[]): string {
  return phases
    .filter((p) => p.topStatements)
    .map((p) => [`${p.name}: PostgreSQL statements by total time`, ...(p.topStatements ?? []).map((t) => `  ${t.totalMs} ms, ${t.calls} calls, mean ${t.meanMs} ms, ${t.rows} rows: ${t.query}`)].join('\n'))
    .join('\n\n');
}

function costs(phases: Phase[]): string {
  const names = [...new Set(phases.flatMap((p) => Object.keys(p.cpuMsPer1000Events)))];
  const lines = [
    `| phase | ${names.map((n) => `CPU ms per 1,000 events: ${n}`).join(' | ')} | WAL kB / full-page images per 1,000 events | inbox statements | deliveries per statement | statement mean ms |`,
    `|---|${names.map(() => '---').join('|')}|---|---|---|---|`,
    ...phases.map(
      (p) =>
        `| ${p.name} | ${names.map((n) => p.cpuMsPer1000Events[n] ?? '').join(' | ')} | ${p.walPer1000Events.kB} / ${p.walPer1000Events.fullPageImages} | ${p.store.statements} | ${p.store.deliveriesPerStatement} | ${p.store.meanMs} |`,
    ),
  ];
  return lines.join('\n');
}

function hubSide(phases: Phase[]): string {
  return [
    '| phase | acks the hub took over 25 ms | inbox statements over 10 ms | event-loop delay p99 ms | event-loop delay max ms | GC ms |',
    '|---|---|---|---|---|---|',
    ...phases.map((p) => `| ${p.name} | ${p.hub ? `${p.hub.acksOver25Ms} of ${p.hub.acks}` : ''} | ${p.hub ? `${p.hub.statementsOver10Ms} of ${p.hub.statements}` : ''} | ${p.hub?.loopDelayP99Ms ?? ''} | ${p.hub?.loopDelayMaxMs ?? ''} | ${p.hub?.gcMs ?? ''} |`),
  ].join('\n');
}

function table(phases: Phase[]): string {
  const lines = [
    '| phase | events acked | events/s | ack p50 ms | ack p90 ms | ack p99 ms | max ms | non-2xx | durable |',
    '|---|---|---|---|---|---|---|---|---|',
    ...phases.map(
      (p) =>
        `| ${p.name} | ${p.events} | ${p.eventsPerSecond} | ${p.latencyMs.p50} | ${p.latencyMs.p90} | ${p.latencyMs.p99} | ${p.latencyMs.max} | ${p.non2xx} | ${p.durable === p.events ? 'all' : `${p.durable} of ${p.events}`} |`,
    ),
  ];
  return lines.join('\n');
}

async function startHub(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const profile = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/main.ts', 'start'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start:\n${out}`)), 120_000);
    child.stdout?.on('data', () => {
      const match = /GraphQL\s+(http:\/\/\S+)/.exec(out);
      if (match?.[1] && out.includes('Press Ctrl-C')) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`hub exited with ${code}:\n${out}`)));
  });
  return { child, url };
}

await main();
