import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import type { DossierSource } from '../src/connectors/connector.js';
import { NationalPortalConnector } from '../src/connectors/national-portal/client.js';
import { ProvincialConnector } from '../src/connectors/provincial/client.js';
import { SpecializedConnector } from '../src/connectors/specialized/client.js';
import { migrateDatabase } from '../src/db/client.js';
import { ObservationRepository } from '../src/db/observation.repository.js';
import { seedAdministrativeUnits } from '../src/db/seed-administrative-units.js';
import { SyncCursorRepository } from '../src/db/sync-cursor.repository.js';
import { silentLogger } from '../src/logger.js';
import { startEmbeddedPostgres } from '../src/runtime/embedded-postgres.js';
import { startLocalRedis, stopChild } from '../src/runtime/local-redis.js';
import { DossierSyncService } from '../src/services/dossier-sync.service.js';

/**
 * bench/reconcile: reconciliation of one province at national scale on this machine.
 *
 * `npm run bench -- reconcile [--dossiers 1000000] [--drift 0.02] [--change 0.01]` starts its own
 * embedded PostgreSQL (fsync on) and redis-server (AOF) in a temporary directory, the dossier
 * systems in a process of their own (`bench/reconcile-simulators.ts`: the provincial one-stop
 * shop, the ministry's specialized software and the national portal over one province, with
 * `--drift` of the dossiers disagreeing on purpose) and the hub's worker (`lienthong start`,
 * ROLE=worker, no schedules), then runs a FULL reconciliation, moves `--change` of the dossiers
 * one step in the systems (half in the provincial system, half in the specialized one), and runs
 * an INCREMENTAL one.
 *
 * Runs are started with `lienthong reconcile --province P --mode full|incremental --wait
 * --dry-run` (`--apply-corrections` drops `--dry-run`: corrections are then sent to the
 * simulators, during the next run). For each run: wall time from enqueue to done (the CLI's
 * `wallMs`), the run row's own started → finished span, the CLI process's time, dossiers
 * compared per second of wall time, peak RSS of the worker (VmRSS sampled every 100 ms, and
 * VmHWM reset through /proc/<pid>/clear_refs before the run), and CPU seconds of the worker, the
 * simulators, PostgreSQL (postmaster and backends) and Redis. In a tree without the `reconcile`
 * command the bench enqueues the `reconcile-province` job itself and waits for its run row.
 *
 * Diagnostics, in the same set-up: `--feeds-only` reads each system's whole change feed through
 * its connector, page by page, and stores nothing (records/s per system, CPU of reader and
 * simulators); `--ingest-only` pulls the feeds into PostgreSQL through DossierSyncService.pull,
 * once from the start and once more after the change (rows/s, CPU of reader, simulators and
 * PostgreSQL). `--phases feeds,ingest,runs` runs several in one set-up (the simulators take a
 * minute or more to build a million dossiers). `--cpu-prof DIR` profiles the reading process
 * (feeds, ingest) and the worker (runs) and prints where their time went.
 *
 * Results: tables on stdout and `bench/out/reconcile-<date>.json`.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SIMULATORS_SCRIPT = fileURLToPath(new URL('./reconcile-simulators.ts', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const TERMINAL = new Set(['SUCCEEDED', 'PARTIAL', 'FAILED']);
/** Records asked per change-feed page, as DossierSyncService asks. */
const FEED_PAGE = 1_000;

const { values: args } = parseArgs({
  options: {
    dossiers: { type: 'string', default: '1000000' },
    drift: { type: 'string', default: '0.02' },
    'portal-drift': { type: 'string', default: '0.02' },
    /** Share of dossiers moved one step between the full and the incremental run. */
    change: { type: 'string', default: '0.01' },
    seed: { type: 'string', default: '20250701' },
    province: { type: 'string', default: '96' },
    'feeds-only': { type: 'boolean', default: false },
    'ingest-only': { type: 'boolean', default: false },
    /** Comma-separated: feeds, ingest, runs (in that order whatever the order given). */
    phases: { type: 'string' },
    /** Write V8 CPU profiles of the reader and the worker into this directory and summarise them. */
    'cpu-prof': { type: 'string' },
    /** Heap limit of the simulators' process, MB (a million dossiers with the portal take ~4 GB). */
    'simulators-heap': { type: 'string', default: '8192' },
    /**
     * Let runs send their corrections to the simulators. Off by default: runs are `--dry-run`
     * (they compute and record corrections, send none), so the full run's write-backs do not
     * run during the incremental one nor change what it reads.
     */
    'apply-corrections': { type: 'boolean', default: false },
    /**
     * The runs, in order (full|incremental, comma-separated). `full,full,incremental` also measures
     * a FULL run over a hub that already holds every observation (a nightly run), not only the
     * first one, which loads ~3M observations into an empty database. `--change` of the dossiers
     * move before each incremental run.
     */
    runs: { type: 'string', default: 'full,incremental' },
    /**
     * The worker's V8 old-space limit, MB (`--max-old-space-size`, as a deployment sets it with
     * NODE_OPTIONS). Unset, V8 lets garbage grow the heap far beyond what a run keeps alive.
     */
    'worker-heap': { type: 'string' },
    /**
     * Log the plan of every statement slower than this many milliseconds (auto_explain, with row
     * counts but no per-node timing) to `bench/out/reconcile-<date>-plans.log`. Off (0) by default:
     * counting rows instruments every statement, not only the slow ones.
     */
    'explain-ms': { type: 'string', default: '0' },
    /** Longest wait for one run, seconds. */
    'run-timeout': { type: 'string', default: '1800' },
    /**
     * Diagnostic: `off` opens the ingest reader's connections with postgres.js `prepare: false`,
     * to show what the client's per-signature statement cache costs in memory and time.
     */
    'ingest-prepare': { type: 'string', default: 'on' },
    /** Internal: run as the reading process (`feeds` or `ingest`). */
    reader: { type: 'string' },
  },
});

// ---------------------------------------------------------------------------------------------
// Process measurements from /proc

