import type { Sql } from 'postgres';
import type { Tx } from './client.js';

/** Where each change feed was last read up to, per system and scope. */
export class SyncCursorRepository {
  constructor(private readonly sql: Sql) {}

  async cursor(system: string, scope: string): Promise<string | null> {
    const [row] = await this.sql<{ cursor: string }[]>`select cursor from sync_cursors where system = ${system} and scope = ${scope}`;
    return row?.cursor ?? null;
  }

  /** Saved in the caller's transaction, together with the page it follows. */
  async save(tx: Tx, system: string, scope: string, cursor: string): Promise<void> {
    await tx`
      insert into sync_cursors (system, scope, cursor) values (${system}, ${scope}, ${cursor})
      on conflict (system, scope) do update set cursor = excluded.cursor, updated_at = now()`;
  }
}
