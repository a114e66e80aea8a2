import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import type { DocumentSource } from '../connectors/document-source.js';
import type { DocumentRepository } from '../db/document.repository.js';
import type { RunSourceRecord } from '../db/schema.js';
import type { SyncCursorRepository } from '../db/sync-cursor.repository.js';
import { pullChangeFeed } from './change-feed.js';

const PAGE_SIZE = 100;

/** Keeps the hub's document index current from both document systems' change feeds. */
export class DocumentSyncService {
  constructor(
    private readonly sql: Sql,
    private readonly documents: DocumentRepository,
    private readonly cursors: SyncCursorRepository,
    private readonly sources: readonly DocumentSource[],
    private readonly logger: Logger,
  ) {}

  async syncProvince(provinceCode: string): Promise<RunSourceRecord[]> {
    const results: RunSourceRecord[] = [];
    for (const source of this.sources) {
      results.push(
        await pullChangeFeed(
          this.sql,
          this.cursors,
          {
            system: source.system,
            scope: `province:${provinceCode}`,
            read: (cursor) => source.documentChanges(provinceCode, cursor, PAGE_SIZE),
            store: (tx, items) => this.documents.upsertMany(tx, items),
          },
          this.logger,
        ),
      );
    }
    return results;
  }
}
