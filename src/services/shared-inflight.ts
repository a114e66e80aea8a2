/**
 * Shares identical upstream reads between concurrent requests: an id already being fetched is
 * not fetched again, the second caller waits for the first call's answer. Only in-flight reads
 * are shared; nothing is cached once the call settles (citizen data is never kept by the hub).
 */
export class SharedInflight<V> {
  private readonly inflight = new Map<string, Promise<V | undefined>>();

  async load(ids: readonly string[], fetch: (missing: readonly string[]) => Promise<ReadonlyMap<string, V>>): Promise<Map<string, V>> {
    const unique = [...new Set(ids)];
    const missing = unique.filter((id) => !this.inflight.has(id));
    if (missing.length > 0) {
      const call = fetch(missing);
      for (const id of missing) {
        const one = call.then((found) => found.get(id));
        // A failure reaches every caller through `waits` below; this branch only keeps the
        // rejection from counting as unhandled when no second caller is waiting.
        one.catch(() => undefined);
        this.inflight.set(id, one);
      }
      void call.then(
        () => missing.forEach((id) => this.inflight.delete(id)),
        () => missing.forEach((id) => this.inflight.delete(id)),
      );
    }
    const waits = unique.map(async (id) => [id, await this.inflight.get(id)] as const);
    const result = new Map<string, V>();
    for (const [id, value] of await Promise.all(waits)) if (value !== undefined) result.set(id, value);
    return result;
  }

  get size(): number {
    return this.inflight.size;
  }
}
