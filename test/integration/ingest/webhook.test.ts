import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDelivery } from '../../../src/connectors/webhook-sender.js';
import type { DemoDossier } from '../../../src/connectors/demo/demo-dataset.js';
import { generateWebhookSecret } from '../../../src/http/webhook-signature.js';
import { eventId, startIngestHarness, statusEvent, type IngestHarness } from '../../support/ingest-harness.js';
import { eventually } from '../../support/test-database.js';

interface Reply {
  status: number;
  body: { error?: { code: string; message: string; events?: Array<{ index: number; code: string; message: string; path: string }> }; accepted?: number; duplicates?: number; events?: Array<{ id: string; status: string; inboundId: string }> };
  headers: Headers;
}

describe('POST /ingest/:system', () => {
  let hub: IngestHarness;
  let dossiers: DemoDossier[];

  const post = async (path: string, body: string | Buffer, headers: Record<string, string>): Promise<Reply> => {
    const res = await fetch(`${hub.baseUrl}${path}`, { method: 'POST', headers, body });
    return { status: res.status, body: (await res.json()) as Reply['body'], headers: res.headers };
  };

  const stored = async (): Promise<{ inbox: number; outbox: number; refused: number }> => {
    const [row] = await hub.db.sql<{ inbox: number; outbox: number; refused: number }[]>`
      select (select count(*)::int from inbound_events) as inbox, (select count(*)::int from outbox) as outbox,
             (select count(*)::int from ingest_rejections) as refused`;
    return row as { inbox: number; outbox: number; refused: number };
  };

  const finalStatus = (inboundId: string): Promise<string> =>
    eventually(
      async () => {
        const [row] = await hub.db.sql<{ status: string }[]>`select status from inbound_events where id = ${inboundId}`;
        return row && row.status !== 'ACCEPTED' ? row.status : undefined;
      },
      { what: `inbound event ${inboundId} to be processed` },
    );

  const signed = (body: string, secrets: string[], at = new Date(), webhookId = `msg_${eventId()}`) =>
    signDelivery(`${hub.baseUrl}/ingest/provincial`, secrets, body, webhookId, at);

  beforeAll(async () => {
    hub = await startIngestHarness();
    dossiers = hub.dataset.dossiers.filter((d) => d.provincial !== null);
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('stores a signed event with its outbox row before answering, then applies it', async () => {
    const dossier = dossiers[0] as DemoDossier;
    const reply = await hub.sender('provincial').send(statusEvent(dossier, { status: 'PROCESSING', version: 50 }));
    expect(reply.status).toBe(200);
    const body = reply.body as Reply['body'];
    expect(body.accepted).toBe(1);
    const inboundId = body.events?.[0]?.inboundId as string;
    expect(await finalStatus(inboundId)).toBe('APPLIED');
    const [observation] = await hub.db.sql<{ status: string; source_version: string }[]>`
      select status, source_version from observations where dossier_code = ${dossier.code} and system = 'provincial'`;
    expect(observation).toEqual({ status: 'PROCESSING', source_version: '50' });
    // The apply step removed the outbox row: nothing is left for the relay or the sweeper.
    const [left] = await hub.db.sql<{ n: number }[]>`select count(*)::int as n from outbox where inbound_event_id = ${inboundId}`;
    expect(left?.n).toBe(0);
  });

  it('refuses a body with one byte changed after signing with 401 and stores nothing', async () => {
    const before = await stored();
    const body = JSON.stringify(statusEvent(dossiers[1] as DemoDossier, { timestamp: new Date('2026-11-19T03:00:00Z') }));
    const delivery = signed(body, [hub.secrets['provincial']?.[0] as string]);
    const forged = Buffer.from(delivery.body, 'utf8');
    // "PROCESSING" becomes "PROCESSINH": still valid JSON, still a valid-looking event.
    const at = forged.indexOf('PROCESSING') + 9;
    forged[at] = (forged[at] as number) + 1;
    const reply = await post('/ingest/provincial', forged, delivery.headers);
    expect(reply.status).toBe(401);
    expect(reply.body.error?.code).toBe('SIGNATURE_INVALID');
    expect(await stored()).toEqual(before);
  });

  it.each([
    ['10 minutes in the past', -10 * 60_000],
    ['10 minutes in the future', 10 * 60_000],
  ])('refuses a timestamp %s with 401', async (_label, offsetMs) => {
    const before = await stored();
    const body = JSON.stringify(statusEvent(dossiers[2] as DemoDossier));
    const delivery = signed(body, [hub.secrets['provincial']?.[0] as string], new Date(Date.now() + offsetMs));
    const reply = await post('/ingest/provincial', delivery.body, delivery.headers);
    expect(reply.status).toBe(401);
    expect(reply.body.error?.code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
    expect(await stored()).toEqual(before);
  });

  it('accepts a timestamp 4 minutes off, inside the 5-minute tolerance', async () => {
    const body = JSON.stringify(statusEvent(dossiers[2] as DemoDossier));
    const delivery = signed(body, [hub.secrets['provincial']?.[0] as string], new Date(Date.now() - 4 * 60_000));
    expect((await post('/ingest/provincial', delivery.body, delivery.headers)).status).toBe(200);
  });

  it('verifies the raw bytes: a signature over the re-serialized JSON does not verify', async () => {
    const secret = hub.secrets['provincial']?.[0] as string;
    // Pretty-printed, with Vietnamese text and an escaped character: bytes a re-serializer changes.
    const event = { ...statusEvent(dossiers[3] as DemoDossier), data: { ...statusEvent(dossiers[3] as DemoDossier).data, nativeStatus: 'Đang xử lý\u00a0' } };
    const raw = JSON.stringify(event, null, 2).replace('Đang', '\\u0110ang');
    const reserialized = JSON.stringify(JSON.parse(raw));
    expect(reserialized).not.toBe(raw);
    const before = await stored();

    const wrong = signed(reserialized, [secret]);
    const refused = await post('/ingest/provincial', raw, wrong.headers);
    expect(refused.status).toBe(401);
    expect(refused.body.error?.code).toBe('SIGNATURE_INVALID');
    expect(await stored()).toEqual(before);

    const right = signed(raw, [secret]);
    const accepted = await post('/ingest/provincial', raw, right.headers);
    expect(accepted.status).toBe(200);
  });

  it('accepts either secret during a rotation, and both signatures at once, but not a retired one', async () => {
    const [current, next] = hub.secrets['provincial'] as [string, string];
    for (const secrets of [[current], [next], [current, next], [generateWebhookSecret(), next]]) {
      const delivery = signed(JSON.stringify(statusEvent(dossiers[4] as DemoDossier)), secrets);
      expect((await post('/ingest/provincial', delivery.body, delivery.headers)).status).toBe(200);
    }
    const retired = signed(JSON.stringify(statusEvent(dossiers[4] as DemoDossier)), [generateWebhookSecret()]);
    const reply = await post('/ingest/provincial', retired.body, retired.headers);
    expect(reply.status).toBe(401);
    // A secret of another system does not sign for this one either.
    const other = signed(JSON.stringify(statusEvent(dossiers[4] as DemoDossier)), hub.secrets['specialized'] as string[]);
    expect((await post('/ingest/provincial', other.body, other.headers)).status).toBe(401);
  });

  it('refuses a delivery without the signature headers with 401 SIGNATURE_MISSING', async () => {
    const reply = await post('/ingest/provincial', JSON.stringify(statusEvent(dossiers[5] as DemoDossier)), { 'content-type': 'application/json' });
    expect(reply.status).toBe(401);
    expect(reply.body.error?.code).toBe('SIGNATURE_MISSING');
    expect(reply.body.error?.message).toContain('webhook-signature');
  });

  it('answers 404 for an unknown system and 403 for a system that has no secret', async () => {
    const unknown = await post('/ingest/ministry-of-magic', '{}', { 'content-type': 'application/json' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe('UNKNOWN_SYSTEM');
    const disabled = await post('/ingest/population', '{}', { 'content-type': 'application/json' });
    expect(disabled.status).toBe(403);
    expect(disabled.body.error?.code).toBe('SYSTEM_NOT_ENABLED');
  });

  it('accepts a batch of 100 events, each with its own id', async () => {
    const events = dossiers.slice(10, 110).map((d) => statusEvent(d, { status: 'PROCESSING', version: 60 }));
    const reply = await hub.sender('provincial').send(events);
    expect(reply.status).toBe(200);
    const body = reply.body as Reply['body'];
    expect(body.accepted).toBe(100);
    expect(body.events?.map((e) => e.id)).toEqual(events.map((e) => e.id));
    await eventually(async () => {
      const [row] = await hub.db.sql<{ n: number }[]>`
        select count(*)::int as n from inbound_events where event_id = any(${events.map((e) => e.id as string)}) and status = 'APPLIED'`;
      return row?.n === 100 ? true : undefined;
    });
  });

  it('refuses a batch of 1,001 events with 413 BATCH_TOO_LARGE and stores none of them', async () => {
    const before = await stored();
    const events = Array.from({ length: 1_001 }, (_, i) => statusEvent(dossiers[i % dossiers.length] as DemoDossier));
    const reply = await hub.sender('provincial').send(events);
    expect(reply.status).toBe(413);
    expect((reply.body as Reply['body']).error?.code).toBe('BATCH_TOO_LARGE');
    const after = await stored();
    expect({ inbox: after.inbox, outbox: after.outbox }).toEqual({ inbox: before.inbox, outbox: before.outbox });
    expect(after.refused).toBe(before.refused + 1);
  });

  it('refuses a body over the size limit with 413 BODY_TOO_LARGE', async () => {
    const huge = JSON.stringify({ ...statusEvent(dossiers[0] as DemoDossier), padding: 'x'.repeat(5 * 1024 * 1024) });
    const delivery = signed(huge, [hub.secrets['provincial']?.[0] as string]);
    const res = await fetch(`${hub.baseUrl}/ingest/provincial`, { method: 'POST', headers: delivery.headers, body: delivery.body });
    expect(res.status).toBe(413);
    expect(((await res.json()) as Reply['body']).error?.code).toBe('BODY_TOO_LARGE');
  });

  it('refuses a batch with bad events with 422, a reason per bad event, and stores nothing of it', async () => {
    const before = await stored();
    const good = statusEvent(dossiers[20] as DemoDossier);
    const unknownType = { ...statusEvent(dossiers[21] as DemoDossier), type: 'dossier.teleported' };
    const badCommune = statusEvent(dossiers[22] as DemoDossier);
    badCommune.data = { ...badCommune.data, communeCode: '1234' };
    const badCode = statusEvent(dossiers[23] as DemoDossier);
    badCode.data = { ...badCode.data, dossierCode: 'H12-251399-0001' };
    const sameId = { ...statusEvent(dossiers[24] as DemoDossier), id: good.id };
    const notAllowed = { ...statusEvent(dossiers[25] as DemoDossier), type: 'civil_registration.recorded' };
    const reply = await hub.sender('provincial').send([good, unknownType, badCommune, badCode, sameId, notAllowed] as never);
    expect(reply.status).toBe(422);
    const error = (reply.body as Reply['body']).error;
    expect(error?.code).toBe('INVALID_EVENTS');
    expect(error?.message).toBe('5 of 6 events are invalid; nothing was stored');
    expect(error?.events?.map((e) => [e.index, e.code, e.path])).toEqual([
      [1, 'UNKNOWN_EVENT_TYPE', 'type'],
      [2, 'INVALID_EVENT', 'data.communeCode'],
      [3, 'INVALID_DOSSIER_CODE', 'data.dossierCode'],
      [4, 'DUPLICATE_EVENT_ID_IN_BATCH', 'id'],
      [5, 'EVENT_TYPE_NOT_ALLOWED', 'type'],
    ]);
    expect(error?.events?.[1]?.message).toBe('data.communeCode: must be a five-digit commune code, e.g. "32248"');
    const after = await stored();
    expect({ inbox: after.inbox, outbox: after.outbox }).toEqual({ inbox: before.inbox, outbox: before.outbox });
    // The refusal is recorded, without the payload, for the operators.
    const [refusal] = await hub.db.sql<{ code: string; events: number; reasons: unknown[] }[]>`
      select code, events, reasons from ingest_rejections order by received_at desc limit 1`;
    expect(refusal?.code).toBe('INVALID_EVENTS');
    expect(refusal?.events).toBe(6);
    expect(refusal?.reasons).toHaveLength(5);
    expect(JSON.stringify(refusal?.reasons)).not.toContain((dossiers[20] as DemoDossier).applicantPersonalId);
  });

  it('refuses a body that is not JSON (400) or not declared as JSON (415), after checking the signature', async () => {
    const secret = hub.secrets['provincial']?.[0] as string;
    const broken = signed('{"id": "x", ', [secret]);
    const reply = await post('/ingest/provincial', broken.body, broken.headers);
    expect(reply.status).toBe(400);
    expect(reply.body.error?.code).toBe('INVALID_JSON');
    const text = signed(JSON.stringify(statusEvent(dossiers[6] as DemoDossier)), [secret]);
    const wrongType = await post('/ingest/provincial', text.body, { ...text.headers, 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('takes a single event without an id as identified by its webhook-id (plain Standard Webhooks senders)', async () => {
    const { id: _id, ...anonymous } = statusEvent(dossiers[7] as DemoDossier);
    const delivery = signed(JSON.stringify(anonymous), [hub.secrets['provincial']?.[0] as string]);
    const reply = await post('/ingest/provincial', delivery.body, delivery.headers);
    expect(reply.status).toBe(200);
    expect(reply.body.events?.[0]?.id).toBe(delivery.webhookId);
  });

  it('applies an event sent twice once, and acknowledges the second as a duplicate', async () => {
    const event = statusEvent(dossiers[30] as DemoDossier, { status: 'PROCESSING', version: 70 });
    const sender = hub.sender('provincial');
    const first = (await sender.send(event)).body as Reply['body'];
    const second = (await sender.send(event)).body as Reply['body'];
    expect(first.events?.[0]?.status).toBe('ACCEPTED');
    expect(second.events?.[0]?.status).toBe('DUPLICATE');
    expect(second.events?.[0]?.inboundId).toBe(first.events?.[0]?.inboundId);
    await finalStatus(first.events?.[0]?.inboundId as string);
    const rows = await hub.db.sql<{ duplicates: number; apply_count: number }[]>`
      select duplicates, apply_count from inbound_events where system = 'provincial' and event_id = ${event.id as string}`;
    expect(rows).toEqual([{ duplicates: 1, apply_count: 1 }]);
  });

  it('applies an event sent five times in parallel once', async () => {
    const event = statusEvent(dossiers[31] as DemoDossier, { status: 'PROCESSING', version: 71 });
    const replies = await Promise.all(Array.from({ length: 5 }, () => hub.sender('provincial').send(event)));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const statuses = replies.map((r) => (r.body as Reply['body']).events?.[0]?.status).sort();
    expect(statuses).toEqual(['ACCEPTED', 'DUPLICATE', 'DUPLICATE', 'DUPLICATE', 'DUPLICATE']);
    const ids = new Set(replies.map((r) => (r.body as Reply['body']).events?.[0]?.inboundId));
    expect(ids.size).toBe(1);
    await finalStatus([...ids][0] as string);
    const rows = await hub.db.sql<{ duplicates: number; apply_count: number }[]>`
      select duplicates, apply_count from inbound_events where system = 'provincial' and event_id = ${event.id as string}`;
    expect(rows).toEqual([{ duplicates: 4, apply_count: 1 }]);
    const [observation] = await hub.db.sql<{ source_version: string }[]>`
      select source_version from observations where dossier_code = ${(dossiers[31] as DemoDossier).code} and system = 'provincial'`;
    expect(observation?.source_version).toBe('71');
  });

  it('reports an event id reused for other content as CONFLICT and keeps the first', async () => {
    const event = statusEvent(dossiers[32] as DemoDossier, { status: 'PROCESSING', version: 72 });
    await hub.sender('provincial').send(event);
    const reused = { ...event, data: { ...event.data, status: 'RESOLVED' } };
    const reply = (await hub.sender('provincial').send(reused)).body as Reply['body'];
    expect(reply.events?.[0]?.status).toBe('CONFLICT');
    const [row] = await hub.db.sql<{ status: string }[]>`
      select payload->>'status' as status from inbound_events where system = 'provincial' and event_id = ${event.id as string}`;
    expect(row?.status).toBe('PROCESSING');
  });
});
