import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface PersistedOperation {
  name: string | null;
  body: string;
}

/** The manifest graphql-codegen writes from operations/*.graphql (codegen/persisted-operations.cjs). */
export function loadPersistedOperations(file = new URL('../generated/persisted-operations.json', import.meta.url)): Map<string, PersistedOperation> {
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, PersistedOperation>;
  return new Map(Object.entries(manifest));
}

export type PersistedOutcome = { ok: true; query: string } | { ok: false; message: string };

/**
 * In production the hub runs only the operations of its manifest: a request names one by its
 * sha256 (`extensions.persistedQuery.sha256Hash`, the Apollo convention) or sends its exact text.
 * Anything else is refused before parsing, so arbitrary queries never reach the executor.
 */
export function resolvePersisted(manifest: ReadonlyMap<string, PersistedOperation>, query: unknown, extensions: unknown): PersistedOutcome {
  const hash = persistedHash(extensions);
  if (hash !== null) {
    const operation = manifest.get(hash);
    if (!operation) return { ok: false, message: 'this operation is not in the persisted-operations manifest' };
    if (typeof query === 'string' && query !== operation.body) return { ok: false, message: 'the query text does not match its persisted hash' };
    return { ok: true, query: operation.body };
  }
  if (typeof query === 'string' && manifest.has(createHash('sha256').update(query).digest('hex'))) return { ok: true, query };
  return { ok: false, message: 'only persisted operations are accepted here: send extensions.persistedQuery.sha256Hash of a manifest operation' };
}

function persistedHash(extensions: unknown): string | null {
  if (typeof extensions !== 'object' || extensions === null) return null;
  const pq = (extensions as { persistedQuery?: { sha256Hash?: unknown } }).persistedQuery;
  return typeof pq?.sha256Hash === 'string' ? pq.sha256Hash.toLowerCase() : null;
}
