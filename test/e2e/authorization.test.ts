import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';
import { createTestDatabase, eventually, type TestDatabase } from '../support/test-database.js';
import { loadPersistedOperations } from '../../src/http/persisted-operations.js';
import { bearer, TEST_AUDIENCE, TEST_ISSUER, TEST_JWT_SECRET } from '../support/tokens.js';

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }> };
}

async function post(url: string, query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const codes = (a: Answer): unknown[] => (a.body.errors ?? []).map((e) => e.extensions?.['code']);

describe('who may see what', () => {
  let db: TestDatabase;
  let hub: HubProcess;
  let commune: string;
  let ownCode: string;
  let otherCode: string;
  let applicantId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    hub = await startHubProcess({
      DATABASE_URL: db.url,
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: `authz${randomBytes(4).toString('hex')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      RECONCILE_EVERY_SECONDS: '3600',
    });
    const row = await eventually(
      async () => {
        const [r] = await db.sql<{ commune_code: string; code: string; applicant_personal_id: string }[]>`
          select commune_code, code, applicant_personal_id from dossiers
          where province_code = '96' and applicant_personal_id is not null order by code limit 1`;
        return r;
      },
      { timeoutMs: 90_000, what: 'dossiers in the index' },
    );
    commune = row.commune_code;
    ownCode = row.code;
    applicantId = row.applicant_personal_id;
    const [other] = await db.sql<{ code: string }[]>`select code from dossiers where commune_code <> ${commune} order by code limit 1`;
    otherCode = other?.code ?? '';
  });

  afterAll(async () => {
    await hub?.stop();
    await db?.drop();
  });

  it('lets a commune officer list only the dossiers of their commune', async () => {
    const headers = await bearer(['COMMUNE_OFFICER'], [commune]);
    const answer = await post(hub.graphqlUrl, '{ dossiers(first: 100) { totalCount edges { node { communeCode } } } }', headers);
    const [expected] = await db.sql<{ n: number }[]>`select count(*)::int as n from dossiers where commune_code = ${commune}`;
    const connection = answer.body.data?.['dossiers'] as { totalCount: number; edges: Array<{ node: { communeCode: string } }> };
    expect(connection.totalCount).toBe(expected?.n);
    expect(connection.edges.every((e) => e.node.communeCode === commune)).toBe(true);
  });

  it('refuses a dossier of another commune, directly and through an alias, and serves the own one beside it', async () => {
    const headers = await bearer(['COMMUNE_OFFICER'], [commune]);
    const direct = await post(hub.graphqlUrl, 'query($c: String!) { dossier(code: $c) { code } }', headers, { c: otherCode });
    expect(codes(direct)).toEqual(['FORBIDDEN']);
    const aliased = await post(hub.graphqlUrl, 'query($o: String!, $x: String!) { mine: dossier(code: $o) { code } theirs: dossier(code: $x) { code } }', headers, { o: ownCode, x: otherCode });
    expect(aliased.body.data?.['mine']).toEqual({ code: ownCode });
    expect(aliased.body.data?.['theirs']).toBeNull();
    expect(aliased.body.errors?.map((e) => [e.path?.[0], e.extensions?.['code']])).toEqual([['theirs', 'FORBIDDEN']]);
  });

  it('nulls exactly the citizen fields of nested edges for an officer without population:lookup', async () => {
    const headers = await bearer(['COMMUNE_OFFICER'], [commune]);
    const answer = await post(hub.graphqlUrl, '{ dossiers(first: 3) { edges { node { code applicant { fullName } } } } }', headers);
    const edges = (answer.body.data?.['dossiers'] as { edges: Array<{ node: { code: string; applicant: unknown } }> }).edges;
    expect(edges.length).toBeGreaterThan(0);
    expect(edges.every((e) => e.node.code && e.node.applicant === null)).toBe(true);
    expect(codes(answer)).toEqual(edges.map(() => 'FORBIDDEN'));
    expect(answer.body.errors?.[0]?.path).toEqual(['dossiers', 'edges', 0, 'node', 'applicant']);
    const [reads] = await db.sql<{ n: number }[]>`select count(*)::int as n from audit_events where actor = 'test-commune_officer'`;
    expect(reads?.n).toBe(0);
  });

  it('refuses citizen lookups without the scope, and auditors any citizen field', async () => {
    for (const headers of [await bearer(['COMMUNE_OFFICER'], [commune]), await bearer(['AUDITOR'], ['VN'])]) {
      const answer = await post(hub.graphqlUrl, 'query($p: String!) { citizen(personalId: $p, purpose: VERIFY_IDENTITY, reference: "X") { fullName } }', headers, { p: applicantId });
      expect(codes(answer)).toEqual(['FORBIDDEN']);
    }
  });

  it('requires a purpose for every citizen read', async () => {
    const headers = await bearer(['COMMUNE_OFFICER'], [commune], ['population:lookup']);
    const answer = await post(hub.graphqlUrl, 'query($p: String!) { citizen(personalId: $p) { fullName } }', headers, { p: applicantId });
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(answer.body.errors?.[0]?.message).toMatch(/purpose/);
  });

  it('records a permitted read and shows it in the citizen’s data access log', async () => {
    const officer = await bearer(['COMMUNE_OFFICER'], [commune], ['population:lookup']);
    const read = await post(hub.graphqlUrl, 'query($p: String!, $r: String!) { citizen(personalId: $p, purpose: PROCESS_DOSSIER, reference: $r) { fullName } }', officer, { p: applicantId, r: ownCode });
    expect(read.body.errors).toBeUndefined();
    const portal = await bearer(['CITIZEN_PORTAL'], []);
    const log = await post(hub.graphqlUrl, 'query($p: String!) { dataAccessLog(personalId: $p) { actor actorUnit purpose reference fields } }', portal, { p: applicantId });
    expect(log.body.data?.['dataAccessLog']).toContainEqual({ actor: 'test-commune_officer', actorUnit: commune, purpose: 'PROCESS_DOSSIER', reference: ownCode, fields: ['fullName'] });
  });

  it('lets auditors read the audit trail and nobody else', async () => {
    const auditor = await post(hub.graphqlUrl, '{ auditEvents(first: 5) { edges { node { seq action hash } } } }', await bearer(['AUDITOR'], ['VN']));
    expect(auditor.body.errors).toBeUndefined();
    const officer = await post(hub.graphqlUrl, '{ auditEvents(first: 5) { edges { node { seq } } } }', await bearer(['PROVINCE_OFFICER'], ['96']));
    expect(codes(officer)).toEqual(['FORBIDDEN']);
  });

  it('shows that a secret document exists but not its content without documents:confidential', async () => {
    const query = '{ documents(first: 1, filter: { secrecy: ["SECRET", "TOP_SECRET"] }) { edges { node { id number secrecy subject } } } }';
    await eventually(async () => ((await db.sql`select 1 from documents where secrecy = 'SECRET' limit 1`).length > 0 ? true : undefined), { timeoutMs: 60_000 });
    const plain = await post(hub.graphqlUrl, query, await bearer(['PROVINCE_OFFICER'], ['96']));
    const node = (plain.body.data?.['documents'] as { edges: Array<{ node: { number: string; subject: string | null } }> }).edges[0]?.node;
    expect(node?.number).toBeTruthy();
    expect(node?.subject).toBeNull();
    expect(codes(plain)).toEqual(['FORBIDDEN']);
    const cleared = await post(hub.graphqlUrl, query, await bearer(['PROVINCE_OFFICER'], ['96'], ['documents:confidential']));
    expect((cleared.body.data?.['documents'] as { edges: Array<{ node: { subject: string } }> }).edges[0]?.node.subject).toBeTruthy();
  });

  it('asks anonymous callers to authenticate', async () => {
    const answer = await post(hub.graphqlUrl, '{ dossiers(first: 1) { totalCount } }');
    expect(codes(answer)).toEqual(['UNAUTHENTICATED']);
    const units = await post(hub.graphqlUrl, '{ administrativeUnit(code: "96") { name } }');
    expect(units.body.data?.['administrativeUnit']).toEqual({ name: 'Cà Mau' });
  });

  it('refuses malformed, expired, wrong-audience and wrong-signature tokens alike, without detail', async () => {
    const key = new TextEncoder().encode(TEST_JWT_SECRET);
    const sign = (issuer: string, audience: string, exp: string | number, secret = key) =>
      new SignJWT({ roles: ['AUDITOR'], units: ['VN'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer(issuer).setAudience(audience).setIssuedAt().setExpirationTime(exp).sign(secret);
    const tokens = [
      'not-a-token',
      await sign(TEST_ISSUER, TEST_AUDIENCE, Math.floor(Date.now() / 1000) - 60),
      await sign(TEST_ISSUER, 'some-other-api', '1h'),
      await sign(TEST_ISSUER, TEST_AUDIENCE, '1h', new TextEncoder().encode('a-different-secret-of-enough-length-000')),
    ];
    for (const token of tokens) {
      const answer = await post(hub.graphqlUrl, '{ systems { id } }', { authorization: `Bearer ${token}` });
      expect(answer.status).toBe(401);
      expect(answer.body.errors?.map((e) => [e.message, e.extensions?.['code']])).toEqual([['invalid or expired token', 'UNAUTHENTICATED']]);
    }
  });

  it('refuses a depth bomb, an alias flood and circular fragments before running them', async () => {
    const headers = await bearer(['AUDITOR'], ['VN']);
    const bomb = `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } }`;
    const deep = await post(hub.graphqlUrl, bomb, headers);
    expect(deep.status).toBe(400);
    expect(deep.body.errors?.map((e) => e.message)).toContainEqual(expect.stringMatching(/nested \d+ levels deep; at most 12/));
    const flood = `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: systems { id }`).join(' ')} }`;
    const aliased = await post(hub.graphqlUrl, flood, headers);
    expect(aliased.status).toBe(400);
    expect(aliased.body.errors?.map((e) => e.message)).toContainEqual('the operation uses 100 aliases; at most 30 are allowed');
    const cycle = 'query { systems { ...A } } fragment A on SystemStatus { id ...B } fragment B on SystemStatus { name ...A }';
    const cyclic = await post(hub.graphqlUrl, cycle, headers);
    expect(cyclic.status).toBe(400);
    expect(cyclic.body.errors?.[0]?.message).toMatch(/Cannot spread fragment/);
  });

  it('refuses batched arrays, GET mutations, simple-request CSRF and oversized documents', async () => {
    const batch = await fetch(hub.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]) });
    expect(batch.status).toBe(400);
    const getMutation = await fetch(`${hub.graphqlUrl}?query=${encodeURIComponent('mutation { requestReconciliation(provinceCode: "96") { id } }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(getMutation.status).toBe(405);
    const csrf = await fetch(hub.graphqlUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(csrf.status).toBe(400);
    const oversized = await fetch(hub.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ __typename ${' '.repeat(1_100_000)}}` }) });
    expect(oversized.status).toBe(413);
    const manyTokens = await post(hub.graphqlUrl, `{ ${Array.from({ length: 6_000 }, () => '__typename').join(' ')} }`);
    expect(manyTokens.status).toBe(400);
    expect(manyTokens.body.errors?.[0]?.message).toMatch(/more that 5000 tokens/);
  });
});