/** CPU time of a process in ms (user, system), plus that of its reaped children when asked. */
function procCpuMs(pid: number, withReapedChildren = false): { user: number; system: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command: state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17), 1-based.
    const at = (n: number): number => Number(fields[n - 3] ?? 0);
    const tick = 1_000 / CLOCK_TICKS;
    return {
      user: (at(14) + (withReapedChildren ? at(16) : 0)) * tick,
      system: (at(15) + (withReapedChildren ? at(17) : 0)) * tick,
    };
  } catch {
    return { user: 0, system: 0 };
  }
}

/** CPU of a process tree (a postmaster and its backends): live children plus those already reaped. */
function treeCpuMs(rootPid: number): { user: number; system: number } {
  const total = procCpuMs(rootPid, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== rootPid) continue;
      const child = procCpuMs(Number(entry));
      total.user += child.user;
      total.system += child.system;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Resets the process's peak RSS (VmHWM) to its current RSS (Linux ≥ 4.0). */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples a process's VmRSS every 100 ms; `peak()` is the highest sample since the last reset. */
class RssSampler {
  private max = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 100);
    this.sample();
  }

  sample(): number {
    const kb = statusKb(this.pid, 'VmRSS');
    if (kb > this.max) this.max = kb;
    return kb;
  }

  reset(): void {
    this.max = 0;
    this.sample();
  }

  peakMb(): number {
    return Math.round(this.max / 1024);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** The statements that took longest since the last reset, by total execution time (nested ones included). */
async function statementTimes(sql: postgres.Sql, limit = 15): Promise<Array<{ ms: number; calls: number; query: string }>> {
  const rows = await sql<{ ms: number; calls: number; query: string }[]>`
    select round(total_exec_time)::int as ms, calls::int, query from pg_stat_statements
    where dbid = (select oid from pg_database where datname = current_database()) and query not like '%pg_stat%'
    order by total_exec_time desc limit ${limit}`;
  return rows.map((r) => ({ ...r, query: r.query.replace(/\s+/g, ' ').trim().slice(0, 140) }));
}

/**
 * Where PostgreSQL spends a run: every 500 ms, the statements active in the database (other than
 * this one's), each credited with the interval it was seen running. Coarse, but it needs no
 * extension and no server log.
 */
class StatementSampler {
  private readonly seen = new Map<string, number>();
  private readonly phases = new Map<string, { seconds: number; maxRssMb: number }>();
  private readonly timer: NodeJS.Timeout;
  private busy = false;
  /** Only runs created after this count: before its row exists, a run is still being enqueued. */
  private since = new Date();

  /** `rssMb` reads the worker's RSS, credited to the phase of the latest run at each sample. */
  constructor(
    private readonly sql: postgres.Sql,
    private readonly rssMb: () => number,
  ) {
    this.timer = setInterval(() => void this.sample(), 500);
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const [row] = await this.sql<{ phase: string | null; queries: string[] }[]>`
        select (select status || '/' || phase from reconciliation_runs where created_at >= ${this.since}
                order by created_at desc limit 1) as phase,
          array(select query from pg_stat_activity
                where datname = current_database() and state = 'active' and pid <> pg_backend_pid()
                  and backend_type in ('client backend', 'autovacuum worker')) as queries`;
      const phase = row?.phase ?? 'enqueuing';
      const entry = this.phases.get(phase) ?? { seconds: 0, maxRssMb: 0 };
      entry.seconds += 0.5;
      entry.maxRssMb = Math.max(entry.maxRssMb, this.rssMb());
      this.phases.set(phase, entry);
      for (const query of row?.queries ?? []) {
        const key = query.replace(/\s+/g, ' ').trim().slice(0, 140);
        this.seen.set(key, (this.seen.get(key) ?? 0) + 0.5);
      }
    } catch {
      // the database is busy or restarting: skip a sample
    } finally {
      this.busy = false;
    }
  }

  /** Seconds each statement was seen active, largest first, and resets. */
  take(limit = 12): Array<[string, number]> {
    const top = [...this.seen].sort((a, b) => b[1] - a[1]).slice(0, limit);
    this.seen.clear();
    return top;
  }

  /** Seconds spent in each status/phase of the latest run, with the worker's highest RSS then; resets. */
  takePhases(): Record<string, { seconds: number; maxRssMb: number }> {
    const out = Object.fromEntries(this.phases);
    this.phases.clear();
    this.since = new Date();
    return out;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

interface CpuSnapshot {
  at: number;
  [name: string]: number;
}

/** CPU seconds per named process between two snapshots. */
function cpuSnapshot(pids: Record<string, { pid: number; tree?: boolean } | undefined>): CpuSnapshot {
  const snap: CpuSnapshot = { at: performance.now() };
  for (const [name, p] of Object.entries(pids)) {
    if (!p) continue;
    const cpu = p.tree ? treeCpuMs(p.pid) : procCpuMs(p.pid);
    snap[name] = cpu.user + cpu.system;
  }
  return snap;
}

function cpuDelta(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(before)) {
    if (name === 'at') continue;
    out[name] = round(((after[name] ?? 0) - (before[name] ?? 0)) / 1_000, 2);
  }
  return out;
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

// ---------------------------------------------------------------------------------------------
// The reading process (`--reader feeds|ingest`): connectors in a process of their own, so its CPU,
// memory and profile are its own.

interface ReaderSystemResult {
  system: string;
  records: number;
  pages: number;
  wallMs: number;
  recordsPerSecond: number;
  cpuSeconds: { reader: number; simulators: number; postgres?: number };
  error: string | null;
}

async function reader(kind: string): Promise<void> {
  const env = process.env;
  const urls = JSON.parse(env['BENCH_URLS'] ?? '{}') as Record<string, string>;
  const province = env['BENCH_PROVINCE'] ?? '96';
  const simPid = Number(env['BENCH_SIM_PID']);
  const pgPid = Number(env['BENCH_PG_PID']);
  const logger = silentLogger();
  // As the hub's connectors are built (config UPSTREAM_TIMEOUT_MS, default 2,000 ms).
  const resilience = { timeoutMs: Number(env['UPSTREAM_TIMEOUT_MS'] ?? 2_000) };
  const portal = new NationalPortalConnector({ baseUrl: urls['national-portal'] ?? '', logger, resilience });
  const sources: DossierSource[] = [
    new ProvincialConnector({ baseUrl: urls['provincial'] ?? '', logger, resilience }),
    new SpecializedConnector({ baseUrl: urls['specialized'] ?? '', logger, resilience }),
  ];
  // The portal's change feed is new: read it when this tree's connector has one.
  const portalSource: unknown = portal;
  if (isDossierSource(portalSource)) sources.push(portalSource);
  const skipped = sources.length === 3 ? [] : ['national-portal (its connector has no dossierChanges)'];

  const pids = { reader: { pid: process.pid }, simulators: { pid: simPid }, ...(kind === 'ingest' ? { postgres: { pid: pgPid, tree: true } } : {}) };
  const results: ReaderSystemResult[] = [];
  const prepare = env['BENCH_INGEST_PREPARE'] !== 'off';
  const sql = kind === 'ingest' ? postgres(env['BENCH_DATABASE_URL'] ?? '', { max: 4, prepare, onnotice: () => undefined }) : null;
  const sync = sql ? new DossierSyncService(sql, new ObservationRepository(), new SyncCursorRepository(sql), logger) : null;
  let peakHeapMb = 0;
  for (const source of sources) {
    const before = cpuSnapshot(pids);
    let records = 0;
    let pages = 0;
    let error: string | null = null;
    if (sync) {
      const record = await sync.pull(source, province);
      records = record.read;
      pages = Number.NaN; // not visible through pull(); the simulators' request counts have it
      error = record.error ? `${record.error.code}: ${record.error.message}` : null;
    } else {
      let cursor: string | null = null;
      try {
        for (;;) {
          // As DossierSyncService asks (each connector caps it at its system's page limit).
          const page = await source.dossierChanges(province, cursor, FEED_PAGE);
          records += page.items.length;
          pages += 1;
          cursor = page.nextCursor;
          if (pages % 200 === 0) peakHeapMb = Math.max(peakHeapMb, process.memoryUsage().heapUsed / 1_048_576);
          if (!page.hasMore) break;
        }
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    }
    const after = cpuSnapshot(pids);
    const wallMs = after.at - before.at;
    const cpu = cpuDelta(before, after);
    results.push({
      system: source.system,
      records,
      pages,
      wallMs: Math.round(wallMs),
      recordsPerSecond: Math.round(records / (wallMs / 1_000)),
      cpuSeconds: { reader: cpu['reader'] ?? 0, simulators: cpu['simulators'] ?? 0, ...(kind === 'ingest' ? { postgres: cpu['postgres'] ?? 0 } : {}) },
      error,
    });
  }
  let stored: Record<string, number> | undefined;
  if (sql) {
    const rows = await sql<{ system: string; n: number }[]>`select system, count(*)::int as n from observations group by system order by system`;
    const [dossiers] = await sql<{ n: number }[]>`select count(*)::int as n from dossiers`;
    stored = { dossiers: dossiers?.n ?? 0, ...Object.fromEntries(rows.map((r) => [`observations.${r.system}`, r.n])) };
    await sql.end({ timeout: 5 });
  }
  await Promise.allSettled([...sources.map((s) => s.close()), portal.close()]);
  process.stdout.write(
    `${JSON.stringify({ results, skipped, stored, memory: { peakHeapMb: Math.round(peakHeapMb), rssMb: Math.round(process.memoryUsage().rss / 1_048_576) } })}\n`,
  );
}

function isDossierSource(connector: unknown): connector is DossierSource {
  return typeof (connector as { dossierChanges?: unknown }).dossierChanges === 'function';
}

// ---------------------------------------------------------------------------------------------
// Child processes

/** A child that answers commands with JSON lines on stdout. */
class LineChild {
  readonly child: ChildProcess;
  private readonly waiting: Array<(line: Record<string, unknown>) => void> = [];
  private readonly stderrTail: string[] = [];
  private exited: string | null = null;

  constructor(command: string, argv: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(command, argv, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const next = this.waiting.shift();
      if (next) next(JSON.parse(line) as Record<string, unknown>);
    });
    createInterface({ input: this.child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > 60) this.stderrTail.shift();
    });
    this.child.once('exit', (code, signal) => {
      this.exited = `exited with ${code ?? signal}`;
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** The next JSON line, or an error if the child exits or the deadline passes first. */
  next(timeoutMs: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      if (this.exited) {
        reject(new Error(`child ${this.exited}:\n${this.stderrTail.join('\n')}`));
        return;
      }
      const onExit = (): void => {
        clearTimeout(timer);
        reject(new Error(`child ${this.exited ?? 'exited'}:\n${this.stderrTail.join('\n')}`));
      };
      const timer = setTimeout(() => {
        this.child.off('exit', onExit);
        reject(new Error(`no answer within ${timeoutMs} ms:\n${this.stderrTail.join('\n')}`));
      }, timeoutMs);
      this.child.once('exit', onExit);
      this.waiting.push((line) => {
        clearTimeout(timer);
        this.child.off('exit', onExit);
        resolve(line);
      });
    });
  }

  command(line: string, timeoutMs = 120_000): Promise<Record<string, unknown>> {
    const answer = this.next(timeoutMs);
    this.child.stdin?.write(`${line}\n`);
    return answer;
  }

  tail(): string {
    return this.stderrTail.join('\n');
  }
}

interface Worker {
  child: ChildProcess;
  output: string[];
  /** The worker's log lines of a run's steps with their durations (planned, partition compared, finished), not yet taken. */
  steps: string[];
}

/** A worker log line of a run's step, shortened to what says where its time went. */
function stepLine(line: string): string | null {
  if (!line.includes('"msg":"reconciliation ')) return null;
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    const timings = entry['planMs'] ?? entry['partitionMs'] ?? entry['finalizeMs'];
    if (!timings) return null;
    const n = (key: string): string => (typeof entry[key] === 'number' ? String(entry[key]) : '?');
    const which = entry['partition'] === undefined ? '' : ` ${n('partition')}`;
    const extra = entry['candidates'] === undefined ? '' : ` (${n('differing')} differing, ${n('candidates')} candidates)`;
    return `${String(entry['msg'])}${which}${extra}: ${Object.entries(timings as Record<string, number>).map(([k, v]) => `${k} ${v}`).join(', ')} ms`;
  } catch {
    return null;
  }
}

async function startWorker(env: Record<string, string>, profileDir: string | undefined, heapMb: number | undefined): Promise<Worker> {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const heap = heapMb ? [`--max-old-space-size=${heapMb}`] : [];
  const child = spawn(process.execPath, [...heap, ...profile, '--import', 'tsx', 'src/main.ts', 'start'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const steps: string[] = [];
  const keep = (chunk: Buffer): void => {
    const lines = chunk.toString().split('\n').filter(Boolean);
    for (const line of lines) {
      const step = stepLine(line);
      if (step) steps.push(step);
    }
    output.push(...lines);
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output.join('\n')}`)), 180_000);
    const check = (): void => {
      if (output.some((l) => l.includes('Press Ctrl-C'))) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}:\n${output.join('\n')}`));
    });
  });
  return { child, output, steps };
}

