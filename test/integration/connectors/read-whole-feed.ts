import type { DossierObservation, DossierSource } from '../../../src/connectors/connector.js';

export interface WholeFeed {
  /** The latest observation of each dossier read. */
  latest: Map<string, DossierObservation>;
  /** Items read, counting a dossier again each time it came back. */
  read: number;
  pages: number;
  cursor: string;
}

/**
 * Reads a change feed from `cursor` until it says there is no more, calling `between` after each
 * page (to change the system while it is being read).
 */
export async function readWholeFeed(
  source: DossierSource,
  provinceCode: string,
  options: { cursor?: string | null; limit?: number; between?: () => void } = {},
): Promise<WholeFeed> {
  const latest = new Map<string, DossierObservation>();
  let cursor = options.cursor ?? null;
  let read = 0;
  for (let pages = 1; pages <= 10_000; pages += 1) {
    const page = await source.dossierChanges(provinceCode, cursor, options.limit ?? 500);
    for (const item of page.items) latest.set(item.dossierCode, item);
    read += page.items.length;
    cursor = page.nextCursor;
    if (!page.hasMore) return { latest, read, pages, cursor };
    options.between?.();
  }
  throw new Error('the change feed did not end within 10,000 pages');
}
