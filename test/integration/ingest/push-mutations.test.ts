import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoDossier } from '../../../src/connectors/demo/demo-dataset.js';
import { DocumentRepository } from '../../../src/db/document.repository.js';
import {
  InboundEventsDocument,
  IngestStatsDocument,
  PushCivilRegistrationDocument,
  PushDocumentIssuedDocument,
  PushDocumentReceivedDocument,
  PushDossierCreatedDocument,
  PushDossierStatusDocument,
  type DossierStatusPushInput,
} from '../../../src/generated/operations.js';
import { execute } from '../../support/graphql-client.js';
import { bearer } from '../../support/tokens.js';
import { eventId, startIngestHarness, type IngestHarness } from '../../support/ingest-harness.js';
import { eventually } from '../../support/test-database.js';

describe('GraphQL push mutations', () => {
  let hub: IngestHarness;
  let dossiers: DemoDossier[];

  const auth = (system = 'provincial', key: string | null = randomUUID()): Record<string, string> => ({
    authorization: `Bearer ${hub.tokens[system]}`,
    ...(key === null ? {} : { 'idempotency-key': `"${key}"` }),
  });

  const statusInput = (dossier: DemoDossier, overrides: Partial<DossierStatusPushInput> = {}): DossierStatusPushInput => ({
    eventId: eventId('gql'),
    timestamp: new Date().toISOString(),
    version: 500,
    dossierCode: dossier.code,
    procedureCode: dossier.procedureCode,
    provinceCode: dossier.provinceCode,
    communeCode: dossier.communeCode,
    status: 'PROCESSING',
    ...overrides,
  });

  /** An operator of the hub: reads inbound events and ingest counters. */
  const operator = () => bearer(['OPERATOR'], ['VN']);

  const inboxCount = async (): Promise<number> => {
    const [row] = await hub.db.sql<{ n: number }[]>`select count(*)::int as n from inbound_events`;
    return row?.n ?? 0;
  };

  /** The HTTP status of a GraphQL request whose errors set one (extensions.http). */
  const httpStatus = async (variables: { input: DossierStatusPushInput }, headers: Record<string, string>): Promise<number> => {
    const result = await execute(hub.graphqlUrl, PushDossierStatusDocument, variables, headers);
    return result.status;
  };

  beforeAll(async () => {
    hub = await startIngestHarness();
    dossiers = hub.dataset.dossiers.slice(150);
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('refuses a push without an agency system token with UNAUTHENTICATED (401)', async () => {
    const input = statusInput(dossiers[0] as DemoDossier);
    const result = await execute(hub.graphqlUrl, PushDossierStatusDocument, { input }, { 'idempotency-key': `"${randomUUID()}"` });
    expect(result.status).toBe(401);
    expect(result.errors[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    const wrong = await execute(hub.graphqlUrl, PushDossierStatusDocument, { input }, { authorization: 'Bearer not-a-token', 'idempotency-key': 'k1' });
    expect(wrong.errors[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('refuses a push without an Idempotency-Key with IDEMPOTENCY_KEY_MISSING (400) and stores nothing', async () => {
    const before = await inboxCount();
    const result = await execute(hub.graphqlUrl, PushDossierStatusDocument, { input: statusInput(dossiers[0] as DemoDossier) }, auth('provincial', null));
    expect(result.status).toBe(400);
    expect(result.errors[0]?.extensions?.['code']).toBe('IDEMPOTENCY_KEY_MISSING');
    expect(await inboxCount()).toBe(before);
  });

  it('stores and applies a push, and replays the stored answer for the same key', async () => {
    const dossier = dossiers[1] as DemoDossier;
    const input = statusInput(dossier, { status: 'SUPPLEMENT_REQUESTED' });
    const headers = auth();
    const first = await execute(hub.graphqlUrl, PushDossierStatusDocument, { input }, headers);
    expect(first.errors).toEqual([]);
    expect(first.data?.pushDossierStatus).toMatchObject({ eventId: input.eventId, status: 'ACCEPTED', replayed: false });
    const before = await inboxCount();
    const again = await execute(hub.graphqlUrl, PushDossierStatusDocument, { input }, headers);
    expect(again.data?.pushDossierStatus).toEqual({ ...first.data?.pushDossierStatus, replayed: true });
    expect(await inboxCount()).toBe(before);
    await eventually(async () => {
      const [row] = await hub.db.sql<{ status: string }[]>`select status from observations where dossier_code = ${dossier.code} and system = 'provincial'`;
      return row?.status === 'SUPPLEMENT_REQUESTED' ? true : undefined;
    });
    const [event] = await hub.db.sql<{ channel: string; delivery_id: string }[]>`
      select channel, delivery_id from inbound_events where event_id = ${input.eventId}`;
    expect(event?.channel).toBe('GRAPHQL');
  });

  it('refuses the same key with other arguments with IDEMPOTENCY_KEY_REUSED (422)', async () => {
    const headers = auth();
    const input = statusInput(dossiers[2] as DemoDossier);
    expect((await execute(hub.graphqlUrl, PushDossierStatusDocument, { input }, headers)).errors).toEqual([]);
    const other = await execute(hub.graphqlUrl, PushDossierStatusDocument, { input: { ...input, status: 'RESOLVED' } }, headers);
    expect(other.status).toBe(422);
    expect(other.errors[0]?.extensions?.['code']).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses the same key while the first request is still running with IDEMPOTENCY_KEY_IN_FLIGHT (409)', async () => {
    const headers = auth();
    const input = statusInput(dossiers[3] as DemoDossier);
    // Another session holds the inbox, so the first request waits inside its write.
    const blocker = postgres(hub.db.url, { max: 1, onnotice: () => undefined });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const locked = new Promise<void>((resolveLocked) => {
      void blocker.begin(async (tx) => {
        await tx`lock table inbound_events in share row exclusive mode`;
        resolveLocked();
        await held;
      });
    });
    try {
      await locked;
      const first = execute(hub.graphqlUrl, PushDossierStatusDocument, { input }, headers);
      await eventually(async () => {
        const [row] = await hub.db.sql<{ state: string }[]>`select state from idempotency_keys where key = ${headers['idempotency-key']?.slice(1, -1) ?? ''}`;
        return row?.state === 'IN_FLIGHT' ? true : undefined;
      });
      expect(await httpStatus({ input }, headers)).toBe(409);
      const second = await execute(hub.graphqlUrl, PushDossierStatusDocument, { input }, headers);
      expect(second.errors[0]?.extensions?.['code']).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
      release();
      const done = await first;
      expect(done.data?.pushDossierStatus.status).toBe('ACCEPTED');
      const replay = await execute(hub.graphqlUrl, PushDossierStatusDocument, { input }, headers);
      expect(replay.data?.pushDossierStatus).toEqual({ ...done.data?.pushDossierStatus, replayed: true });
    } finally {
      release();
      await blocker.end();
    }
  });

  it('answers an invalid field with BAD_USER_INPUT naming it, and frees the key for the corrected request', async () => {
    const headers = auth();
    const input = statusInput(dossiers[4] as DemoDossier, { communeCode: '1' });
    const bad = await execute(hub.graphqlUrl, PushDossierStatusDocument, { input }, headers);
    expect(bad.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.communeCode', reason: 'INVALID_EVENT' });
    expect(bad.errors[0]?.message).toBe('data.communeCode: must be a five-digit commune code, e.g. "32248"');
    const fixed = await execute(hub.graphqlUrl, PushDossierStatusDocument, { input: { ...input, communeCode: (dossiers[4] as DemoDossier).communeCode } }, headers);
    expect(fixed.data?.pushDossierStatus.status).toBe('ACCEPTED');
  });

  it('takes dossier, document and civil-registration pushes from the systems that hold them', async () => {
    const dossier = dossiers[5] as DemoDossier;
    const created = await execute(
      hub.graphqlUrl,
      PushDossierCreatedDocument,
      { input: { ...statusInput(dossier, { status: 'RECEIVED' }) } },
      auth('specialized'),
    );
    expect(created.data?.pushDossierCreated.status).toBe('ACCEPTED');
    const document = {
      eventId: eventId('doc'),
      timestamp: new Date().toISOString(),
      documentId: 'CV-2026-77',
      number: '77/UBND-VP',
      subject: 'Về việc tổ chức tiếp công dân',
      issuerName: 'UBND xã Tân Thành',
      issuedAt: '2026-11-18T08:00:00+07:00',
      provinceCode: '96',
      direction: 'INCOMING',
    };
    const received = await execute(hub.graphqlUrl, PushDocumentReceivedDocument, { input: document }, auth('government-documents'));
    expect(received.data?.pushDocumentReceived.status).toBe('ACCEPTED');
    const issued = await execute(
      hub.graphqlUrl,
      PushDocumentIssuedDocument,
      { input: { ...document, eventId: eventId('doc'), direction: 'OUTGOING', urgency: 'RUSH' } },
      auth('government-documents'),
    );
    expect(issued.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.urgency' });
    const civil = await execute(
      hub.graphqlUrl,
      PushCivilRegistrationDocument,
      {
        input: {
          eventId: eventId('ks'),
          timestamp: new Date().toISOString(),
          registrationId: 'KT-96-2026-0042',
          kind: 'DEATH',
          provinceCode: '96',
          communeCode: dossier.communeCode,
          people: [{ role: 'DECEASED', fullName: 'Trần Thị Bình', personalId: dossier.applicantPersonalId }],
        },
      },
      auth('civil-registration'),
    );
    expect(civil.data?.pushCivilRegistration.status).toBe('ACCEPTED');
    // The provincial system holds no documents.
    const misplaced = await execute(hub.graphqlUrl, PushDocumentReceivedDocument, { input: { ...document, eventId: eventId('doc') } }, auth('provincial'));
    expect(misplaced.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'EVENT_TYPE_NOT_ALLOWED' });
  });

  it('indexes a pushed document under the dossier it is about', async () => {
    const dossier = dossiers[6] as DemoDossier;
    const input = {
      eventId: eventId('doc'),
      timestamp: new Date().toISOString(),
      documentId: 'CV-2026-88',
      number: '88/UBND-VP',
      subject: 'Về việc xác minh hồ sơ khai sinh',
      issuerName: 'UBND xã Tân Thành',
      issuedAt: '2026-11-19T08:00:00+07:00',
      provinceCode: dossier.provinceCode,
      communeCode: dossier.communeCode,
      dossierCode: dossier.code,
      direction: 'INCOMING',
    };
    const pushed = await execute(hub.graphqlUrl, PushDocumentReceivedDocument, { input }, auth('government-documents'));
    expect(pushed.data?.pushDocumentReceived.status).toBe('ACCEPTED');
    const [about] = await eventually(
      async () => {
        const found = await new DocumentRepository(hub.db.db).byDossierCodes([dossier.code]);
        return found[0]?.length ? found : undefined;
      },
      { what: 'the pushed document in the index' },
    );
    expect(about?.map((d) => [d.id, d.number, d.dossierCode])).toEqual([['government-documents:CV-2026-88', '88/UBND-VP', dossier.code]]);
  });

  it('lists inbound events by status and system, page by page, with the reason of each', async () => {
    const dossier = dossiers[6] as DemoDossier;
    const newer = statusInput(dossier, { status: 'RESOLVED', version: 900 });
    const older = statusInput(dossier, { status: 'PROCESSING', version: 899 });
    await execute(hub.graphqlUrl, PushDossierStatusDocument, { input: newer }, auth());
    await eventually(async () => {
      const [row] = await hub.db.sql<{ status: string }[]>`select status from inbound_events where event_id = ${newer.eventId}`;
      return row?.status === 'APPLIED' ? true : undefined;
    });
    await execute(hub.graphqlUrl, PushDossierStatusDocument, { input: older }, auth());
    const superseded = await eventually(async () => {
      const result = await execute(hub.graphqlUrl, InboundEventsDocument, { filter: { status: ['SUPERSEDED'], entityKey: dossier.code }, first: 10 }, await operator());
      return result.data?.inboundEvents.edges.length === 1 ? result.data.inboundEvents : undefined;
    });
    expect(superseded.edges[0]?.node).toMatchObject({
      system: 'provincial',
      eventId: older.eventId,
      sourceVersion: 899,
      channel: 'GRAPHQL',
      status: 'SUPERSEDED',
      reasonCode: 'OLDER_VERSION',
    });

    const seen = new Set<string>();
    let after: string | null = null;
    let total = 0;
    for (let page = 0; page < 20; page += 1) {
      const result: Awaited<ReturnType<typeof execute<unknown, unknown>>> & { data: { inboundEvents: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor?: string | null }; edges: Array<{ node: { id: string } }> } } | null } =
        await execute(hub.graphqlUrl, InboundEventsDocument, { filter: { system: 'provincial' }, first: 2, after }, await operator());
      total = result.data?.inboundEvents.totalCount ?? 0;
      for (const edge of result.data?.inboundEvents.edges ?? []) seen.add(edge.node.id);
      if (!result.data?.inboundEvents.pageInfo.hasNextPage) break;
      after = result.data.inboundEvents.pageInfo.endCursor ?? null;
    }
    expect(seen.size).toBe(total);
    const bad = await execute(hub.graphqlUrl, InboundEventsDocument, { filter: { system: 'mars' } }, await operator());
    expect(bad.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.system' });
  });

  it('counts pushes per system in ingestStats', async () => {
    const anonymous = await execute(hub.graphqlUrl, IngestStatsDocument, {});
    expect(anonymous.errors[0]?.extensions?.['code']).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
    const system = await execute(hub.graphqlUrl, IngestStatsDocument, {}, { authorization: `Bearer ${hub.tokens['provincial']}` });
    expect(system.errors[0]?.extensions?.['code']).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
    const result = await execute(hub.graphqlUrl, IngestStatsDocument, {}, await operator());
    expect(result.errors).toEqual([]);
    const provincial = result.data?.ingestStats.find((s) => s.system === 'provincial');
    expect(provincial?.enabled).toBe(true);
    expect(provincial?.accepted).toBeGreaterThanOrEqual(6);
    expect(provincial?.superseded).toBeGreaterThanOrEqual(1);
    // Every stored event is pending, applied or superseded here; `rejected` also counts the
    // events of refused deliveries (the IDEMPOTENCY and validation failures above), never stored.
    expect(provincial && provincial.applied + provincial.superseded + provincial.pending).toBe(provincial?.accepted);
    expect(provincial?.rejected).toBe(2);
    expect(provincial?.lastRejection?.code).toBe('INVALID_EVENTS');
    const population = result.data?.ingestStats.find((s) => s.system === 'population');
    expect(population).toBeUndefined();
    const [metrics] = [await (await fetch(`${hub.baseUrl}/metrics`)).text()];
    expect(metrics).toMatch(/lienthong_ingest_inbox_events\{system="provincial",state="accepted"\} \d+/);
    expect(metrics).toMatch(/lienthong_ingest_deliveries_total\{system="provincial",channel="GRAPHQL",outcome="accepted"\} \d+/);
  });

  it('acknowledges webhook deliveries and push mutations sent at once, each with its own stored event', async () => {
    const webhookEvents = dossiers.slice(60, 90).map((d) => ({ id: eventId('par-wh'), type: 'dossier.status_changed' as const, timestamp: new Date(), version: 900, data: { dossierCode: d.code, procedureCode: d.procedureCode, provinceCode: d.provinceCode, communeCode: d.communeCode, status: 'PROCESSING' } }));
    const inputs = dossiers.slice(90, 120).map((d) => statusInput(d, { eventId: eventId('par-gql'), version: 900 }));
    const sender = hub.sender('provincial');
    const [webhooks, mutations] = await Promise.all([
      Promise.all(webhookEvents.map((e) => sender.send(e))),
      Promise.all(inputs.map((input) => execute(hub.graphqlUrl, PushDossierStatusDocument, { input }, auth()))),
    ]);
    const answered = new Map<string, { inboundId: string; channel: string }>();
    for (const reply of webhooks) {
      expect(reply.status).toBe(200);
      const [event] = (reply.body as { events: Array<{ id: string; status: string; inboundId: string }> }).events;
      expect(event?.status).toBe('ACCEPTED');
      answered.set(event?.id as string, { inboundId: event?.inboundId as string, channel: 'WEBHOOK' });
    }
    for (const result of mutations) {
      expect(result.errors).toEqual([]);
      const receipt = result.data?.pushDossierStatus;
      expect(receipt?.status).toBe('ACCEPTED');
      answered.set(receipt?.eventId as string, { inboundId: receipt?.inboundEventId as string, channel: 'GRAPHQL' });
    }
    const ids = [...webhookEvents.map((e) => e.id), ...inputs.map((i) => i.eventId)];
    expect([...answered.keys()].sort()).toEqual([...ids].sort());
    const rows = await hub.db.sql<{ event_id: string; id: string; channel: string }[]>`
      select event_id, id, channel from inbound_events where system = 'provincial' and event_id = any(${ids})`;
    expect(Object.fromEntries(rows.map((r) => [r.event_id, { inboundId: r.id, channel: r.channel }]))).toEqual(Object.fromEntries(answered));
    await eventually(async () => {
      const [row] = await hub.db.sql<{ n: number }[]>`select count(*)::int as n from inbound_events where event_id = any(${ids}) and status = 'ACCEPTED'`;
      return row?.n === 0 ? true : undefined;
    }, { what: 'the pushed events to be applied' });
  });
});
