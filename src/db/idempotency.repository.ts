import type { Sql } from 'postgres';

export type IdempotencyClaim =
  | { kind: 'CLAIMED' }
  | { kind: 'REPLAY'; response: Record<string, unknown> }
  | { kind: 'IN_FLIGHT' }
  | { kind: 'FINGERPRINT_MISMATCH' };

/** Idempotency-Key records of GraphQL push mutations (IETF httpapi-idempotency-key-header). */
export class IdempotencyRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Claims a key for a request. A key in flight for longer than `abandonAfterSeconds` belonged
   * to a request that died with its process: the new request takes it over.
   */
  async claim(system: string, key: string, fingerprint: string, abandonAfterSeconds: number): Promise<IdempotencyClaim> {
    const [inserted] = await this.sql<{ key: string }[]>`
      insert into idempotency_keys (system, key, fingerprint) values (${system}, ${key}, ${fingerprint})
      on conflict (system, key) do nothing returning key`;
    if (inserted) return { kind: 'CLAIMED' };
    const [row] = await this.sql<{ fingerprint: string; state: string; response: Record<string, unknown> | null; stale: boolean }[]>`
      select fingerprint, state, response, created_at < now() - make_interval(secs => ${abandonAfterSeconds}) as stale
      from idempotency_keys where system = ${system} and key = ${key}`;
    // Deleted by a failed request in between: try once more from the start.
    if (!row) return this.claim(system, key, fingerprint, abandonAfterSeconds);
    if (row.fingerprint !== fingerprint) return { kind: 'FINGERPRINT_MISMATCH' };
    if (row.state === 'COMPLETED' && row.response) return { kind: 'REPLAY', response: row.response };
    if (!row.stale) return { kind: 'IN_FLIGHT' };
    const [taken] = await this.sql<{ key: string }[]>`
      update idempotency_keys set created_at = now() where system = ${system} and key = ${key} and state = 'IN_FLIGHT'
        and created_at < now() - make_interval(secs => ${abandonAfterSeconds})
      returning key`;
    return taken ? { kind: 'CLAIMED' } : { kind: 'IN_FLIGHT' };
  }

  async complete(system: string, key: string, response: Record<string, unknown>): Promise<void> {
    await this.sql`
      update idempotency_keys set state = 'COMPLETED', response = ${this.sql.json(response as never)}, completed_at = now()
      where system = ${system} and key = ${key}`;
  }

  /** Frees a key whose request failed, so the client may retry with it. */
  async release(system: string, key: string): Promise<void> {
    await this.sql`delete from idempotency_keys where system = ${system} and key = ${key} and state = 'IN_FLIGHT'`;
  }

  /** Forgets completed keys older than the retention (the draft lets servers expire keys). */
  async expire(olderThanSeconds: number): Promise<number> {
    const rows = await this.sql`delete from idempotency_keys where created_at < now() - make_interval(secs => ${olderThanSeconds})`;
    return rows.count;
  }
}
