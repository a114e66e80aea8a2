import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DossierObservation } from '../../../src/connectors/connector.js';
import type { OutgoingEvent } from '../../../src/connectors/webhook-sender.js';
import { IngestStatsDocument } from '../../../src/generated/operations.js';
import { execute } from '../../support/graphql-client.js';
import { bearer } from '../../support/tokens.js';
import { eventId, startIngestHarness, type IngestHarness } from '../../support/ingest-harness.js';
import { eventually } from '../../support/test-database.js';

/** The push a provincial system makes for a change it holds (what the demo simulator sends). */
function pushOf(observation: DossierObservation, sequence: number): OutgoingEvent {
  return {
    id: eventId('seq'),
    type: 'dossier.status_changed',
    timestamp: observation.updatedAt,
    version: Number(observation.sourceVersion),
    sequence,
    data: {
      dossierCode: observation.dossierCode,
      procedureCode: observation.procedureCode,
      provinceCode: observation.provinceCode,
      communeCode: observation.communeCode,
      status: observation.status,
      nativeStatus: observation.nativeStatus,
    },
  };
}

describe('sequence gaps', () => {
  let hub: IngestHarness;

  beforeAll(async () => {
    hub = await startIngestHarness();
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('pulls the missing range from the change feed when a sequence number never arrives', async () => {
    // The hub has read the feed once; then the system changes three dossiers and pushes them
    // as 1, 2, 3, but push 2 is lost on the way.
    for (const province of ['96', '51']) await hub.sync.pull(hub.provincial, province);
    const moved = hub.provincialSim.advance(12);
    const [a, c] = moved;
    if (!a || !c) throw new Error('the simulator moved fewer than two dossiers');
    const lostChange = moved.slice(2).find((m) => [a, c].some((x) => hub.dataset.dossiers.find((d) => d.code === x.dossierCode)?.provinceCode === hub.dataset.dossiers.find((d) => d.code === m.dossierCode)?.provinceCode));
    if (!lostChange) throw new Error('no moved dossier shares a province with the pushed ones');
    const current = new Map((await hub.provincial.dossiersByCode([a.dossierCode, lostChange.dossierCode, c.dossierCode])).map((o) => [o.dossierCode, o]));
    const before = await hub.db.sql<{ status: string }[]>`
      select status from observations where dossier_code = ${lostChange.dossierCode} and system = 'provincial'`;
    expect(before[0]?.status).toBe(lostChange.from);

    const sender = hub.sender('provincial');
    const reply = await sender.send([pushOf(current.get(a.dossierCode) as DossierObservation, 1), pushOf(current.get(c.dossierCode) as DossierObservation, 3)]);
    expect(reply.status).toBe(200);

    const gap = await eventually(
      async () => {
        const [row] = await hub.db.sql<{ from_sequence: string; to_sequence: string; status: string; pulled: number; detail: string }[]>`
          select from_sequence, to_sequence, status, pulled, detail from sequence_gaps where system = 'provincial'`;
        return row?.status === 'BACKFILLED' ? row : undefined;
      },
      { what: 'the gap to be backfilled', timeoutMs: 20_000 },
    );
    expect([gap.from_sequence, gap.to_sequence]).toEqual(['2', '2']);
    expect(gap.pulled).toBeGreaterThanOrEqual(1);
    expect(gap.detail).toContain("sequence 2 never arrived; pulled");

    // The change whose push was lost arrived through the pull.
    const [after] = await hub.db.sql<{ status: string }[]>`
      select status from observations where dossier_code = ${lostChange.dossierCode} and system = 'provincial'`;
    expect(after?.status).toBe(lostChange.to);
    expect(hub.provincialSim.statusOf(lostChange.dossierCode)).toBe(lostChange.to);

    // When the lost push turns up late, it is older than (or the same as) what the pull brought.
    const late = await sender.send(pushOf(current.get(lostChange.dossierCode) as DossierObservation, 2));
    const lateId = (late.body as { events: Array<{ inboundId: string }> }).events[0]?.inboundId as string;
    const lateStatus = await eventually(async () => {
      const [row] = await hub.db.sql<{ status: string; reason_code: string }[]>`select status, reason_code from inbound_events where id = ${lateId}`;
      return row && row.status !== 'ACCEPTED' ? row : undefined;
    });
    expect(lateStatus).toEqual({ status: 'SUPERSEDED', reason_code: 'SAME_VERSION' });

    const stats = await execute(hub.graphqlUrl, IngestStatsDocument, { system: 'provincial' }, await bearer(['AUDITOR'], ['VN']));
    expect(stats.errors).toEqual([]);
    expect(stats.data?.ingestStats[0]?.sequenceContiguousThrough).toBe(3);
    expect(stats.data?.ingestStats[0]?.recentGaps[0]).toMatchObject({ fromSequence: 2, toSequence: 2, status: 'BACKFILLED' });
  });

  it('waits out the grace period before calling a hole a gap (the missing event may be in flight)', async () => {
    const dossier = hub.dataset.dossiers.find((d) => d.provinceCode === '96') as { code: string };
    const [observation] = await hub.provincial.dossiersByCode([dossier.code]);
    const reply = await hub.sender('provincial').send(pushOf(observation as DossierObservation, 5));
    expect(reply.status).toBe(200);
    // Just arrived: 4 may be a moment behind it.
    expect(await hub.runtime.housekeeping.scanSequences()).toEqual([]);
    const gap = await eventually(async () => {
      const [row] = await hub.db.sql<{ from_sequence: string; to_sequence: string }[]>`
        select from_sequence, to_sequence from sequence_gaps where system = 'provincial' and from_sequence = 4`;
      return row;
    });
    expect(gap).toEqual({ from_sequence: '4', to_sequence: '4' });
  });
});
