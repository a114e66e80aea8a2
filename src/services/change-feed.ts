import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import type { ChangePage } from '../connectors/connector.js';
import { isConnectorError } from '../connectors/connector-error.js';
import type { SystemId } from '../connectors/system-id.js';
import type { Tx } from '../db/client.js';
import type { RunSourceRecord } from '../db/schema.js';
import type { SyncCursorRepository } from '../db/sync-cursor.repository.js';

export interface ChangeFeed<T> {
  system: SystemId;
  /** What the cursor is kept for, e.g. `province:96`. */
  scope: string;
  read(cursor: string | null): Promise<ChangePage<T>>;
  /** Stores a page in the transaction that also saves the cursor after it. */
  store(tx: Tx, items: readonly T[]): Promise<void>;
}

/**
 * Reads a change feed from the stored cursor to its end. Each page and the cursor after it are
 * stored in one transaction, so an interrupted pull resumes exactly where it stopped and never
 * stores a page twice. A connector failure ends the pull with the error recorded (what was read
 * so far stays stored); any other failure is a defect and is thrown.
 */
export async function pullChangeFeed<T>(
  sql: Sql,
  cursors: SyncCursorRepository,
  feed: ChangeFeed<T>,
  logger: Logger,
): Promise<RunSourceRecord> {
  const cursorFrom = await cursors.cursor(feed.system, feed.scope);
  let cursor = cursorFrom;
  let read = 0;
  try {
    for (;;) {
      const page = await feed.read(cursor);
      await sql.begin(async (tx) => {
        await feed.store(tx, page.items);
        await cursors.save(tx, feed.system, feed.scope, page.nextCursor);
      });
      read += page.items.length;
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    return { system: feed.system, cursorFrom, cursorTo: cursor, read, error: null };
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    logger.warn({ system: feed.system, scope: feed.scope, code: error.code, read }, 'change feed pull failed');
    return { system: feed.system, cursorFrom, cursorTo: cursor, read, error: { code: error.code, message: error.message } };
  }
}
