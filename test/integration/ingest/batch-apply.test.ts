import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SystemId } from '../../../src/connectors/system-id.js';
import { DossierFlagRepository } from '../../../src/db/dossier-flag.repository.js';
import { DossierReconcileRequestRepository } from '../../../src/db/dossier-reconcile-request.repository.js';
import { EntityStateRepository } from '../../../src/db/entity-state.repository.js';
import { InboxRepository } from '../../../src/db/inbox.repository.js';
import { ObservationRepository } from '../../../src/db/observation.repository.js';
import { parseInboundEvent, type InboundEvent } from '../../../src/domain/inbound-event.js';
import { silentLogger } from '../../../src/logger.js';
import { InboundApplyService } from '../../../src/services/inbound-apply.service.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

let counter = 0;

/** A fresh dossier code in the national format. */
function makeDossierCode(): string {
  counter += 1;
  return `000.00.12.H12-261119-${String(counter).padStart(4, '0')}`;
}

function makeStatusEvent(dossierCode: string, version: number, status: string, system: SystemId = 'provincial'): InboundEvent {
  const parsed = parseInboundEvent(
    {
      id: `ba-${randomBytes(5).toString('hex')}`,
      type: 'dossier.status_changed',
      timestamp: new Date(Date.UTC(2026, 10, 19, 1, 0, version)).toISOString(),
      version,
      data: { dossierCode, procedureCode: '1.001193', provinceCode: '96', communeCode: '32248', status },
    },
    system,
  );
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

describe('InboundApplyService.applyMany', () => {
  let db: TestDatabase;
  let inbox: InboxRepository;
  let service: InboundApplyService;

  /** Stores events as the door does (one delivery per system), in the order given; returns their hub ids in that order. */
  const store = async (events: InboundEvent[]): Promise<string[]> => {
    const ids: string[] = [];
    for (const event of events) {
      const [answer] = await inbox.acceptMany([{ system: 'provincial', channel: 'WEBHOOK', deliveryId: null, events: [event] }]);
      ids.push(answer?.[0]?.inboundId as string);
    }
    return ids;
  };

  const storeFor = async (system: SystemId, events: InboundEvent[]): Promise<string[]> => {
    const [answers] = await inbox.acceptMany([{ system, channel: 'WEBHOOK', deliveryId: null, events }]);
    return (answers ?? []).map((a) => a.inboundId);
  };

  const processed = (ids: string[]) =>
    db.sql<{ id: string; status: string; reason_code: string | null; apply_count: number; outbox: number }[]>`
      select e.id, e.status, e.reason_code, e.apply_count, (select count(*)::int from outbox o where o.inbound_event_id = e.id) as outbox
      from inbound_events e where e.id = any(${ids}::uuid[])`;

  const observation = async (code: string, system = 'provincial') => {
    const [row] = await db.sql<{ status: string; source_version: string }[]>`
      select status, source_version from observations where dossier_code = ${code} and system = ${system}`;
    return row;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    inbox = new InboxRepository(db.sql);
    service = new InboundApplyService(
      db.sql,
      inbox,
      new EntityStateRepository(),
      new ObservationRepository(),
      new DossierFlagRepository(db.sql),
      new DossierReconcileRequestRepository(db.sql),
      silentLogger(),
      { batchSize: 50 },
    );
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('applies one batch in outbox order: the newest version wins, older ones are superseded, each event once', async () => {
    const code = makeDossierCode();
    const statuses = ['RECEIVED', 'PROCESSING', 'SUPPLEMENT_REQUESTED', 'PROCESSING', 'RESOLVED'];
    const versions = [3, 1, 5, 2, 4];
    const ids = await store(versions.map((v) => makeStatusEvent(code, v, statuses[v - 1] as string)));

    const outcome = await service.applyMany(ids);
    expect(outcome.failure).toBeNull();
    expect(outcome.reconcileProvinces).toEqual(['96']);
    const rows = new Map((await processed(ids)).map((r) => [r.id, r]));
    // v3 applies, v1 and v2 are older than it; v5 applies, v4 is older than v5.
    expect(ids.map((id) => rows.get(id)?.status)).toEqual(['APPLIED', 'SUPERSEDED', 'APPLIED', 'SUPERSEDED', 'SUPERSEDED']);
    expect(ids.map((id) => rows.get(id)?.reason_code)).toEqual([null, 'OLDER_VERSION', null, 'OLDER_VERSION', 'OLDER_VERSION']);
    expect([...rows.values()].every((r) => r.apply_count === 1 && r.outbox === 0)).toBe(true);
    expect(await observation(code)).toEqual({ status: 'RESOLVED', source_version: '5' });
    const [request] = await db.sql<{ province_code: string }[]>`select province_code from dossier_reconcile_requests where dossier_code = ${code}`;
    expect(request?.province_code).toBe('96');

    // A re-run job finds them processed and changes nothing.
    const again = await service.applyMany(ids);
    expect(again).toMatchObject({ counts: [], already: 5, failure: null });
    expect((await processed(ids)).every((r) => r.apply_count === 1)).toBe(true);
  });

  it('flags an illegal step between consecutive versions, and a later legal step in the same batch clears it', async () => {
    const flagged = makeDossierCode();
    const cleared = makeDossierCode();
    const ids = await store([
      makeStatusEvent(flagged, 1, 'RECEIVED'),
      makeStatusEvent(flagged, 2, 'RESULT_RETURNED'),
      makeStatusEvent(cleared, 1, 'RECEIVED'),
      makeStatusEvent(cleared, 2, 'RESULT_RETURNED'),
      makeStatusEvent(cleared, 3, 'RESULT_RETURNED'),
    ]);
    const outcome = await service.applyMany(ids);
    expect(outcome.failure).toBeNull();
    const rows = new Map((await processed(ids)).map((r) => [r.id, r]));
    expect(ids.map((id) => [rows.get(id)?.status, rows.get(id)?.reason_code])).toEqual([
      ['APPLIED', null],
      ['APPLIED', 'ILLEGAL_TRANSITION'],
      ['APPLIED', null],
      ['APPLIED', 'ILLEGAL_TRANSITION'],
      ['APPLIED', null],
    ]);
    const flags = await db.sql<{ dossier_code: string; from_status: string; to_status: string }[]>`
      select dossier_code, from_status, to_status from dossier_flags where dossier_code = any(${[flagged, cleared]}) and class = 'ILLEGAL_TRANSITION'`;
    expect(flags).toEqual([{ dossier_code: flagged, from_status: 'RECEIVED', to_status: 'RESULT_RETURNED' }]);
  });

  it('applies the others of a batch when one event cannot be applied, and reports that one', async () => {
    const good = [makeDossierCode(), makeDossierCode(), makeDossierCode()];
    const ids = await store(good.map((code) => makeStatusEvent(code, 7, 'PROCESSING')));
    // An event the door would never take: a dossier event without its procedure (observations require one).
    const [broken] = await db.sql<{ id: string }[]>`
      insert into inbound_events (system, event_id, type, entity_type, entity_key, source_version, source_timestamp, channel, payload, payload_hash)
      values ('provincial', ${`ba-broken-${randomBytes(4).toString('hex')}`}, 'dossier.status_changed', 'dossier', ${makeDossierCode()}, 1, now(), 'WEBHOOK',
              ${db.sql.json({ dossierCode: 'x', provinceCode: '96', communeCode: '32248', status: 'PROCESSING' })}, 'h')
      returning id`;
    const batch = [ids[0] as string, broken?.id as string, ids[1] as string, ids[2] as string];
    const outcome = await service.applyMany(batch);
    expect(outcome.failure).toBeInstanceOf(Error);
    expect(outcome.counts).toEqual([{ system: 'provincial', status: 'APPLIED', count: 3 }]);
    const rows = new Map((await processed(batch)).map((r) => [r.id, r.status]));
    expect(batch.map((id) => rows.get(id))).toEqual(['APPLIED', 'ACCEPTED', 'APPLIED', 'APPLIED']);
    for (const code of good) expect(await observation(code)).toEqual({ status: 'PROCESSING', source_version: '7' });
  });

  it('applies concurrent batches of two systems over the same dossiers without deadlock', async () => {
    const codes = Array.from({ length: 60 }, () => makeDossierCode());
    const provincial = await storeFor('provincial', codes.map((c) => makeStatusEvent(c, 2, 'PROCESSING', 'provincial')));
    const specialized = await storeFor('specialized', [...codes].reverse().map((c) => makeStatusEvent(c, 2, 'PROCESSING', 'specialized')));
    const more = await storeFor('provincial', codes.map((c) => makeStatusEvent(c, 3, 'SUPPLEMENT_REQUESTED', 'provincial')));
    const outcomes = await Promise.all([service.applyMany(provincial), service.applyMany(specialized), service.applyMany(more)]);
    expect(outcomes.map((o) => o.failure)).toEqual([null, null, null]);
    const rows = await processed([...provincial, ...specialized, ...more]);
    expect(rows.every((r) => r.apply_count === 1 && r.status !== 'ACCEPTED')).toBe(true);
    const finals = await db.sql<{ system: string; source_version: string; n: number }[]>`
      select system, source_version, count(*)::int as n from observations where dossier_code = any(${codes}) group by 1, 2 order by 1, 2`;
    expect(finals).toEqual([
      { system: 'provincial', source_version: '3', n: 60 },
      { system: 'specialized', source_version: '2', n: 60 },
    ]);
  });
});
