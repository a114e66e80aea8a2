import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AdministrativeUnitsDocument,
  AuthorityRulesDocument,
  OpenMismatchesDocument,
  ReconciliationSchedulesDocument,
  ResolveMismatchDocument,
  SetReconciliationScheduleDocument,
  DossierByCodeDocument,
  DossierPageDocument,
  ReconciliationRunDocument,
  type ReconciliationRunQuery,
  type ReconciliationRunQueryVariables,
  ReconciliationRunsDocument,
  RequestReconciliationDocument,
  ResolveLegacyCommuneDocument,
} from '../../src/generated/operations.js';
import { execute } from '../support/graphql-client.js';
import { fetchTruth, seededDriftProblems, type FoundMismatch, type PortalTruth, type SeededTruth } from '../support/seeded-drift.js';
import { bearer, superuser } from '../support/tokens.js';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';
import { createTestDatabase, eventually, type TestDatabase } from '../support/test-database.js';


describe('the hub started as `npm start` does, with its simulators', () => {
  let db: TestDatabase;
  let hub: HubProcess;
  let auth: Record<string, string>;
  let truth: SeededTruth;
  let portal: PortalTruth;

  beforeAll(async () => {
    auth = await superuser();
    db = await createTestDatabase();
    hub = await startHubProcess({
      DATABASE_URL: db.url,
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: `e2e${randomBytes(4).toString('hex')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_SEED: '20250701',
      DEMO_DOSSIERS: '2400',
      RECONCILE_PROVINCES: '96,51',
      RECONCILE_EVERY_SECONDS: '3600',
    });
    const provincial = hub.simulators['provincial'];
    if (!provincial) throw new Error(`no provincial simulator in the start-up output:\n${hub.output()}`);
    ({ seeded: truth, portal } = await fetchTruth(provincial, hub.simulators['national-portal'] as string));
  });

  afterAll(async () => {
    await hub?.stop();
    await db?.drop();
  });

  it('serves the administrative units of the two-level government', async () => {
    const provinces = await execute(hub.graphqlUrl, AdministrativeUnitsDocument, {}, auth);
    expect(provinces.errors).toEqual([]);
    expect(provinces.data?.administrativeUnits).toHaveLength(34);
    const caMau = await execute(hub.graphqlUrl, AdministrativeUnitsDocument, { provinceCode: '96' }, auth);
    expect(caMau.data?.administrativeUnits.length).toBeGreaterThan(50);
    expect(caMau.data?.administrativeUnits.every((u) => u.provinceCode === '96' && u.level === 'COMMUNE')).toBe(true);
  });

  it('resolves a pre-2025 commune code to the commune that replaced it', async () => {
    // Phường 12, Quận Gò Vấp (TP Hồ Chí Minh) became part of Phường An Hội Tây.
    const result = await execute(hub.graphqlUrl, ResolveLegacyCommuneDocument, { oldCode: '26881' }, auth);
    expect(result.errors).toEqual([]);
    expect(result.data?.resolveLegacyCommune?.resolved?.code).toBe('26882');
  });

  it('finishes a reconciliation run per province whose mismatches are exactly the seeded drift', async () => {
    const runs = await eventually(
      async () => {
        const result = await execute(hub.graphqlUrl, ReconciliationRunsDocument, { first: 10 }, auth);
        const finished = (result.data?.reconciliationRuns ?? []).filter((r) => r.status === 'SUCCEEDED');
        const provinces = new Set(finished.map((r) => r.provinceCode));
        return provinces.has('96') && provinces.has('51') ? finished : undefined;
      },
      { timeoutMs: 170_000, intervalMs: 250, what: 'a finished run for provinces 96 and 51' },
    );
    const found: FoundMismatch[] = [];
    for (const province of ['96', '51']) {
      const run = runs.find((r) => r.provinceCode === province);
      let after: string | null = null;
      for (;;) {
        const page: Awaited<ReturnType<typeof execute<ReconciliationRunQuery, ReconciliationRunQueryVariables>>> = await execute(
          hub.graphqlUrl,
          ReconciliationRunDocument,
          { id: run?.id as string, first: 200, after },
          auth,
        );
        expect(page.errors).toEqual([]);
        const findings = page.data?.reconciliationRun?.findings;
        for (const edge of findings?.edges ?? []) found.push(edge.node);
        if (!findings?.pageInfo.hasNextPage) break;
        after = findings.pageInfo.endCursor ?? null;
      }
    }
    expect(found.length).toBeGreaterThan(50);
    expect(seededDriftProblems(found, { seeded: truth, portal })).toEqual([]);
  }, 180_000);

  it('answers the dossier page query with each system’s observation', async () => {
    const result = await execute(hub.graphqlUrl, DossierPageDocument, { first: 5 }, auth);
    expect(result.errors).toEqual([]);
    const connection = result.data?.dossiers;
    // The one-stop shop holds each seeded duplicate as a second dossier.
    expect(connection?.totalCount).toBe(truth.dossiers + truth.duplicates.length);
    expect(connection?.edges).toHaveLength(5);
    for (const { node } of connection?.edges ?? []) {
      expect(node.observations.length).toBeGreaterThan(0);
      expect(node.observations.map((o) => o.system)).toContain(node.observations[0]?.system);
    }
    const drifted = truth.drift.find((d) => d.expectedClass !== 'NONE');
    if (!drifted) throw new Error('the demo data has no drift');
    const one = await execute(hub.graphqlUrl, DossierByCodeDocument, { code: drifted.dossierCode }, auth);
    expect(one.data?.dossier?.hasOpenMismatch).toBe(true);
  });

  it('rejects an invalid dossier code with BAD_USER_INPUT that says what is wrong', async () => {
    const result = await execute(hub.graphqlUrl, DossierByCodeDocument, { code: 'H12-251399-0001' }, auth);
    expect(result.data?.dossier ?? null).toBeNull();
    expect(result.errors[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(result.errors[0]?.message).toMatch(/date|month/i);
  });

  it('rejects a reconciliation request for a province that does not exist', async () => {
    const result = await execute(hub.graphqlUrl, RequestReconciliationDocument, { provinceCode: '99' }, auth);
    expect(result.errors[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(result.errors[0]?.message).toContain('99');
  });

  it('serves a run report byte for byte with its SHA-256, to readers of its province only', async () => {
    const runs = await execute(hub.graphqlUrl, ReconciliationRunsDocument, { provinceCode: '96', first: 5 }, auth);
    const runId = runs.data?.reconciliationRuns.find((r) => r.status === 'SUCCEEDED')?.id as string;
    const detail = await execute(hub.graphqlUrl, ReconciliationRunDocument, { id: runId, first: 1 }, auth);
    const csv = detail.data?.reconciliationRun?.reports.find((r) => r.format === 'csv');
    expect(csv?.path).toBe(`/reports/${runId}.csv`);
    const base = hub.graphqlUrl.replace(/\/graphql$/, '');
    const response = await fetch(`${base}${csv?.path}`, { headers: await bearer(['AUDITOR'], ['96']) });
    expect(response.status).toBe(200);
    const body = Buffer.from(await response.arrayBuffer());
    expect(createHash('sha256').update(body).digest('hex')).toBe(csv?.sha256);
    expect(response.headers.get('repr-digest')).toBe(`sha-256=:${Buffer.from(csv?.sha256 ?? '', 'hex').toString('base64')}:`);
    expect(body.toString('utf8').split('\r\n')[0]).toMatch(/^dossier_code,class,pending_sync/);
    expect((await fetch(`${base}${csv?.path}`)).status).toBe(401);
    expect((await fetch(`${base}${csv?.path}`, { headers: await bearer(['AUDITOR'], ['51']) })).status).toBe(403);
    expect((await fetch(`${base}/reports/00000000-0000-4000-8000-000000000000.json`, { headers: auth })).status).toBe(404);
  });

  it('shows each province’s schedules and lets an operator change one', async () => {
    const before = await execute(hub.graphqlUrl, ReconciliationSchedulesDocument, { provinceCode: '96' }, auth);
    expect(before.errors).toEqual([]);
    expect(before.data?.reconciliationSchedules.map((s) => s.mode).sort()).toEqual(['DATA_QUALITY', 'FULL', 'INCREMENTAL']);
    expect(before.data?.reconciliationSchedules.find((s) => s.mode === 'FULL')?.cron).toBe('0 2 * * *');
    const operator = await bearer(['OPERATOR'], ['96']);
    const changed = await execute(hub.graphqlUrl, SetReconciliationScheduleDocument, { provinceCode: '96', mode: 'FULL', cron: '15 3 * * *' }, operator);
    expect(changed.errors).toEqual([]);
    expect(changed.data?.setReconciliationSchedule).toMatchObject({ cron: '15 3 * * *', enabled: true });
    expect(new Date(changed.data?.setReconciliationSchedule.nextRunAt as string).getTime()).toBeGreaterThan(Date.now());
    const bad = await execute(hub.graphqlUrl, SetReconciliationScheduleDocument, { provinceCode: '96', mode: 'FULL', cron: 'every night' }, operator);
    expect(bad.errors[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const outside = await execute(hub.graphqlUrl, SetReconciliationScheduleDocument, { provinceCode: '51', mode: 'FULL', enabled: false }, operator);
    expect(outside.errors[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const auditor = await execute(hub.graphqlUrl, SetReconciliationScheduleDocument, { provinceCode: '96', mode: 'FULL', enabled: false }, await bearer(['AUDITOR'], ['96']));
    expect(auditor.errors[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('lets a province officer waive a mismatch with a note, and refuses a request with a future watermark', async () => {
    const open = await execute(hub.graphqlUrl, OpenMismatchesDocument, { filter: { provinceCode: '96', state: 'ESCALATED' }, first: 1 }, auth);
    const fallback = await execute(hub.graphqlUrl, OpenMismatchesDocument, { filter: { provinceCode: '96' }, first: 1 }, auth);
    const target = open.data?.mismatches.edges[0]?.node ?? fallback.data?.mismatches.edges[0]?.node;
    if (!target) throw new Error('no live mismatch in province 96');
    const officer = await bearer(['PROVINCE_OFFICER'], ['96']);
    const waived = await execute(hub.graphqlUrl, ResolveMismatchDocument, { id: target.id, resolution: 'WAIVED', note: 'Đã đối chiếu hồ sơ giấy' }, officer);
    expect(waived.errors).toEqual([]);
    expect(waived.data?.resolveMismatch).toMatchObject({ state: 'WAIVED', resolutionNote: 'Đã đối chiếu hồ sơ giấy' });
    const tooShort = await execute(hub.graphqlUrl, ResolveMismatchDocument, { id: target.id, resolution: 'WAIVED', note: 'ok' }, officer);
    expect(tooShort.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'note' });
    const future = await execute(
      hub.graphqlUrl,
      RequestReconciliationDocument,
      { provinceCode: '96', mode: 'INCREMENTAL', since: new Date(Date.now() + 86_400_000).toISOString() },
      officer,
    );
    expect(future.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'since', reason: 'FUTURE_WATERMARK' });
    const rules = await execute(hub.graphqlUrl, AuthorityRulesDocument, {}, auth);
    expect(rules.data?.authorityRules.rules.map((r) => r.id)).toContain('PORTAL_MIRRORS_PROVINCE');
  });

  it('stops cleanly within 10 seconds on SIGTERM', async () => {
    const { code, ms } = await hub.stop();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
  });
});