/** True when this tree's CLI has the `reconcile` command (listed in `lienthong help`). */
function cliHasReconcile(): boolean {
  const help = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'help'], { cwd: ROOT, encoding: 'utf8' });
  return /^\s+reconcile\b/m.test(help.stdout ?? '');
}

/** `lienthong reconcile --province P --mode M --wait`: its JSON line, and its own wall time. */
async function reconcileByCli(env: Record<string, string>, province: string, mode: string, dryRun: boolean, timeoutMs: number): Promise<Record<string, unknown>> {
  const timeout = String(Math.ceil(timeoutMs / 1_000));
  const argv = ['--import', 'tsx', 'src/main.ts', 'reconcile', '--province', province, '--mode', mode, '--wait', '--timeout', timeout, ...(dryRun ? ['--dry-run'] : [])];
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs + 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  const line = out.split('\n').reverse().find((l) => l.trim().startsWith('{'));
  if (!line) throw new Error(`lienthong reconcile exited with ${code} without a JSON line:\n${out}\n${err}`);
  return JSON.parse(line) as Record<string, unknown>;
}

/**
 * Without the CLI: enqueues the existing `reconcile-province` job as its schedule does (no run
 * row beforehand; the job creates it under its own job id) and waits for the run to end.
 */
async function reconcileByQueue(
  redisUrl: string,
  sql: postgres.Sql,
  province: string,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const queue = new Queue('reconciliation', { connection, prefix: 'lienthong' });
  const jobId = `bench-${randomUUID()}`;
  try {
    await queue.add('reconcile-province', { provinceCode: province }, { jobId, attempts: 1, removeOnComplete: { count: 1_000 }, removeOnFail: { count: 1_000 } });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [run] = await sql<Array<Record<string, unknown>>>`select * from reconciliation_runs where job_id = ${jobId}`;
      if (run && TERMINAL.has(String(run['status']))) {
        const started = run['started_at'] as Date | null;
        const finished = run['finished_at'] as Date | null;
        return {
          runId: run['id'],
          status: run['status'],
          mode: 'existing job',
          dossiersCompared: run['dossiers_compared'],
          mismatchCount: run['mismatch_count'],
          countsByClass: run['counts_by_class'],
          startedAt: started?.toISOString() ?? null,
          finishedAt: finished?.toISOString() ?? null,
          runMs: started && finished ? finished.getTime() - started.getTime() : null,
          sources: run['sources'],
          failureReason: run['failure_reason'],
        };
      }
      const job = await queue.getJob(jobId);
      if (job && (await job.isFailed())) throw new Error(`reconcile job failed: ${job.failedReason}`);
      if (Date.now() > deadline) throw new Error(`run of job ${jobId} not finished within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// CPU profiles

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Where a V8 profile's time went: by category (library or hub code) and the top functions by self time. */
function summariseProfile(file: string): { totalMs: number; categories: Array<[string, number]>; functions: Array<[string, number]> } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const categories = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    total += us;
    const category = categoryOf(frame);
    categories.set(category, (categories.get(category) ?? 0) + us);
    const where = frame.url ? `${frame.url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number): Array<[string, number]> =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => [k, Math.round(v / 1_000)]);
  return { totalMs: Math.round(total / 1_000), categories: top(categories, 20), functions: top(functions, 25) };
}

/**
 * Node names a profile `CPU.<date>.<pid>.<thread>.<seq>.cpuprofile`; under tsx thread 0 is the
 * program and another thread tsx's module loader. Keeps the program's as `<label>-<pid>.cpuprofile`.
 */
function nameProfiles(dir: string, pid: number, label: string): void {
  for (const f of readdirSync(dir)) {
    const match = /^CPU\.\d+\.\d+\.(\d+)\.(\d+)\.\d+\.cpuprofile$/.exec(f);
    if (match?.[1] === String(pid) && match[2] === '0') renameSync(join(dir, f), join(dir, `${label}-${pid}.cpuprofile`));
  }
}

function categoryOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'program (V8/native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg?.[1]) return pkg[1];
  const hub = /\/src\/(.+)$/.exec(url);
  if (hub?.[1]) return `src/${hub[1]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[1] ?? url.slice(5)}`;
  if (!url) return `native ${functionName}`;
  return url;
}

