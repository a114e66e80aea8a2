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
  /**
   * Stores a page (or several, see `batchRecords`) in the transaction that also saves the cursor
   * after it; `firstSeq` is how many records this pull had read before these.
   */
  store(tx: Tx, items: readonly T[], firstSeq: number): Promise<void>;
}

/** Where a pull starts and what it does beside storing pages (a run's own progress). */
export interface PullOptions {
  /** Resume point: the run's cursorFrom, the cursor reached so far and the count read (default: the stored cursor). */
  resume?: { cursorFrom: string | null; cursor: string | null; read: number };
  /**
   * When to save the feed's shared cursor: after each page (default), only with the last page (a
   * full re-read), or never (the caller saves it once what was read is merged).
   */
  saveCursor?: 'each-page' | 'at-end' | 'never';
  /** Called in each page's transaction with the progress after the page. */
  onPage?: (tx: Tx, progress: RunSourceRecord) => Promise<void>;
  /**
   * Store pages together until they hold at least this many records (default: each page on its
   * own), or for at most `batchMs` (default 1 s): fewer, larger transactions for a bulk read,
   * while the run's progress still moves every second and an interrupted pull re-reads little.
   */
  batchRecords?: number;
  batchMs?: number;
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
  const saveCursor = options.saveCursor ?? 'each-page';
  const batch = Math.max(1, options.batchRecords ?? 1);
  const batchMs = options.batchMs ?? 1_000;
  let flushedAt = Date.now();
  // Pages read but not stored yet, and the cursor after the last of them.
  let held: T[] = [];
  let heldCursor = cursor;
  const flush = async (last: boolean): Promise<void> => {
    const items = held;
    const progress: RunSourceRecord = { system: feed.system, cursorFrom, cursorTo: heldCursor, read: read + items.length, error: null };
    await sql.begin(async (tx) => {
      await feed.store(tx, items, read);
      if ((saveCursor === 'each-page' || (last && saveCursor === 'at-end')) && heldCursor !== null) await cursors.save(tx, feed.system, feed.scope, heldCursor);
      if (options.onPage) await options.onPage(tx, progress);
    });
    held = [];
    read += items.length;
    cursor = heldCursor;
    flushedAt = Date.now();
  };
  try {
    // The next page is asked for while this one is stored: the system and PostgreSQL work at once.
    let next = feed.read(cursor);
    for (;;) {
      let page: ChangePage<T>;
      try {
        page = await next;
      } catch (error) {
        // What was read before a system failed is kept, as it would be page by page.
        if (held.length > 0 && isConnectorError(error)) await flush(false);
        throw error;
      }
      if (page.hasMore) {
        next = feed.read(page.nextCursor);
        // Its failure is handled when it is awaited; a store that fails first must not leave it unhandled.
        next.catch(() => undefined);
      }
      held = held.length === 0 ? page.items.slice() : held.concat(page.items);
      heldCursor = page.nextCursor;
      if (held.length >= batch || !page.hasMore || Date.now() - flushedAt >= batchMs) await flush(!page.hasMore);
      if (!page.hasMore) break;
    }
    return { system: feed.system, cursorFrom, cursorTo: cursor, read, error: null };
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    logger.warn({ system: feed.system, scope: feed.scope, code: error.code, read }, 'change feed pull failed');
    return { system: feed.system, cursorFrom, cursorTo: cursor, read, error: { code: error.code, message: error.message } };
  }
}
