import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { reportCommand } from '../../../src/cli/reconcile.command.js';
import { loadConfig } from '../../../src/config.js';
import { buildDemoDataset, type DemoDataset } from '../../../src/connectors/demo/demo-dataset.js';
import { NationalPortalConnector } from '../../../src/connectors/national-portal/client.js';
import { createNationalPortalSimulator } from '../../../src/connectors/national-portal/simulator.js';
import { ProvincialConnector } from '../../../src/connectors/provincial/client.js';
import { createProvincialSimulator } from '../../../src/connectors/provincial/simulator.js';
import { SpecializedConnector } from '../../../src/connectors/specialized/client.js';
import { createSpecializedSimulator } from '../../../src/connectors/specialized/simulator.js';
import { AdministrativeUnitRepository } from '../../../src/db/administrative-unit.repository.js';
import { MismatchRepository } from '../../../src/db/mismatch.repository.js';
import { ObservationRepository } from '../../../src/db/observation.repository.js';
import type { RunRow } from '../../../src/db/reconciliation.repository.js';
import { SyncCursorRepository } from '../../../src/db/sync-cursor.repository.js';
import type { DossierStatus } from '../../../src/domain/dossier-status.js';
import { createQueueEngine, type QueueEngine } from '../../../src/jobs/queue-engine.js';
import { startWorkers } from '../../../src/jobs/workers.js';
import { silentLogger } from '../../../src/logger.js';
import { createReconciliationRuntime, type ReconciliationRuntime } from '../../../src/runtime/reconciliation.js';
import { AdministrativeUnitService } from '../../../src/services/administrative-unit.service.js';
import { DossierSyncService } from '../../../src/services/dossier-sync.service.js';
import { ReconciliationRequestService, type RunRequest } from '../../../src/services/reconciliation-request.service.js';
import { sha256Hex } from '../../../src/services/run-report.js';
import { createTestDatabase, eventually, type TestDatabase } from '../../support/test-database.js';

const logger = silentLogger();
const PROVINCE = '96';
/** Classes the authority rules settle by writing to a lagging system. */
const CORRECTABLE = new Set(['STATUS_BEHIND', 'MISSING_IN_PROVINCIAL', 'MISSING_IN_SPECIALIZED', 'MISSING_IN_NATIONAL_PORTAL']);

