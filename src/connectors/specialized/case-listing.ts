/**
 * One province's cases in listing order (updatedAt, caseId), for the simulator's page-numbered
 * listing. A changed case is re-appended at the end (its new stamp is the latest) and its old
 * entry becomes a tombstone, so a change costs O(log n) instead of moving a million entries; a
 * Fenwick tree over live entries turns "page p of the cases updated after t" into two binary
 * searches.
 */
export interface ListingKey {
  updatedAtMs: number;
  caseId: string;
}

export class CaseListing<T extends ListingKey> {
  private readonly entries: (T | null)[] = [];
  /** The key each entry had when appended; tombstones keep theirs so the array stays sorted. */
  private readonly stamps: number[] = [];
  private readonly slotOf = new Map<T, number>();
  private tree = new Int32Array(1);
  private live = 0;

  /** Loads cases in any order; they are sorted once. */
  constructor(cases: readonly T[]) {
    const sorted = [...cases].sort(compareKeys);
    this.grow(Math.max(16, sorted.length * 2));
    for (const item of sorted) this.push(item);
  }

  get size(): number {
    return this.live;
  }

  /** Re-lists a case whose key changed to one later than every key listed (the software's clock only moves on). */
  moveToEnd(item: T): void {
    const slot = this.slotOf.get(item);
    if (slot !== undefined) {
      this.entries[slot] = null;
      this.add(slot, -1);
      this.live -= 1;
    }
    this.push(item);
  }

  /**
   * The live cases updated strictly after `sinceMs`, from the `offset`-th of them, at most
   * `count`; and how many live cases were updated after `sinceMs` in all.
   */
  page(sinceMs: number, offset: number, count: number): { items: T[]; total: number } {
    const start = this.firstStampAfter(sinceMs);
    const before = this.prefix(start);
    const total = this.live - before;
    const items: T[] = [];
    let slot = this.slotOfRank(before + offset + 1);
    while (slot < this.entries.length && items.length < count) {
      const item = this.entries[slot];
      if (item) items.push(item);
      slot += 1;
    }
    return { items, total };
  }

  private push(item: T): void {
    if (this.entries.length >= this.tree.length - 1) this.grow(this.tree.length * 2);
    const slot = this.entries.length;
    this.entries.push(item);
    this.stamps.push(item.updatedAtMs);
    this.slotOf.set(item, slot);
    this.add(slot, 1);
    this.live += 1;
  }

  private firstStampAfter(sinceMs: number): number {
    let low = 0;
    let high = this.stamps.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.stamps[middle] ?? 0) <= sinceMs) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Live entries in slots [0, end). */
  private prefix(end: number): number {
    let sum = 0;
    for (let index = end; index > 0; index -= index & -index) sum += this.tree[index] ?? 0;
    return sum;
  }

  /** The slot of the rank-th live entry (1-based), or the slot count when there are fewer. */
  private slotOfRank(rank: number): number {
    if (rank > this.live) return this.entries.length;
    let position = 0;
    let remaining = rank;
    for (let step = highestPowerOfTwo(this.tree.length - 1); step > 0; step >>= 1) {
      const next = position + step;
      if (next < this.tree.length && (this.tree[next] ?? 0) < remaining) {
        position = next;
        remaining -= this.tree[next] ?? 0;
      }
    }
    return position;
  }

  private add(slot: number, delta: number): void {
    for (let index = slot + 1; index < this.tree.length; index += index & -index) {
      this.tree[index] = (this.tree[index] ?? 0) + delta;
    }
  }

  /** Rebuilds the tree for a larger capacity, in O(n). */
  private grow(capacity: number): void {
    this.tree = new Int32Array(capacity + 1);
    this.entries.forEach((entry, slot) => {
      if (entry) this.tree[slot + 1] = (this.tree[slot + 1] ?? 0) + 1;
    });
    for (let index = 1; index < this.tree.length; index += 1) {
      const parent = index + (index & -index);
      if (parent < this.tree.length) this.tree[parent] = (this.tree[parent] ?? 0) + (this.tree[index] ?? 0);
    }
  }
}

function compareKeys(a: ListingKey, b: ListingKey): number {
  return a.updatedAtMs - b.updatedAtMs || (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0);
}

function highestPowerOfTwo(value: number): number {
  let power = 1;
  while (power * 2 <= value) power *= 2;
  return power;
}
