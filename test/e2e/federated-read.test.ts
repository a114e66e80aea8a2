import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  ArchiveFilesDocument,
  CitizenLookupDocument,
  DigitizationProgressOfDocument,
  DocumentByIdDocument,
  DocumentPageDocument,
  DossiersWithApplicantsDocument,
  SystemsDocument,
} from '../../src/generated/operations.js';
import { execute } from '../support/graphql-client.js';
import { superuser } from '../support/tokens.js';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';
import { createTestDatabase, eventually, type TestDatabase } from '../support/test-database.js';

const TIMEOUT_MS = 800;

describe('one query over the agency systems', () => {
  let db: TestDatabase;
  let hub: HubProcess;
  let prefix: string;
  let auth: Record<string, string>;

  const sim = (system: string): string => {
    const url = hub.simulators[system];
    if (!url) throw new Error(`no ${system} simulator in the start-up output`);
    return url;
  };
  const requestsAt = async (system: string): Promise<number> => {
    const counts = (await (await fetch(`${sim(system)}/__admin/requests`)).json()) as Record<string, number>;
    return Object.entries(counts)
      .filter(([path]) => !/health|suckhoe/.test(path))
      .reduce((sum, [, n]) => sum + n, 0);
  };
  const setFaults = async (system: string, faults: Record<string, unknown>): Promise<void> => {
    await fetch(`${sim(system)}/__admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  };

  beforeAll(async () => {
    auth = await superuser();
    db = await createTestDatabase();
    prefix = `fed${randomBytes(4).toString('hex')}`;
    hub = await startHubProcess({
      DATABASE_URL: db.url,
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: prefix,
      PORT: '0',
      HOST: '127.0.0.1',
      UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
      // Everything the hub logs is scanned for personal data at the end.
      LOG_LEVEL: 'debug',
      RECONCILE_EVERY_SECONDS: '3600',
    });
    // The first scheduled pulls fill the dossier and document indexes.
    await eventually(
      async () => {
        const [row] = await db.sql<{ d: number; docs: number }[]>`
          select (select count(*)::int from dossiers) as d, (select count(*)::int from documents) as docs`;
        return row && row.d >= 2_000 && row.docs > 1_000 ? row : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250, what: 'the dossier and document indexes to fill' },
    );
  });

  afterAll(async () => {
    await hub?.stop();
    await db?.drop();
  });

  beforeEach(async () => {
    for (const system of ['population', 'civil-registration']) {
      await setFaults(system, { latencyMs: 0, errorRate: 0, malformedRate: 0, down: false });
      await fetch(`${sim(system)}/__admin/requests`, { method: 'DELETE' });
    }
  });

  it('reads 50 dossiers with applicants and their registrations in one request per system and nesting level', async () => {
    const result = await execute(hub.graphqlUrl, DossiersWithApplicantsDocument, { first: 50, filter: { provinceCode: '96' } }, auth);
    expect(result.errors).toEqual([]);
    const nodes = result.data?.dossiers.edges.map((e) => e.node) ?? [];
    expect(nodes).toHaveLength(50);
    expect(nodes.filter((n) => n.applicant !== null).length).toBeGreaterThan(45);
    expect(await requestsAt('population')).toBe(1);
    expect(await requestsAt('civil-registration')).toBe(1);
  });

  it('records every applicant read with purpose PROCESS_DOSSIER and the dossier as reference', async () => {
    const result = await execute(hub.graphqlUrl, DossiersWithApplicantsDocument, { first: 10, filter: { provinceCode: '51' } }, auth);
    const nodes = result.data?.dossiers.edges.map((e) => e.node) ?? [];
    const codes = nodes.filter((n) => n.applicant).map((n) => n.code);
    const rows = await db.sql<{ reference: string; purpose: string; fields: string[]; subject_personal_id: string }[]>`
      select reference, purpose, fields, subject_personal_id from audit_events
      where action = 'CITIZEN_READ' and reference in ${db.sql(codes)}`;
    expect(rows.map((r) => r.reference).sort()).toEqual([...codes].sort());
    expect(new Set(rows.map((r) => r.purpose))).toEqual(new Set(['PROCESS_DOSSIER']));
    expect(rows[0]?.fields).toContain('fullName');
  });

  it('answers with the other fields intact and a coded field error when the population database is down', async () => {
    await setFaults('population', { down: true });
    const started = Date.now();
    const result = await execute(hub.graphqlUrl, DossiersWithApplicantsDocument, { first: 5, filter: { provinceCode: '96' } }, auth);
    const elapsed = Date.now() - started;
    const nodes = result.data?.dossiers.edges.map((e) => e.node) ?? [];
    expect(nodes).toHaveLength(5);
    expect(nodes.every((n) => n.applicant === null && n.observations.length > 0)).toBe(true);
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors.every((e) => e.extensions?.['code'] === 'UPSTREAM_UNAVAILABLE' && e.extensions['system'] === 'population')).toBe(true);
    expect(result.errors[0]?.path).toEqual(['dossiers', 'edges', 0, 'node', 'applicant']);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1_000);
  });

  it('gives UPSTREAM_TIMEOUT within the time limit plus a small margin when the population database is slow', async () => {
    await setFaults('population', { latencyMs: 5_000 });
    const started = Date.now();
    const result = await execute(hub.graphqlUrl, DossiersWithApplicantsDocument, { first: 3, filter: { provinceCode: '51' } }, auth);
    const elapsed = Date.now() - started;
    expect(result.data?.dossiers.edges).toHaveLength(3);
    expect(result.errors[0]?.extensions?.['code']).toBe('UPSTREAM_TIMEOUT');
    expect(result.errors[0]?.extensions?.['system']).toBe('population');
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1_000);
  });

  it('rejects a malformed personal id with BAD_USER_INPUT and sends nothing upstream', async () => {
    const result = await execute(hub.graphqlUrl, CitizenLookupDocument, { personalId: '09912345678', purpose: 'VERIFY_IDENTITY', reference: 'X' }, auth);
    expect(result.errors[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(result.errors[0]?.message).toMatch(/12 digits/);
    expect(await requestsAt('population')).toBe(0);
  });

  it('rejects a citizen lookup without a reference', async () => {
    const [row] = await db.sql<{ id: string }[]>`select applicant_personal_id as id from dossiers where applicant_personal_id is not null limit 1`;
    const result = await execute(hub.graphqlUrl, CitizenLookupDocument, { personalId: row?.id ?? '', purpose: 'VERIFY_IDENTITY' }, auth);
    expect(result.errors[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(result.errors[0]?.message).toMatch(/reference/);
    expect(await requestsAt('population')).toBe(0);
  });

  it('reports every connected system, and closes a breaker again once its system answers', async () => {
    // Earlier tests took the population database down; its breaker recovers through a probe.
    const systems = await eventually(
      async () => {
        const result = await execute(hub.graphqlUrl, SystemsDocument, {}, auth);
        const list = result.data?.systems ?? [];
        return list.length === 7 && list.every((s) => s.health === 'UP' && s.circuit === 'CLOSED') ? list : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'every system UP with a closed circuit' },
    );
    expect(systems.map((s) => s.id).sort()).toEqual(
      ['civil-registration', 'government-documents', 'national-portal', 'party-documents', 'population', 'provincial', 'specialized'],
    );
    expect(systems.find((s) => s.id === 'population')?.errors).toBeGreaterThan(0);
  });

  it('pages documents of both systems newest first and finds one by id', async () => {
    const first = await execute(hub.graphqlUrl, DocumentPageDocument, { first: 20 }, auth);
    expect(first.errors).toEqual([]);
    const page = first.data?.documents;
    const sources = new Set((await execute(hub.graphqlUrl, DocumentPageDocument, { first: 100 }, auth)).data?.documents.edges.map((e) => e.node.source));
    expect(page?.totalCount).toBeGreaterThan(1_000);
    const dates = page?.edges.map((e) => e.node.issuedAt) ?? [];
    expect([...dates].sort().reverse()).toEqual(dates);
    const next = await execute(hub.graphqlUrl, DocumentPageDocument, { first: 20, after: page?.pageInfo.endCursor ?? null }, auth);
    const firstIds = new Set(page?.edges.map((e) => e.node.id));
    expect(next.data?.documents.edges.some((e) => firstIds.has(e.node.id))).toBe(false);
    expect(sources.size).toBeGreaterThan(0);
    const party = await execute(hub.graphqlUrl, DocumentPageDocument, { first: 1, filter: { source: ['party-documents'] } }, auth);
    const id = party.data?.documents.edges[0]?.node.id ?? '';
    const one = await execute(hub.graphqlUrl, DocumentByIdDocument, { id }, auth);
    expect(one.data?.document?.source).toBe('party-documents');
  });

  it('sums digitization progress in pages over the archives a province received', async () => {
    const files = await execute(hub.graphqlUrl, ArchiveFilesDocument, { filter: { provinceCode: '96' } }, auth);
    const progress = await execute(hub.graphqlUrl, DigitizationProgressOfDocument, { unitCode: '96' }, auth);
    const list = files.data?.archiveFiles ?? [];
    const report = progress.data?.digitizationProgress;
    expect(list.length).toBeGreaterThan(100);
    expect(report?.files).toBe(list.length);
    expect(report?.pages).toBe(list.reduce((s, f) => s + f.pageCount, 0));
    expect(report?.pagesDigitized).toBe(list.reduce((s, f) => s + f.pagesDigitized, 0));
    expect((report?.permanentFiles ?? 0) + (report?.termFiles ?? 0)).toBe(list.length);
    expect(report?.byReceivingCommune.reduce((s, g) => s + g.files, 0)).toBe(list.length);
  });

  it('leaves no personal id in its logs or in Redis after reading citizens', async () => {
    const ids = (await db.sql<{ id: string }[]>`select distinct applicant_personal_id as id from dossiers where applicant_personal_id is not null`).map((r) => r.id);
    const [reads] = await db.sql<{ n: number }[]>`select count(*)::int as n from audit_events where action = 'CITIZEN_READ'`;
    expect(reads?.n).toBeGreaterThan(50);
    const logs = hub.output();
    expect(logs.length).toBeGreaterThan(0);
    // Twelve digits standing alone: the last group of a UUID (job ids of corrections) can be
    // twelve digits too, once in a few hundred, and is not a personal id.
    const idPattern = /(?<![\da-f-])0\d{11}(?![\da-f-])/gi;
    expect('correction-244fe6be-2651-4eb2-b380-009774281715'.match(idPattern)).toBeNull();
    expect('{"applicant":"001203004512"} id=001203004512'.match(idPattern)).toHaveLength(2);
    expect(logs.match(idPattern) ?? []).toEqual([]);
    const redis = new Redis(inject('redisUrl'));
    try {
      let dump = '';
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', '500');
        cursor = next;
        for (const key of keys) {
          const type = await redis.type(key);
          if (type === 'string') dump += await redis.get(key);
          else if (type === 'hash') dump += JSON.stringify(await redis.hgetall(key));
          else if (type === 'list') dump += JSON.stringify(await redis.lrange(key, 0, -1));
          else if (type === 'set') dump += JSON.stringify(await redis.smembers(key));
          else if (type === 'zset') dump += JSON.stringify(await redis.zrange(key, '0', '-1'));
          else if (type === 'stream') dump += JSON.stringify(await redis.xrange(key, '-', '+'));
          dump += key;
        }
      } while (cursor !== '0');
      expect(dump.length).toBeGreaterThan(100);
      expect(ids.filter((id) => dump.includes(id))).toEqual([]);
      expect(dump.match(idPattern) ?? []).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
