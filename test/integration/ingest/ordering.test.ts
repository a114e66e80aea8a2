import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoDossier } from '../../../src/connectors/demo/demo-dataset.js';
import { startIngestHarness, statusEvent, type IngestHarness } from '../../support/ingest-harness.js';
import { eventually } from '../../support/test-database.js';

interface AckBody {
  events: Array<{ id: string; status: string; inboundId: string }>;
}

describe('applying pushed dossier events', () => {
  let hub: IngestHarness;
  let pool: DemoDossier[];

  /** A dossier no other test of this file touches. */
  const take = (predicate: (d: DemoDossier) => boolean = () => true): DemoDossier => {
    const index = pool.findIndex(predicate);
    if (index < 0) throw new Error('no demo dossier left that fits');
    return pool.splice(index, 1)[0] as DemoDossier;
  };

  const push = async (events: Parameters<ReturnType<IngestHarness['sender']>['send']>[0], system: 'provincial' | 'specialized' = 'provincial') => {
    const reply = await hub.sender(system).send(events);
    expect(reply.status).toBe(200);
    return (reply.body as AckBody).events;
  };

  const processed = (inboundIds: string[]) =>
    eventually(
      async () => {
        const rows = await hub.db.sql<{ id: string; status: string; reason_code: string | null; reason: string | null }[]>`
          select id, status, reason_code, reason from inbound_events where id = any(${inboundIds}::uuid[])`;
        return rows.length === inboundIds.length && rows.every((r) => r.status !== 'ACCEPTED')
          ? new Map(rows.map((r) => [r.id, r]))
          : undefined;
      },
      { what: 'the events to be processed' },
    );

  const observation = async (code: string, system = 'provincial') => {
    const [row] = await hub.db.sql<{ status: string; source_version: string; source_updated_at: Date }[]>`
      select status, source_version, source_updated_at from observations where dossier_code = ${code} and system = ${system}`;
    return row;
  };

  beforeAll(async () => {
    hub = await startIngestHarness();
    pool = hub.dataset.dossiers.filter((d) => d.provinceCode === '96');
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('keeps v2 when v1 arrives after it, and records v1 as superseded', async () => {
    const dossier = take();
    const [v2] = await push(statusEvent(dossier, { status: 'SUPPLEMENT_REQUESTED', version: 2 }));
    await processed([v2?.inboundId as string]);
    const [v1] = await push(statusEvent(dossier, { status: 'PROCESSING', version: 1 }));
    const rows = await processed([v1?.inboundId as string]);
    expect(rows.get(v1?.inboundId as string)).toMatchObject({ status: 'SUPERSEDED', reason_code: 'OLDER_VERSION' });
    expect(rows.get(v1?.inboundId as string)?.reason).toContain('version 1 is older than the current version 2');
    expect(await observation(dossier.code)).toMatchObject({ status: 'SUPPLEMENT_REQUESTED', source_version: '2' });
  });

  it('ends at v2 whatever the order when v1 and v2 arrive in one batch, in both orders', async () => {
    for (const order of [
      [2, 1],
      [1, 2],
    ]) {
      const dossier = take();
      const events = order.map((v) => statusEvent(dossier, { status: v === 2 ? 'RESOLVED' : 'PROCESSING', version: v }));
      const acks = await push(events);
      const rows = await processed(acks.map((a) => a.inboundId));
      expect(await observation(dossier.code)).toMatchObject({ status: 'RESOLVED', source_version: '2' });
      const v1 = acks[order.indexOf(1)]?.inboundId as string;
      const v2 = acks[order.indexOf(2)]?.inboundId as string;
      expect(rows.get(v2)?.status).toBe('APPLIED');
      // v1 is superseded when it comes second, applied and then overwritten when it comes first.
      expect(['SUPERSEDED', 'APPLIED']).toContain(rows.get(v1)?.status);
    }
  });

  it('orders events without versions by their timestamps', async () => {
    const dossier = take();
    const later = new Date('2026-11-19T08:00:00Z');
    const earlier = new Date('2026-11-19T07:00:00Z');
    const [a] = await push(statusEvent(dossier, { status: 'SUSPENDED', timestamp: later }));
    await processed([a?.inboundId as string]);
    const [b] = await push(statusEvent(dossier, { status: 'PROCESSING', timestamp: earlier }));
    const rows = await processed([b?.inboundId as string]);
    expect(rows.get(b?.inboundId as string)?.reason_code).toBe('OLDER_TIMESTAMP');
    expect(await observation(dossier.code)).toMatchObject({ status: 'SUSPENDED', source_updated_at: later });
  });

  it('supersedes a push older than the state the change feed already brought', async () => {
    await hub.sync.pull(hub.provincial, '96');
    const dossier = take((d) => d.provincial !== null);
    const pulled = await observation(dossier.code);
    expect(pulled).toBeDefined();
    const stale = Number(pulled?.source_version) - 1;
    const [ack] = await push(statusEvent(dossier, { status: 'WITHDRAWN', version: stale, timestamp: new Date() }));
    const rows = await processed([ack?.inboundId as string]);
    expect(rows.get(ack?.inboundId as string)?.status).toBe('SUPERSEDED');
    expect(rows.get(ack?.inboundId as string)?.reason).toContain("provincial's change feed");
    expect((await observation(dossier.code))?.status).toBe(pulled?.status);
  });

  it('applies a status change that breaks the legal graph as observed, flags it, and reconciliation records ILLEGAL_TRANSITION', async () => {
    // Versions above any the change feed has, so the pushes are the newest state.
    const dossier = take();
    const [resolved] = await push(statusEvent(dossier, { status: 'RESOLVED', version: 1001 }));
    await processed([resolved?.inboundId as string]);
    const [back] = await push(statusEvent(dossier, { status: 'PROCESSING', version: 1002 }));
    const rows = await processed([back?.inboundId as string]);
    expect(rows.get(back?.inboundId as string)).toMatchObject({ status: 'APPLIED', reason_code: 'ILLEGAL_TRANSITION' });
    expect(rows.get(back?.inboundId as string)?.reason).toMatch(/RESOLVED \(9\) cannot move directly to PROCESSING \(4\)/);
    expect((await observation(dossier.code))?.status).toBe('PROCESSING');

    const mismatch = await eventually(
      async () => {
        const [row] = await hub.db.sql<{ class: string; state: string; detail: string; last_run_id: string }[]>`
          select class, state, detail, last_run_id from mismatches where dossier_code = ${dossier.code} and class = 'ILLEGAL_TRANSITION'`;
        return row;
      },
      { what: 'the ILLEGAL_TRANSITION mismatch' },
    );
    expect(mismatch.state).toBe('OPEN');
    expect(mismatch.detail).toContain('provincial moved the dossier from RESOLVED (9) to PROCESSING (4)');
    const [run] = await hub.db.sql<{ trigger: string; dossiers_compared: number }[]>`
      select trigger, dossiers_compared from reconciliation_runs where id = ${mismatch.last_run_id}`;
    // A per-dossier run: the dossiers pushed in the last moments, not the province's hundreds.
    expect(run?.trigger).toBe('PUSH');
    expect(run?.dossiers_compared).toBeGreaterThanOrEqual(1);
    expect(run?.dossiers_compared).toBeLessThan(10);

    // A later legal change by the same system ends the flag; the next run resolves the mismatch.
    const [forward] = await push(statusEvent(dossier, { status: 'RESOLVED', version: 1003 }));
    await processed([forward?.inboundId as string]);
    await eventually(
      async () => {
        const [row] = await hub.db.sql<{ state: string }[]>`
          select state from mismatches where dossier_code = ${dossier.code} and class = 'ILLEGAL_TRANSITION'`;
        return row?.state === 'RESOLVED' ? true : undefined;
      },
      { what: 'the ILLEGAL_TRANSITION mismatch to be resolved' },
    );
  });

  it('reconciles the pushed dossier at once: a provincial push ahead of the ministry opens STATUS_BEHIND', async () => {
    await hub.sync.pull(hub.provincial, '96');
    await hub.sync.pull(hub.specialized, '96');
    const dossier = take((d) => d.provincial?.status === 'RECEIVED' && d.specialized?.status === 'RECEIVED');
    const pulled = await observation(dossier.code);
    expect((await observation(dossier.code, 'specialized'))?.status).toBe('RECEIVED');
    const [ack] = await push(statusEvent(dossier, { status: 'PROCESSING', version: Number(pulled?.source_version) + 1 }));
    await processed([ack?.inboundId as string]);
    const mismatch = await eventually(
      async () => {
        const [row] = await hub.db.sql<{ class: string; lagging_system: string; expected_status: string }[]>`
          select class, lagging_system, expected_status from mismatches where dossier_code = ${dossier.code} and state = 'OPEN'`;
        return row;
      },
      { what: 'the per-dossier reconciliation' },
    );
    expect(mismatch).toEqual({ class: 'STATUS_BEHIND', lagging_system: 'specialized', expected_status: 'PROCESSING' });
    const [dossierRow] = await hub.db.sql<{ status: string; has_open_mismatch: boolean }[]>`
      select status, has_open_mismatch from dossiers where code = ${dossier.code}`;
    expect(dossierRow).toEqual({ status: 'PROCESSING', has_open_mismatch: true });
  });

  it('keeps pushed documents and civil registrations, newest version first', async () => {
    const documents = hub.sender('government-documents');
    const base = {
      documentId: 'VB-2026-000123',
      number: '145/QĐ-UBND',
      subject: 'Quyết định phê duyệt kế hoạch',
      issuerName: 'UBND xã Tân Thành',
      issuedAt: '2026-11-18T09:00:00+07:00',
      provinceCode: '96',
    };
    const newer = await documents.send({ type: 'document.issued', timestamp: '2026-11-18T10:00:00+07:00', version: 2, data: { ...base, status: 'ISSUED' } });
    const older = await documents.send({ type: 'document.issued', timestamp: '2026-11-18T09:30:00+07:00', version: 1, data: { ...base, status: 'WITHDRAWN' } });
    const ids = [(newer.body as AckBody).events[0]?.inboundId as string, (older.body as AckBody).events[0]?.inboundId as string];
    const rows = await processed(ids);
    expect(rows.get(ids[0] as string)?.status).toBe('APPLIED');
    expect(['SUPERSEDED', 'APPLIED']).toContain(rows.get(ids[1] as string)?.status);
    const [state] = await hub.db.sql<{ version: number; status: string }[]>`
      select source_version::int as version, data->>'status' as status from entity_states
      where system = 'government-documents' and entity_type = 'document' and entity_key = 'VB-2026-000123'`;
    expect(state).toEqual({ version: 2, status: 'ISSUED' });

    const registration = await hub.sender('civil-registration').send({
      type: 'civil_registration.recorded',
      timestamp: new Date(),
      data: {
        registrationId: 'KS-96-2026-0001',
        kind: 'BIRTH',
        status: 'REGISTERED',
        registeredAt: '2026-11-18T00:00:00+07:00',
        provinceCode: '96',
        communeCode: (hub.dataset.dossiers[0] as DemoDossier).communeCode,
        people: [{ role: 'CHILD', fullName: 'Nguyễn Văn An' }],
      },
    });
    expect(registration.status).toBe(200);
    const [done] = await processed([(registration.body as AckBody).events[0]?.inboundId as string]).then((m) => [...m.values()]);
    expect(done?.status).toBe('APPLIED');
  });
});