// ---------------------------------------------------------------------------------------------
// The benchmark

interface RunResult {
  run: string;
  trigger: 'cli' | 'queue';
  status: string;
  /** Enqueue → seen finished (the CLI's `wallMs`); without the CLI, the bench's own wait. */
  wallSeconds: number;
  /** The CLI process from spawn to exit (adds Node and tsx start-up, ~2–3 s). */
  processSeconds: number;
  /** started_at → finished_at of the run row. */
  runSeconds: number | null;
  dossiersCompared: number;
  rowsPerSecond: number;
  mismatches: number;
  workerPeakRssMb: number;
  workerHwmMb: number;
  workerRssBeforeMb: number;
  cpuSeconds: Record<string, number>;
  changedBefore?: Record<string, unknown>;
  simulatorRequests: Record<string, unknown>;
  /** How late the simulators' event loop ran (p50, p99, max ms): added to every answer the worker waits for. */
  simulatorsEventLoopDelayMs: Record<string, number>;
  /** Total execution ms, calls and text of the statements that took longest in the run (pg_stat_statements). */
  statementTimes: Array<{ ms: number; calls: number; query: string }>;
  /** Seconds PostgreSQL statements were seen active during the run (sampled every 500 ms). */
  statements: Array<[string, number]>;
  /** The worker's logged steps of the run, with milliseconds per step. */
  steps: string[];
  /** Seconds in each status/phase of the run (sampled every 500 ms) and the worker's peak RSS in it. */
  phases: Record<string, { seconds: number; maxRssMb: number }>;
  raw: Record<string, unknown>;
}

