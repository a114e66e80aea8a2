import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import type { DossierObservation, DossierSource } from '../connectors/connector.js';
import type { Tx } from '../db/client.js';
import type { ObservationRepository } from '../db/observation.repository.js';
import type { RunSourceRecord } from '../db/schema.js';
import type { SyncCursorRepository } from '../db/sync-cursor.repository.js';
import { pullChangeFeed, type PullOptions } from './change-feed.js';

/** Records per feed page: large enough to amortise a round trip, small enough to answer well within a call's time limit. */
const PAGE_SIZE = 500;

export interface DossierPullOptions extends PullOptions {
  /** Stores pages here instead of in the observations (a FULL run's staging); `firstSeq` numbers them in feed order. */
  stage?: (tx: Tx, items: readonly DossierObservation[], firstSeq: number) => Promise<void>;
}

/** Pulls a system's dossier change feed for one province into the hub's observations. */
export class DossierSyncService {
  constructor(
    private readonly sql: Sql,
    private readonly observations: ObservationRepository,
    private readonly cursors: SyncCursorRepository,
    private readonly logger: Logger,
  ) {}

  pull(source: DossierSource, provinceCode: string, options: DossierPullOptions = {}): Promise<RunSourceRecord> {
    const { stage, ...pull } = options;
    return pullChangeFeed(
      this.sql,
      this.cursors,
      {
        system: source.system,
        scope: `province:${provinceCode}`,
        read: (cursor) => source.dossierChanges(provinceCode, cursor, PAGE_SIZE),
        store: stage ?? ((tx, items) => this.observations.upsertMany(tx, items)),
      },
      this.logger,
      pull,
    );
  }
}