describe('three-way reconciliation of a province', () => {
  let db: TestDatabase;
  let dataset: DemoDataset;
  let sims: {
    provincial: ReturnType<typeof createProvincialSimulator>;
    specialized: ReturnType<typeof createSpecializedSimulator>;
    portal: ReturnType<typeof createNationalPortalSimulator>;
  };
  let connectors: { provincial: ProvincialConnector; specialized: SpecializedConnector; portal: NationalPortalConnector };
  let engine: QueueEngine;
  let rec: ReconciliationRuntime;
  let requests: ReconciliationRequestService;
  const workers: Worker[] = [];

  const inProvince = (code: string) => dataset.dossiers.find((d) => d.code === code)?.provinceCode === PROVINCE;

  const runToEnd = async (options: RunRequest = {}): Promise<RunRow> => {
    const outcome = await requests.request(PROVINCE, 'test', options);
    if (!outcome.ok) throw new Error(outcome.error.message);
    return eventually(
      async () => {
        const run = await rec.runs.findRun(outcome.run.id);
        return run && ['SUCCEEDED', 'PARTIAL', 'FAILED'].includes(run.status) ? run : undefined;
      },
      { what: `run ${outcome.run.id} to finish`, timeoutMs: 60_000 },
    );
  };

  const liveFindings = (): Promise<Array<{ dossierCode: string; class: string; laggingSystems: string[]; state: string; settledBy: string | null }>> =>
    db.sql`
      select dossier_code as "dossierCode", class, lagging_systems as "laggingSystems", state, settled_by as "settledBy"
      from mismatches where province_code = ${PROVINCE} and state <> 'RESOLVED' order by dossier_code, class` as never;

  const statuses = (code: string): Record<string, DossierStatus | null> => ({
    provincial: sims.provincial.statusOf(code),
    specialized: sims.specialized.statusOf(code),
    'national-portal': sims.portal.statusOf(code),
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    const seed = 4242;
    dataset = buildDemoDataset({ seed, dossierCount: 900, anchor: new Date('2026-11-20T00:00:00+07:00') });
    sims = {
      provincial: createProvincialSimulator({ dataset, seed }),
      specialized: createSpecializedSimulator({ dataset, seed }),
      portal: createNationalPortalSimulator({ dataset, seed }),
    };
    const resilience = { timeoutMs: 2_000, retries: 0, breakerThreshold: 1_000 };
    connectors = {
      provincial: new ProvincialConnector({ baseUrl: await sims.provincial.server.listen(0), logger, resilience }),
      specialized: new SpecializedConnector({ baseUrl: await sims.specialized.server.listen(0), logger, resilience }),
      portal: new NationalPortalConnector({ baseUrl: await sims.portal.server.listen(0), logger, resilience }),
    };
    engine = createQueueEngine('redis', inject('redisUrl'), { prefix: `rec${randomBytes(4).toString('hex')}` });
    rec = await createReconciliationRuntime({
      config: loadConfig({ RECONCILE_PROVINCES: PROVINCE }),
      sql: db.sql,
      engine,
      sync: new DossierSyncService(db.sql, new ObservationRepository(), new SyncCursorRepository(db.sql), logger),
      systems: { provincial: connectors.provincial, specialized: connectors.specialized, 'national-portal': connectors.portal },
      dataQuality: null,
      logger,
    });
    requests = new ReconciliationRequestService(
      rec.runs,
      new MismatchRepository(db.db),
      new AdministrativeUnitService(new AdministrativeUnitRepository(db.db)),
      rec.reconciliationQueue,
      db.sql,
      rec.schedules,
    );
    workers.push(...startWorkers(engine, rec.jobs, logger));
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await engine?.close();
    await Promise.all(Object.values(connectors ?? {}).map((c) => c.close()));
    await Promise.all(Object.values(sims ?? {}).map((s) => s.server.close()));
    await db?.drop();
  });

  /** An export as `lienthong report get` writes it (parts in order). */
  const exportText = async (runId: string, format: 'json' | 'csv'): Promise<{ body: string }> => {
    const out: string[] = [];
    const code = await reportCommand(['get', runId, '--format', format], loadConfig({ DATABASE_URL: db.url }), {
      out: (t: string) => out.push(t),
      err: (t: string) => out.push(t),
    });
    expect(code).toBe(0);
    return { body: out.join('') };
  };

  it('refuses an unknown province and a future watermark with their own reasons, queueing nothing', async () => {
    expect(await requests.request('99', 'test')).toEqual({ ok: false, error: { code: 'UNKNOWN_PROVINCE', message: 'no province has code 99' } });
    const future = await requests.request(PROVINCE, 'test', { mode: 'INCREMENTAL', since: new Date(Date.now() + 3_600_000) });
    expect(future.ok).toBe(false);
    if (!future.ok) expect(future.error.code).toBe('FUTURE_WATERMARK');
    const [count] = await db.sql<{ n: number }[]>`select count(*)::int as n from reconciliation_runs`;
    expect(count?.n).toBe(0);
  });

  it('a dry run finds every seeded drift with the right class, plans corrections and sends none', async () => {
    const before = new Map(dataset.dossiers.filter((d) => inProvince(d.code)).map((d) => [d.code, statuses(d.code)]));
    const run = await runToEnd({ dryRun: true });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.partitionsTotal).toBeGreaterThanOrEqual(1);
    expect(run.partitionsDone).toBe(run.partitionsTotal);
    expect(run.rulesVersion).toMatch(/^\d{4}\.\d{2}-\d+$/);

    const live = await liveFindings();
    const classesOf = (code: string) => new Set(live.filter((f) => f.dossierCode === code).map((f) => f.class));
    const seeded = dataset.drift.filter((d) => inProvince(d.dossierCode));
    expect(seeded.length).toBeGreaterThan(10);
    for (const drift of seeded) {
      if (drift.expectedClass === 'NONE') continue;
      const codes = [drift.dossierCode, ...(drift.duplicateCode ? [drift.duplicateCode] : [])];
      expect({ code: drift.dossierCode, classes: codes.flatMap((code) => [...classesOf(code)]) }).toEqual({
        code: drift.dossierCode,
        classes: expect.arrayContaining([drift.expectedClass]) as unknown,
      });
    }
    const portalTruth = (await (await fetch(`${sims.portal.server.url}/__admin/ground-truth`)).json()) as {
      lagging: Array<{ dossierCode: string }>;
      missing: Array<{ dossierCode: string }>;
    };
    for (const lag of portalTruth.lagging.filter((l) => inProvince(l.dossierCode))) {
      expect(live.some((f) => f.dossierCode === lag.dossierCode && f.laggingSystems.includes('national-portal'))).toBe(true);
    }
    for (const missing of portalTruth.missing.filter((m) => inProvince(m.dossierCode))) {
      expect(classesOf(missing.dossierCode).has('MISSING_IN_NATIONAL_PORTAL')).toBe(true);
    }
    // Nothing is flagged that was not seeded.
    const seededCodes = new Set([
      ...seeded.map((d) => d.dossierCode),
      ...dataset.duplicates.flatMap((d) => [d.dossierCode, d.duplicateCode]),
      ...portalTruth.lagging.map((l) => l.dossierCode),
      ...portalTruth.missing.map((m) => m.dossierCode),
    ]);
    expect(live.filter((f) => !seededCodes.has(f.dossierCode))).toEqual([]);

    const corrections = await db.sql<{ state: string; dryRun: boolean }[]>`select state, dry_run as "dryRun" from corrections where run_id = ${run.id}`;
    expect(corrections.length).toBeGreaterThan(0);
    expect(corrections.every((c) => c.state === 'PLANNED' && c.dryRun)).toBe(true);
    for (const [code, was] of before) expect(statuses(code)).toEqual(was);
  });

  it('issues JSON and CSV reports whose SHA-256 the CLI verifies, and spots an altered copy', async () => {
    const [run] = await db.sql<{ id: string }[]>`select id from reconciliation_runs order by created_at desc limit 1`;
    const reports = await requests.reports(run?.id as string);
    expect(reports.map((r) => r.format)).toEqual(['csv', 'json']);
    const json = await exportText(run?.id as string, 'json');
    expect(json && sha256Hex(json.body)).toBe(reports.find((r) => r.format === 'json')?.sha256);
    const parsed = JSON.parse(json?.body ?? '{}') as {
      rules: { version: string; rules: unknown[] };
      run: { dryRun: boolean };
      totals: { mismatches: number; pendingSync: number; byClass: Record<string, number> };
      findings: unknown[];
    };
    expect(parsed.run.dryRun).toBe(true);
    expect(parsed.rules.version).toMatch(/^\d{4}/);
    expect(parsed.rules.rules.length).toBeGreaterThan(3);
    expect(parsed.totals.mismatches).toBe(Object.values(parsed.totals.byClass).reduce((a, b) => a + b, 0));
    expect(parsed.findings.length).toBe(parsed.totals.mismatches + parsed.totals.pendingSync);

    const dir = await mkdtemp(join(tmpdir(), 'lienthong-report-'));
    const file = join(dir, 'report.json');
    await writeFile(file, json?.body ?? '');
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
    const config = loadConfig({ DATABASE_URL: db.url });
    expect(await reportCommand(['verify', file], config, io)).toBe(0);
    expect(out.join('')).toContain(`report of run ${run?.id}`);
    await writeFile(file, (json?.body ?? '').replace('"dryRun": true', '"dryRun": false'));
    expect(await reportCommand(['verify', file], config, io)).toBe(1);
    expect(out.join('')).toContain('NOT VERIFIED');
  });

  it('corrections bring the three systems into agreement, and the next run verifies them', async () => {
    const run = await runToEnd();
    expect(run.status).toBe('SUCCEEDED');
    const settled = (await liveFindings()).filter((f) => CORRECTABLE.has(f.class) && f.settledBy !== null);
    expect(settled.length).toBeGreaterThan(5);
    await eventually(
      async () => {
        const [pending] = await db.sql<{ n: number }[]>`select count(*)::int as n from corrections where state = 'PENDING' and not dry_run`;
        return pending?.n === 0 ? true : undefined;
      },
      { what: 'every correction to be sent', timeoutMs: 30_000 },
    );
    // A conflict the rules settle can still be refused by the target (a status that cannot follow
    // the one it holds): escalated at once. Corrections of lagging or missing copies never are.
    const failed = await db.sql<{ class: string; lastError: string }[]>`
      select m.class, c.last_error as "lastError" from corrections c join mismatches m on m.id = c.mismatch_id
      where c.state = 'FAILED' and not c.dry_run`;
    expect(failed.filter((f) => CORRECTABLE.has(f.class))).toEqual([]);
    for (const refused of failed) expect(refused.lastError).toMatch(/^was refused: UPSTREAM_REJECTED/);
    const notEscalated = await db.sql`
      select m.id from mismatches m join corrections c on c.mismatch_id = m.id
      where c.state = 'FAILED' and not c.dry_run and m.state <> 'ESCALATED'`;
    expect(notEscalated).toEqual([]);
    for (const finding of settled) {
      const now = statuses(finding.dossierCode);
      const present = Object.values(now).filter((s) => s !== null);
      expect({ code: finding.dossierCode, agree: new Set(present).size === 1, count: present.length }).toEqual({
        code: finding.dossierCode,
        agree: true,
        count: finding.class === 'MISSING_IN_SPECIALIZED' || Object.values(now).every((s) => s !== null) ? 3 : present.length,
      });
    }

    const second = await runToEnd();
    expect(second.status).toBe('SUCCEEDED');
    const again = (await liveFindings()).filter((f) => CORRECTABLE.has(f.class) && f.settledBy !== null);
    expect(again).toEqual([]);
    const [verified] = await db.sql<{ n: number }[]>`select count(*)::int as n from corrections where state = 'VERIFIED'`;
    expect(verified?.n).toBeGreaterThan(0);
    // Applied corrections still unverified belong only to escalated mismatches (another of their corrections was refused).
    const unverified = await db.sql<{ state: string }[]>`
      select m.state from corrections c join mismatches m on m.id = c.mismatch_id where c.state = 'APPLIED'`;
    expect(unverified.filter((u) => u.state !== 'ESCALATED')).toEqual([]);
  });

  it('an incremental run covers only what changed since the watermark and the live mismatches', async () => {
    // Takes up what the corrections changed, so the run measured below starts from a quiet watermark.
    await runToEnd({ mode: 'INCREMENTAL' });
    const moved = sims.specialized.advance(5).filter((m) => inProvince(m.dossierCode));
    const run = await runToEnd({ mode: 'INCREMENTAL' });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.mode).toBe('INCREMENTAL');
    const [scope] = await db.sql<{ n: number }[]>`select count(*)::int as n from run_scope where run_id = ${run.id}`;
    // Earlier runs' pending differences come back once their tolerance has passed, not before.
    const pendingBefore = await db.sql<{ code: string; due: boolean }[]>`
      select c.dossier_code as code, bool_or(c.pending_until is null or c.pending_until <= ${run.startedAt}) as due
      from run_candidates c where c.pending_sync and c.run_id <> ${run.id} group by c.dossier_code`;
    const scoped = await db.sql<{ code: string }[]>`select dossier_code as code from run_scope where run_id = ${run.id}`;
    const due = pendingBefore.filter((p) => p.due).map((p) => p.code);
    expect(new Set(scoped.map((s) => s.code))).toEqual(new Set([...moved.map((m) => m.dossierCode), ...due]));
    expect(scope?.n).toBeLessThan(dataset.dossiers.filter((d) => inProvince(d.code)).length / 4);
    expect(run.sources.find((s) => s.system === 'specialized')?.read).toBe(moved.length);

    // The ministry moved these a moment ago: the other systems have 15 minutes to follow.
    const codes = moved.map((m) => m.dossierCode);
    const pending = await db.sql<{ dossierCode: string }[]>`
      select dossier_code as "dossierCode" from run_candidates where run_id = ${run.id} and pending_sync and dossier_code = any(${codes})`;
    expect(new Set(pending.map((p) => p.dossierCode))).toEqual(new Set(codes));
    expect((run.totals as { pendingSync: number }).pendingSync).toBeGreaterThanOrEqual(codes.length);
    const opened = await db.sql`select 1 from mismatches where dossier_code = any(${codes}) and class = 'STATUS_BEHIND' and state <> 'RESOLVED'`;
    expect(opened).toEqual([]);
    const [until] = await db.sql<{ min: Date; max: Date }[]>`
      select min(pending_until) as min, max(pending_until) as max from run_candidates where run_id = ${run.id} and dossier_code = any(${codes})`;
    expect(until?.min.getTime()).toBeGreaterThan((run.startedAt as Date).getTime());
    expect(until?.max.getTime()).toBeLessThanOrEqual((run.startedAt as Date).getTime() + 15 * 60_000);

    // Nothing changes in the systems: within the tolerance the next run leaves them alone (it would
    // only find them pending again); once the tolerance has passed, a run looks at them again.
    const next = await runToEnd({ mode: 'INCREMENTAL' });
    const nextScope = await db.sql<{ code: string }[]>`select dossier_code as code from run_scope where run_id = ${next.id}`;
    expect(nextScope.filter((s) => codes.includes(s.code))).toEqual([]);
    await db.sql`update run_candidates set pending_until = now() - interval '1 second' where run_id = ${run.id} and pending_sync`;
    const later = await runToEnd({ mode: 'INCREMENTAL' });
    const laterScope = await db.sql<{ code: string }[]>`select dossier_code as code from run_scope where run_id = ${later.id}`;
    expect(codes.filter((code) => !laterScope.some((s) => s.code === code))).toEqual([]);

    // Without a tolerance the same differences are mismatches at once.
    const strict = await runToEnd({ mode: 'INCREMENTAL', since: new Date(Date.now() - 60_000), toleranceSeconds: 0 });
    const behind = await db.sql<{ dossierCode: string }[]>`
      select dossier_code as "dossierCode" from mismatches where last_run_id = ${strict.id} and class = 'STATUS_BEHIND' and dossier_code = any(${codes})`;
    expect(new Set(behind.map((b) => b.dossierCode))).toEqual(new Set(codes));
  });

  it('a person waives a mismatch with a note, recorded in the audit trail; settling it again is refused', async () => {
    const [open] = await liveFindings().then((rows) => rows.filter((r) => r.state === 'OPEN'));
    if (!open) throw new Error('no open mismatch left to waive');
    const [row] = await db.sql<{ id: string }[]>`select id from mismatches where dossier_code = ${open.dossierCode} and class = ${open.class} and state = 'OPEN'`;
    const id = row?.id as string;
    const done = await requests.resolveMismatch(id, 'WAIVED', 'đã xác minh với bộ phận một cửa', { subject: 'officer-1', unit: PROVINCE, requestId: null });
    expect(done.ok && done.mismatch.state).toBe('WAIVED');
    const [event] = await db.sql<{ actor: string; detail: { to: string; note: string } }[]>`
      select actor, detail from audit_events where action = 'MISMATCH_SETTLED' and reference = ${`mismatch:${id}`}`;
    expect(event?.actor).toBe('officer-1');
    expect(event?.detail).toMatchObject({ to: 'WAIVED', note: 'đã xác minh với bộ phận một cửa' });
    const resolvedOnce = await requests.resolveMismatch(id, 'RESOLVED', 'fixed by hand', { subject: 'officer-1', unit: PROVINCE, requestId: null });
    expect(resolvedOnce.ok).toBe(true);
    const twice = await requests.resolveMismatch(id, 'WAIVED', 'again please', { subject: 'officer-1', unit: PROVINCE, requestId: null });
    expect(twice.ok ? 'ok' : twice.error.code).toBe('ALREADY_RESOLVED');
  });

  it('a system that fails mid-run makes the run PARTIAL with the reason, never clean', async () => {
    sims.portal.server.setFaults({ malformedRate: 1 });
    try {
      const run = await runToEnd({ mode: 'INCREMENTAL' });
      expect(run.status).toBe('PARTIAL');
      expect(run.failureReason).toMatch(/national-portal failed after \d+ changes \(UPSTREAM_INVALID_RESPONSE/);
      const json = await exportText(run.id, 'json');
      expect(JSON.parse(json?.body ?? '{}')).toMatchObject({ run: { status: 'PARTIAL' } });
    } finally {
      sims.portal.server.resetFaults();
    }
  });
});
