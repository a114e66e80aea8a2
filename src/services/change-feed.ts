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

/** Where a pull starts and what it does beside storing pages (a run's own progress). */
export interface PullOptions {
  /** Resume point: the run's cursorFrom, the cursor reached so far and the count read (default: the stored cursor). */
  resume?: { cursorFrom: string | null; cursor: string | null; read: number };
  /** Save the feed's shared cursor after each page (default true). A full re-read saves it only at its end. */
  saveCursor?: boolean;
  /** Called in each page's transaction with the progress after the page. */
  onPage?: (tx: Tx, progress: RunSourceRecord) => Promise<void>;
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
  options: PullOptions = {},
): Promise<RunSourceRecord> {
  const cursorFrom = options.resume ? options.resume.cursorFrom : await cursors.cursor(feed.system, feed.scope);
  let cursor = options.resume ? options.resume.cursor : cursorFrom;
  let read = options.resume?.read ?? 0;
  const saveCursor = options.saveCursor ?? true;
  try {
    // The next page is asked for while this one is stored: the system and PostgreSQL work at once.
    let next = feed.read(cursor);
    for (;;) {
      const page = await next;
      if (page.hasMore) {
        next = feed.read(page.nextCursor);
        // Its failure is handled when it is awaited; a store that fails first must not leave it unhandled.
        next.catch(() => undefined);
      }
      const progress: RunSourceRecord = { system: feed.system, cursorFrom, cursorTo: page.nextCursor, read: read + page.items.length, error: null };
      await sql.begin(async (tx) => {
        await feed.store(tx, page.items);
        if (saveCursor || !page.hasMore) await cursors.save(tx, feed.system, feed.scope, page.nextCursor);
        if (options.onPage) await options.onPage(tx, progress);
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
