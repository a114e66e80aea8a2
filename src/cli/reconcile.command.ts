import { parseArgs } from 'node:util';
import postgres from 'postgres';
import type { Config } from '../config.js';
import { AdministrativeUnitRepository } from '../db/administrative-unit.repository.js';
import { connectDatabase } from '../db/client.js';
import { MismatchRepository } from '../db/mismatch.repository.js';
import { ReconciliationRepository, type RunRow } from '../db/reconciliation.repository.js';
import { createQueueEngine } from '../jobs/queue-engine.js';
import { RECONCILIATION_QUEUE } from '../jobs/reconcile-province.job.js';
import { resolveDatabaseUrl, resolveRedisUrl } from '../runtime/database-url.js';
import { AdministrativeUnitService } from '../services/administrative-unit.service.js';
import { ReconciliationRequestService } from '../services/reconciliation-request.service.js';
import { ScheduleService } from '../services/schedule.service.js';
import { sha256Hex } from '../services/run-report.js';
import { RunReportRepository } from '../db/run-report.repository.js';
import { readFile } from 'node:fs/promises';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const RECONCILE_USAGE = `Usage: lienthong reconcile --province CODE [--mode full|incremental|data-quality] [--dry-run]
                          [--since ISO-8601] [--wait] [--timeout SECONDS]

Queues a reconciliation run on the hub's queues (REDIS_URL, or the redis-server of a hub started
here) and prints the run as one JSON line; with --wait, waits until it finishes and prints it then.
Exit codes: 0 SUCCEEDED, 1 FAILED or timed out, 3 PARTIAL, 2 bad arguments.`;

/** `lienthong reconcile`: queue a run (and wait for it) from the command line, e.g. in benchmarks and cron. */
export async function reconcileCommand(args: readonly string[], config: Config, io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        province: { type: 'string' },
        mode: { type: 'string', default: 'full' },
        'dry-run': { type: 'boolean', default: false },
        since: { type: 'string' },
        wait: { type: 'boolean', default: false },
        timeout: { type: 'string', default: '600' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${RECONCILE_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out(`${RECONCILE_USAGE}\n`);
    return 0;
  }
  const mode = ({ full: 'FULL', incremental: 'INCREMENTAL', 'data-quality': 'DATA_QUALITY' } as const)[values.mode as 'full'];
  const timeoutMs = Number(values.timeout) * 1_000;
  const since = values.since ? new Date(values.since) : null;
  if (!values.province || !mode || !Number.isFinite(timeoutMs) || (since && Number.isNaN(since.getTime()))) {
    io.err(`${RECONCILE_USAGE}\n`);
    return 2;
  }
  const db = connectDatabase(await resolveDatabaseUrl(config), { max: 2, applicationName: 'lienthong-cli' });
  const engine = createQueueEngine('redis', await resolveRedisUrl(config), { prefix: config.QUEUE_PREFIX });
  try {
    const runs = new ReconciliationRepository(db.sql);
    const queue = engine.queue(RECONCILIATION_QUEUE);
    const requests = new ReconciliationRequestService(
      runs,
      new MismatchRepository(db.db),
      new AdministrativeUnitService(new AdministrativeUnitRepository(db.db)),
      queue,
      db.sql,
      new ScheduleService(db.sql, queue),
    );
    const started = Date.now();
    const outcome = await requests.request(values.province, 'cli', { mode, dryRun: values['dry-run'], since });
    if (!outcome.ok) {
      io.err(`${outcome.error.code}: ${outcome.error.message}\n`);
      return outcome.error.code === 'QUEUE_UNAVAILABLE' ? 1 : 2;
    }
    let run: RunRow = outcome.run;
    if (values.wait) {
      const deadline = started + timeoutMs;
      while (!['SUCCEEDED', 'PARTIAL', 'FAILED'].includes(run.status) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        run = (await runs.findRun(run.id)) ?? run;
      }
    }
    const reports = await requests.reports(run.id);
    io.out(
      `${JSON.stringify({
        runId: run.id,
        provinceCode: run.provinceCode,
        kind: run.kind,
        mode: run.mode,
        dryRun: run.dryRun,
        status: run.status,
        phase: run.phase,
        partitions: run.partitionsTotal,
        dossiersCompared: run.dossiersCompared,
        mismatchCount: run.mismatchCount,
        countsByClass: run.countsByClass,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        runMs: run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
        wallMs: Date.now() - started,
        failureReason: run.failureReason,
        reports,
      })}\n`,
    );
    if (!values.wait || run.status === 'SUCCEEDED') return 0;
    return run.status === 'PARTIAL' ? 3 : 1;
  } finally {
    await engine.close();
    await db.close();
  }
}

const REPORT_USAGE = `Usage: lienthong report verify FILE
       lienthong report get RUN_ID --format json|csv > FILE

verify: computes FILE's SHA-256 and checks it against the reports the hub issued (and against the
REPORT_ISSUED event of the hash-chained audit trail). Exit 0 when FILE is an unaltered export.`;

/** `lienthong report verify FILE` / `lienthong report get RUN --format csv`. */
export async function reportCommand(args: readonly string[], config: Config, io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'verify' && sub !== 'get') {
    io.err(`${REPORT_USAGE}\n`);
    return 2;
  }
  const sql = postgres(await resolveDatabaseUrl(config), { max: 1, onnotice: () => undefined });
  try {
    if (sub === 'get') {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { format: { type: 'string', default: 'json' } } });
      const [runId] = positionals;
      if (!runId || (values.format !== 'json' && values.format !== 'csv')) {
        io.err(`${REPORT_USAGE}\n`);
        return 2;
      }
      const found = await new RunReportRepository(sql).find(runId, values.format);
      if (!found) {
        io.err(`run ${runId} has no ${values.format} report\n`);
        return 1;
      }
      for await (const chunk of found.chunks()) io.out(chunk);
      return 0;
    }
    const [file] = rest;
    if (!file) {
      io.err(`${REPORT_USAGE}\n`);
      return 2;
    }
    const digest = sha256Hex(await readFile(file));
    const [issued] = await sql<{ runId: string; format: string; createdAt: Date; bytes: number }[]>`
      select run_id as "runId", format, created_at as "createdAt", bytes from run_reports where sha256 = ${digest} limit 1`;
    if (!issued) {
      io.out(`NOT VERIFIED: ${file} (sha256 ${digest}) matches no report the hub issued; it was altered or is not a hub export\n`);
      return 1;
    }
    const [event] = await sql<{ seq: number }[]>`
      select seq::int from audit_events where action = 'REPORT_ISSUED' and reference = ${`run:${issued.runId}`}
        and detail -> 'reports' @> ${sql.json([{ sha256: digest }])}`;
    if (!event) {
      io.out(`NOT VERIFIED: ${file} matches the stored ${issued.format} report of run ${issued.runId}, but no REPORT_ISSUED audit event records that hash\n`);
      return 1;
    }
    io.out(
      `verified: ${file} is the ${issued.format} report of run ${issued.runId}, issued ${issued.createdAt.toISOString()} (${issued.bytes} bytes, sha256 ${digest}); recorded by audit event ${event.seq} (run \`lienthong audit verify\` to check the chain)\n`,
    );
    return 0;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
