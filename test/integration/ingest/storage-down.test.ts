import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoDossier } from '../../../src/connectors/demo/demo-dataset.js';
import { WebhookSender } from '../../../src/connectors/webhook-sender.js';
import { PushDossierStatusDocument } from '../../../src/generated/operations.js';
import { execute } from '../../support/graphql-client.js';
import { eventId, startIngestHarness, statusEvent, type IngestHarness } from '../../support/ingest-harness.js';
import { eventually } from '../../support/test-database.js';

describe('pushes while PostgreSQL is down', () => {
  let hub: IngestHarness;

  const inbox = async (): Promise<{ events: number; outbox: number }> => {
    const [row] = await hub.db.sql<{ events: number; outbox: number }[]>`
      select (select count(*)::int from inbound_events) as events, (select count(*)::int from outbox) as outbox`;
    return row as { events: number; outbox: number };
  };

  /**
   * PostgreSQL goes away once the hub's connections are idle and closed: postgres.js 3.4.9
   * crashes the process when a live connection dies with a write queued, and leaves that pool
   * slot unusable (porsager/postgres#1154, #1208), which no application code can catch.
   */
  const takeDown = async (): Promise<void> => {
    await eventually(() => Promise.resolve(hub.proxy?.connections() === 0 ? true : undefined), { what: 'the hub connections to close' });
    await hub.proxy?.cut();
  };

  beforeAll(async () => {
    // No timers touching PostgreSQL while it goes away (see takeDown).
    hub = await startIngestHarness({ proxyDatabase: true, background: false });
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('answers 503 with Retry-After, stores nothing, and takes the same delivery once PostgreSQL is back', async () => {
    const events = hub.dataset.dossiers.slice(0, 100).map((d) => statusEvent(d, { version: 3 }));
    const before = await inbox();
    await takeDown();
    try {
      const delivery = hub.sender('provincial').sign(events);
      const res = await fetch(delivery.url, { method: 'POST', headers: delivery.headers, body: delivery.body });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('STORAGE_UNAVAILABLE');
      expect(body.error.message).toContain('nothing was stored');

      const mutation = await execute(
        hub.graphqlUrl,
        PushDossierStatusDocument,
        {
          input: {
            eventId: eventId('gql'),
            timestamp: new Date().toISOString(),
            dossierCode: (hub.dataset.dossiers[0] as DemoDossier).code,
            procedureCode: (hub.dataset.dossiers[0] as DemoDossier).procedureCode,
            provinceCode: (hub.dataset.dossiers[0] as DemoDossier).provinceCode,
            communeCode: (hub.dataset.dossiers[0] as DemoDossier).communeCode,
            status: 'PROCESSING',
          },
        },
        { authorization: `Bearer ${hub.tokens['provincial']}`, 'idempotency-key': randomUUID() },
      );
      expect(mutation.status).toBe(503);
      expect(mutation.errors[0]?.message).toContain('nothing was stored');
      expect(mutation.errors[0]?.extensions?.['code']).toBe('STORAGE_UNAVAILABLE');
    } finally {
      await hub.proxy?.restore();
    }
    expect(await inbox()).toEqual(before);

    // The sender's retry (same events, same ids) is taken whole.
    const retry = await hub.sender('provincial').send(events);
    expect(retry.status).toBe(200);
    expect((retry.body as { accepted: number }).accepted).toBe(100);
    expect(await inbox()).toMatchObject({ events: before.events + 100 });
  });

  it('is retried by the sender helper after Retry-After, with the same event ids', async () => {
    await takeDown();
    let refused = 0;
    const sender = new WebhookSender({
      hubUrl: hub.baseUrl,
      system: 'provincial',
      secret: hub.secrets['provincial'] as string[],
      retries: 3,
      // PostgreSQL comes back right after the hub has refused the first attempt.
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        if (res.status === 503 && refused++ === 0) await hub.proxy?.restore();
        return res;
      },
    });
    const reply = await sender.send(statusEvent(hub.dataset.dossiers[200] as DemoDossier, { version: 4 }));
    expect(refused).toBe(1);
    expect(reply.status).toBe(200);
    expect(reply.attempts).toBe(2);
  });

  it('refuses every delivery that arrives together while PostgreSQL is down, and stores none of them', async () => {
    const dossiers = hub.dataset.dossiers.slice(100, 120);
    const before = await inbox();
    await takeDown();
    const deliveries = dossiers.map((d) => hub.sender('provincial').sign([statusEvent(d, { version: 9 }), statusEvent(d, { version: 10 })]));
    const post = (delivery: (typeof deliveries)[number]) =>
      fetch(delivery.url, { method: 'POST', headers: delivery.headers, body: delivery.body });
    let replies: Array<{ status: number; retryAfter: string | null; code: string | undefined }>;
    try {
      // They reach the door while the first one's statement fails: the others share the next.
      replies = await Promise.all(
        deliveries.map(async (delivery) => {
          const res = await post(delivery);
          const body = (await res.json()) as { error?: { code: string } };
          return { status: res.status, retryAfter: res.headers.get('retry-after'), code: body.error?.code };
        }),
      );
    } finally {
      await hub.proxy?.restore();
    }
    expect(replies).toEqual(Array.from({ length: 20 }, () => ({ status: 503, retryAfter: '5', code: 'STORAGE_UNAVAILABLE' })));
    expect((await inbox()).events).toBe(before.events);

    // The same deliveries again, PostgreSQL back: every one is taken whole.
    const again = await Promise.all(deliveries.map(async (delivery) => ((await (await post(delivery)).json()) as { accepted?: number }).accepted));
    expect(again).toEqual(Array.from({ length: 20 }, () => 2));
    expect((await inbox()).events).toBe(before.events + 40);
  });
});
