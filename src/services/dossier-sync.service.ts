import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import type { DossierSource } from '../connectors/connector.js';
import { type ConnectorError, isConnectorError } from '../connectors/connector-error.js';
import type { ObservationRepository } from '../db/observation.repository.js';
import type { RunSourceRecord } from '../db/schema.js';

const PAGE_SIZE = 500;

/**
 * Pulls a system's change feed for one province into the hub's observations. Each page and the
 * cursor after it are stored in one transaction, so an interrupted pull resumes exactly where it
 * stopped and never stores a page twice.
 */
export class DossierSyncService {
  constructor(
    private readonly sql: Sql,
    private readonly observations: ObservationRepository,
    private readonly logger: Logger,
  ) {}

  async pull(source: DossierSource, provinceCode: string): Promise<RunSourceRecord> {
    const scope = `province:${provinceCode}`;
    const cursorFrom = await this.observations.cursor(source.system, scope);
    let cursor = cursorFrom;
    let read = 0;
    try {
      for (;;) {
        const page = await source.dossierChanges(provinceCode, cursor, PAGE_SIZE);
        await this.sql.begin(async (tx) => {
          await this.observations.upsertMany(tx, page.items);
          await this.observations.saveCursor(tx, source.system, scope, page.nextCursor);
        });
        read += page.items.length;
        cursor = page.nextCursor;
        if (!page.hasMore) break;
      }
      return { system: source.system, cursorFrom, cursorTo: cursor, read, error: null };
    } catch (error) {
      if (!isConnectorError(error)) throw error;
      this.logger.warn({ system: source.system, provinceCode, code: error.code, read }, 'change feed pull failed');
      return { system: source.system, cursorFrom, cursorTo: cursor, read, error: describe(error) };
    }
  }
}

function describe(error: ConnectorError): { code: string; message: string } {
  return { code: error.code, message: error.message };
}
