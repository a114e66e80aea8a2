import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SystemId } from '../../../src/connectors/system-id.js';
import { InboxGroupCommit, StoreTimeout } from '../../../src/db/inbox-group-commit.js';
import { InboxRepository, type AcceptedEvent, type InboxDelivery } from '../../../src/db/inbox.repository.js';
import { isDatabaseUnavailable } from '../../../src/db/database-errors.js';
import { parseInboundEvent, type InboundEvent } from '../../../src/domain/inbound-event.js';
import { startTcpProxy } from '../../support/tcp-proxy.js';
import { createTestDatabase, eventually, type TestDatabase } from '../../support/test-database.js';

let counter = 0;

/** A checked dossier status event with a unique id (or the given one). */
function makeEvent(overrides: { id?: string; status?: string; version?: number; nativeStatus?: string } = {}): InboundEvent {
  counter += 1;
  const parsed = parseInboundEvent(
    {
      id: overrides.id ?? `gc-${randomBytes(4).toString('hex')}-${counter}`,
      type: 'dossier.status_changed',
      timestamp: '2026-11-19T08:00:00+07:00',
      version: overrides.version ?? counter,
      data: {
        dossierCode: `000.00.12.H12-261119-${String(counter % 10_000).padStart(4, '0')}`,
        procedureCode: '1.001193',
        provinceCode: '96',
        communeCode: '32248',
        status: overrides.status ?? 'PROCESSING',
        ...(overrides.nativeStatus === undefined ? {} : { nativeStatus: overrides.nativeStatus }),
      },
    },
    'provincial',
  );
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

function makeDelivery(events: InboundEvent[], system: SystemId = 'provincial'): InboxDelivery {
  return { system, channel: 'WEBHOOK', deliveryId: `msg_${randomBytes(6).toString('hex')}`, events };
}

describe('InboxGroupCommit', () => {
  let db: TestDatabase;
  let writer: InboxGroupCommit;

  /** The stored events with these ids: their hub id, the transaction that wrote them, redeliveries and outbox rows. */
  const stored = (ids: string[]) =>
    db.sql<{ event_id: string; id: string; xid: string; duplicates: number; outbox: number }[]>`
      select e.event_id, e.id, e.xmin::text as xid, e.duplicates, (select count(*)::int from outbox o where o.inbound_event_id = e.id) as outbox
      from inbound_events e where e.system = 'provincial' and e.event_id = any(${ids}) order by e.event_id`;

  beforeAll(async () => {
    db = await createTestDatabase();
    writer = new InboxGroupCommit(new InboxRepository(db.sql));
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('stores many parallel deliveries in a few statements, each acknowledged with its own events', async () => {
    const deliveries = Array.from({ length: 60 }, (_, i) => makeDelivery(Array.from({ length: 1 + (i % 3) }, () => makeEvent())));
    const answers = await Promise.all(deliveries.map((d) => writer.accept(d, 10_000)));

    const ids = deliveries.flatMap((d) => d.events.map((e) => e.id));
    const rows = await stored(ids);
    expect(rows).toHaveLength(ids.length);
    const byEvent = new Map(rows.map((r) => [r.event_id, r]));
    deliveries.forEach((delivery, i) => {
      expect(answers[i]?.map((a) => a.eventId)).toEqual(delivery.events.map((e) => e.id));
      for (const answer of answers[i] as AcceptedEvent[]) {
        expect(answer.status).toBe('ACCEPTED');
        expect(answer.inboundId).toBe(byEvent.get(answer.eventId)?.id);
      }
    });
    expect(rows.every((r) => r.outbox === 1 && r.duplicates === 0)).toBe(true);
    // The first delivery went alone; the 59 that arrived while it was written shared the next statement.
    expect(new Set(rows.map((r) => r.xid)).size).toBe(2);
  });

  it('stores an event sent five times at once once, and answers the four others DUPLICATE', async () => {
    const event = makeEvent();
    const answers = await Promise.all(Array.from({ length: 5 }, () => writer.accept(makeDelivery([event]), 10_000)));
    const statuses = answers.map((a) => a[0]?.status).sort();
    expect(statuses).toEqual(['ACCEPTED', 'DUPLICATE', 'DUPLICATE', 'DUPLICATE', 'DUPLICATE']);
    expect(new Set(answers.map((a) => a[0]?.inboundId)).size).toBe(1);
    expect(await stored([event.id])).toMatchObject([{ event_id: event.id, duplicates: 4, outbox: 1 }]);
  });

  it('with two statements in flight, keeps the deliveries of one event out of concurrent statements', async () => {
    const two = new InboxGroupCommit(new InboxRepository(db.sql), { statements: 2 });
    const event = makeEvent();
    const others = Array.from({ length: 30 }, () => makeDelivery([makeEvent()]));
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, () => two.accept(makeDelivery([event]), 10_000)),
      ...others.map((d) => two.accept(d, 10_000)),
    ]);
    expect(answers.slice(0, 5).map((a) => a[0]?.status).sort()).toEqual(['ACCEPTED', 'DUPLICATE', 'DUPLICATE', 'DUPLICATE', 'DUPLICATE']);
    expect(answers.slice(5).every((a) => a[0]?.status === 'ACCEPTED')).toBe(true);
    expect(await stored([event.id])).toMatchObject([{ duplicates: 4, outbox: 1 }]);
    expect(await stored(others.map((d) => (d.events[0] as InboundEvent).id))).toHaveLength(30);
  });

  it('writes deliveries of 100 events or more at once, each in a statement of its own, one event never in two at a time', async () => {
    const large = Array.from({ length: 3 }, () => makeDelivery(Array.from({ length: 100 }, () => makeEvent())));
    // The same event as the first large delivery's first: it waits for that statement to end.
    const repeat = makeDelivery([large[0]?.events[0] as InboundEvent, ...Array.from({ length: 99 }, () => makeEvent())]);
    const small = Array.from({ length: 5 }, () => makeDelivery([makeEvent()]));
    const answers = await Promise.all([...large, repeat, ...small].map((d) => writer.accept(d, 10_000)));
    expect(answers.slice(0, 3).every((a) => a.every((e) => e.status === 'ACCEPTED'))).toBe(true);
    expect(answers[3]?.map((e) => e.status)).toEqual(['DUPLICATE', ...Array.from({ length: 99 }, () => 'ACCEPTED')]);
    expect(answers.slice(4).every((a) => a[0]?.status === 'ACCEPTED')).toBe(true);
    const xids = await Promise.all(large.map(async (d) => new Set((await stored(d.events.slice(1).map((e) => e.id))).map((r) => r.xid))));
    expect(xids.every((x) => x.size === 1)).toBe(true);
    expect(new Set(xids.map((x) => [...x][0])).size).toBe(3);
  });

  it('never puts two deliveries of one event in one statement: the later one waits and finds it stored', async () => {
    const [e1, e2, e3, e4, e5] = Array.from({ length: 5 }, () => makeEvent());
    const e5Again = makeEvent({ id: (e5 as InboundEvent).id, status: 'RESOLVED' });
    const first = writer.accept(makeDelivery([makeEvent()]), 10_000);
    // These wait for the first statement, then go in groups.
    const [a, b, c, d, e, f] = await Promise.all([
      writer.accept(makeDelivery([e1, e2] as InboundEvent[]), 10_000),
      writer.accept(makeDelivery([e2, e3] as InboundEvent[]), 10_000),
      writer.accept(makeDelivery([e4] as InboundEvent[]), 10_000),
      writer.accept(makeDelivery([e1] as InboundEvent[]), 10_000),
      writer.accept(makeDelivery([e5] as InboundEvent[]), 10_000),
      writer.accept(makeDelivery([e5Again]), 10_000),
      first,
    ]);
    expect(a?.map((x) => x.status)).toEqual(['ACCEPTED', 'ACCEPTED']);
    expect(b?.map((x) => x.status)).toEqual(['DUPLICATE', 'ACCEPTED']);
    expect(c?.map((x) => x.status)).toEqual(['ACCEPTED']);
    expect(d?.map((x) => x.status)).toEqual(['DUPLICATE']);
    expect(e?.map((x) => x.status)).toEqual(['ACCEPTED']);
    // Same id, other content: refused as CONFLICT with the first one's id; the first is kept.
    expect(f?.map((x) => [x.status, x.inboundId])).toEqual([['CONFLICT', e?.[0]?.inboundId]]);
    const rows = await stored([e1, e2, e3, e4, e5].map((x) => (x as InboundEvent).id));
    expect(rows.map((r) => [r.event_id, r.duplicates, r.outbox])).toEqual(
      [
        [e1?.id, 1, 1],
        [e2?.id, 1, 1],
        [e3?.id, 0, 1],
        [e4?.id, 0, 1],
        [e5?.id, 0, 1],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
    // a, c and e shared a statement; b, d and f waited for the next one (e1 and e2 were updated
    // since, so their row versions are younger).
    const xid = new Map(rows.map((r) => [r.event_id, r.xid]));
    expect(xid.get(e4?.id as string)).toBe(xid.get(e5?.id as string));
    expect(xid.get(e3?.id as string)).not.toBe(xid.get(e4?.id as string));
  });

  it('fails only the delivery PostgreSQL refuses, and stores the others of its group', async () => {
    const good = Array.from({ length: 4 }, () => makeDelivery([makeEvent()]));
    // jsonb cannot hold U+0000: PostgreSQL refuses this payload.
    const bad = makeDelivery([makeEvent({ nativeStatus: 'A\u0000B' })]);
    const first = writer.accept(makeDelivery([makeEvent()]), 10_000);
    const results = await Promise.allSettled([first, ...good.map((d) => writer.accept(d, 10_000)), writer.accept(bad, 10_000)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect(await stored(good.map((d) => (d.events[0] as InboundEvent).id))).toHaveLength(4);
    expect(await stored([(bad.events[0] as InboundEvent).id])).toHaveLength(0);
  });

  it('refuses every delivery of a group when the store times out, cancels its statement, and stores none of them', async () => {
    const deliveries = Array.from({ length: 10 }, () => makeDelivery([makeEvent(), makeEvent()]));
    const ids = deliveries.flatMap((d) => d.events.map((e) => e.id));
    // Another session holds a lock the inbox insert must wait for.
    const blocker = postgres(db.url, { max: 1, onnotice: () => undefined });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holding = blocker.begin(async (tx) => {
      await tx`lock table inbound_events in share mode`;
      locked();
      await released;
    });
    try {
      await isLocked;
      const results = await Promise.allSettled(deliveries.map((d) => writer.accept(d, 300)));
      expect(results.every((r) => r.status === 'rejected' && r.reason instanceof StoreTimeout)).toBe(true);
      // The cancelled statement is gone before the lock is released.
      await eventually(
        async () => {
          const [row] = await db.sql<{ n: number }[]>`
            select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query like '%insert into inbound_events%' and state = 'active'`;
          return row?.n === 0 ? true : undefined;
        },
        { what: 'the cancelled inbox statement to end' },
      );
    } finally {
      release();
      await holding;
      await blocker.end();
    }
    expect(await stored(ids)).toHaveLength(0);
    // The senders' retries are stored whole.
    const retries = await Promise.all(deliveries.map((d) => writer.accept(d, 10_000)));
    expect(retries.flat().every((a) => a.status === 'ACCEPTED')).toBe(true);
    expect(await stored(ids)).toHaveLength(ids.length);
  });

  it('refuses every delivery of a group when PostgreSQL is unreachable, and stores none of them', async () => {
    const target = new URL(db.url);
    const proxy = await startTcpProxy(target.hostname, Number(target.port));
    target.port = String(proxy.port);
    const sql = postgres(target.toString(), { max: 2, idle_timeout: 1, onnotice: () => undefined });
    const down = new InboxGroupCommit(new InboxRepository(sql));
    const deliveries = Array.from({ length: 10 }, () => makeDelivery([makeEvent(), makeEvent()]));
    try {
      await proxy.cut();
      const results = await Promise.allSettled(deliveries.map((d) => down.accept(d, 10_000)));
      expect(results.every((r) => r.status === 'rejected' && isDatabaseUnavailable(r.reason))).toBe(true);
    } finally {
      await sql.end({ timeout: 1 });
      await proxy.close();
    }
    expect(await stored(deliveries.flatMap((d) => d.events.map((e) => e.id)))).toHaveLength(0);
  });
});