describe('the hub in production mode', () => {
  let db: TestDatabase;
  let hub: HubProcess;

  beforeAll(async () => {
    db = await createTestDatabase();
    hub = await startHubProcess({
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: `prod${randomBytes(4).toString('hex')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_DOSSIERS: '100',
      RECONCILE_EVERY_SECONDS: '3600',
    });
  });

  afterAll(async () => {
    await hub?.stop();
    await db?.drop();
  });

  it('runs only operations of the persisted-operations manifest', async () => {
    const headers = await bearer(['AUDITOR'], ['VN']);
    const manifest = loadPersistedOperations();
    const [hash, systems] = [...manifest].find(([, op]) => op.name === 'Systems') ?? [];
    const byHash = await fetch(hub.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
    });
    const answer = (await byHash.json()) as Answer['body'];
    expect(answer.errors).toBeUndefined();
    expect((answer.data?.['systems'] as unknown[]).length).toBe(7);
    const byText = await post(hub.graphqlUrl, systems?.body ?? '', headers);
    expect(byText.body.errors).toBeUndefined();
    const adHoc = await post(hub.graphqlUrl, '{ systems { id } }', headers);
    expect(adHoc.status).toBe(400);
    expect(codes(adHoc)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('prints no demo tokens', () => {
    expect(hub.output()).not.toContain('Demo tokens');
  });
});

describe('the hub in production mode with ad-hoc operations allowed', () => {
  let db: TestDatabase;
  let hub: HubProcess;

  beforeAll(async () => {
    db = await createTestDatabase();
    hub = await startHubProcess({
      NODE_ENV: 'production',
      PERSISTED_OPERATIONS: 'off',
      DATABASE_URL: db.url,
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: `prod${randomBytes(4).toString('hex')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_DOSSIERS: '100',
      RECONCILE_EVERY_SECONDS: '3600',
    });
  });

  afterAll(async () => {
    await hub?.stop();
    await db?.drop();
  });

  it('refuses introspection', async () => {
    const answer = await post(hub.graphqlUrl, '{ __schema { queryType { name } } }', await bearer(['AUDITOR'], ['VN']));
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.message).toMatch(/introspection/i);
  });

  it('does not suggest field names', async () => {
    const answer = await post(hub.graphqlUrl, '{ system { id } }', await bearer(['AUDITOR'], ['VN']));
    expect(answer.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });
});