async function main(): Promise<void> {
  const logger = silentLogger();
  const dossiers = Number(args.dossiers);
  const changeCount = Math.round(dossiers * Number(args.change));
  const province = args.province ?? '96';
  const runTimeoutMs = Number(args['run-timeout']) * 1_000;
  const requested = args['feeds-only'] ? ['feeds'] : args['ingest-only'] ? ['ingest'] : (args.phases ?? 'runs').split(',').map((p) => p.trim());
  const phases = ['feeds', 'ingest', 'runs'].filter((p) => requested.includes(p));
  if (phases.length === 0) throw new Error('--phases takes feeds, ingest and/or runs');
  const profileDir = args['cpu-prof'] ? resolve(args['cpu-prof']) : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  const started = new Date();
  const loadBefore = loadavg();

  let workerPidForProfile = 0;
  const root = await mkdtemp(join(tmpdir(), 'lienthong-bench-reconcile-'));
  const explainMs = Number(args['explain-ms']);
  /** What PostgreSQL logged (auto_explain's plans among it), written out with the results. */
  const planLog: string[] = [];
  await chmod(root, 0o755);
  const cleanup: Array<() => Promise<unknown>> = [];
  // Ctrl-C or SIGTERM stops what the bench started (embedded-postgres' own handlers would exit
  // at once and leave the simulators, the worker and redis-server running).
  const interrupted = (signal: NodeJS.Signals): void => {
    process.stderr.write(`[reconcile] ${signal}: stopping what the bench started\n`);
    void (async () => {
      for (const step of cleanup.reverse()) await step().catch(() => undefined);
      cleanup.length = 0;
      await rm(root, { recursive: true, force: true });
      process.exit(130);
    })();
  };
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const say = (text: string): void => void process.stderr.write(`[reconcile ${((Date.now() - started.getTime()) / 1_000).toFixed(0)}s] ${text}\n`);
  try {
    say(`starting PostgreSQL and the simulators (${dossiers.toLocaleString('en')} dossiers, drift ${args.drift})`);
    const simulators = new LineChild(
      process.execPath,
      [`--max-old-space-size=${args['simulators-heap']}`, '--expose-gc', '--import', 'tsx', SIMULATORS_SCRIPT, '--dossiers', String(dossiers), '--drift', String(args.drift), '--portal-drift', String(args['portal-drift']), '--seed', String(args.seed), '--province', province],
      process.env,
    );
    cleanup.push(() => stopChild(simulators.child, 15_000));
    const pg = await startEmbeddedPostgres({
      dataDir: join(root, 'pg'),
      preferredPort: 0,
      database: 'lienthong_bench',
      logger,
      ephemeral: false,
      ...(explainMs > 0 ? { onLog: (line: string) => void planLog.push(line) } : {}),
      // Exact time per statement for each run (pg_stat_statements), beside the sampled view.
      settings: [
        `shared_preload_libraries=pg_stat_statements${explainMs > 0 ? ',auto_explain' : ''}`,
        'pg_stat_statements.track=all',
        ...(explainMs > 0
          ? [
              `auto_explain.log_min_duration=${explainMs}`,
              'auto_explain.log_analyze=on',
              'auto_explain.log_timing=off',
              'auto_explain.log_nested_statements=on',
            ]
          : []),
      ],
    });
    cleanup.push(() => pg.stop());
    const pgPid = Number(readFileSync(join(root, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    await migrateDatabase(pg.url);
    const sql = postgres(pg.url, { max: 2, onnotice: () => undefined });
    cleanup.push(() => sql.end({ timeout: 5 }));
    await seedAdministrativeUnits(sql);
    await sql`create extension if not exists pg_stat_statements`;

    const ready = await simulators.next(30 * 60_000);
    const urls = ready['urls'] as Record<string, string>;
    say(`simulators ready: ${JSON.stringify(ready['timings'])}, ${JSON.stringify(ready['memory'])}`);

    const report: Record<string, unknown> = {
      date: started.toISOString(),
      ...gitState(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), loadavgBefore: loadBefore, node: process.version },
      conditions: {
        dossiers,
        province,
        driftRate: Number(args.drift),
        portalDriftRate: Number(args['portal-drift']),
        changeRate: Number(args.change),
        changedDossiers: changeCount,
        ingestPrepare: args['ingest-prepare'],
        runs: args['apply-corrections'] ? 'corrections sent to the simulators' : 'dry runs (corrections computed and recorded, none sent)',
        postgres: 'embedded-postgres, fsync on, synchronous_commit on, shared_buffers 256MB',
        redis: 'redis-server, appendonly yes, everysec',
        simulators: 'one process (bench/reconcile-simulators.ts)',
        workerHeapMb: args['worker-heap'] ? Number(args['worker-heap']) : 'V8 default',
        upstreamTimeoutMs: 10_000,
      },
      simulators: { dataset: ready['dataset'], timings: ready['timings'], memory: ready['memory'] },
    };
    const readerEnv = { ...process.env, BENCH_INGEST_PREPARE: args['ingest-prepare'] ?? 'on', BENCH_URLS: JSON.stringify(urls), BENCH_PROVINCE: province, BENCH_SIM_PID: String(simulators.pid), BENCH_PG_PID: String(pgPid) };

    const runReader = async (kind: 'feeds' | 'ingest', databaseUrl?: string): Promise<Record<string, unknown>> => {
      const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
      const child = new LineChild(process.execPath, [...profile, '--import', 'tsx', SELF, '--reader', kind], { ...readerEnv, ...(databaseUrl ? { BENCH_DATABASE_URL: databaseUrl } : {}) });
      const sampler = new RssSampler(child.pid);
      try {
        const result = await child.next(runTimeoutMs);
        const hwm = Math.round(statusKb(child.pid, 'VmHWM') / 1024);
        await new Promise<void>((r) => (child.child.exitCode !== null ? r() : child.child.once('exit', () => r())));
        if (profileDir) nameProfiles(profileDir, child.pid, `reader-${kind}`);
        return { ...result, readerPeakRssMb: Math.max(sampler.peakMb(), hwm) };
      } finally {
        sampler.stop();
      }
    };

    if (phases.includes('feeds')) {
      say('feeds: reading each change feed through its connector');
      await simulators.command('requests');
      const feeds = await runReader('feeds');
      const answer = await simulators.command('requests');
      report['feeds'] = { ...feeds, simulatorRequests: answer['requests'], simulatorsEventLoopDelayMs: answer['eventLoopDelayMs'] };
      process.stdout.write(`\n${feedsTable(feeds)}\n`);
    }

    if (phases.includes('ingest')) {
      const ingestUrl = pg.url.replace(/\/lienthong_bench$/, '/lienthong_ingest');
      await sql.unsafe('create database lienthong_ingest');
      await migrateDatabase(ingestUrl);
      const ingestSql = postgres(ingestUrl, { max: 1, onnotice: () => undefined });
      await seedAdministrativeUnits(ingestSql);
      await ingestSql.end({ timeout: 5 });
      say('ingest: pulling every feed into PostgreSQL (DossierSyncService.pull) from the start');
      const full = await runReader('ingest', ingestUrl);
      say(`ingest: moving ${changeCount} dossiers, then pulling again from the stored cursors`);
      const advanced = await simulators.command(`advance ${changeCount}`);
      const incremental = await runReader('ingest', ingestUrl);
      report['ingest'] = { full, advanced, incremental };
      process.stdout.write(`\n${ingestTable(full, incremental)}\n`);
    }

    if (phases.includes('runs')) {
      const redis = await startLocalRedis({ dataDir: join(root, 'redis'), preferredPort: 0, logger, appendOnly: true });
      cleanup.push(() => redis.stop());
      const redisPid = redis.process.pid ?? 0;
      const hubEnv: Record<string, string> = {
        ROLE: 'worker',
        DATABASE_URL: pg.url,
        REDIS_URL: redis.url,
        DATA_DIR: join(root, 'data'),
        // info: the run steps' timings (see stepLine).
        LOG_LEVEL: 'info',
        PROVINCIAL_URL: urls['provincial'] ?? '',
        SPECIALIZED_URL: urls['specialized'] ?? '',
        NATIONAL_PORTAL_URL: urls['national-portal'] ?? '',
        POPULATION_URL: urls['population'] ?? '',
        CIVIL_REGISTRATION_URL: urls['civil-registration'] ?? '',
        PARTY_DOCUMENTS_URL: urls['party-documents'] ?? '',
        GOVERNMENT_DOCUMENTS_URL: urls['government-documents'] ?? '',
        DEMO_PROVINCES: province,
        // No schedule: the bench starts each run itself.
        RECONCILE_PROVINCES: '',
        // The three simulated systems of a million dossiers share one process and this machine's two
        // cores with the hub and PostgreSQL: their pauses (a major GC of a 2 GB heap, a starved event
        // loop) reach seconds, which a real system's own servers would not impose on the hub.
        UPSTREAM_TIMEOUT_MS: '10000',
      };
      const useCli = cliHasReconcile();
      say(`runs: starting the worker (ROLE=worker); runs started ${useCli ? 'with lienthong reconcile' : 'by enqueuing reconcile-province (no reconcile command in this tree)'}`);
      const worker = await startWorker(hubEnv, profileDir, args['worker-heap'] ? Number(args['worker-heap']) : undefined);
      const workerPid = worker.child.pid ?? 0;
      workerPidForProfile = workerPid;
      cleanup.push(() => stopChild(worker.child, 15_000));
      const sampler = new RssSampler(workerPid);
      cleanup.push(() => Promise.resolve(sampler.stop()));
      const idleRssMb = Math.round(statusKb(workerPid, 'VmRSS') / 1024);
      const statementsSql = postgres(pg.url, { max: 1, onnotice: () => undefined });
      const statements = new StatementSampler(statementsSql, () => Math.round(statusKb(workerPid, 'VmRSS') / 1024));
      cleanup.push(async () => {
        statements.stop();
        await statementsSql.end({ timeout: 5 });
      });
      const cliEnv = { DATABASE_URL: pg.url, REDIS_URL: redis.url, DATA_DIR: join(root, 'data'), LOG_LEVEL: 'warn' };
      const runs: RunResult[] = [];
      const modes = (args.runs ?? 'full,incremental').split(',').map((m) => m.trim());
      if (modes.some((m) => m !== 'full' && m !== 'incremental')) throw new Error('--runs takes full and incremental, comma-separated');
      for (const [index, mode] of modes.entries()) {
        let changedBefore: Record<string, unknown> | undefined;
        if (mode === 'incremental') {
          changedBefore = await simulators.command(`advance ${changeCount}`);
          say(`moved dossiers: ${JSON.stringify(changedBefore)}`);
        }
        // The three simulated national systems share one process and a 2 GB heap on the hub's two
        // cores; a full collection of it (1-2 s of a core) is theirs to do before the run, not in it.
        const collected = await simulators.command('gc');
        say(`simulators collected garbage before the run: ${JSON.stringify(collected)}`);
        await simulators.command('requests');
        const rssBefore = Math.round(statusKb(workerPid, 'VmRSS') / 1024);
        resetPeakRss(workerPid);
        sampler.reset();
        const pids = { worker: { pid: workerPid }, simulators: { pid: simulators.pid }, postgres: { pid: pgPid, tree: true }, redis: { pid: redisPid } };
        const before = cpuSnapshot(pids);
        statements.take();
        statements.takePhases();
        await sql`select pg_stat_statements_reset()`;
        say(`runs: ${mode} run`);
        const label = modes.indexOf(mode) === index ? mode : `${mode} #${modes.slice(0, index + 1).filter((m) => m === mode).length}`;
        const raw = useCli ? await reconcileByCli(cliEnv, province, mode, !args['apply-corrections'], runTimeoutMs) : await reconcileByQueue(redis.url, sql, province, runTimeoutMs);
        const after = cpuSnapshot(pids);
        // What each system's feed gave (the CLI's line does not carry it): a failed feed makes a PARTIAL run.
        if (raw['sources'] === undefined && typeof raw['runId'] === 'string') {
          const [row] = await sql<{ sources: unknown }[]>`select sources from reconciliation_runs where id = ${raw['runId']}`;
          raw['sources'] = row?.sources ?? null;
        }
        const processSeconds = (after.at - before.at) / 1_000;
        const wallSeconds = typeof raw['wallMs'] === 'number' ? raw['wallMs'] / 1_000 : processSeconds;
        const compared = Number(raw['dossiersCompared'] ?? 0);
        // The run's own span (started_at → finished_at as the run row records them).
        const runMs = typeof raw['runMs'] === 'number' ? raw['runMs'] : null;
        runs.push({
          run: label,
          trigger: useCli ? 'cli' : 'queue',
          status: String(raw['status']),
          wallSeconds: round(wallSeconds, 2),
          processSeconds: round(processSeconds, 2),
          runSeconds: runMs === null ? null : round(runMs / 1_000, 2),
          dossiersCompared: compared,
          rowsPerSecond: Math.round(compared / wallSeconds),
          mismatches: Number(raw['mismatchCount'] ?? 0),
          workerPeakRssMb: sampler.peakMb(),
          workerHwmMb: Math.round(statusKb(workerPid, 'VmHWM') / 1024),
          workerRssBeforeMb: rssBefore,
          cpuSeconds: cpuDelta(before, after),
          ...(changedBefore ? { changedBefore } : {}),
          ...(await simulators.command('requests').then((a) => ({
            simulatorRequests: a['requests'] as Record<string, unknown>,
            simulatorsEventLoopDelayMs: (a['eventLoopDelayMs'] ?? {}) as Record<string, number>,
          }))),
          statements: statements.take(),
          statementTimes: await statementTimes(sql),
          phases: statements.takePhases(),
          steps: worker.steps.splice(0),
          raw,
        });
        say(`runs: ${mode} ${String(raw['status'])} in ${wallSeconds.toFixed(1)} s`);
      }
      const warnings = worker.output.filter((l) => l.includes('"level":40') || l.includes('"level":50'));
      report['runs'] = { trigger: useCli ? 'lienthong reconcile --wait' : 'reconcile-province job enqueued by the bench', workerIdleRssMb: idleRssMb, runs, workerWarnings: warnings.slice(-20) };
      report['database'] = await databaseState(sql, province);
      process.stdout.write(`\n${runsTable(runs, idleRssMb)}\n\n${goalsTable(runs)}\n\n${statementsText(runs)}`);
    }

    report['loadavgAfter'] = loadavg();
    // Stop everything first, so the worker writes its profile.
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    cleanup.length = 0;
    if (profileDir) {
      if (workerPidForProfile) nameProfiles(profileDir, workerPidForProfile, 'worker');
      const profiles = readdirSync(profileDir).filter((f) => /^(reader|worker)-.*\.cpuprofile$/.test(f));
      report['profiles'] = Object.fromEntries(profiles.map((f) => [f, summariseProfile(join(profileDir, f))]));
      for (const f of profiles) process.stdout.write(`\n${profileText(f, report['profiles'] as Record<string, ReturnType<typeof summariseProfile>>)}`);
    }
    await mkdir(join(ROOT, 'bench/out'), { recursive: true });
    const file = join(ROOT, `bench/out/reconcile-${started.toISOString().slice(0, 19).replace(/[:T]/g, '-')}.json`);
    await writeFile(file, JSON.stringify(report, null, 2));
    if (explainMs > 0) {
      const plans = file.replace(/\.json$/, '-plans.log');
      await writeFile(plans, planLog.join(''));
      process.stdout.write(`plans of statements over ${explainMs} ms: ${plans}\n`);
    }
    const git = gitState();
    process.stdout.write(`\nresults: ${file}\ncommit ${git.commit}${git.dirty.length ? ` + ${git.dirty.length} uncommitted files` : ''}, ${cpus().length} cores, load before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}\n`);
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  }
}

function gitState(): { commit: string; dirty: string[] } {
  const rev = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  const status = spawnSync('git', ['status', '--short', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' });
  return {
    commit: rev.status === 0 ? rev.stdout.trim() : (process.env['BENCH_COMMIT'] ?? 'unknown'),
    dirty: status.status === 0 ? status.stdout.split('\n').filter(Boolean) : [],
  };
}

async function databaseState(sql: postgres.Sql, province: string): Promise<Record<string, unknown>> {
  const [dossiers] = await sql<{ n: number }[]>`select count(*)::int as n from dossiers where province_code = ${province}`;
  const observations = await sql<{ system: string; n: number }[]>`select system, count(*)::int as n from observations group by system order by system`;
  const open = await sql<{ class: string; n: number }[]>`select class, count(*)::int as n from mismatches where state = 'OPEN' group by class order by class`;
  const size = await sql<{ relation: string; mb: number }[]>`
    select relname as relation, round(pg_total_relation_size(relid) / 1048576.0)::int as mb
    from pg_catalog.pg_statio_user_tables order by pg_total_relation_size(relid) desc limit 8`;
  return {
    dossiers: dossiers?.n ?? 0,
    observations: Object.fromEntries(observations.map((r) => [r.system, r.n])),
    openMismatches: Object.fromEntries(open.map((r) => [r.class, r.n])),
    largestRelationsMb: Object.fromEntries(size.map((r) => [r.relation, r.mb])),
  };
}

// ---------------------------------------------------------------------------------------------
// Tables

const fmt = (n: number): string => n.toLocaleString('en');

function feedsTable(feeds: Record<string, unknown>): string {
  const results = (feeds['results'] ?? []) as ReaderSystemResult[];
  const lines = [
    '| system | records | pages | wall s | records/s | reader CPU s | simulators CPU s | error |',
    '|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.system} | ${fmt(r.records)} | ${fmt(r.pages)} | ${(r.wallMs / 1_000).toFixed(1)} | ${fmt(r.recordsPerSecond)} | ${r.cpuSeconds.reader} | ${r.cpuSeconds.simulators} | ${r.error ?? ''} |`,
    ),
  ];
  const skipped = (feeds['skipped'] ?? []) as string[];
  if (skipped.length) lines.push('', `not read: ${skipped.join('; ')}`);
  lines.push('', `reader peak RSS ${String(feeds['readerPeakRssMb'])} MB`);
  return lines.join('\n');
}

function ingestTable(full: Record<string, unknown>, incremental: Record<string, unknown>): string {
  const rows = (label: string, part: Record<string, unknown>): string[] =>
    ((part['results'] ?? []) as ReaderSystemResult[]).map(
      (r) =>
        `| ${label} | ${r.system} | ${fmt(r.records)} | ${(r.wallMs / 1_000).toFixed(1)} | ${fmt(r.recordsPerSecond)} | ${r.cpuSeconds.reader} | ${r.cpuSeconds.simulators} | ${r.cpuSeconds.postgres ?? ''} | ${r.error ?? ''} |`,
    );
  return [
    '| pull | system | rows | wall s | rows/s | reader CPU s | simulators CPU s | PostgreSQL CPU s | error |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows('from the start', full),
    ...rows('after the change', incremental),
    '',
    `stored: ${JSON.stringify(incremental['stored'])}; reader peak RSS ${String(full['readerPeakRssMb'])} / ${String(incremental['readerPeakRssMb'])} MB`,
  ].join('\n');
}

function runsTable(runs: RunResult[], idleRssMb: number): string {
  return [
    '| run | trigger | status | wall s (enqueue → done) | run s (row) | CLI process s | dossiers compared | rows/s | mismatches | worker peak RSS MB | worker CPU s | simulators CPU s | PostgreSQL CPU s | Redis CPU s |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...runs.map(
      (r) =>
        `| ${r.run} | ${r.trigger} | ${r.status} | ${r.wallSeconds} | ${r.runSeconds ?? ''} | ${r.processSeconds} | ${fmt(r.dossiersCompared)} | ${fmt(r.rowsPerSecond)} | ${fmt(r.mismatches)} | ${Math.max(r.workerPeakRssMb, r.workerHwmMb)} | ${r.cpuSeconds['worker']} | ${r.cpuSeconds['simulators']} | ${r.cpuSeconds['postgres']} | ${r.cpuSeconds['redis']} |`,
    ),
    '',
    `worker RSS when idle after start: ${idleRssMb} MB`,
  ].join('\n');
}

function goalsTable(runs: RunResult[]): string {
  const peak = Math.max(...runs.map((r) => Math.max(r.workerPeakRssMb, r.workerHwmMb)));
  const yes = (ok: boolean): string => (ok ? 'yes' : '**no**');
  const goal = (r: RunResult, limit: number, what: string): string =>
    `| ${what} < ${limit} s | ${r.wallSeconds} s (${r.status}) | ${yes(r.status === 'SUCCEEDED' && r.wallSeconds < limit)} |`;
  return [
    '| goal | measured | met? |',
    '|---|---|---|',
    ...runs.map((r) =>
      r.run.startsWith('full')
        ? goal(r, 60, r.run === 'full' ? 'full run (empty hub: first load)' : `${r.run} (hub holds every observation)`)
        : goal(r, 5, `${r.run} run`),
    ),
    `| worker < 384 MB RSS | peak ${peak} MB | ${yes(peak < 384)} |`,
  ].join('\n');
}

function statementsText(runs: RunResult[]): string {
  return runs
    .map((r) =>
      [
        `${r.run} run, by phase (s, worker peak RSS MB): ${Object.entries(r.phases).map(([phase, p]) => `${phase} ${p.seconds} s ${p.maxRssMb} MB`).join('; ')}`,
        `simulators' event-loop delay (ms): ${JSON.stringify(r.simulatorsEventLoopDelayMs)}; sources: ${JSON.stringify(
          ((r.raw['sources'] ?? []) as Array<Record<string, unknown>>).map((x) => ({ system: x['system'], read: x['read'], error: x['error'] })),
        )}`,
        `${r.run} run, steps as the worker logged them:`,
        ...r.steps.map((line) => `  ${line}`),
        `PostgreSQL statements by total execution time in the ${r.run} run (pg_stat_statements: ms, calls):`,
        ...r.statementTimes.map((t) => `  ${String(t.ms).padStart(9)}  ${String(t.calls).padStart(6)}  ${t.query}`),
        `PostgreSQL statements seen active during the ${r.run} run, autovacuum's included (s, sampled every 500 ms):`,
        ...r.statements.map(([q, sec]) => `  ${String(sec).padStart(7)}  ${q}`),
        '',
      ].join('\n'),
    )
    .join('\n');
}

function profileText(file: string, profiles: Record<string, ReturnType<typeof summariseProfile>>): string {
  const p = profiles[file];
  if (!p) return '';
  const pct = (ms: number): string => `${((100 * ms) / Math.max(1, p.totalMs)).toFixed(1)}%`;
  return [
    `profile ${file}: ${fmt(p.totalMs)} ms`,
    '  by category (self time):',
    ...p.categories.map(([k, ms]) => `    ${String(ms).padStart(8)} ms ${pct(ms).padStart(6)}  ${k}`),
    '  top functions (self time):',
    ...p.functions.map(([k, ms]) => `    ${String(ms).padStart(8)} ms ${pct(ms).padStart(6)}  ${k}`),
    '',
  ].join('\n');
}

if (args.reader) {
  await reader(args.reader);
  process.exit(0);
} else {
  await main();
  // embedded-postgres and the Redis client keep handles; everything of ours is stopped.
  process.exit(0);
}

