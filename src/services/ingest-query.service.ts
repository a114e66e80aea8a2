import type { SystemId } from '../connectors/system-id.js';
import type { InboundQuery, InboundRow, InboxRepository, SystemCounts } from '../db/inbox.repository.js';
import type { GapRow, SequenceRepository } from '../db/sequence.repository.js';
import type { Page } from './dossier-query.service.js';

export interface SystemIngestStats extends SystemCounts {
  /** Whether the system has a webhook secret or a push token configured. */
  enabled: boolean;
  lastRejection: { code: string; message: string; receivedAt: Date } | null;
  /** How far the system's sequence numbers arrived without a hole. */
  contiguousThrough: number | null;
  recentGaps: GapRow[];
}

/** What operators read about pushes: the inbound events and per-system counters. */
export class IngestQueryService {
  constructor(
    private readonly inbox: InboxRepository,
    private readonly sequences: SequenceRepository,
    /** Systems allowed to push (a secret or a token is configured). */
    private readonly enabledSystems: readonly SystemId[],
  ) {}

  async page(query: InboundQuery, first: number): Promise<Page<InboundRow & { cursorAt: string }>> {
    const rows = await this.inbox.page(query, first + 1);
    return { items: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  count(query: Omit<InboundQuery, 'before'>): Promise<number> {
    return this.inbox.count(query);
  }

  event(id: string): Promise<InboundRow | null> {
    return this.inbox.find(id);
  }

  async stats(system?: string): Promise<SystemIngestStats[]> {
    const [counts, rejections] = await Promise.all([this.inbox.countsBySystem(), this.inbox.lastRejections()]);
    const bySystem = new Map(counts.map((c) => [c.system, c]));
    const names = new Set<string>([...this.enabledSystems, ...bySystem.keys()]);
    const wanted = [...names].filter((s) => system === undefined || s === system).sort();
    return Promise.all(
      wanted.map(async (name) => {
        const rejection = rejections.find((r) => r.system === name);
        return {
          ...(bySystem.get(name) ?? {
            system: name,
            accepted: 0,
            pending: 0,
            applied: 0,
            superseded: 0,
            rejected: 0,
            duplicates: 0,
            lastReceivedAt: null,
          }),
          enabled: (this.enabledSystems as readonly string[]).includes(name),
          lastRejection: rejection ? { code: rejection.code, message: rejection.message, receivedAt: rejection.receivedAt } : null,
          contiguousThrough: await this.sequences.contiguousThrough(name),
          recentGaps: await this.sequences.recentGaps(name, 10),
        };
      }),
    );
  }
}
